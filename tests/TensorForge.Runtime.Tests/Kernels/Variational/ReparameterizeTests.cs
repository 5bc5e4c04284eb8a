using TensorForge.Kernels;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;

namespace TensorForge.Runtime.Tests.Kernels.Variational;

/// <summary>The VAE reparameterisation against plain double loops: z = μ + exp(½v)·ε, KL = −½Σ(1 + v − μ² − e^v), and the
/// gradient of Σ g·z + k·KL (dμ = g + kμ, dv = ½σεg + ½k(σ² − 1)), checked also by central differences in double.</summary>
public class ReparameterizeTests
{
    public static TheoryData<int, int> Sizes()
    {
        var data = new TheoryData<int, int>();
        foreach (int batch in new[] { 1, 3 })
            foreach (int size in Enumerable.Range(0, 40).Concat(new[] { 63, 64, 65, 128, 256, 257 }))
                data.Add(batch, size);
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_backward_and_mean_match_the_reference(int batch, int size)
    {
        float[] input = Random(batch * 2 * size, seed: 17 * size + batch, low: -2f, high: 2f);
        float[] noise = Random(batch * size, seed: size + 5, low: -2.5f, high: 2.5f);
        float[] g = Random(batch * size, seed: size + 9);
        const float klScale = 0.25f;

        var z = new float[batch * size];
        float kl = Reparameterize.Forward(input, noise, z, batch, size);
        var expectedZ = new double[z.Length];
        var expectedMean = new double[z.Length];
        var expectedGradient = new double[input.Length];
        double expectedKl = 0;
        for (int s = 0; s < batch; s++)
            for (int j = 0; j < size; j++)
            {
                double mu = input[2 * s * size + j], v = input[(2 * s + 1) * size + j], e = noise[s * size + j];
                double sigma = Math.Exp(0.5 * v);
                expectedZ[s * size + j] = mu + sigma * e;
                expectedMean[s * size + j] = mu;
                expectedKl += -0.5 * (1 + v - mu * mu - sigma * sigma);
                expectedGradient[2 * s * size + j] = g[s * size + j] + klScale * mu;
                expectedGradient[(2 * s + 1) * size + j] = 0.5 * sigma * e * g[s * size + j] + 0.5 * klScale * (sigma * sigma - 1);
            }
        Near(expectedZ, z, 1e-6, 1e-6, "z");
        // A sum of batch·size terms of magnitude up to e²: tolerance scaled by the count.
        Assert.True(Math.Abs(expectedKl - kl) <= 1e-6 * (batch * size + 1) * 10, $"KL {kl} against {expectedKl}");

        var inputGradient = new float[input.Length];
        inputGradient.AsSpan().Fill(float.NaN);
        Reparameterize.Backward(g, input, noise, inputGradient, batch, size, klScale);
        Near(expectedGradient, inputGradient, 1e-5, 1e-6, "input gradient");

        var mean = new float[z.Length];
        Reparameterize.Mean(input, mean, batch, size);
        Near(expectedMean, mean, 0, 0, "mean");
    }

    [Fact]
    public void The_gradient_is_the_derivative_of_the_sample_and_the_KL()
    {
        const int batch = 2, size = 5;
        const float klScale = 0.5f;
        float[] input = Random(batch * 2 * size, seed: 3, low: -1f, high: 1f);
        float[] noise = Random(batch * size, seed: 4, low: -2f, high: 2f);
        float[] g = Random(batch * size, seed: 5);
        double Objective(float[] x)
        {
            var z = new float[batch * size];
            double kl = Reparameterize.Forward(x, noise, z, batch, size);
            return z.Select((v, i) => (double)v * g[i]).Sum() + klScale * kl;
        }
        var gradient = new float[input.Length];
        Reparameterize.Backward(g, input, noise, gradient, batch, size, klScale);
        for (int i = 0; i < input.Length; i++)
        {
            float saved = input[i];
            input[i] = saved + 1e-2f;
            double plus = Objective(input);
            input[i] = saved - 1e-2f;
            double minus = Objective(input);
            input[i] = saved;
            double expected = (plus - minus) / 2e-2;
            Assert.True(Math.Abs(expected - gradient[i]) <= 2e-3 * Math.Abs(expected) + 2e-3, $"d/dinput[{i}]: {gradient[i]} against {expected}");
        }
    }

    [Fact]
    public void Sampling_draws_standard_normals_in_order_from_the_stream()
    {
        const int batch = 2, size = 3;
        float[] input = Random(batch * 2 * size, seed: 6);
        var noise = new float[batch * size];
        var z = new float[batch * size];
        var random = new SeededRandom(123);
        float kl = Reparameterize.Forward(input, noise, z, batch, size, ref random);
        var replay = new SeededRandom(123);
        for (int i = 0; i < noise.Length; i++) Assert.Equal(replay.NextGaussian(), noise[i]);
        Assert.Equal(replay.NextUInt32(), random.NextUInt32()); // exactly batch·size draws were taken
        var again = new float[z.Length];
        Assert.Equal(kl, Reparameterize.Forward(input, noise, again, batch, size));
        Assert.Equal(z, again);
    }

    [Fact]
    public void Short_spans_throw_naming_the_sizes()
    {
        var input = new float[2 * 2 * 4];
        var noise = new float[2 * 4];
        var z = new float[2 * 4];
        var error = Assert.Throws<ArgumentException>(() => Reparameterize.Forward(input.AsSpan(1), noise, z, 2, 4));
        Assert.Contains("input has 15 elements but batch×2·size = 2×8 needs 16", error.Message);
        error = Assert.Throws<ArgumentException>(() => Reparameterize.Forward(input, noise.AsSpan(1), z, 2, 4));
        Assert.Contains("noise has 7 elements but batch×size = 2×4 needs 8", error.Message);
        error = Assert.Throws<ArgumentException>(() => Reparameterize.Mean(input, z.AsSpan(1), 2, 4));
        Assert.Contains("output has 7 elements", error.Message);
        error = Assert.Throws<ArgumentException>(() => Reparameterize.Backward(z, input, noise, new float[15], 2, 4, 1f));
        Assert.Contains("inputGradient has 15 elements but batch×2·size = 2×8 needs 16", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Reparameterize.Mean(input, z, -1, 4));
    }

    [Fact]
    public void Calls_allocate_nothing()
    {
        float[] input = Random(4 * 2 * 20, seed: 7);
        var noise = new float[4 * 20];
        var z = new float[4 * 20];
        var gradient = new float[input.Length];
        var random = new SeededRandom(1);
        void Round()
        {
            Reparameterize.Forward(input, noise, z, 4, 20, ref random);
            Reparameterize.Backward(z, input, noise, gradient, 4, 20, 0.25f);
            Reparameterize.Mean(input, z, 4, 20);
        }
        Round();
        Assert.Equal(0, SteadyStateAllocation.Least(Round));
    }
}
