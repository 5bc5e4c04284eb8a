namespace TensorForge.Runtime.Tests.Infrastructure;

public class SeededRandomTests
{
    [Theory]
    // From an independent Python transcription of SplitMix64 + xoshiro128** (Blackman & Vigna's reference code).
    [InlineData(42L, new uint[] { 1776835114, 4165204688, 17111135, 2317295270, 2792088233 })]
    [InlineData(0L, new uint[] { 3737715805, 2584255861, 2876756834 })]
    [InlineData(-1L, new uint[] { 477689756, 2493998634, 555695776 })]
    public void Sequence_matches_the_reference_algorithm(long seed, uint[] expected)
    {
        var random = new SeededRandom(seed);
        foreach (uint value in expected)
            Assert.Equal(value, random.NextUInt32());
    }

    [Fact]
    public void Same_seed_gives_the_same_sequence_and_different_seeds_differ()
    {
        var a = new SeededRandom(7);
        var b = new SeededRandom(7);
        var c = new SeededRandom(8);
        int same = 0;
        for (int i = 0; i < 1000; i++)
        {
            uint x = a.NextUInt32();
            Assert.Equal(x, b.NextUInt32());
            if (x == c.NextUInt32())
                same++;
        }
        Assert.True(same < 3);
    }

    [Fact]
    public void NextSingle_is_in_unit_interval_with_24_bit_steps_and_roughly_uniform()
    {
        var random = new SeededRandom(1);
        var buckets = new int[10];
        const int Draws = 100_000;
        double sum = 0;
        for (int i = 0; i < Draws; i++)
        {
            float u = random.NextSingle();
            Assert.InRange(u, 0f, 0.99999994f);
            Assert.Equal(u, MathF.Round(u * (1 << 24)) / (1 << 24));
            buckets[(int)(u * 10)]++;
            sum += u;
        }
        Assert.InRange(sum / Draws, 0.495, 0.505);
        Assert.All(buckets, count => Assert.InRange(count, 9_500, 10_500));
    }

    [Fact]
    public void NextInt32_covers_the_range_evenly()
    {
        var random = new SeededRandom(2);
        var counts = new int[7];
        for (int i = 0; i < 70_000; i++)
            counts[random.NextInt32(7)]++;
        Assert.All(counts, count => Assert.InRange(count, 9_500, 10_500));
        Assert.Equal(0, random.NextInt32(1));
        int large = random.NextInt32(int.MaxValue);
        Assert.InRange(large, 0, int.MaxValue - 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SeededRandom(0).NextInt32(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SeededRandom(0).NextInt32(-5));
    }

    [Fact]
    public void NextGaussian_has_mean_zero_and_variance_one()
    {
        var random = new SeededRandom(3);
        const int Draws = 100_000;
        double sum = 0, sumSquares = 0;
        for (int i = 0; i < Draws; i++)
        {
            double x = random.NextGaussian();
            Assert.True(double.IsFinite(x));
            sum += x;
            sumSquares += x * x;
        }
        double mean = sum / Draws;
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(sumSquares / Draws - mean * mean, 0.97, 1.03);
    }
}
