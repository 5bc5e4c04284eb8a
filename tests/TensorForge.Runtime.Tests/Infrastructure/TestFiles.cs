namespace TensorForge.Runtime.Tests.Infrastructure;

/// <summary>Paths of checked-in test data and scratch folders.</summary>
internal static class TestFiles
{
    /// <summary>The repository root: the nearest folder above the test binaries that holds Generator.sln.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Mnist(string fileName) => Path.Combine(RepositoryRoot, "data", "mnist-10k", fileName);

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Generator.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException($"No folder above '{AppContext.BaseDirectory}' contains Generator.sln.");
    }
}

/// <summary>A fresh empty folder, deleted on dispose.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    public TemporaryFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tensorforge-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string[] Files() => Directory.GetFiles(Path).Select(System.IO.Path.GetFileName).ToArray()!;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
