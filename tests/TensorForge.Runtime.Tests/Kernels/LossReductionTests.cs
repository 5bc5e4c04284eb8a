using TensorForge.Kernels;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;

namespace TensorForge.Runtime.Tests.Kernels;

/// <summary>The loss kernels under each <see cref="Reduction"/>, against double reference sums: Mean is the default
/// overload bit for bit, Sum the total, SumPerSample the total over the samples; the gradient is the derivative of the
/// value returned (the mean gradient times the element count, or over the samples).</summary>
public class LossReductionTests
{
    private static double Divisor(Reduction reduction, int count, int samples)
        => reduction switch { Reduction.Sum => 1, Reduction.SumPerSample => samples, _ => count };

    public static TheoryData<Reduction, int, int> Cases()
    {
        var data = new TheoryData<Reduction, int, int>();
        foreach (Reduction reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.SumPerSample })
            foreach ((int samples, int width) in new[] { (1, 1), (3, 7), (4, 784), (2, 257) })
                data.Add(reduction, samples, width);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Regression_losses_reduce_as_asked(Reduction reduction, int samples, int width)
    {
        int n = samples * width;
        float[] output = Random(n, seed: n + 1, low: -4f, high: 4f);
        float[] targets = Random(n, seed: n + 2, low: 0f, high: 1f);
        double divisor = Divisor(reduction, n, samples);

        var gradient = new float[n];
        float bce = Losses.BinaryCrossEntropyWithLogits(output, targets, gradient, reduction, samples);
        double bceSum = 0;
        var bceGradient = new double[n];
        for (int i = 0; i < n; i++)
        {
            double x = output[i], t = targets[i];
            bceSum += Math.Max(x, 0) - x * t + Math.Log(1 + Math.Exp(-Math.Abs(x)));
            bceGradient[i] = (1 / (1 + Math.Exp(-x)) - t) / divisor;
        }
        Assert.True(Math.Abs(bceSum / divisor - bce) <= 1e-6 * Math.Abs(bceSum / divisor) + 1e-7, $"BCE {bce} against {bceSum / divisor}");
        Near(bceGradient, gradient, 1e-5, 1e-9, "BCE gradient");
        Assert.Equal(bce, Losses.BinaryCrossEntropyWithLogits(output, targets, Span<float>.Empty, reduction, samples));

        float mse = Losses.MeanSquaredError(output, targets, gradient, reduction, samples);
        double mseSum = output.Select((v, i) => (v - (double)targets[i]) * (v - (double)targets[i])).Sum();
        Assert.True(Math.Abs(mseSum / divisor - mse) <= 1e-5 * Math.Abs(mseSum / divisor), $"MSE {mse} against {mseSum / divisor}");
        Near(output.Select((v, i) => 2 * (v - (double)targets[i]) / divisor).ToArray(), gradient, 1e-5, 1e-9, "MSE gradient");
        Assert.Equal(mse, Losses.MeanSquaredError(output, targets, Span<float>.Empty, reduction, samples), 1e-5f * Math.Abs(mse));

        if (reduction == Reduction.Mean)
        {
            var meanGradient = new float[n];
            Assert.Equal(bce, Losses.BinaryCrossEntropyWithLogits(output, targets, meanGradient));
            Losses.BinaryCrossEntropyWithLogits(output, targets, gradient, reduction, samples);
            Assert.Equal(meanGradient, gradient);
            Assert.Equal(Losses.MeanSquaredError(output, targets, meanGradient), Losses.MeanSquaredError(output, targets, gradient, reduction, samples));
            Assert.Equal(meanGradient, gradient);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Cross_entropy_reduces_as_asked_and_ignores_rows(Reduction reduction, int samples, int classes)
    {
        if (classes < 2) classes = 2;
        const int steps = 3; // rows per sample, as a sequence output [time, classes]
        int rows = samples * steps;
        float[] logits = Random(rows * classes, seed: rows * classes, low: -5f, high: 5f);
        int[] labels = Enumerable.Range(0, rows).Select(r => r == 1 ? Guard.IgnoredLabel : (r * 5 + 1) % classes).ToArray();
        int counted = labels.Count(l => l != Guard.IgnoredLabel);
        double divisor = Divisor(reduction, counted, samples);
        double sum = 0;
        var expected = new double[logits.Length];
        for (int r = 0; r < rows; r++)
        {
            if (labels[r] == Guard.IgnoredLabel) continue;
            double[] row = logits.Skip(r * classes).Take(classes).Select(v => (double)v).ToArray();
            double max = row.Max(), total = row.Sum(v => Math.Exp(v - max));
            sum += max + Math.Log(total) - row[labels[r]];
            for (int c = 0; c < classes; c++)
                expected[r * classes + c] = (Math.Exp(row[c] - max) / total - (c == labels[r] ? 1 : 0)) / divisor;
        }
        var gradient = new float[logits.Length];
        float loss = Losses.SoftmaxCrossEntropy(logits, labels, gradient, rows, classes, reduction, samples);
        Assert.True(Math.Abs(sum / divisor - loss) <= 1e-6 * Math.Abs(sum / divisor) + 1e-6, $"CE {loss} against {sum / divisor}");
        Near(expected, gradient, 1e-5, 1e-8, "CE gradient");

        // Probability targets: one-hot rows give the same values (an ignored row becomes an all-zero target row).
        var targets = new float[logits.Length];
        for (int r = 0; r < rows; r++) if (labels[r] != Guard.IgnoredLabel) targets[r * classes + labels[r]] = 1f;
        var probabilityGradient = new float[logits.Length];
        float probabilityLoss = Losses.SoftmaxCrossEntropy(logits, targets, probabilityGradient, rows, classes, reduction, samples);
        double probabilityDivisor = Divisor(reduction, rows, samples);
        Assert.True(Math.Abs(sum / probabilityDivisor - probabilityLoss) <= 1e-5 * Math.Abs(sum / probabilityDivisor) + 1e-6);
        Near(expected.Select(e => e * divisor / probabilityDivisor).ToArray(), probabilityGradient, 1e-5, 1e-8, "CE gradient (probabilities)");
    }

    [Fact]
    public void Sums_over_nothing_are_zero_and_means_over_nothing_NaN()
    {
        int[] ignored = { Guard.IgnoredLabel, Guard.IgnoredLabel };
        var gradient = new float[4];
        gradient.AsSpan().Fill(1f);
        Assert.Equal(0f, Losses.SoftmaxCrossEntropy(new float[4], ignored, gradient, 2, 2, Reduction.Sum, 2));
        Assert.All(gradient, g => Assert.Equal(0f, g));
        Assert.Equal(0f, Losses.SoftmaxCrossEntropy(new float[4], ignored, gradient, 2, 2, Reduction.SumPerSample, 1));
        Assert.True(float.IsNaN(Losses.SoftmaxCrossEntropy(new float[4], ignored, gradient, 2, 2, Reduction.Mean, 2)));
        Assert.Equal(0f, Losses.MeanSquaredError(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, Span<float>.Empty, Reduction.Sum, 0));
        Assert.True(float.IsNaN(Losses.BinaryCrossEntropyWithLogits(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, Span<float>.Empty, Reduction.SumPerSample, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.MeanSquaredError(new float[2], new float[2], Span<float>.Empty, (Reduction)7, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.MeanSquaredError(new float[2], new float[2], Span<float>.Empty, Reduction.SumPerSample, -1));
    }
}
