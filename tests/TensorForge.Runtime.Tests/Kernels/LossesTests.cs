using TensorForge.Kernels;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;

namespace TensorForge.Runtime.Tests.Kernels;

public class LossesTests
{
    [Fact]
    public void CrossEntropyHandValue()
    {
        // −log softmax([1, 2, 3])[2] = log(e + e² + e³) − 3
        var gradient = new float[3];
        float loss = Losses.SoftmaxCrossEntropy([1f, 2f, 3f], [2], gradient, 1, 3);
        Assert.Equal(0.40760596f, loss, 1e-7f);
        double[] softmax = Reference.SoftmaxRow(new float[] { 1f, 2f, 3f }, -1, 0);
        Near([softmax[0], softmax[1], softmax[2] - 1], gradient, 1e-6, 1e-7, "gradient");
        Assert.Equal(loss, Losses.SoftmaxCrossEntropy([1f, 2f, 3f], [2], Span<float>.Empty, 1, 3));
    }

    [Fact]
    public void CrossEntropyIsStableForLargeLogits()
    {
        var gradient = new float[4];
        float loss = Losses.SoftmaxCrossEntropy([1000f, 0f, -1000f, 1000f], [1, 0], gradient, 2, 2);
        Assert.Equal((1000f + 2000f) / 2, loss, 1e-3f);
        Assert.All(gradient, g => Assert.True(float.IsFinite(g)));
        Near([0.5, -0.5, -0.5, 0.5], gradient, 1e-6, 1e-7, "gradient");
    }

    [Fact]
    public void CrossEntropyMatchesReferenceForManyShapes()
    {
        foreach (int batch in new[] { 1, 3, 32 })
            foreach (int classes in Enumerable.Range(1, 256).Where(c => c < 20 || c % 17 == 0).Concat([1000, 4099]))
            {
                float[] logits = Random(batch * classes, batch * 10000 + classes, -10f, 10f);
                int[] labels = Enumerable.Range(0, batch).Select(r => (r * 7 + classes) % classes).ToArray();
                float[] targets = new float[batch * classes];
                for (int r = 0; r < batch; r++)
                    targets[r * classes + labels[r]] = 1f;

                double expected = 0;
                var expectedGradient = new double[batch * classes];
                for (int r = 0; r < batch; r++)
                {
                    ReadOnlySpan<float> row = logits.AsSpan(r * classes, classes);
                    expected += Reference.LogSumExp(row) - row[labels[r]];
                    double[] p = Reference.SoftmaxRow(row, -1, 0);
                    for (int c = 0; c < classes; c++)
                        expectedGradient[r * classes + c] = (p[c] - (c == labels[r] ? 1 : 0)) / batch;
                }
                expected /= batch;

                var gradient = new float[batch * classes];
                float loss = Losses.SoftmaxCrossEntropy(logits, labels, gradient, batch, classes);
                Assert.Equal(expected, loss, 2e-6 * Math.Max(1, Math.Abs(expected)));
                // softmax − 1 cancels where the label's probability is near 1: allow two roundings of a probability.
                Near(expectedGradient, gradient, 2e-6, 2.4e-7 / batch, $"CE gradient {batch}×{classes}");

                // One-hot probability targets give the same loss and gradient.
                var probabilityGradient = new float[batch * classes];
                float probabilityLoss = Losses.SoftmaxCrossEntropy(logits, targets, probabilityGradient, batch, classes);
                Assert.Equal(expected, probabilityLoss, 2e-6 * Math.Max(1, Math.Abs(expected)));
                Near(expectedGradient, probabilityGradient, 2e-6, 2.4e-7 / batch, $"CE (probabilities) gradient {batch}×{classes}");
                Assert.Equal(probabilityLoss, Losses.SoftmaxCrossEntropy(logits, targets, Span<float>.Empty, batch, classes), 1e-6f);
            }
    }

    [Fact]
    public void CrossEntropyWithSoftTargetsMatchesFiniteDifferences()
    {
        const int batch = 2, classes = 5;
        float[] logits = Random(batch * classes, 3, -2f, 2f);
        float[] targets = [0.1f, 0.2f, 0.3f, 0.4f, 0f, 0.5f, 0.25f, 0f, 0f, 0.25f];
        var gradient = new float[batch * classes];
        float loss = Losses.SoftmaxCrossEntropy(logits, targets, gradient, batch, classes);

        double Loss(float[] x)
        {
            double total = 0;
            for (int r = 0; r < batch; r++)
            {
                double lse = Reference.LogSumExp(x.AsSpan(r * classes, classes));
                for (int c = 0; c < classes; c++)
                    total -= targets[r * classes + c] * (x[r * classes + c] - lse);
            }
            return total / batch;
        }
        Assert.Equal(Loss(logits), loss, 1e-6);
        Near(FiniteDifferences(Loss, logits), gradient, 1e-3, 1e-5, "soft-target CE gradient");
    }

