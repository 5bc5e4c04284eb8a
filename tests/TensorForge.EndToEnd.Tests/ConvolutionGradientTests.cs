using TensorForge.EndToEnd.Tests.Networks;

namespace TensorForge.EndToEnd.Tests;

/// <summary>Finite-difference checks of the generated backward passes of convolutional networks and graphs, in training
/// mode (batch norm normalises with the batch's statistics, so the objective is evaluated with ForwardTrain): for
/// L = Σ output ⊙ R, every parameter gradient and every input gradient must match central differences.</summary>
public class ConvolutionGradientTests
{
    private const float Epsilon = 1e-3f;

    public static TheoryData<string> Networks => new() { nameof(ConvolutionChainNet), nameof(ResidualBatchNormNet), nameof(FanOutNet), nameof(BlockNet) };

    private static ITrainableNetwork Create(string name) => name switch
    {
        nameof(ConvolutionChainNet) => new ConvolutionChainNet(),
        nameof(ResidualBatchNormNet) => new ResidualBatchNormNet(),
        nameof(FanOutNet) => new FanOutNet(),
        nameof(BlockNet) => new BlockNet(),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Parameter_and_input_gradients_match_finite_differences(string name)
    {
        ITrainableNetwork network = Create(name);
        const int batch = 3;
        float[] input = TestData.Uniform(batch * network.InputSize, seed: 41);
        float[] weights = TestData.Uniform(batch * network.OutputSize, seed: 42);
        var output = new float[weights.Length];
        var inputGradient = new float[input.Length];
        network.ZeroGradients();
        network.ForwardTrain(input, output);
        network.Backward(weights, inputGradient);
        float[] parameterGradient = network.Gradients.ToArray();
        Assert.Contains(parameterGradient, g => g != 0f);

        double Objective()
        {
            var y = new float[weights.Length];
            network.ForwardTrain(input, y);
            double sum = 0;
            for (int i = 0; i < y.Length; i++) sum += (double)y[i] * weights[i];
            return sum;
        }

        for (int i = 0; i < network.Parameters.Length; i++)
        {
            float saved = network.Parameters[i];
            network.Parameters[i] = saved + Epsilon;
            double plus = Objective();
            network.Parameters[i] = saved - Epsilon;
            double minus = Objective();
            network.Parameters[i] = saved;
            GradientCheckTests.AssertClose((plus - minus) / (2 * Epsilon), parameterGradient[i], $"{name}: d/dparameter[{i}]");
        }
        for (int i = 0; i < input.Length; i++)
        {
            float saved = input[i];
            input[i] = saved + Epsilon;
            double plus = Objective();
            input[i] = saved - Epsilon;
            double minus = Objective();
            input[i] = saved;
            GradientCheckTests.AssertClose((plus - minus) / (2 * Epsilon), inputGradient[i], $"{name}: d/dinput[{i}]");
        }
    }

    [Fact]
    public void Batch_norm_running_statistics_are_saved_loaded_and_cloned_and_Forward_uses_them()
    {
        var network = new ResidualBatchNormNet();
        const int batch = 4;
        float[] input = TestData.Uniform(batch * ResidualBatchNormNet.InputSize, seed: 51, lo: 0f, hi: 2f);
        var output = new float[batch * ResidualBatchNormNet.OutputSize];
        var before = new float[output.Length];
        network.Forward(input, before);
        for (int step = 0; step < 5; step++) network.ForwardTrain(input, output);
        var after = new float[output.Length];
        network.Forward(input, after);
        Assert.NotEqual(before, after); // the running statistics moved, and Forward reads them

        var stream = new MemoryStream();
        network.Save(stream);
        var loaded = new ResidualBatchNormNet(seed: 99);
        stream.Position = 0;
        loaded.Load(stream);
        var fromLoaded = new float[output.Length];
        loaded.Forward(input, fromLoaded);
        Assert.Equal(after, fromLoaded);

        var clone = network.Clone();
        var fromClone = new float[output.Length];
        clone.Forward(input, fromClone);
        Assert.Equal(after, fromClone);

        // Parameters do not include the buffers.
        Assert.Equal(ResidualBatchNormNet.ParameterCount, network.Parameters.Length);
        Assert.Equal(network.Parameters.Length, network.Gradients.Length);
    }

    [Fact]
    public void Batch_norm_1d_needs_two_samples_in_training_and_changes_nothing_otherwise()
    {
        var network = new ResidualBatchNormNet();
        float[] input = TestData.Uniform(ResidualBatchNormNet.InputSize, seed: 61);
        float[] parameters = network.Parameters.ToArray();
        var stream = new MemoryStream();
        network.Save(stream);
        var e = Assert.Throws<ArgumentException>(() => network.ForwardTrain(input, new float[ResidualBatchNormNet.OutputSize]));
        Assert.Contains("at least 2 samples per batch", e.Message);
        Assert.Contains("bn3", e.Message);
        Assert.Equal(parameters, network.Parameters.ToArray());
        var after = new MemoryStream();
        network.Save(after);
        Assert.Equal(stream.ToArray(), after.ToArray());
    }

    [Fact]
    public void Block_uses_are_named_like_PyTorch_submodules()
    {
        var stream = new MemoryStream();
        new BlockNet().Save(stream);
        string header = System.Text.Encoding.UTF8.GetString(stream.ToArray(), 8, (int)BitConverter.ToInt64(stream.ToArray(), 0));
        foreach (string name in new[] { "layer1.conv1.weight", "layer1.bn1.running_var", "layer1.downsample.0.weight",
            "layer2.conv.bias", "layer2.inner.conv2.weight", "layer2.inner.bn2.num_batches_tracked", "layer3.bn2.weight", "fc.weight" })
        {
            Assert.Contains($"\"{name}\"", header);
        }
        Assert.Contains("\"dtype\":\"I64\"", header);
    }

    [Fact]
    public void Convolutional_graphs_allocate_nothing_per_step_and_are_the_same_bits_on_any_thread_count()
    {
        const int batch = 8;
        float[] input = TestData.Uniform(batch * BlockNet.InputSize, seed: 71);
        int[] labels = TestData.Labels(batch, 3, seed: 72);
        var output = new float[batch * BlockNet.OutputSize];
        int saved = TensorForge.Kernels.Gemm.MaxThreads;
        try
        {
            float[] Train(int threads)
            {
                TensorForge.Kernels.Gemm.MaxThreads = threads;
                var network = new BlockNet();
                for (int i = 0; i < 3; i++) network.TrainStep(input, labels);
                return network.Parameters.ToArray();
            }
            Assert.Equal(Train(1), Train(2));
            Assert.Equal(Train(1), Train(3));

            var warm = new BlockNet();
            warm.Forward(input, output);
            warm.TrainStep(input, labels);
            long least = TensorForge.Tests.Shared.SteadyStateAllocation.Least(() =>
            {
                for (int i = 0; i < 5; i++)
                {
                    warm.Forward(input, output);
                    warm.TrainStep(input, labels);
                }
            });
            Assert.Equal(0, least);
        }
        finally
        {
            TensorForge.Kernels.Gemm.MaxThreads = saved;
        }
    }
}
