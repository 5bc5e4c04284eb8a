namespace TensorForge.Tests.Shared;

/// <summary>Summary lines of the fuzzing and reliability tests ("bad-input cases: 163 tried, 0 failures"), for CI to print.</summary>
/// <remarks>Each line goes to Console (shown by <c>dotnet test --logger "console;verbosity=detailed"</c>; the default verbosity
/// hides a passing test's output) and is appended to <c>artifacts/reliability.txt</c> under the repository root (the folder
/// holding Generator.sln), which <c>.ci/run</c> prints. Compiled into every test project (tests/Directory.Build.props).</remarks>
internal static class ReliabilityReport
{
    private static readonly object s_lock = new();

    public static void Line(string text)
    {
        lock (s_lock)
        {
            Console.WriteLine(text);
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Generator.sln")))
                folder = folder.Parent;
            if (folder is null)
                return;
            string artifacts = Path.Combine(folder.FullName, "artifacts");
            Directory.CreateDirectory(artifacts);
            File.AppendAllText(Path.Combine(artifacts, "reliability.txt"), text + Environment.NewLine);
        }
    }
}
