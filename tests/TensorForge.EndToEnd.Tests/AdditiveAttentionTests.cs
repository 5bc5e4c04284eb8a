using TensorForge.EndToEnd.Tests.Networks;

namespace TensorForge.EndToEnd.Tests;

/// <summary>[AdditiveAttention] through generated code: finite-difference gradients (after a bidirectional GRU, and on the
/// network's input beside a From branch), Forward against the definition in PyTorch's parameter layout, Save/Load names and
/// shapes, and its Summary row.</summary>
public class AdditiveAttentionTests
{
    public static TheoryData<string> Networks => new() { nameof(AttentionPoolNet), nameof(AttentionOnInputNet) };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Parameter_and_input_gradients_match_finite_differences(string name)
    {
        ITrainableNetwork network = name == nameof(AttentionPoolNet) ? new AttentionPoolNet() : new AttentionOnInputNet();
        const int batch = 3;
        float[] input = TestData.Uniform(batch * network.InputSize, seed: 91, lo: -2f, hi: 2f);
        float[] weights = TestData.Uniform(batch * network.OutputSize, seed: 92);
        var inputGradient = new float[input.Length];
        network.ZeroGradients();
        network.ForwardTrain(input, new float[weights.Length]);
        network.Backward(weights, inputGradient);
        float[] parameterGradient = network.Gradients.ToArray();
        Assert.Contains(parameterGradient, g => g != 0f);

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
    public void Forward_is_the_definition_in_PyTorch_layout()
    {
        var network = new AttentionOnlyNet();
        Assert.Equal(2 * 3 + 2 + 2, AttentionOnlyNet.ParameterCount);
        float[] p = network.Parameters.ToArray(); // proj.weight [2, 3], proj.bias [2], v.weight [1, 2]
        const int batch = 2, steps = 4, features = 3;
        float[] x = TestData.Uniform(batch * steps * features, seed: 93, lo: -2f, hi: 2f);
        var y = new float[batch * features];
        network.Forward(x, y);
        for (int b = 0; b < batch; b++)
        {
            var e = new double[steps];
            for (int t = 0; t < steps; t++)
                for (int a = 0; a < 2; a++)
                {
                    double z = p[6 + a];
                    for (int f = 0; f < features; f++) z += p[a * features + f] * x[(b * steps + t) * features + f];
                    e[t] += p[8 + a] * Math.Tanh(z);
                }
            double max = e.Max(), sum = e.Sum(s => Math.Exp(s - max));
            for (int f = 0; f < features; f++)
            {
                double expected = 0;
                for (int t = 0; t < steps; t++) expected += Math.Exp(e[t] - max) / sum * x[(b * steps + t) * features + f];
                Assert.True(Math.Abs(expected - y[b * features + f]) <= 1e-5, $"y[{b}, {f}] is {y[b * features + f]} but the definition gives {expected}");
            }
        }
    }

    [Fact]
    public void Save_writes_PyTorch_names_and_shapes_and_Load_restores_the_outputs()
    {
        var network = new AttentionPoolNet();
        var stream = new MemoryStream();
        network.Save(stream);
        byte[] bytes = stream.ToArray();
        string header = System.Text.Encoding.UTF8.GetString(bytes, 8, (int)BitConverter.ToInt64(bytes, 0));
        Assert.Contains("\"pool.proj.weight\":{\"dtype\":\"F32\",\"shape\":[3,8]", header);
        Assert.Contains("\"pool.proj.bias\":{\"dtype\":\"F32\",\"shape\":[3]", header);
        Assert.Contains("\"pool.v.weight\":{\"dtype\":\"F32\",\"shape\":[1,3]", header);

        var twin = new AttentionPoolNet(seed: 777);
        Assert.False(twin.Parameters.SequenceEqual(network.Parameters));
        twin.Load(new MemoryStream(bytes));
        float[] input = TestData.Uniform(2 * AttentionPoolNet.InputSize, seed: 94);
        float[] a = new float[2 * AttentionPoolNet.OutputSize], b = new float[a.Length];
        network.Forward(input, a);
        twin.Forward(input, b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Summary_row_has_the_parameters_and_multiply_adds()
    {
        // gru → [5, 8]; pool: proj 3×8 + 3, v 1×3 = 30 parameters; 5·3·(8 + 1) + 5·8 = 175 multiply-adds.
        string row = AttentionPoolNet.Summary.Split('\n').Single(line => line.StartsWith("pool ", StringComparison.Ordinal));
        Assert.Contains("AdditiveAttention(3)", row);
        Assert.Contains("[8]", row);
        Assert.Matches(@"\s30\s+175\s*$", row);
    }
}