    [Fact]
    public void CrossEntropyLabelOutOfRangeThrowsNamingIt()
    {
        var gradient = new float[6];
        gradient[0] = 7f;
        var e = Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(new float[6], [0, 3], gradient, 2, 3));
        Assert.Contains("Label 3 at index 1", e.Message);
        Assert.Contains("3 classes", e.Message);
        Assert.Equal(7f, gradient[0]); // nothing half-written
        e = Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(new float[6], [-1, 0], gradient, 2, 3));
        Assert.Contains("Label -1 at index 0", e.Message);
    }

    [Fact]
    public void TooShortSpansThrow()
    {
        Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(new float[5], [0, 1], Span<float>.Empty, 2, 3));
        Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(new float[6], [0], Span<float>.Empty, 2, 3));
        Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(new float[6], [0, 1], new float[5], 2, 3));
        Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(new float[6], new float[5], Span<float>.Empty, 2, 3));
        Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError(new float[3], new float[4], Span<float>.Empty));
        Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError(new float[3], new float[3], new float[2]));
        Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropyWithLogits(new float[3], new float[2], Span<float>.Empty));
        Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropyWithLogits(new float[3], new float[3], new float[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy(new float[6], [0, 1], Span<float>.Empty, -2, 3));
    }

    [Fact]
    public void MeanSquaredErrorHandValue()
    {
        var gradient = new float[2];
        Assert.Equal(2.5f, Losses.MeanSquaredError([1f, 2f], [0f, 0f], gradient));
        Assert.Equal([1f, 2f], gradient); // 2(o − t)/2
        Assert.Equal(2.5f, Losses.MeanSquaredError([1f, 2f], [0f, 0f], Span<float>.Empty), 1e-6f);
    }

    [Fact]
    public void BinaryCrossEntropyHandValues()
    {
        var gradient = new float[4];
        float loss = Losses.BinaryCrossEntropyWithLogits([0f, 100f, -100f, 2f], [1f, 0f, 0f, 0.25f], gradient);
        double last = Math.Log(1 + Math.Exp(-2)) + 2 - 2 * 0.25; // softplus(2) − 2·0.25
        Assert.Equal((Math.Log(2) + 100 + Math.Exp(-100) + last) / 4, loss, 1e-6);
        double sigmoid2 = 1 / (1 + Math.Exp(-2));
        Near([(0.5 - 1) / 4, 1.0 / 4, Math.Exp(-100) / 4, (sigmoid2 - 0.25) / 4], gradient, 1e-6, 1e-30, "BCE gradient");
    }

    [Fact]
    public void ElementLossesMatchReferenceForEveryLength()
    {
        foreach (int n in Enumerable.Range(1, 256).Concat([1000, 4099]))
        {
            float[] output = Random(n, n, -30f, 30f), targets = Random(n, n + 1, 0f, 1f);

            double mse = 0, bce = 0;
            var mseGradient = new double[n];
            var bceGradient = new double[n];
            for (int i = 0; i < n; i++)
            {
                double d = (double)output[i] - targets[i], x = output[i];
                mse += d * d;
                mseGradient[i] = 2 * d / n;
                bce += Math.Max(x, 0) - x * targets[i] + Math.Log(1 + Math.Exp(-Math.Abs(x)));
                bceGradient[i] = (1 / (1 + Math.Exp(-x)) - targets[i]) / n;
            }

            var gradient = new float[n];
            Assert.Equal(mse / n, Losses.MeanSquaredError(output, targets, gradient), 1e-6 * mse / n);
            Near(mseGradient, gradient, 1e-6, 1e-12, $"MSE gradient n={n}");
            Assert.Equal(mse / n, Losses.MeanSquaredError(output, targets, Span<float>.Empty), 1e-6 * mse / n);

            Assert.Equal(bce / n, Losses.BinaryCrossEntropyWithLogits(output, targets, gradient), 1e-6 * bce / n);
            Near(bceGradient, gradient, 1e-6, 1e-12, $"BCE gradient n={n}");
        }
    }

    [Fact]
    public void EmptyMeansAreNaN()
    {
        Assert.True(float.IsNaN(Losses.MeanSquaredError([], [], Span<float>.Empty)));
        Assert.True(float.IsNaN(Losses.BinaryCrossEntropyWithLogits([], [], Span<float>.Empty)));
        Assert.True(float.IsNaN(Losses.SoftmaxCrossEntropy([], ReadOnlySpan<int>.Empty, Span<float>.Empty, 0, 10)));
    }

    private static double[] FiniteDifferences(Func<float[], double> f, float[] x)
    {
        var gradient = new double[x.Length];
        const float h = 1e-3f;
        for (int i = 0; i < x.Length; i++)
        {
            float[] plus = (float[])x.Clone(), minus = (float[])x.Clone();
            plus[i] += h;
            minus[i] -= h;
            gradient[i] = (f(plus) - f(minus)) / (plus[i] - minus[i]);
        }
        return gradient;
    }

    /// <summary>PyTorch's CrossEntropyLoss(ignore_index=-100): ignored rows add nothing, get a zero gradient, and the mean is
    /// over the rows that count.</summary>
    [Fact]
    public void SoftmaxCrossEntropy_skips_ignored_labels_and_averages_over_the_rest()
    {
        float[] logits = [2f, 0f, -1f, 0.5f, 0.5f, 3f, 1f, 1f, 1f];
        var gradient = new float[9];
        float loss = Losses.SoftmaxCrossEntropy(logits, [0, -100, 2], gradient, 3, 3);
        var expectedGradient = new float[9];
        float expected = Losses.SoftmaxCrossEntropy([2f, 0f, -1f, 1f, 1f, 1f], [0, 2], expectedGradient.AsSpan(0, 6), 2, 3);
        Assert.Equal(expected, loss);
        Assert.Equal(expectedGradient.AsSpan(0, 3).ToArray(), gradient.AsSpan(0, 3).ToArray());
        Assert.Equal(new float[3], gradient.AsSpan(3, 3).ToArray());
        Assert.Equal(expectedGradient.AsSpan(3, 3).ToArray(), gradient.AsSpan(6, 3).ToArray());

        Array.Fill(gradient, 7f);
        Assert.True(float.IsNaN(Losses.SoftmaxCrossEntropy(logits, [-100, -100, -100], gradient, 3, 3)));
        Assert.All(gradient, g => Assert.Equal(0f, g));
        Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(logits, [0, -99, 2], gradient, 3, 3));
    }
}
