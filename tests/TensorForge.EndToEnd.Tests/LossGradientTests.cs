using TensorForge.EndToEnd.Tests.Networks;

namespace TensorForge.EndToEnd.Tests;

/// <summary>Each loss through the generated TrainStep: the returned loss equals PyTorch's mean-reduced definition
/// (computed here in double), and the update SGD(lr = 1) applies is −∇loss, checked against central differences.</summary>
public class LossGradientTests
{
    private const int Batch = 4;

    private static double[] Row(float[] y, int b, int width) => y.Skip(b * width).Take(width).Select(v => (double)v).ToArray();

    private static double LogSumExp(double[] x) { double m = x.Max(); return m + Math.Log(x.Sum(v => Math.Exp(v - m))); }

    private static double CrossEntropy(float[] y, int[] labels, int classes)
        => Enumerable.Range(0, labels.Length).Average(b => { double[] r = Row(y, b, classes); return LogSumExp(r) - r[labels[b]]; });

    private static double CrossEntropy(float[] y, float[] targets, int classes)
        => Enumerable.Range(0, y.Length / classes).Average(b =>
        {
            double[] r = Row(y, b, classes); double lse = LogSumExp(r);
            return Enumerable.Range(0, classes).Sum(c => -targets[b * classes + c] * (r[c] - lse));
        });

    private static double MeanSquaredError(float[] y, float[] t) => y.Select((v, i) => (v - (double)t[i]) * (v - (double)t[i])).Average();

    private static double BinaryCrossEntropy(float[] y, float[] t)
        => y.Select((v, i) => Math.Max(v, 0) - v * (double)t[i] + Math.Log(1 + Math.Exp(-Math.Abs(v)))).Average();

    /// <summary>Runs one TrainStep, then compares loss and update against the reference loss.</summary>
    private static void Check(ISupervisedNetwork network, float[] input, Func<float> trainStep, Func<float[], double> referenceLoss)
    {
        float[] before = network.Parameters.ToArray();
        double Loss()
        {
            var y = new float[input.Length / network.InputSize * network.OutputSize];
            network.Forward(input, y);
            return referenceLoss(y);
        }

        double expectedLoss = Loss();
        float loss = trainStep();
        Assert.Equal(expectedLoss, loss, 5);
        float[] after = network.Parameters.ToArray();

        for (int i = 0; i < before.Length; i++)
        {
            before.CopyTo(network.Parameters);
            network.Parameters[i] = before[i] + 1e-3f;
            double plus = Loss();
            network.Parameters[i] = before[i] - 1e-3f;
            double minus = Loss();
            GradientCheckTests.AssertClose((plus - minus) / 2e-3, before[i] - after[i], $"{network.GetType().Name}: d/dparameter[{i}]");
        }
    }

    [Fact]
    public void SoftmaxCrossEntropy_with_class_indices()
    {
        var network = new CrossEntropyNet();
        float[] input = TestData.Uniform(Batch * CrossEntropyNet.InputSize, seed: 1, lo: -2, hi: 2);
        int[] labels = TestData.Labels(Batch, 3, seed: 2);
        Check(network, input, () => network.TrainStep(input, labels), y => CrossEntropy(y, labels, 3));
    }

    [Fact]
    public void SoftmaxCrossEntropy_with_class_probabilities()
    {
        var network = new CrossEntropyNet();
        float[] input = TestData.Uniform(Batch * CrossEntropyNet.InputSize, seed: 3, lo: -2, hi: 2);
        float[] targets = TestData.Uniform(Batch * 3, seed: 4, lo: 0, hi: 1);
        for (int b = 0; b < Batch; b++)
        {
            float sum = targets[(b * 3)..(b * 3 + 3)].Sum();
            for (int c = 0; c < 3; c++) targets[b * 3 + c] /= sum;
        }
        Check(network, input, () => network.TrainStep(input, targets), y => CrossEntropy(y, targets, 3));
    }

    [Fact]
    public void MeanSquaredError_averages_over_every_element()
    {
        var network = new MeanSquaredErrorNet();
        float[] input = TestData.Uniform(Batch * MeanSquaredErrorNet.InputSize, seed: 5, lo: -2, hi: 2);
        float[] targets = TestData.Uniform(Batch * 3, seed: 6, lo: -1, hi: 1);
        Check(network, input, () => network.TrainStep(input, targets), y => MeanSquaredError(y, targets));
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_with_float_targets_and_with_labels()
    {
        var network = new BinaryCrossEntropyNet();
        float[] input = TestData.Uniform(Batch * BinaryCrossEntropyNet.InputSize, seed: 7, lo: -2, hi: 2);
        float[] soft = TestData.Uniform(Batch * 3, seed: 8, lo: 0, hi: 1);
        Check(network, input, () => network.TrainStep(input, soft), y => BinaryCrossEntropy(y, soft));

        int[] labels = TestData.Labels(Batch * 3, 2, seed: 9);
        float[] hard = labels.Select(l => (float)l).ToArray();
        var twin = new BinaryCrossEntropyNet();
        Check(twin, input, () => twin.TrainStep(input, labels), y => BinaryCrossEntropy(y, hard));
    }
}
