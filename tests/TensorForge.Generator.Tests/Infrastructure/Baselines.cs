namespace TensorForge.Generator.Tests.Infrastructure;

/// <summary>Checked-in expected generator output in <c>Baselines/</c>.
/// To regenerate after an intended change, run the tests with <c>TENSORFORGE_UPDATE_BASELINES=1</c>
/// (e.g. <c>TENSORFORGE_UPDATE_BASELINES=1 dotnet test tests/TensorForge.Generator.Tests</c>): the baseline files in the source
/// folder are rewritten with the current output; review the diff like code and commit it.</summary>
internal static class Baselines
{
    public const string UpdateVariable = "TENSORFORGE_UPDATE_BASELINES";

    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>Compares <paramref name="actual"/> with <c>Baselines/{name}.cs</c> (line endings normalised), or rewrites the file in
    /// the source tree when <see cref="Updating"/>.</summary>
    public static void Verify(string name, string actual)
    {
        actual = Normalize(actual);
        string fileName = name + ".cs";
        if (Updating)
        {
            string folder = Path.Combine(SourceProjectFolder(), "Baselines");
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, fileName), actual);
            return;
        }
        string path = Path.Combine(AppContext.BaseDirectory, "Baselines", fileName);
        Assert.True(File.Exists(path), $"Missing baseline {fileName}; run the tests with {UpdateVariable}=1 to create it.");
        string expected = Normalize(File.ReadAllText(path));
        if (expected != actual)
        {
            string[] e = expected.Split('\n'), a = actual.Split('\n');
            int line = 0;
            while (line < e.Length && line < a.Length && e[line] == a[line]) line++;
            Assert.Fail($"Generated source differs from Baselines/{fileName} at line {line + 1}:{Environment.NewLine}" +
                $"expected: {(line < e.Length ? e[line] : "<end of file>")}{Environment.NewLine}" +
                $"actual:   {(line < a.Length ? a[line] : "<end of file>")}{Environment.NewLine}" +
                $"If the change is intended, run the tests with {UpdateVariable}=1 and review the baseline diff.");
        }
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n");

    /// <summary>tests/TensorForge.Generator.Tests in the source tree, found by walking up to Generator.sln.</summary>
    private static string SourceProjectFolder()
    {
        for (DirectoryInfo? directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Generator.sln")))
            {
                return Path.Combine(directory.FullName, "tests", "TensorForge.Generator.Tests");
            }
        }
        throw new InvalidOperationException("Generator.sln not found above " + AppContext.BaseDirectory);
    }
}
