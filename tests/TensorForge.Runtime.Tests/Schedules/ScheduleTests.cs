using TensorForge.Schedules;

namespace TensorForge.Runtime.Tests.Schedules;

public class ScheduleTests
{
    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(25, 0.1 * (1 + 0.7071067811865476) / 2)] // cos(π/4)
    [InlineData(50, 0.05)]
    [InlineData(75, 0.1 * (1 - 0.7071067811865476) / 2)]
    [InlineData(100, 0.0)]
    [InlineData(200, 0.1)] // like PyTorch, the curve continues past TMax
    public void Cosine_annealing_to_zero(long step, double expected)
    {
        Assert.Equal(expected, new CosineAnnealing(100).LearningRate(0.1f, step), 1e-7);
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(5, 0.55)]
    [InlineData(10, 0.1)]
    public void Cosine_annealing_to_a_minimum(long step, double expected)
    {
        Assert.Equal(expected, new CosineAnnealing(10, minLearningRate: 0.1f).LearningRate(1f, step), 1e-6);
    }

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(29, 0.1)]
    [InlineData(30, 0.01)]
    [InlineData(59, 0.01)]
    [InlineData(60, 0.001)]
    [InlineData(95, 0.0001)]
    public void Step_decay_multiplies_by_gamma_every_step_size(long step, double expected)
    {
        float rate = new StepDecay(30).LearningRate(0.1f, step);
        Assert.True(Math.Abs(rate - expected) <= expected * 1e-6, $"step {step}: expected {expected}, got {rate}");
    }

    [Fact]
    public void Step_decay_with_gamma_one_half()
    {
        var schedule = new StepDecay(2, gamma: 0.5f);
        Assert.Equal([1f, 1f, 0.5f, 0.5f, 0.25f], Enumerable.Range(0, 5).Select(t => schedule.LearningRate(1f, t)));
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealing(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealing(10, minLearningRate: -0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealing(10, minLearningRate: float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecay(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecay(10, gamma: 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecay(10, gamma: -0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecay(10).LearningRate(1f, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealing(10).LearningRate(1f, -1));
    }
}
