using TensorForge.EndToEnd.Tests.Networks;

namespace TensorForge.EndToEnd.Tests;

/// <summary>Finite-difference checks of the generated backward passes of sequence networks (BPTT through stacked,
/// bidirectional recurrent layers; LayerNorm; embeddings with repeated ids), and the token-input contract.</summary>
public class SequenceGradientTests
{
    private const float Epsilon = 1e-3f;

    public static TheoryData<string> Networks => new() { nameof(RecurrentStackNet), nameof(RecurrentGraphNet), nameof(TransformerNet) };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Parameter_and_input_gradients_match_finite_differences(string name)
    {
        ITrainableNetwork network = name switch
        {
            nameof(RecurrentStackNet) => new RecurrentStackNet(),
            nameof(RecurrentGraphNet) => new RecurrentGraphNet(),
            _ => new TransformerNet(),
        };
        const int batch = 3;
        float[] input = TestData.Uniform(batch * network.InputSize, seed: 81);
        float[] weights = TestData.Uniform(batch * network.OutputSize, seed: 82);
        var inputGradient = new float[input.Length];
        network.ZeroGradients();
        network.ForwardTrain(input, new float[weights.Length]);
        network.Backward(weights, inputGradient);
        float[] parameterGradient = network.Gradients.ToArray();

        double Objective()
        {
            var y = new float[weights.Length];
            network.Forward(input, y);
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
    public void Token_network_parameter_gradients_match_finite_differences_with_repeated_ids()
    {
        var network = new TokenLstmNet();
        int[] tokens = [1, 1, 3, 0, 1, 5, 5, 5, 2, 0];
        float[] weights = TestData.Uniform(2 * TokenLstmNet.OutputSize, seed: 83);
        network.ZeroGradients();
        network.ForwardTrain(tokens, new float[weights.Length]);
        network.Backward(weights, Span<float>.Empty);
        float[] gradient = network.Gradients.ToArray();

        double Objective()
        {
            var y = new float[weights.Length];
            network.Forward(tokens, y);
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
            GradientCheckTests.AssertClose((plus - minus) / (2 * Epsilon), gradient[i], $"token LSTM: d/dparameter[{i}]");
        }
        // Rows of ids that never occur get no gradient (4 is absent).
        Assert.All(gradient.AsSpan(4 * 4, 4).ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Token_ids_are_checked_before_anything_changes_and_float_coded_ids_are_accepted()
    {
        var network = new TokenLstmNet();
        float[] before = network.Parameters.ToArray();
        int[] labels = [1, 2, 3, 4, -100];
        var e = Assert.Throws<ArgumentException>(() => network.TrainStep([1, 2, 6, 0, 1], labels));
        Assert.Contains("tokens[2] is the token id 6", e.Message);
        e = Assert.Throws<ArgumentException>(() => network.TrainStep([1, 2, -1, 0, 1], labels));
        Assert.Contains("[0, 6)", e.Message);
        e = Assert.Throws<ArgumentException>(() => network.TrainStep([1f, 2f, 2.5f, 0f, 1f], labels));
        Assert.Contains("input[2] is 2.5", e.Message);
        e = Assert.Throws<ArgumentException>(() => network.TrainStep([1, 2, 3, 0, 1], [1, 2, 3, 7, 0]));
        Assert.Contains("labels[3] is 7", e.Message);
        network.ForwardTrain([1, 2, 3, 0, 1], new float[5 * 6]);
        e = Assert.Throws<ArgumentException>(() => network.Backward(new float[5 * 6], new float[5]));
        Assert.Contains("token ids, which have no gradient", e.Message);
        Assert.Equal(before, network.Parameters.ToArray());

        var asInts = new float[30];
        var asFloats = new float[30];
        network.Forward([1, 2, 3, 0, 5], asInts);
        network.Forward([1f, 2f, 3f, 0f, 5f], asFloats);
        Assert.Equal(asInts, asFloats);
    }

    [Fact]
    public void Per_step_cross_entropy_ignores_minus_100_and_clipping_bounds_the_update_and_training_learns()
    {
        // A copy task: predict the current token. Padding positions (label -100) must not matter.
        var network = new TokenLstmNet();
        var random = new SeededRandom(5);
        int[] tokens = new int[16 * 5];
        int[] labels = new int[16 * 5];
        float first = 0, last = 0;
        for (int step = 0; step < 150; step++)
        {
            for (int i = 0; i < tokens.Length; i++)
            {
                tokens[i] = random.NextInt32(6);
                labels[i] = i % 5 == 4 ? -100 : tokens[i];
            }
            float loss = network.TrainStep(tokens, labels);
            Assert.True(float.IsFinite(loss));
            if (step == 0) first = loss;
            last = loss;
        }
        Assert.True(last < 0.3f * first, $"loss {first} -> {last}");

        // The gradient norm after clipping is at most 0.5 (the attribute's MaxGradientNorm).
        network.ZeroGradients();
        network.ForwardTrain(tokens, new float[tokens.Length * 6]);
        network.Backward(TestData.Uniform(tokens.Length * 6, seed: 9, lo: -50f, hi: 50f), Span<float>.Empty);
        float norm = TensorForge.Optimizers.GradientClipping.ClipByNorm(network.Gradients, 0.5f);
        Assert.True(norm > 0.5f);
        double clipped = Math.Sqrt(network.Gradients.ToArray().Sum(g => (double)g * g));
        Assert.InRange(clipped, 0.49, 0.5);
    }

    [Fact]
    public void Causal_transformer_is_causal_has_PyTorch_names_and_learns_a_copy_task()
    {
        var network = new TinyCausalTransformer();
        // Causality: changing the token at step 3 leaves the logits of steps 0-2 unchanged.
        var a = new float[6 * 7];
        var b = new float[6 * 7];
        network.Forward([1, 2, 3, 4, 5, 6], a);
        network.Forward([1, 2, 3, 0, 5, 6], b);
        Assert.Equal(a.AsSpan(0, 3 * 7).ToArray(), b.AsSpan(0, 3 * 7).ToArray());
        Assert.NotEqual(a.AsSpan(3 * 7, 7).ToArray(), b.AsSpan(3 * 7, 7).ToArray());

        var stream = new MemoryStream();
        network.Save(stream);
        string header = System.Text.Encoding.UTF8.GetString(stream.ToArray(), 8, (int)BitConverter.ToInt64(stream.ToArray(), 0));
        foreach (string tensor in new[] { "layers.0.self_attn.in_proj_weight", "layers.0.self_attn.in_proj_bias", "layers.0.self_attn.out_proj.weight",
            "layers.1.self_attn.out_proj.bias", "layers.0.linear1.weight", "layers.0.linear2.bias", "layers.1.norm1.weight", "layers.1.norm2.bias" })
        {
            Assert.Contains($"\"{tensor}\"", header);
        }

        // Predict the previous token: needs attention to the step before.
        var random = new SeededRandom(3);
        int[] tokens = new int[32 * 6];
        int[] labels = new int[32 * 6];
        float first = 0, last = 0;
        for (int step = 0; step < 300; step++)
        {
            for (int i = 0; i < tokens.Length; i++)
            {
                tokens[i] = random.NextInt32(7);
                labels[i] = i % 6 == 0 ? -100 : tokens[i - 1];
            }
            float loss = network.TrainStep(tokens, labels);
            if (step == 0) first = loss;
            last = loss;
        }
        Assert.True(last < 0.35f * first, $"loss {first} -> {last}");
    }
}
