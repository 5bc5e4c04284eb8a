using TensorForge.Runtime.Tests.Infrastructure;

namespace TensorForge.Runtime.Tests.Reliability;

/// <summary>Summary lines of the reliability tests ("safetensors mutations: 1500 tried, 0 failures"), for CI to grep.</summary>
/// <remarks>Each line goes to Console (shown by <c>dotnet test --logger "console;verbosity=detailed"</c>; the default verbosity
/// hides a passing test's output) and is appended to <c>artifacts/reliability.txt</c> under the repository root.</remarks>
internal static class ReliabilityReport
{
    private static readonly object s_lock = new();

    public static void Line(string text)
    {
        lock (s_lock)
        {
            Console.WriteLine(text);
            string folder = Path.Combine(TestFiles.RepositoryRoot, "artifacts");
            Directory.CreateDirectory(folder);
            File.AppendAllText(Path.Combine(folder, "reliability.txt"), text + Environment.NewLine);
        }
    }
}
