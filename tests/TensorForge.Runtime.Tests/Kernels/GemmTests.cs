using TensorForge.Kernels;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;

namespace TensorForge.Runtime.Tests.Kernels;

public class GemmTests
{
    public enum Layout { TransposedB, Plain, TransposedA }

    private static readonly int[] Small = [0, 1, 2, 3, 5, 7, 8, 9];

    /// <summary>Sizes around the register tile (8 rows × 2 vectors), the vector widths, the blocking (KC 512, MC 96,
    /// NC 1024; deeper blocks for narrow problems) and the dense layer the benchmark targets.</summary>
    private static readonly (int M, int K, int N)[] Large =
    [
        (31, 32, 33), (33, 31, 32), (32, 33, 31), (63, 64, 65), (65, 63, 64), (64, 65, 63),
        (127, 128, 129), (129, 127, 128), (128, 129, 127), (32, 784, 128), (1, 784, 128), (128, 784, 1),
        (13, 257, 17), (17, 513, 37), (200, 20, 520), (193, 40, 11), (11, 40, 600), (3, 1000, 2), (97, 101, 103),
        (8, 256, 32), (10, 500, 70), (64, 7, 64),
        // The unpacked small-batch paths (row dots up to 8 rows; streaming B up to 16 rows, or 32 with B in L2) and their
        // column remainders, and just past their limits.
        (2, 50, 127), (5, 300, 1000), (9, 300, 1000), (16, 1024, 100), (17, 600, 500), (20, 9, 61), (32, 600, 500), (32, 512, 512),
        (33, 100, 100),
        // Blocks of A packed (≥ 4 panels of B per block) with 7, 3 and 6 rows left over after whole strips.
        (199, 64, 160), (203, 64, 160), (150, 300, 256),
        // The same with k > 64, so that A·B and Aᵀ·B take the engine too (shallower sums stream B with AVX-512).
        (199, 80, 160), (203, 72, 160),
        // Just past one row block (MC 96) with three equal depth blocks (k 1100 > 2 × 512), and just past one column
        // block (NC 1024).
        (97, 1100, 257), (40, 80, 1100),
    ];

    public static TheoryData<Layout, int> LayoutsAndWidths()
    {
        var data = new TheoryData<Layout, int>();
        foreach (Layout layout in Enum.GetValues<Layout>())
            foreach (int width in Widths)
                data.Add(layout, width);
        return data;
    }

    [Theory]
    [MemberData(nameof(LayoutsAndWidths))]
    public void SmallSizesMatchReference(Layout layout, int width)
    {
        using var scope = LimitWidth(width);
        int seed = 0;
        foreach (int m in Small)
            foreach (int k in Small)
                foreach (int n in Small)
                {
                    Check(layout, m, k, n, accumulate: false, seed++);
                    Check(layout, m, k, n, accumulate: true, seed++);
                }
    }

    [Theory]
    [MemberData(nameof(LayoutsAndWidths))]
    public void LargeSizesMatchReference(Layout layout, int width)
    {
        using var scope = LimitWidth(width);
        int seed = 1000;
        foreach (var (m, k, n) in Large)
        {
            // The scalar path is slow; the sizes that matter for it are the edges, covered by the small ones.
            if (width == 4 && (long)m * k * n > 500_000)
                continue;
            Check(layout, m, k, n, accumulate: seed % 2 == 1, seed);
            seed++;
        }
    }

    [Theory]
    [InlineData(Layout.TransposedB, 256, 1024, 96)]
    [InlineData(Layout.TransposedB, 96, 1024, 256)]
    [InlineData(Layout.Plain, 256, 1024, 96)]
    [InlineData(Layout.TransposedA, 96, 1024, 256)]
    public void BigProblemMatchesReference(Layout layout, int m, int k, int n)
        => Check(layout, m, k, n, accumulate: true, seed: m + n);

    /// <summary>Cᵀ of A·Bᵀ with AVX-512 and whole 32-column panels packs B inside the first strip's micro-kernel and
    /// writes each tile transposed during the next call: one group of 8 steps (k = 8), two (the pack-ahead distance),
    /// three, several panels, rows left after whole strips, a single strip, and two depth blocks (the second adds).</summary>
    [Theory]
    [InlineData(32, 128, 64)]
    [InlineData(32, 8, 64)]
    [InlineData(32, 16, 72)]
    [InlineData(64, 24, 75)]
    [InlineData(32, 40, 9)]
    [InlineData(32, 136, 8)]
    [InlineData(96, 2048, 40)]
    public void TransposedOutputWithFusedPackingMatchesReference(int m, int k, int n)
    {
        foreach (int width in Widths)
        {
            using var scope = LimitWidth(width);
            Check(Layout.TransposedB, m, k, n, accumulate: false, seed: m * k + n);
            Check(Layout.TransposedB, m, k, n, accumulate: true, seed: m * k + n + 1);
        }
    }

