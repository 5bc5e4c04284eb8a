using TensorForge.Generative;
using TensorForge.Runtime.Tests.Kernels;

namespace TensorForge.Runtime.Tests.Generative;

/// <summary>The EMA of parameters against the recurrence avg ← d·avg + (1 − d)·θ computed here in double.</summary>
public sealed class ExponentialMovingAverageTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_average_follows_the_recurrence_with_the_warmup_decay(bool warmup)
    {
        const int size = 53;
        const float decay = 0.9f;
        float[] initial = KernelTestSupport.Random(size, 1);
        var ema = new ExponentialMovingAverage(initial, decay, warmup);
        Assert.Equal(initial, ema.Average.ToArray());

        double[] expected = Array.ConvertAll(initial, v => (double)v);
        for (int n = 0; n < 40; n++)
        {
            double d = warmup ? Math.Min(decay, (1.0 + n) / (10.0 + n)) : decay;
            Assert.Equal(d, ema.CurrentDecay, 1e-6);
            float[] parameters = KernelTestSupport.Random(size, 100 + n, -2f, 2f);
            ema.Update(parameters);
            for (int i = 0; i < size; i++)
                expected[i] = d * expected[i] + (1 - d) * parameters[i];
        }

        Assert.Equal(40, ema.Updates);
        float[] copy = new float[size];
        ema.CopyTo(copy);
        for (int i = 0; i < size; i++)
        {
            Assert.Equal(expected[i], ema.Average[i], 2e-5);
            Assert.Equal(ema.Average[i], copy[i]);
        }
    }

    [Fact]
    public void Constant_parameters_are_their_own_average()
    {
        float[] parameters = KernelTestSupport.Random(17, 3);
        var ema = new ExponentialMovingAverage(new float[17], 0.999f);
        for (int n = 0; n < 3000; n++)
            ema.Update(parameters);
        for (int i = 0; i < parameters.Length; i++)
            Assert.Equal(parameters[i], ema.Average[i], 1e-4);
    }

    [Fact]
    public void Wrong_lengths_and_decays_throw_naming_the_sizes_and_change_nothing()
    {
        float[] initial = [1f, 2f, 3f];
        var ema = new ExponentialMovingAverage(initial, 0.5f);

        var e = Assert.Throws<ArgumentException>(() => ema.Update(new float[4]));
        Assert.Contains("4", e.Message);
        Assert.Contains("3", e.Message);
        Assert.Equal(0, ema.Updates);
        Assert.Equal(initial, ema.Average.ToArray());
        Assert.Throws<ArgumentException>(() => ema.CopyTo(new float[2]));
        Assert.Throws<ArgumentException>(() => new ExponentialMovingAverage(ReadOnlySpan<float>.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialMovingAverage(initial, 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialMovingAverage(initial, -0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialMovingAverage(initial, float.NaN));
    }
}
