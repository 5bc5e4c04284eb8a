using TensorForge.Optimizers;

namespace TensorForge.Runtime.Tests.Optimizers;

public class SgdTests
{
    [Fact]
    public void Plain_sgd_subtracts_the_scaled_gradient()
    {
        var sgd = new Sgd(2, learningRate: 0.1f);
        OptimizerCases.AssertSteps(sgd, 0.1f,
            [0.9899999997019768, -1.9799999994039537],
            [0.9599999980628491, -1.9899999997019768],
            [1.0099999988079071, -2.03000000089407]);
        Assert.True(sgd.MomentumBuffer.IsEmpty);
    }

    [Fact]
    public void Momentum_buffer_starts_as_the_gradient()
    {
        var sgd = new Sgd(2, learningRate: 0.1f, momentum: 0.9f);
        OptimizerCases.AssertSteps(sgd, 0.1f,
            [0.9899999997019768, -1.9799999994039537],
            [0.9509999980330468, -1.9719999996423723],
            [0.9658999982059003, -2.0048000012397766]);
    }

    [Fact]
    public void Nesterov_with_weight_decay_matches_pytorch()
    {
        var sgd = new Sgd(2, learningRate: 0.1f, momentum: 0.9f, nesterov: true, weightDecay: 0.01f);
        OptimizerCases.AssertSteps(sgd, 0.1f,
            [0.9790999997101724, -1.9581999994203447],
            [0.9113297075855449, -1.9556594202970892],
            [0.9714861108326728, -2.0184195275436383]);
    }

    [Fact]
    public void Learning_rate_argument_is_used_not_the_base()
    {
        var sgd = new Sgd(1, learningRate: 0.1f);
        var p = new float[] { 1f };
        sgd.Step(p, new float[] { 1f }, 0.5f);
        Assert.Equal(0.5f, p[0]);
    }

    [Fact]
    public void Every_vector_width_and_the_scalar_tail_give_identical_bits()
    {
        OptimizerCases.AssertElementwiseIdentical(n => new Sgd(n, 0.05f, momentum: 0.9f, nesterov: true, weightDecay: 0.01f));
        OptimizerCases.AssertElementwiseIdentical(n => new Sgd(n, 0.05f));
    }

    [Fact]
    public void Momentum_buffer_never_holds_denormals()
    {
        var sgd = new Sgd(19, learningRate: 0.1f, momentum: 0.5f);
        var parameters = new float[19];
        var gradients = new float[19];
        Array.Fill(gradients, 1e-20f);
        sgd.Step(parameters, gradients, 0.1f);
        Array.Clear(gradients);
        for (int step = 0; step < 200; step++)
        {
            sgd.Step(parameters, gradients, 0.1f);
            Assert.False(OptimizerCases.HasSubnormal(sgd.MomentumBuffer), $"momentum holds a denormal after step {step}");
        }
        Assert.True(sgd.MomentumBuffer.IndexOfAnyExcept(0f) < 0);
    }

    [Fact]
    public void Step_allocates_nothing()
    {
        OptimizerCases.AssertStepAllocatesNothing(new Sgd(10_000, 0.1f, momentum: 0.9f, nesterov: true, weightDecay: 1e-4f), 10_000);
    }

    [Fact]
    public void Wrong_lengths_are_rejected_with_both_lengths()
    {
        OptimizerCases.AssertLengthChecks(new Sgd(6, 0.1f));
    }

    [Fact]
    public void Invalid_hyperparameters_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(-1, 0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(1, -0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(1, 0.1f, momentum: -0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(1, 0.1f, weightDecay: float.PositiveInfinity));
        var e = Assert.Throws<ArgumentException>(() => new Sgd(1, 0.1f, nesterov: true));
        Assert.Equal("nesterov", e.ParamName);
    }
}
