using TensorForge.EndToEnd.Tests.Networks;

namespace TensorForge.EndToEnd.Tests;

/// <summary>The generative layers through generated code: central differences against Backward for ConvTranspose2D,
/// Upsample and Unflatten; Reparameterize's sample, mean and KL term (ε replayed from the network's seeded stream); the
/// loss TrainStep returns under each reduction and its update (SGD, lr = 1) against −∇ of that very value; save, load and
/// clone; zero allocations once warm.</summary>
public class GenerativeGradientTests
{
    public static TheoryData<string> Networks => new() { nameof(TransposedConvolutionNet), nameof(UnflattenUpsampleNet) };

    private static ITrainableNetwork Create(string name) => name switch
    {
        nameof(TransposedConvolutionNet) => new TransposedConvolutionNet(),
        nameof(UnflattenUpsampleNet) => new UnflattenUpsampleNet(),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Parameter_and_input_gradients_match_finite_differences(string name)
    {
        ITrainableNetwork network = Create(name);
        const int batch = 3;
        float[] input = TestData.Uniform(batch * network.InputSize, seed: 61);
        float[] weights = TestData.Uniform(batch * network.OutputSize, seed: 62);
        var output = new float[weights.Length];
        var inputGradient = new float[input.Length];
        network.ZeroGradients();
        network.ForwardTrain(input, output);
        network.Backward(weights, inputGradient);
        float[] parameterGradient = network.Gradients.ToArray();
        Assert.Contains(parameterGradient, g => g != 0f);
        Assert.Contains(inputGradient, g => g != 0f);

        double Objective()
        {
            var y = new float[weights.Length];
            network.Forward(input, y);
            double sum = 0;
            for (int i = 0; i < y.Length; i++) sum += (double)y[i] * weights[i];
            return sum;
        }

        GradientCheckTests.CheckParameters(network, Objective, parameterGradient, name);
        GradientCheckTests.CheckInputs(input, Objective, inputGradient, name);
    }

    [Fact]
    public void Shapes_names_and_summary_follow_PyTorch()
    {
        // ConvTranspose2d(2, 3, 3, stride 2, padding 1, output_padding 1): 3 → (3−1)·2 − 2 + 2 + 1 + 1 = 6.
        Assert.Matches(@"convtranspose2d1 +ConvTranspose2D 3×3 ×2, Tanh +\[3, 6, 6\] +57 +486", TransposedConvolutionNet.Summary);
        // Dilation 2, kernel 2: 6 → 5 + 2 + 1 = 8; then a 3×2 kernel with padding 1 keeps 8 rows and loses one column.
        Assert.Contains("[4, 8, 8]", TransposedConvolutionNet.Summary);
        Assert.Contains("[4, 8, 7]", TransposedConvolutionNet.Summary);
        Assert.Contains("Upsample ×2", TransposedConvolutionNet.Summary);
        Assert.Contains("[4, 16, 14]", TransposedConvolutionNet.Summary);
        Assert.Contains("[2, 3, 3]", UnflattenUpsampleNet.Summary);
        Assert.Contains("[2, 9, 9]", UnflattenUpsampleNet.Summary);
        Assert.Matches(@"\nz +Reparameterize +\[3\] +0 +0", TinyVae.Summary);
        Assert.Contains("reduction SumPerSample", TinyVae.Summary);
        // weight [in, out/groups, kh, kw] + bias, weight without bias, grouped weight [4, 2, 3, 2] + bias.
        Assert.Equal(2 * 3 * 9 + 3 + 3 * 4 * 4 + 4 * 2 * 3 * 2 + 4 + (48 * 3 + 3), TransposedConvolutionNet.ParameterCount);
    }

    [Fact]
    public void Transposed_convolution_weights_are_saved_loaded_and_cloned_under_PyTorch_names()
    {
        var network = new TransposedConvolutionNet();
        float[] input = TestData.Uniform(2 * TransposedConvolutionNet.InputSize, seed: 63);
        var expected = new float[2 * TransposedConvolutionNet.OutputSize];
        network.Forward(input, expected);

        var stream = new MemoryStream();
        network.Save(stream);
        string header = System.Text.Encoding.UTF8.GetString(stream.ToArray(), 8, (int)BitConverter.ToInt64(stream.ToArray(), 0));
        Assert.Contains("\"convtranspose2d1.weight\":{\"dtype\":\"F32\",\"shape\":[2,3,3,3]", header);
        Assert.Contains("\"convtranspose2d3.weight\":{\"dtype\":\"F32\",\"shape\":[4,2,3,2]", header);
        Assert.DoesNotContain("convtranspose2d2.bias", header);

        var loaded = new TransposedConvolutionNet(seed: 99);
        stream.Position = 0;
        loaded.Load(stream);
        var fromLoaded = new float[expected.Length];
        loaded.Forward(input, fromLoaded);
        Assert.Equal(expected, fromLoaded);

        var fromClone = new float[expected.Length];
        network.Clone().Forward(input, fromClone);
        Assert.Equal(expected, fromClone);
    }

    /// <summary>Sets the probe's Dense to the identity, so its input is (μ, log σ²) itself.</summary>
    private static ReparameterizeProbeNet IdentityProbe()
    {
        var network = new ReparameterizeProbeNet();
        network.Parameters.Clear();
        for (int i = 0; i < 4; i++) network.Parameters[i * 4 + i] = 1f;
        return network;
    }

    [Fact]
    public void Reparameterize_samples_from_the_seeded_stream_in_training_and_returns_the_mean_in_inference()
    {
        const int batch = 3;
        float[] input = TestData.Uniform(batch * 4, seed: 64, lo: -1.5f, hi: 1.5f);
        var network = IdentityProbe();

        var mean = new float[batch * 2];
        network.Forward(input, mean);
        for (int s = 0; s < batch; s++)
            for (int j = 0; j < 2; j++)
                Assert.Equal(input[s * 4 + j], mean[s * 2 + j]);

        var z = new float[batch * 2];
        network.ForwardTrain(input, z);
        var random = new SeededRandom(~(long)10); // [Network(Seed = 10)]: the layers' random stream starts at ~seed
        double kl = 0;
        for (int s = 0; s < batch; s++)
        {
            for (int j = 0; j < 2; j++)
            {
                double mu = input[s * 4 + j], logVariance = input[s * 4 + 2 + j];
                double epsilon = random.NextGaussian();
                Assert.Equal(mu + Math.Exp(0.5 * logVariance) * epsilon, z[s * 2 + j], 5);
                kl += -0.5 * (1 + logVariance - mu * mu - Math.Exp(logVariance));
            }
        }
        Assert.Equal(kl / batch, network.AuxiliaryLoss, 5); // the default Mean reduction averages the KL over the batch

        var again = new float[z.Length];
        network.ForwardTrain(input, again);
        Assert.NotEqual(z, again); // a new ε each training pass

        network.Forward(input, again);
        Assert.Equal(0f, network.AuxiliaryLoss); // inference keeps no training activations
    }

    [Fact]
    public void Reparameterize_backward_adds_the_KL_gradient_to_the_sample_gradient()
    {
        // d/d(μ, v) of Σ z ⊙ R + KL/batch through a Backward on a clone with the same ε, against central differences.
        const int batch = 3;
        float[] input = TestData.Uniform(batch * 4, seed: 65);
        float[] weights = TestData.Uniform(batch * 2, seed: 66);
        var network = IdentityProbe();
        network.Parameters[1] = 0.3f; // mixes the inputs a little, so the parameter gradients are not trivial
        network.Parameters[16 + 2] = -0.2f;

        var probe = network.Clone();
        probe.ZeroGradients();
        var z = new float[batch * 2];
        var inputGradient = new float[input.Length];
        probe.ForwardTrain(input, z);
        probe.Backward(weights, inputGradient);
        float[] parameterGradient = probe.Gradients.ToArray();

        double Objective()
        {
            var copy = network.Clone(); // the original's random state: the same ε every time
            var y = new float[weights.Length];
            copy.ForwardTrain(input, y);
            double sum = copy.AuxiliaryLoss;
            for (int i = 0; i < y.Length; i++) sum += (double)y[i] * weights[i];
            return sum;
        }

        GradientCheckTests.CheckParameters(network, Objective, parameterGradient, nameof(ReparameterizeProbeNet));
        GradientCheckTests.CheckInputs(input, Objective, inputGradient, nameof(ReparameterizeProbeNet));
    }

    private static double BinaryCrossEntropySum(float[] y, float[] t)
        => y.Select((v, i) => Math.Max(v, 0) - v * (double)t[i] + Math.Log(1 + Math.Exp(-Math.Abs(v)))).Sum();

    /// <summary>One TrainStep on a clone of <paramref name="network"/>; its loss must equal <paramref name="reference"/> of a
    /// training pass with the same ε, and its SGD(lr = 1) update −∇ of that same value, by central differences.</summary>
    private static void CheckTrainStep<T>(T network, Func<T, T> clone, Func<T, float> trainStep, Func<T, double> reference, int parameterCount)
        where T : ITrainableNetwork
    {
        float[] before = network.Parameters.ToArray();
        T stepped = clone(network);
        float loss = trainStep(stepped);
        Assert.Equal(reference(clone(network)), loss, 4);
        float[] after = stepped.Parameters.ToArray();
        for (int i = 0; i < parameterCount; i++)
        {
            network.Parameters[i] = before[i] + 1e-3f;
            double plus = reference(clone(network));
            network.Parameters[i] = before[i] - 1e-3f;
            double minus = reference(clone(network));
            network.Parameters[i] = before[i];
            GradientCheckTests.AssertClose((plus - minus) / 2e-3, before[i] - after[i], $"{typeof(T).Name}: d/dparameter[{i}]");
        }
    }

    [Fact]
    public void A_VAE_TrainStep_returns_reconstruction_plus_KL_under_its_reduction_and_steps_down_its_gradient()
    {
        const int batch = 4;
        float[] images = TestData.Uniform(batch * 6, seed: 67, lo: 0f, hi: 1f);
        // A training pass of a clone (the same ε as the TrainStep's): the reconstruction summed over the images' pixels.
        double Reconstruction(ITrainableNetwork n)
        {
            var logits = new float[images.Length];
            n.ForwardTrain(images, logits);
            return BinaryCrossEntropySum(logits, images);
        }
        // SumPerSample: nats per image, KL averaged over the batch.
        CheckTrainStep(new TinyVae(), v => v.Clone(), v => v.TrainStep(images, images),
            v => Reconstruction(v) / batch + v.AuxiliaryLoss, TinyVae.ParameterCount);
        // Sum: PyTorch's reduction='sum', KL summed over the batch too.
        CheckTrainStep(new TinySummedVae(), v => v.Clone(), v => v.TrainStep(images, images),
            v => Reconstruction(v) + v.AuxiliaryLoss, TinySummedVae.ParameterCount);
        // Mean: BCE averaged over batch × pixels, KL averaged over the batch.
        CheckTrainStep(new TinyMeanVae(), v => v.Clone(), v => v.TrainStep(images, images),
            v => Reconstruction(v) / images.Length + v.AuxiliaryLoss, TinyMeanVae.ParameterCount);

        // The KL term is what AuxiliaryLoss reports: the summed one is batch times the averaged one.
        var averaged = new TinyVae();
        var summed = new TinySummedVae();
        var scratch = new float[images.Length];
        averaged.ForwardTrain(images, scratch);
        summed.ForwardTrain(images, scratch);
        Assert.True(averaged.AuxiliaryLoss > 0f);
        Assert.Equal(batch * averaged.AuxiliaryLoss, summed.AuxiliaryLoss, 4);
    }

    [Fact]
    public void Summed_MSE_and_per_sample_cross_entropy_return_their_reductions_and_step_down_their_gradients()
    {
        const int batch = 4;
        float[] input = TestData.Uniform(batch * SummedMseNet.InputSize, seed: 68);
        float[] targets = TestData.Uniform(batch * SummedMseNet.OutputSize, seed: 69);
        var mse = new SummedMseNet();
        CheckTrainStep(mse, n => n.Clone(), n => n.TrainStep(input, targets), n =>
        {
            var y = new float[targets.Length];
            n.Forward(input, y);
            return y.Select((v, i) => (v - (double)targets[i]) * (v - (double)targets[i])).Sum();
        }, SummedMseNet.ParameterCount);

        float[] sequences = TestData.Uniform(batch * PerSampleCrossEntropyNet.InputSize, seed: 70);
        int[] labels = TestData.Labels(batch * 3, 5, seed: 71);
        labels[4] = -100; // ignored: adds nothing, and the divisor stays the batch
        var crossEntropy = new PerSampleCrossEntropyNet();
        CheckTrainStep(crossEntropy, n => n.Clone(), n => n.TrainStep(sequences, labels), n =>
        {
            var y = new float[batch * 3 * 5];
            n.Forward(sequences, y);
            double sum = 0;
            for (int r = 0; r < batch * 3; r++)
            {
                if (labels[r] < 0) continue;
                double[] row = y.Skip(r * 5).Take(5).Select(v => (double)v).ToArray();
                double max = row.Max();
                sum += max + Math.Log(row.Sum(v => Math.Exp(v - max))) - row[labels[r]];
            }
            return sum / batch;
        }, PerSampleCrossEntropyNet.ParameterCount);
    }

    [Fact]
    public void Generative_layers_allocate_nothing_once_warm()
    {
        const int batch = 4;
        float[] input = TestData.Uniform(batch * TransposedConvolutionNet.InputSize, seed: 72);
        int[] labels = TestData.Labels(batch * 3, 2, seed: 73);
        var output = new float[batch * TransposedConvolutionNet.OutputSize];
        var network = new TransposedConvolutionNet();
        float[] gradient = TestData.Uniform(output.Length, seed: 74);
        float[] images = TestData.Uniform(batch * 6, seed: 75, lo: 0f, hi: 1f);
        var vae = new TinyVae();
        var reconstruction = new float[images.Length];
        void Round()
        {
            network.Forward(input, output);
            network.ForwardTrain(input, output);
            network.Backward(gradient, Span<float>.Empty);
            vae.Forward(images, reconstruction);
            vae.TrainStep(images, images);
        }
        Round();
        Assert.Equal(0, TensorForge.Tests.Shared.SteadyStateAllocation.Least(Round));
    }
}
