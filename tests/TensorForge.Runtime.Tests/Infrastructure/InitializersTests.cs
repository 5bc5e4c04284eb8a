namespace TensorForge.Runtime.Tests.Infrastructure;

public class InitializersTests
{
    [Fact]
    public void He_uniform_fills_within_its_bound_with_the_right_spread()
    {
        var weights = new float[128 * 784];
        var random = new SeededRandom(1);
        Initializers.HeUniform(weights, 784, ref random);
        float bound = MathF.Sqrt(6f / 784);
        AssertUniform(weights, bound);
    }

    [Fact]
    public void Xavier_uniform_uses_both_fans()
    {
        var weights = new float[64 * 128];
        var random = new SeededRandom(1);
        Initializers.XavierUniform(weights, 128, 64, ref random);
        AssertUniform(weights, MathF.Sqrt(6f / (128 + 64)));
    }

    [Fact]
    public void PyTorch_uniform_is_bounded_by_one_over_root_fan_in()
    {
        // kaiming_uniform_(a=√5): gain √(2/(1+5)), bound gain·√(3/fan_in) = 1/√fan_in.
        var weights = new float[120 * 400];
        var random = new SeededRandom(1);
        Initializers.PyTorchUniform(weights, 400, ref random);
        AssertUniform(weights, 1f / 20);
        // The same draws as He-uniform, scaled: only the bound differs.
        var he = new float[weights.Length];
        var again = new SeededRandom(1);
        Initializers.HeUniform(he, 400, ref again);
        for (int i = 0; i < he.Length; i++)
            Assert.Equal(he[i] / MathF.Sqrt(6f / 400) * (1f / 20), weights[i], 1e-6f);
    }

    [Fact]
    public void Bias_uniform_is_bounded_by_one_over_root_fan_in_and_zero_for_no_inputs()
    {
        var bias = new float[4096];
        var random = new SeededRandom(1);
        Initializers.BiasUniform(bias, 16, ref random);
        AssertUniform(bias, 0.25f);

        Array.Fill(bias, 5f);
        Initializers.BiasUniform(bias, 0, ref random);
        Assert.All(bias, b => Assert.Equal(0f, b));
    }

    [Fact]
    public void Same_seed_gives_the_same_values()
    {
        var a = new float[100];
        var b = new float[100];
        var r1 = new SeededRandom(9);
        var r2 = new SeededRandom(9);
        Initializers.HeUniform(a, 10, ref r1);
        Initializers.HeUniform(b, 10, ref r2);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Invalid_fans_are_rejected()
    {
        var random = new SeededRandom(0);
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializers.HeUniform(new float[1], 0, ref random));
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializers.XavierUniform(new float[1], 0, 0, ref random));
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializers.BiasUniform(new float[1], -1, ref random));
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializers.PyTorchUniform(new float[1], 0, ref random));
    }

    private static void AssertUniform(float[] values, float bound)
    {
        Assert.All(values, v => Assert.InRange(v, -bound, bound));
        double mean = values.Average();
        double variance = values.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(mean, -0.05 * bound, 0.05 * bound);
        // U(-a, a) has variance a²/3.
        Assert.InRange(variance, 0.95 * bound * bound / 3, 1.05 * bound * bound / 3);
    }
}
