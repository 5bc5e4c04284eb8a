using TensorForge.EndToEnd.Tests.Networks;

namespace TensorForge.EndToEnd.Tests;

/// <summary>Finite-difference checks of the generated backward passes: for L = Σ output ⊙ R with a fixed random R,
/// the gradients Backward adds to <c>Gradients</c> and writes to the input gradient must match central differences
/// of Forward in float32 (ε = 1e-3, tolerance 2% relative plus 2e-3 absolute).</summary>
public class GradientCheckTests
{
    private const float Epsilon = 1e-3f;

    public static TheoryData<string> Networks => new() { nameof(FusedActivationNet), nameof(StandaloneActivationNet), nameof(RowSoftmaxNet), nameof(CrossEntropyNet) };

    private static ITrainableNetwork Create(string name) => name switch
    {
        nameof(FusedActivationNet) => new FusedActivationNet(),
        nameof(StandaloneActivationNet) => new StandaloneActivationNet(),
        nameof(RowSoftmaxNet) => new RowSoftmaxNet(),
        nameof(CrossEntropyNet) => new CrossEntropyNet(),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Parameter_and_input_gradients_match_finite_differences(string name)
    {
        ITrainableNetwork network = Create(name);
        const int batch = 3;
        float[] input = TestData.Uniform(batch * network.InputSize, seed: 11);
        float[] weights = TestData.Uniform(batch * network.OutputSize, seed: 12);

        var output = new float[weights.Length];
        var inputGradient = new float[input.Length];
        network.ZeroGradients();
        network.ForwardTrain(input, output);
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

        Span<float> parameters = network.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            float saved = network.Parameters[i];
            network.Parameters[i] = saved + Epsilon;
            double plus = Objective();
            network.Parameters[i] = saved - Epsilon;
            double minus = Objective();
            network.Parameters[i] = saved;
            AssertClose((plus - minus) / (2 * Epsilon), parameterGradient[i], $"{name}: d/dparameter[{i}]");
        }
        for (int i = 0; i < input.Length; i++)
        {
            float saved = input[i];
            input[i] = saved + Epsilon;
            double plus = Objective();
            input[i] = saved - Epsilon;
            double minus = Objective();
            input[i] = saved;
            AssertClose((plus - minus) / (2 * Epsilon), inputGradient[i], $"{name}: d/dinput[{i}]");
        }
    }

    [Fact]
    public void Backward_adds_to_gradients_and_leaves_input_gradient_optional()
    {
        var network = new FusedActivationNet();
        float[] input = TestData.Uniform(2 * FusedActivationNet.InputSize, seed: 21);
        float[] r = TestData.Uniform(2 * FusedActivationNet.OutputSize, seed: 22);
        var output = new float[r.Length];

        network.ZeroGradients();
        network.ForwardTrain(input, output);
        network.Backward(r, Span<float>.Empty);
        float[] once = network.Gradients.ToArray();
        network.Backward(r, Span<float>.Empty);
        float[] twice = network.Gradients.ToArray();

        Assert.Contains(once, g => g != 0f);
        for (int i = 0; i < once.Length; i++) Assert.Equal(2 * once[i], twice[i], 5);
    }

    [Fact]
    public void Dropout_drops_with_probability_p_scales_the_rest_and_backward_replays_the_mask()
    {
        var network = new DropoutNet();
        const int batch = 200;
        float[] input = TestData.Uniform(batch * DropoutNet.InputSize, seed: 31, lo: 0.5f, hi: 1.5f);
        var output = new float[input.Length];

        var inference = new float[input.Length];
        network.Forward(input, inference);
        Assert.Equal(input, inference); // identity in inference

        network.ForwardTrain(input, output);
        float[] r = TestData.Uniform(input.Length, seed: 32);
        var inputGradient = new float[input.Length];
        network.Backward(r, inputGradient);

        int dropped = 0;
        for (int i = 0; i < input.Length; i++)
        {
            const float scale = 1f / (1f - 0.3f);
            bool kept = output[i] != 0f;
            if (!kept) dropped++;
            else Assert.Equal(input[i] * scale, output[i], 5);
            Assert.Equal(kept ? r[i] * scale : 0f, inputGradient[i], 6);
        }
        Assert.InRange(dropped / (double)input.Length, 0.27, 0.33);

        // A second training pass draws a new mask.
        var again = new float[input.Length];
        network.ForwardTrain(input, again);
        Assert.NotEqual(output, again);
    }

    /// <summary>Compares every parameter gradient with the central difference of <paramref name="objective"/>.</summary>
    internal static void CheckParameters(ITrainableNetwork network, Func<double> objective, float[] gradient, string name)
    {
        for (int i = 0; i < network.Parameters.Length; i++)
        {
            float saved = network.Parameters[i];
            network.Parameters[i] = saved + Epsilon;
            double plus = objective();
            network.Parameters[i] = saved - Epsilon;
            double minus = objective();
            network.Parameters[i] = saved;
            AssertClose((plus - minus) / (2 * Epsilon), gradient[i], $"{name}: d/dparameter[{i}]");
        }
    }

    /// <summary>Compares every input gradient with the central difference of <paramref name="objective"/> (which reads <paramref name="input"/>).</summary>
    internal static void CheckInputs(float[] input, Func<double> objective, float[] inputGradient, string name)
    {
        for (int i = 0; i < input.Length; i++)
        {
            float saved = input[i];
            input[i] = saved + Epsilon;
            double plus = objective();
            input[i] = saved - Epsilon;
            double minus = objective();
            input[i] = saved;
            AssertClose((plus - minus) / (2 * Epsilon), inputGradient[i], $"{name}: d/dinput[{i}]");
        }
    }

    internal static void AssertClose(double expected, double actual, string what)
    {
        double tolerance = 2e-2 * Math.Max(Math.Abs(expected), Math.Abs(actual)) + 2e-3;
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: finite difference {expected:G6}, backward {actual:G6}");
    }
}
