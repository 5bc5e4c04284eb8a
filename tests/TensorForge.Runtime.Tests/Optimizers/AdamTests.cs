using TensorForge.Optimizers;

namespace TensorForge.Runtime.Tests.Optimizers;

public class AdamTests
{
    // Three steps on a 2-element parameter; expected values from torch.optim.Adam's update written out in double
    // precision with float32 hyperparameters (see OptimizerCases.Gradients).
    [Fact]
    public void Adam_matches_pytorch_over_three_steps()
    {
        var adam = new Adam(2, learningRate: 0.01f);
        OptimizerCases.AssertSteps(adam, 0.01f,
            [0.9900000012235173, -1.9900000007235175],
            [0.9808221905963376, -1.9873366306853946],
            [0.9824313335737095, -1.9919099485263676]);
        Assert.Equal(3, adam.StepCount);
    }

    [Fact]
    public void Adam_weight_decay_is_added_to_the_gradient()
    {
        var adam = new Adam(2, learningRate: 0.01f, weightDecay: 0.1f);
        OptimizerCases.AssertSteps(adam, 0.01f,
            [0.9900000007235173, -1.9900000004735174],
            [0.9803455140132572, -1.9817072224552075],
            [0.9790780480577793, -1.978763543596378]);
    }

    [Fact]
    public void AdamW_decays_the_parameters_before_the_update()
    {
        var adamW = new Adam(2, learningRate: 0.01f, weightDecay: 0.1f, decoupledWeightDecay: true);
        OptimizerCases.AssertSteps(adamW, 0.01f,
            [0.9890000012309679, -1.9880000007384186],
            [0.9788331906099258, -1.983348630714369],
            [0.9794635004039807, -1.9859385999394048]);
    }

    [Fact]
    public void Moments_match_their_definitions_after_one_step()
    {
        var adam = new Adam(2, beta1: 0.9f, beta2: 0.999f);
        adam.Step(new float[] { 1, 2 }, new float[] { 0.5f, -4f }, 0.001f);
        // β₁ = 0.9f and β₂ = 0.999f are floats, so 1 − β is computed from their float values (as PyTorch does from its doubles).
        float oneMinusBeta1 = (float)(1.0 - 0.9f), oneMinusBeta2 = (float)(1.0 - 0.999f);
        Assert.Equal(oneMinusBeta1 * 0.5f, adam.FirstMoment[0], 1e-9f);
        Assert.Equal(oneMinusBeta1 * -4f, adam.FirstMoment[1], 1e-8f);
        Assert.Equal(oneMinusBeta2 * 0.25f, adam.SecondMoment[0], 1e-12f);
        Assert.Equal(oneMinusBeta2 * 16f, adam.SecondMoment[1], 1e-10f);
    }

    [Fact]
    public void Every_vector_width_and_the_scalar_tail_give_identical_bits()
    {
        OptimizerCases.AssertElementwiseIdentical(n => new Adam(n, 0.01f, weightDecay: 0.01f, decoupledWeightDecay: true));
        OptimizerCases.AssertElementwiseIdentical(n => new Adam(n, 0.01f, weightDecay: 0.01f));
    }

    [Fact]
    public void Moments_never_hold_denormals()
    {
        // One tiny gradient, then zeros: v decays by β₂ each step and would pass through the denormal range
        // (below 1.2e-38), where x86 arithmetic is several times slower. It must be flushed to zero first.
        const int Length = 37;
        var adam = new Adam(Length, learningRate: 1e-3f, beta2: 0.99f);
        var parameters = new float[Length];
        var gradients = new float[Length];
        Array.Fill(gradients, 1e-12f);
        adam.Step(parameters, gradients, 1e-3f);
        Array.Clear(gradients);
        for (int step = 0; step < 10_000; step++)
        {
            adam.Step(parameters, gradients, 1e-3f);
            Assert.False(OptimizerCases.HasSubnormal(adam.FirstMoment), $"m holds a denormal after step {step}");
            Assert.False(OptimizerCases.HasSubnormal(adam.SecondMoment), $"v holds a denormal after step {step}");
        }
        Assert.True(adam.SecondMoment.IndexOfAnyExcept(0f) < 0);
        Assert.All(parameters, p => Assert.True(float.IsFinite(p)));
    }

    [Fact]
    public void Step_allocates_nothing()
    {
        var adam = new Adam(10_000, weightDecay: 0.1f, decoupledWeightDecay: true);
        OptimizerCases.AssertStepAllocatesNothing(adam, 10_000);
    }

    [Fact]
    public void Wrong_lengths_are_rejected_with_both_lengths()
    {
        OptimizerCases.AssertLengthChecks(new Adam(6));
    }

    [Fact]
    public void Invalid_hyperparameters_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(1, learningRate: -1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(1, learningRate: float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(1, beta1: 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(1, beta2: -0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(1, epsilon: -1e-8f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(1, weightDecay: -0.01f));
        Assert.Equal(0.003f, new Adam(1, learningRate: 0.003f).BaseLearningRate);
    }
}
