using TensorForge.Kernels;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;
using static TensorForge.Runtime.Tests.Kernels.Pooling.PoolingReference;

namespace TensorForge.Runtime.Tests.Kernels.Pooling;

public class MaxPool2DTests
{
    public static TheoryData<int> Cases() => GeometryIndices();

    /// <summary>Values from a small set, so windows tie often (also across overlapping windows), with −0 and +0 among them.</summary>
    internal static float[] TiedValues(int length, int seed)
    {
        var random = new Random(seed);
        float[] choices = [-1.5f, -0.5f, -0f, 0f, 0.5f, 1f, 1f, 2f];
        return Enumerable.Range(0, length).Select(_ => choices[random.Next(choices.Length)]).ToArray();
    }

    internal static void SameBits(float[] expected, ReadOnlySpan<float> actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]:R} (0x{BitConverter.SingleToInt32Bits(actual[i]):X8}) but expected " +
                    $"{expected[i]:R} (0x{BitConverter.SingleToInt32Bits(expected[i]):X8}).");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_backward_match_pytorchs_loops_bit_for_bit_at_every_width(int geometry)
    {
        Pool2DGeometry g = Geometries[geometry];
        foreach (int width in Widths)
        {
            using var scope = LimitWidth(width);
            foreach (int batch in g.InputSize <= 2_000 ? new[] { 1, 3, 16 } : [1, 3])
            {
                string what = $"{g} batch {batch} width {width}";
                float[] x = TiedValues(batch * g.InputSize, geometry * 100 + batch);
                float[] dy = Random(batch * g.OutputSize, batch + 7);
                (float[] expected, _) = MaxForward(x, batch, g);

                var y = new float[batch * g.OutputSize + 5];
                Array.Fill(y, 77f);
                MaxPool2D.Forward(x, y, batch, g);
                SameBits(expected, y, "forward " + what);
                Assert.All(y[^5..], v => Assert.Equal(77f, v)); // nothing past batch × OutputSize

                var dx = new float[batch * g.InputSize];
                Array.Fill(dx, float.NaN); // overwritten, not added to
                MaxPool2D.Backward(x, dy, dx, batch, g);
                SameBits(MaxBackwardInPyTorchOrder(x, dy, batch, g), dx, "backward " + what);

                double[] reference = MaxBackward(x, dy, batch, g);
                double[] tolerance = reference.Select(_ => Coverage(g) * 1.2e-7 * 2).ToArray(); // |dy| < 1, at most Coverage adds
                Near(reference, dx, tolerance, "backward vs double " + what);
            }
        }
    }

    [Fact]
    public void Ties_go_to_the_first_maximum_in_scan_order_also_across_overlapping_windows()
    {
        // 2×2 windows, stride 1: the 5s are shared by overlapping windows.
        float[] x =
        [
            5, 5, 1, 5,
            5, 2, 5, 0,
            0, 0, 0, 0,
        ];
        var g = G(1, 3, 4, 2, 2, 1, 1, 0, 0);
        var y = new float[6];
        MaxPool2D.Forward(x, y, 1, g);
        Assert.Equal([5f, 5f, 5f, 5f, 5f, 5f], y);

        float[] dy = [1, 10, 100, 1000, 10000, 100000];
        var dx = new float[12];
        MaxPool2D.Backward(x, dy, dx, 1, g);
        // Windows (0,0) → x[0,0]; (0,1) → x[0,1]; (0,2) = {1, 5, 5, 0} → x[0,3]; (1,0) → x[1,0]; (1,1) = {2, 5, 0, 0} → x[1,2];
        // (1,2) = {5, 0, 0, 0} → x[1,2] as well, so x[1,2] receives 10000 + 100000.
        Assert.Equal([1f, 10f, 0f, 100f, 1000f, 0f, 110000f, 0f, 0f, 0f, 0f, 0f], dx);
    }

    [Fact]
    public void Signed_zeros_nan_and_negative_infinity_follow_pytorch()
    {
        // One row, windows of 2, stride 1: [−0, +0] → −0 (the first); [+0, −0] → +0.
        var pairs = G(1, 1, 3, 1, 2, 1, 1, 0, 0);
        var y = new float[2];
        MaxPool2D.Forward([-0f, 0f, -0f], y, 1, pairs);
        Assert.Equal([int.MinValue, 0], y.Select(BitConverter.SingleToInt32Bits));

        // NaN wins and the gradient goes to the last NaN of the window.
        var whole = G(1, 1, 4, 1, 4, 1, 1, 0, 0);
        float nan1 = BitConverter.Int32BitsToSingle(0x7FC0_0001), nan2 = BitConverter.Int32BitsToSingle(0x7FC0_0002);
        float[] x = [1, nan1, 3, nan2];
        var one = new float[1];
        MaxPool2D.Forward(x, one, 1, whole);
        Assert.Equal(0x7FC0_0002, BitConverter.SingleToInt32Bits(one[0]));
        var dx = new float[4];
        MaxPool2D.Backward(x, [2f], dx, 1, whole);
        Assert.Equal([0f, 0f, 0f, 2f], dx);

        // A window of −∞ (with padding) gives −∞ and sends its gradient to its first element inside the input.
        var padded = G(1, 1, 2, 1, 3, 1, 1, 0, 1);
        MaxPool2D.Forward([float.NegativeInfinity, float.NegativeInfinity], y, 1, padded);
        Assert.Equal([float.NegativeInfinity, float.NegativeInfinity], y);
        dx = new float[2];
        MaxPool2D.Backward([float.NegativeInfinity, float.NegativeInfinity], [1f, 10f], dx, 1, padded);
        Assert.Equal([11f, 0f], dx);
    }

    [Fact]
    public void Special_values_in_wide_rows_take_the_vector_paths_and_still_match()
    {
        float[] specials = [float.NaN, BitConverter.Int32BitsToSingle(0x7FC0_1234), float.NegativeInfinity, float.PositiveInfinity, -0f, 0f, 1f, -1f];
        foreach (Pool2DGeometry g in new[] { G(2, 6, 90, 3, 3, 2, 2, 1, 1), G(1, 5, 70, 2, 3, 1, 1, 0, 1), G(1, 4, 120, 3, 3, 1, 3, 1, 1) })
            foreach (int width in Widths)
            {
                using var scope = LimitWidth(width);
                var random = new Random(width);
                float[] x = Enumerable.Range(0, 2 * g.InputSize).Select(_ => specials[random.Next(specials.Length)]).ToArray();
                float[] dy = Random(2 * g.OutputSize, 3);
                var y = new float[2 * g.OutputSize];
                MaxPool2D.Forward(x, y, 2, g);
                SameBits(MaxForward(x, 2, g).Output, y, $"forward {g} width {width}");
                var dx = new float[2 * g.InputSize];
                MaxPool2D.Backward(x, dy, dx, 2, g);
                SameBits(MaxBackwardInPyTorchOrder(x, dy, 2, g), dx, $"backward {g} width {width}");
            }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(13)]
    public void Backward_matches_finite_differences_of_forward(int geometry)
    {
        Pool2DGeometry g = Geometries[geometry];
        const int batch = 2;
        // Distinct values 0.01 apart, so a step of 0.001 never changes an arg-max.
        var random = new Random(geometry);
        float[] x = Enumerable.Range(0, batch * g.InputSize).OrderBy(_ => random.Next()).Select(i => 0.01f * i - 3f).ToArray();
        float[] r = Random(batch * g.OutputSize, 11);
        var dx = new float[x.Length];
        MaxPool2D.Backward(x, r, dx, batch, g);

        var y = new float[batch * g.OutputSize];
        double Loss(float[] input)
        {
            MaxPool2D.Forward(input, y, batch, g);
            return y.Select((v, i) => (double)v * r[i]).Sum();
        }
        const float h = 1e-3f;
        for (int i = 0; i < x.Length; i += Math.Max(1, x.Length / 300))
        {
            float saved = x[i];
            x[i] = saved + h;
            double plus = Loss(x);
            x[i] = saved - h;
            double minus = Loss(x);
            x[i] = saved;
            double numeric = (plus - minus) / ((double)(saved + h) - (saved - h));
            Assert.True(Math.Abs(numeric - dx[i]) <= 1e-3 * (1 + Math.Abs(dx[i])), $"{g}: dL/dx[{i}] is {dx[i]} but finite differences give {numeric}");
        }
    }

    [Fact]
    public void Bad_arguments_throw_before_writing_and_name_the_sizes()
    {
        var g = G(2, 4, 4, 2, 2, 2, 2, 0, 0); // 32 in, 8 out per sample
        var output = new float[16];
        var e = Assert.Throws<ArgumentException>(() => MaxPool2D.Forward(new float[63], output, 2, g));
        Assert.Contains("input has 63 elements but batch×g.InputSize = 2×32 needs 64", e.Message);
        e = Assert.Throws<ArgumentException>(() => MaxPool2D.Forward(new float[64], new float[15], 2, g));
        Assert.Contains("output has 15 elements but batch×g.OutputSize = 2×8 needs 16", e.Message);
        float[] dx = Enumerable.Repeat(9f, 64).ToArray();
        e = Assert.Throws<ArgumentException>(() => MaxPool2D.Backward(new float[64], new float[15], dx, 2, g));
        Assert.Contains("outputGradient has 15 elements but batch×g.OutputSize = 2×8 needs 16", e.Message);
        e = Assert.Throws<ArgumentException>(() => MaxPool2D.Backward(new float[64], new float[16], new float[63], 2, g));
        Assert.Contains("inputGradient has 63 elements but batch×g.InputSize = 2×32 needs 64", e.Message);
        e = Assert.Throws<ArgumentException>(() => MaxPool2D.Backward(new float[63], new float[16], dx, 2, g));
        Assert.Contains("input has 63 elements", e.Message);
        Assert.All(dx, v => Assert.Equal(9f, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => MaxPool2D.Forward(new float[64], output, -1, g));
        e = Assert.Throws<ArgumentException>(() => MaxPool2D.Forward(new float[64], output, 2, default));
        Assert.Contains("default(Pool2DGeometry)", e.Message);
        MaxPool2D.Forward([], [], 0, g); // an empty batch is fine
    }
}