    [Fact]
    public void LongerSpansUseOnlyTheLeadingElements()
    {
        const int m = 5, k = 7, n = 9;
        float[] a = Random(m * k + 3, 1), b = Random(k * n + 3, 2), c = new float[m * n + 3];
        c[^3] = c[^2] = c[^1] = 42f;
        Gemm.Multiply(a, b, c, m, k, n);
        Assert.Equal([42f, 42f, 42f], c[^3..]);
        double[] expected = Reference(Layout.Plain, a, b, new float[m * n], m, k, n, accumulate: false, out double[] tolerance);
        Near(expected, c.AsSpan(0, m * n), tolerance, "Multiply with long spans");
    }

    [Theory]
    [InlineData(Layout.TransposedB)]
    [InlineData(Layout.Plain)]
    [InlineData(Layout.TransposedA)]
    public void ZeroDepthClearsOrKeeps(Layout layout)
    {
        float[] c = [1f, 2f, 3f, 4f, 5f, 6f];
        Run(layout, [], [], c, 2, 0, 3, accumulate: true);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], c);
        Run(layout, [], [], c, 2, 0, 3, accumulate: false);
        Assert.Equal(new float[6], c);
    }

    [Fact]
    public void TooShortSpansThrowNamingTheSizes()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposedB(new float[100], new float[784 * 128], new float[32 * 128], 32, 784, 128));
        Assert.Contains("a has 100 elements but m×k = 32×784 needs 25088", e.Message);
        Assert.Equal("a", e.ParamName);

        e = Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposedB(new float[32 * 784], new float[10], new float[32 * 128], 32, 784, 128));
        Assert.Contains("b has 10 elements but n×k = 128×784 needs 100352", e.Message);

        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(new float[6], new float[12], new float[7], 2, 3, 4));
        Assert.Contains("c has 7 elements but m×n = 2×4 needs 8", e.Message);

        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(new float[6], new float[11], new float[8], 2, 3, 4));
        Assert.Contains("b has 11 elements but k×n = 3×4 needs 12", e.Message);

        e = Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposedA(new float[5], new float[12], new float[8], 2, 3, 4));
        Assert.Contains("a has 5 elements but k×m = 3×2 needs 6", e.Message);
    }

    [Theory]
    [InlineData(-1, 2, 3, "m")]
    [InlineData(1, -2, 3, "k")]
    [InlineData(1, 2, -3, "n")]
    public void NegativeSizesThrow(int m, int k, int n, string name)
    {
        foreach (Layout layout in Enum.GetValues<Layout>())
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => Run(layout, new float[64], new float[64], new float[64], m, k, n, false));
            Assert.Equal(name, e.ParamName);
        }
    }

    /// <summary>The small-batch paths sum each element in an order that does not depend on the other rows, so a sample's
    /// output is the same bits alone as in a batch of up to 8 (Dense forward and input gradient at inference batches).</summary>
    [Theory]
    [MemberData(nameof(LayoutsAndWidths))]
    public void SmallBatchRowsDoNotDependOnTheirNeighbours(Layout layout, int width)
    {
        using var scope = LimitWidth(width);
        foreach (var (k, n) in new[] { (784, 128), (37, 61), (5, 3) })
        {
            for (int m = 1; m <= 8; m++)
            {
                float[] a = Random(m * k, m), b = Random(k * n, 99), c = new float[m * n];
                Run(layout, a, b, c, m, k, n, accumulate: false);
                for (int row = 0; row < m; row++)
                {
                    float[] single = new float[k], alone = new float[n];
                    for (int p = 0; p < k; p++)
                        single[p] = layout == Layout.TransposedA ? a[p * m + row] : a[row * k + p];
                    Run(layout, single, b, alone, 1, k, n, accumulate: false);
                    for (int j = 0; j < n; j++)
                        Assert.True(BitConverter.SingleToInt32Bits(alone[j]) == BitConverter.SingleToInt32Bits(c[row * n + j]),
                            $"{layout} k={k} n={n}: row {row} of {m} column {j} is {c[row * n + j]:R} but {alone[j]:R} alone");
                }
            }
        }
    }

    /// <summary>Every path and split (column tiles, row tiles, Cᵀ, streaming, row dots) gives the same bits with one thread
    /// and with any other thread count (tiles are planned for MaxThreads even beyond the cores, so other tilings run here).</summary>
    [Theory]
    [InlineData(Layout.TransposedB, 1024, 256, 1024)]
    [InlineData(Layout.TransposedB, 32, 784, 128)]
    [InlineData(Layout.TransposedB, 300, 300, 300)]
    [InlineData(Layout.TransposedB, 5, 1000, 1000)]
    [InlineData(Layout.TransposedB, 64, 784, 256)] // Cᵀ, fused packing in every tile
    [InlineData(Layout.TransposedB, 63, 784, 256)] // Cᵀ: a whole-panel tile (fused) beside a partial one, against one unfused pass
    [InlineData(Layout.Plain, 32, 784, 128)]
    [InlineData(Layout.Plain, 200, 300, 100)]
    [InlineData(Layout.Plain, 12, 1024, 1024)]
    [InlineData(Layout.Plain, 200, 1000, 256)] // column tiles narrow enough for deeper blocks than the whole problem's
    [InlineData(Layout.TransposedA, 128, 32, 784)]
    [InlineData(Layout.TransposedA, 784, 32, 128)]
    [InlineData(Layout.TransposedA, 128, 96, 784)] // the engine (k > 64)
    [InlineData(Layout.Plain, 1000, 64, 1000)] // streaming, many rows
    public void ResultsDoNotDependOnTheThreadCount(Layout layout, int m, int k, int n)
    {
        float[] a = Random(m * k, 3), b = Random(k * n, 4), c0 = Random(m * n, 5);
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = 1;
            float[] serial = (float[])c0.Clone();
            Run(layout, a, b, serial, m, k, n, accumulate: true);
            foreach (int threads in new[] { 2, 3, 4, 7, 16 })
            {
                Gemm.MaxThreads = threads;
                float[] parallel = (float[])c0.Clone();
                Run(layout, a, b, parallel, m, k, n, accumulate: true);
                for (int i = 0; i < serial.Length; i++)
                    Assert.True(BitConverter.SingleToInt32Bits(serial[i]) == BitConverter.SingleToInt32Bits(parallel[i]),
                        $"{layout} {m}×{k}×{n}: element {i} is {parallel[i]:R} with {threads} threads but {serial[i]:R} with one");
            }
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    [Fact]
    public void MaxThreadsBelowOneIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MaxThreads = 0);
        Assert.True(Gemm.MaxThreads >= 1);
    }

    [Fact]
    public void SecondCallAllocatesNothing()
    {
        const int m = 32, k = 784, n = 128;
        float[] a = Random(m * k, 1), b = Random(n * k, 2), c = new float[m * n];
        Gemm.MultiplyTransposedB(a, b, c, m, k, n);
        Gemm.Multiply(c, b, a, m, n, k);
        Gemm.MultiplyTransposedA(c, a, b, n, m, k);

        Assert.Equal(0, SteadyStateAllocation.Least(() =>
        {
            Gemm.MultiplyTransposedB(a, b, c, m, k, n);
            Gemm.Multiply(c, b, a, m, n, k);
            Gemm.MultiplyTransposedA(c, a, b, n, m, k, accumulate: true);
        }));
    }

    private static void Check(Layout layout, int m, int k, int n, bool accumulate, int seed)
    {
        float[] a = Random(m * k, seed), b = Random(k * n, seed + 7919);
        // Overwrite must not read C: start from NaN. Accumulate starts from values to add to.
        float[] c = accumulate ? Random(m * n, seed + 104729) : Enumerable.Repeat(float.NaN, m * n).ToArray();
        double[] expected = Reference(layout, a, b, c, m, k, n, accumulate, out double[] tolerance);
        Run(layout, a, b, c, m, k, n, accumulate);
        Near(expected, c, tolerance, $"{layout} m={m} k={k} n={n} accumulate={accumulate}");
    }

    private static void Run(Layout layout, float[] a, float[] b, float[] c, int m, int k, int n, bool accumulate)
    {
        switch (layout)
        {
            case Layout.TransposedB: Gemm.MultiplyTransposedB(a, b, c, m, k, n, accumulate); break;
            case Layout.Plain: Gemm.Multiply(a, b, c, m, k, n, accumulate); break;
            default: Gemm.MultiplyTransposedA(a, b, c, m, k, n, accumulate); break;
        }
    }

    /// <summary>The plain triple loop in double. The tolerance is float rounding over a sum of k products:
    /// (k + 2)·2⁻²³·Σ|a·b| (plus |c| when accumulating), a bound any summation order meets.</summary>
    private static double[] Reference(Layout layout, float[] a, float[] b, float[] c, int m, int k, int n, bool accumulate, out double[] tolerance)
    {
        var expected = new double[m * n];
        tolerance = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = accumulate ? c[i * n + j] : 0, magnitude = accumulate ? Math.Abs(c[i * n + j]) : 0;
                for (int p = 0; p < k; p++)
                {
                    double x = layout == Layout.TransposedA ? a[p * m + i] : a[i * k + p];
                    double y = layout == Layout.TransposedB ? b[j * k + p] : b[p * n + j];
                    sum += x * y;
                    magnitude += Math.Abs(x * y);
                }
                expected[i * n + j] = sum;
                tolerance[i * n + j] = (k + 2) * 1.2e-7 * magnitude + 1e-30;
            }
        return expected;
    }
}
