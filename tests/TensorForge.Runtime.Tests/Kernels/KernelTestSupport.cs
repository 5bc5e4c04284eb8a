using TensorForge.Kernels;

namespace TensorForge.Runtime.Tests.Kernels;

/// <summary>Shared pieces of the kernel tests: reproducible data, reference comparisons and vector-width control.</summary>
internal static class KernelTestSupport
{
    /// <summary>Widest vector in bytes the kernels may use: 0 = whatever the machine has, then AVX2, SSE/NEON, scalar.</summary>
    public static readonly int[] Widths = [0, 32, 16, 4];

    public static TheoryData<int> WidthData()
    {
        var data = new TheoryData<int>();
        foreach (int width in Widths)
            data.Add(width);
        return data;
    }

    /// <summary>Restricts the kernels on this thread to vectors of at most <paramref name="maxBytes"/> until disposed.</summary>
    public static WidthScope LimitWidth(int maxBytes) => new(maxBytes);

    public readonly struct WidthScope : IDisposable
    {
        private readonly int _previous;
        public WidthScope(int maxBytes)
        {
            _previous = SimdWidth.t_maxBytes;
            SimdWidth.t_maxBytes = maxBytes;
        }
        public void Dispose() => SimdWidth.t_maxBytes = _previous;
    }

    /// <summary>Uniform values in [low, high), the same for the same seed.</summary>
    public static float[] Random(int length, int seed, float low = -1f, float high = 1f)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
            values[i] = low + (float)random.NextDouble() * (high - low);
        return values;
    }

    /// <summary>Asserts |actual − expected| ≤ tolerance element by element, naming the first index that fails.</summary>
    public static void Near(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, ReadOnlySpan<double> tolerance, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            if (!(error <= tolerance[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]:R} but expected {expected[i]:R} (error {error:E2} > {tolerance[i]:E2}).");
        }
    }

    /// <summary>Asserts a relative-plus-absolute tolerance, for element-wise kernels with no reduction.</summary>
    public static void Near(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double relative, double absolute, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            double tolerance = relative * Math.Abs(expected[i]) + absolute;
            if (!(error <= tolerance))
                Assert.Fail($"{what}: element {i} is {actual[i]:R} but expected {expected[i]:R} (error {error:E2} > {tolerance:E2}).");
        }
    }
}
