using TensorForge.Kernels;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;

namespace TensorForge.Runtime.Tests.Kernels;

public class BiasTests
{
    [Fact]
    public void AddAndGradientMatchReference()
    {
        foreach (int rows in new[] { 0, 1, 3, 32 })
            foreach (int cols in Enumerable.Range(0, 257).Where(c => c < 40 || c % 13 == 0).Concat([1000, 4099]))
            {
                float[] x = Random(rows * cols, rows + cols), bias = Random(cols, cols + 1);
                double[] expected = x.Select((v, i) => (double)v + bias[i % Math.Max(cols, 1)]).ToArray();
                Bias.Add(x, bias, rows, cols);
                Near(expected, x, 1e-7, 1e-7, $"Bias.Add {rows}×{cols}");

                float[] gradient = Random(cols, cols + 2);
                var expectedGradient = new double[cols];
                var tolerance = new double[cols];
                for (int c = 0; c < cols; c++)
                {
                    double sum = gradient[c], magnitude = Math.Abs(gradient[c]);
                    for (int r = 0; r < rows; r++)
                    {
                        sum += x[r * cols + c];
                        magnitude += Math.Abs(x[r * cols + c]);
                    }
                    expectedGradient[c] = sum;
                    tolerance[c] = (rows + 1) * 1.2e-7 * magnitude;
                }
                Bias.AccumulateGradient(x, gradient, rows, cols);
                Near(expectedGradient, gradient, tolerance, $"Bias.AccumulateGradient {rows}×{cols}");
            }
    }

    [Fact]
    public void TooShortSpansThrow()
    {
        var e = Assert.Throws<ArgumentException>(() => Bias.Add(new float[5], new float[3], 2, 3));
        Assert.Contains("x has 5 elements but rows×cols = 2×3 needs 6", e.Message);
        Assert.Throws<ArgumentException>(() => Bias.Add(new float[6], new float[2], 2, 3));
        Assert.Throws<ArgumentException>(() => Bias.AccumulateGradient(new float[6], new float[2], 2, 3));
        Assert.Throws<ArgumentException>(() => Bias.AccumulateGradient(new float[5], new float[3], 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Bias.Add(new float[6], new float[3], 2, -3));
    }
}

public class DropoutTests
{
    [Fact]
    public void ZeroProbabilityIsIdentity()
    {
        float[] x = Random(100, 1), y = new float[100], mask = new float[100];
        var random = new SeededRandom(1);
        Dropout.Forward(x, y, mask, 0f, ref random);
        Assert.Equal(x, y);
        Assert.All(mask, m => Assert.Equal(1f, m));
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.3f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    public void MaskIsZeroOrScaledAndDropsAboutP(float p)
    {
        const int n = 100_000;
        float[] x = Random(n, 2), y = new float[n], mask = new float[n];
        var random = new SeededRandom(42);
        Dropout.Forward(x, y, mask, p, ref random);

        float keep = 1f / (1f - p);
        var replay = new SeededRandom(42);
        int dropped = 0;
        for (int i = 0; i < n; i++)
        {
            bool drop = replay.NextSingle() < p;
            Assert.Equal(drop ? 0f : keep, mask[i]);
            Assert.Equal(x[i] * mask[i], y[i]);
            dropped += drop ? 1 : 0;
        }
        // Binomial standard deviation over 100k draws is at most 0.0016; allow about five.
        Assert.InRange((double)dropped / n, p - 0.008, p + 0.008);
    }

    [Fact]
    public void SameSeedSameMaskAndBackwardReplaysIt()
    {
        float[] x = Random(1000, 3), y1 = new float[1000], y2 = new float[1000], m1 = new float[1000], m2 = new float[1000];
        var r1 = new SeededRandom(7);
        var r2 = new SeededRandom(7);
        Dropout.Forward(x, y1, m1, 0.4f, ref r1);
        Dropout.Forward(x, y2, m2, 0.4f, ref r2);
        Assert.Equal(m1, m2);
        Assert.Equal(y1, y2);

        // The generator moved on: a second call draws a different mask.
        Dropout.Forward(x, y2, m2, 0.4f, ref r1);
        Assert.NotEqual(m1, m2);

        float[] dy = Random(1000, 4), dx = new float[1000];
        Dropout.Backward(dy, m1, dx);
        for (int i = 0; i < dx.Length; i++)
            Assert.Equal(dy[i] * m1[i], dx[i]);
    }

    [Fact]
    public void ProbabilityOneDropsEverything()
    {
        float[] x = Random(50, 5), y = new float[50], mask = new float[50];
        var random = new SeededRandom(3);
        Dropout.Forward(x, y, mask, 1f, ref random);
        Assert.All(y, v => Assert.Equal(0f, v));
        Assert.All(mask, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void InvalidArgumentsThrow()
    {
        var random = new SeededRandom(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => { var r = random; Dropout.Forward(new float[3], new float[3], new float[3], -0.1f, ref r); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { var r = random; Dropout.Forward(new float[3], new float[3], new float[3], float.NaN, ref r); });
        Assert.Throws<ArgumentException>(() => { var r = random; Dropout.Forward(new float[3], new float[2], new float[3], 0.5f, ref r); });
        Assert.Throws<ArgumentException>(() => { var r = random; Dropout.Forward(new float[3], new float[3], new float[2], 0.5f, ref r); });
        Assert.Throws<ArgumentException>(() => Dropout.Backward(new float[3], new float[2], new float[3]));
        Assert.Throws<ArgumentException>(() => Dropout.Backward(new float[3], new float[3], new float[2]));
    }
}
