namespace TensorForge.EndToEnd.Tests;

internal static class TestData
{
    /// <summary>Deterministic values uniform in [lo, hi).</summary>
    public static float[] Uniform(int count, int seed, float lo = -1f, float hi = 1f)
    {
        var random = new SeededRandom(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = lo + (hi - lo) * random.NextSingle();
        return values;
    }

    public static int[] Labels(int count, int classes, int seed)
    {
        var random = new SeededRandom(seed);
        var labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = random.NextInt32(classes);
        return labels;
    }

    /// <summary>The repository root (the folder holding Generator.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Generator.sln"))) return dir.FullName;
            }
            throw new DirectoryNotFoundException("Generator.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
