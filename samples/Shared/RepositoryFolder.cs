using System;
using System.IO;

namespace TensorForge.Samples
{
    /// <summary>Finds a folder of the repository a sample was built in, so a sample runs from any working directory.</summary>
    internal static class RepositoryFolder
    {
        private const string RepositoryMarker = "Generator.sln";

        /// <summary>Walks up from the program's folder (bin/…, or artifacts/aot for the native binary) to the folder that holds
        /// <c>Generator.sln</c> and returns <paramref name="relativePath"/> (e.g. <c>data/mnist-10k</c>) under it.</summary>
        /// <param name="what">What the folder holds, for the message (e.g. "the MNIST folder").</param>
        /// <exception cref="DirectoryNotFoundException">No folder above the program holds <c>Generator.sln</c>.</exception>
        public static string Find(string relativePath, string what)
        {
            for (DirectoryInfo? folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, RepositoryMarker)))
                    return Path.Combine(folder.FullName, relativePath);
            }
            throw new DirectoryNotFoundException(
                $"No folder above '{AppContext.BaseDirectory}' holds {RepositoryMarker}; pass {what} with --data DIR");
        }
    }
}
