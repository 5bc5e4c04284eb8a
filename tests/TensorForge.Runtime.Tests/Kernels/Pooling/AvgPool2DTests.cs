using TensorForge.Kernels;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;
using static TensorForge.Runtime.Tests.Kernels.Pooling.MaxPool2DTests;
using static TensorForge.Runtime.Tests.Kernels.Pooling.PoolingReference;

namespace TensorForge.Runtime.Tests.Kernels.Pooling;

public class AvgPool2DTests
{
    public static TheoryData<int> Cases() => GeometryIndices();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_backward_match_the_double_reference_and_pytorchs_float_loops_at_every_width(int geometry)
    {
        Pool2DGeometry g = Geometries[geometry];
        int window = g.KernelHeight * g.KernelWidth;
        foreach (int width in Widths)
        {
            using var scope = LimitWidth(width);
            foreach (int batch in g.InputSize <= 2_000 ? new[] { 1, 3, 16 } : [1, 3])
            {
                string what = $"{g} batch {batch} width {width}";
                float[] x = Random(batch * g.InputSize, geometry * 100 + batch);
                float[] dy = Random(batch * g.OutputSize, batch + 7);

                var y = new float[batch * g.OutputSize + 5];
                Array.Fill(y, 77f);
                AvgPool2D.Forward(x, y, batch, g);
                // |x| < 1: a window's sum is off by at most (window − 1) roundings of at most window, then one division.
                double[] tolerance = Enumerable.Repeat((window + 1) * 6e-8, batch * g.OutputSize).ToArray();
                Near(AvgForward(x, batch, g), y, tolerance, "forward " + what);
                SameBits(AvgForwardInPyTorchOrder(x, batch, g), y, "forward in PyTorch's order " + what);
                Assert.All(y[^5..], v => Assert.Equal(77f, v));

                var dx = new float[batch * g.InputSize];
                Array.Fill(dx, float.NaN); // overwritten, not added to
                AvgPool2D.Backward(dy, dx, batch, g);
                double[] backwardTolerance = Enumerable.Repeat((Coverage(g) + 1) * 1.2e-7, batch * g.InputSize).ToArray();
                Near(AvgBackward(dy, batch, g), dx, backwardTolerance, "backward " + what);
                SameBits(AvgBackwardInPyTorchOrder(dy, batch, g), dx, "backward in PyTorch's order " + what);
            }
        }
    }

    [Fact]
    public void Padding_counts_as_zeros_in_the_divisor()
    {
        // 3×3 windows, padding 1, on a 2×2 input of ones: every window holds 4 ones and 5 padding zeros → 4/9.
        var g = G(1, 2, 2, 3, 3, 1, 1, 1, 1);
        var y = new float[4];
        AvgPool2D.Forward([1f, 1f, 1f, 1f], y, 1, g);
        Assert.All(y, v => Assert.Equal(4f / 9f, v));
        var dx = new float[4];
        AvgPool2D.Backward([9f, 18f, 27f, 36f], dx, 1, g);
        Assert.All(dx, v => Assert.Equal(10f, v)); // every element lies in all four windows: (9 + 18 + 27 + 36) / 9
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(13)]
    [InlineData(17)]
    public void Backward_matches_finite_differences_of_forward(int geometry)
    {
        Pool2DGeometry g = Geometries[geometry];
        const int batch = 2;
        float[] x = Random(batch * g.InputSize, geometry);
        float[] r = Random(batch * g.OutputSize, 11);
        var dx = new float[x.Length];
        AvgPool2D.Backward(r, dx, batch, g);
        var y = new float[batch * g.OutputSize];
        double Loss(float[] input)
        {
            AvgPool2D.Forward(input, y, batch, g);
            return y.Select((v, i) => (double)v * r[i]).Sum();
        }
        const float h = 1e-2f;
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
        var g = G(2, 4, 4, 2, 2, 2, 2, 0, 0);
        var e = Assert.Throws<ArgumentException>(() => AvgPool2D.Forward(new float[64], new float[15], 2, g));
        Assert.Contains("output has 15 elements but batch×g.OutputSize = 2×8 needs 16", e.Message);
        e = Assert.Throws<ArgumentException>(() => AvgPool2D.Forward(new float[10], new float[16], 2, g));
        Assert.Contains("input has 10 elements but batch×g.InputSize = 2×32 needs 64", e.Message);
        float[] dx = Enumerable.Repeat(9f, 63).ToArray();
        e = Assert.Throws<ArgumentException>(() => AvgPool2D.Backward(new float[16], dx, 2, g));
        Assert.Contains("inputGradient has 63 elements but batch×g.InputSize = 2×32 needs 64", e.Message);
        Assert.All(dx, v => Assert.Equal(9f, v));
        e = Assert.Throws<ArgumentException>(() => AvgPool2D.Backward(new float[7], new float[64], 2, g));
        Assert.Contains("outputGradient has 7 elements but batch×g.OutputSize = 2×8 needs 16", e.Message);
        Assert.Throws<ArgumentException>(() => AvgPool2D.Backward(new float[16], new float[64], 2, default));
    }
}

public class GlobalAvgPoolTests
{
    [Fact]
    public void Forward_and_backward_match_the_double_reference()
    {
        foreach (int width in Widths)
        {
            using var scope = LimitWidth(width);
            foreach (int batch in new[] { 1, 3, 16 })
                foreach (int channels in new[] { 1, 5, 64 })
                    foreach (int spatial in new[] { 1, 2, 3, 7, 16, 49, 64, 100, 1024 })
                    {
                        string what = $"batch {batch} channels {channels} spatial {spatial} width {width}";
                        float[] x = Random(batch * channels * spatial, batch + channels + spatial);
                        var y = new float[batch * channels];
                        GlobalAvgPool.Forward(x, y, batch, channels, spatial);
                        double[] expected = Enumerable.Range(0, batch * channels)
                            .Select(p => x.Skip(p * spatial).Take(spatial).Sum(v => (double)v) / spatial).ToArray();
                        // |x| < 1: each lane of the vector sum adds about spatial / 16 values, then the lanes are added.
                        Near(expected, y, Enumerable.Repeat((spatial / 16.0 + 16) * 1.2e-7, expected.Length).ToArray(), "forward " + what);

                        float[] dy = Random(batch * channels, 5);
                        var dx = new float[x.Length];
                        Array.Fill(dx, float.NaN);
                        GlobalAvgPool.Backward(dy, dx, batch, channels, spatial);
                        double[] expectedDx = Enumerable.Range(0, x.Length).Select(i => (double)dy[i / spatial] / spatial).ToArray();
                        Near(expectedDx, dx, 6e-8, 0, "backward " + what);
                    }
        }
    }

    [Fact]
    public void Backward_matches_finite_differences_of_forward()
    {
        const int batch = 2, channels = 3, spatial = 10;
        float[] x = Random(batch * channels * spatial, 1);
        float[] r = Random(batch * channels, 2);
        var dx = new float[x.Length];
        GlobalAvgPool.Backward(r, dx, batch, channels, spatial);
        var y = new float[batch * channels];
        for (int i = 0; i < x.Length; i++)
        {
            float saved = x[i];
            x[i] = saved + 1e-2f;
            GlobalAvgPool.Forward(x, y, batch, channels, spatial);
            double plus = y.Select((v, j) => (double)v * r[j]).Sum();
            x[i] = saved - 1e-2f;
            GlobalAvgPool.Forward(x, y, batch, channels, spatial);
            double minus = y.Select((v, j) => (double)v * r[j]).Sum();
            x[i] = saved;
            double numeric = (plus - minus) / ((double)(saved + 1e-2f) - (saved - 1e-2f));
            Assert.True(Math.Abs(numeric - dx[i]) <= 1e-4, $"dL/dx[{i}] is {dx[i]} but finite differences give {numeric}");
        }
    }

    [Fact]
    public void Bad_arguments_throw_and_name_the_sizes()
    {
        var e = Assert.Throws<ArgumentException>(() => GlobalAvgPool.Forward(new float[23], new float[6], 2, 3, 4));
        Assert.Contains("input has 23 elements but batch×channels×spatial = 2×3×4 needs 24", e.Message);
        e = Assert.Throws<ArgumentException>(() => GlobalAvgPool.Forward(new float[24], new float[5], 2, 3, 4));
        Assert.Contains("output has 5 elements but batch×channels = 2×3 needs 6", e.Message);
        e = Assert.Throws<ArgumentException>(() => GlobalAvgPool.Backward(new float[6], new float[23], 2, 3, 4));
        Assert.Contains("inputGradient has 23 elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => GlobalAvgPool.Backward(new float[5], new float[24], 2, 3, 4));
        Assert.Contains("outputGradient has 5 elements", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => GlobalAvgPool.Forward(new float[24], new float[6], 2, 3, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GlobalAvgPool.Forward(new float[24], new float[6], -2, 3, 4));
    }
}
