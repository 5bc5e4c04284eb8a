using TensorForge.Generative;
using TensorForge.Kernels;
using TensorForge.Runtime.Tests.Kernels;

namespace TensorForge.Runtime.Tests.Generative;

/// <summary>The DDPM schedule, forward process and samplers against their scalar formulas (Ho et al. 2020, eqs. 4 and 11 and
/// Algorithm 2; DDIM, Song et al. 2021, eq. 12 with σ = 0), computed here in double.</summary>
public sealed class DiffusionScheduleTests
{
    [Theory]
    [InlineData(1000)]
    [InlineData(200)]
    [InlineData(2)]
    public void The_linear_schedule_and_its_products_match_the_formulas(int steps)
    {
        var schedule = new DiffusionSchedule(steps);
        Assert.Equal(steps, schedule.Steps);
        double alphaBar = 1;
        for (int t = 0; t < steps; t++)
        {
            double beta = 1e-4 + (0.02 - 1e-4) * t / (steps - 1);
            alphaBar *= 1 - beta;
            Assert.Equal((float)beta, schedule.Betas[t]);
            Assert.Equal((float)(1 - beta), schedule.Alphas[t]);
            Assert.Equal((float)alphaBar, schedule.AlphaBars[t]);
        }
        Assert.Equal(1e-4f, schedule.Betas[0]);
        Assert.Equal(0.02f, schedule.Betas[^1]);
    }

    [Fact]
    public void The_paper_schedule_ends_near_pure_noise()
    {
        // With T = 1000, ᾱ_T = Π(1 − β_t) ≈ 4.0e-5: x_T is all but pure noise.
        var schedule = new DiffusionSchedule();
        Assert.InRange(schedule.AlphaBars[^1], 3.9e-5f, 4.2e-5f);
    }

    [Fact]
    public void QSample_is_the_closed_form_forward_process_per_sample()
    {
        var schedule = new DiffusionSchedule(1000);
        const int batch = 4, size = 37;
        float[] x0 = KernelTestSupport.Random(batch * size, 1);
        float[] noise = KernelTestSupport.Random(batch * size, 2, -3f, 3f);
        int[] timesteps = [0, 999, 500, 17];
        float[] xt = new float[batch * size];

        schedule.QSample(x0, timesteps, noise, xt);

        for (int b = 0; b < batch; b++)
        {
            double alphaBar = AlphaBar(1000, timesteps[b]);
            for (int i = 0; i < size; i++)
            {
                int k = b * size + i;
                double expected = Math.Sqrt(alphaBar) * x0[k] + Math.Sqrt(1 - alphaBar) * noise[k];
                Assert.Equal(expected, xt[k], 5e-6);
            }
        }

        // In place gives the same bits.
        float[] inPlace = (float[])x0.Clone();
        schedule.QSample(inPlace, timesteps, noise, inPlace);
        Assert.Equal(xt, inPlace);
    }

    [Fact]
    public void A_training_batch_draws_steps_then_noise_from_the_callers_generator()
    {
        var schedule = new DiffusionSchedule(50);
        const int batch = 6, size = 10;
        float[] x0 = KernelTestSupport.Random(batch * size, 3);
        int[] timesteps = new int[batch];
        float[] noise = new float[batch * size], xt = new float[batch * size];
        var random = new SeededRandom(9);
        SeededRandom replay = random; // a copy continues the same sequence

        schedule.DrawTrainingBatch(x0, timesteps, noise, xt, ref random);

        for (int b = 0; b < batch; b++)
            Assert.Equal(replay.NextInt32(50), timesteps[b]);
        for (int i = 0; i < noise.Length; i++)
            Assert.Equal(replay.NextGaussian(), noise[i]);
        float[] expected = new float[batch * size];
        schedule.QSample(x0, timesteps, noise, expected);
        Assert.Equal(expected, xt);
        Assert.Equal(replay.NextUInt32(), random.NextUInt32()); // the generator was advanced by exactly those draws
    }

    [Fact]
    public void Over_many_draws_the_steps_cover_the_range_uniformly()
    {
        var schedule = new DiffusionSchedule(10);
        int[] counts = new int[10];
        int[] timesteps = new int[1000];
        float[] x0 = new float[1000], noise = new float[1000], xt = new float[1000];
        var random = new SeededRandom(1);
        for (int round = 0; round < 10; round++)
        {
            schedule.DrawTrainingBatch(x0, timesteps, noise, xt, ref random);
            foreach (int t in timesteps)
                counts[t]++;
        }
        Assert.All(counts, c => Assert.InRange(c, 850, 1150)); // 1,000 expected; 5 standard deviations ≈ 150
    }

    [Theory]
    [InlineData(999)]
    [InlineData(300)]
    [InlineData(1)]
    [InlineData(0)]
    public void The_ancestral_step_is_algorithm_2(int t)
    {
        var schedule = new DiffusionSchedule(1000);
        const int size = 53;
        float[] xt = KernelTestSupport.Random(size, 4, -2f, 2f);
        float[] eps = KernelTestSupport.Random(size, 5, -2f, 2f);
        float[] z = KernelTestSupport.Random(size, 6, -2f, 2f);
        float[] previous = new float[size];

        schedule.AncestralStep(xt, eps, t, z, previous);

        double beta = Beta(1000, t), alphaBar = AlphaBar(1000, t);
        for (int i = 0; i < size; i++)
        {
            double expected = (xt[i] - beta / Math.Sqrt(1 - alphaBar) * eps[i]) / Math.Sqrt(1 - beta)
                + (t > 0 ? Math.Sqrt(beta) * z[i] : 0);
            Assert.Equal(expected, previous[i], 2e-5 * Math.Max(1, Math.Abs(expected)));
        }

        float[] inPlace = (float[])xt.Clone();
        schedule.AncestralStep(inPlace, eps, t, z, inPlace);
        Assert.Equal(previous, inPlace);
    }

    [Theory]
    [InlineData(999)]
    [InlineData(250)]
    [InlineData(0)]
    public void The_clipped_ancestral_step_is_the_posterior_mean_of_the_clipped_estimate(int t)
    {
        var schedule = new DiffusionSchedule(1000);
        const int size = 40;
        float[] xt = KernelTestSupport.Random(size, 7, -2f, 2f);
        float[] eps = KernelTestSupport.Random(size, 8, -2f, 2f);
        float[] z = KernelTestSupport.Random(size, 9, -1f, 1f);
        float[] previous = new float[size];

        schedule.AncestralStep(xt, eps, t, z, previous, clipDenoised: true);

        double beta = Beta(1000, t), alphaBar = AlphaBar(1000, t), alphaBarPrevious = t > 0 ? AlphaBar(1000, t - 1) : 1;
        for (int i = 0; i < size; i++)
        {
            double x0 = Math.Clamp((xt[i] - Math.Sqrt(1 - alphaBar) * eps[i]) / Math.Sqrt(alphaBar), -1, 1);
            double mean = beta * Math.Sqrt(alphaBarPrevious) / (1 - alphaBar) * x0
                + (1 - alphaBarPrevious) * Math.Sqrt(1 - beta) / (1 - alphaBar) * xt[i];
            double expected = mean + (t > 0 ? Math.Sqrt(beta) * z[i] : 0);
            Assert.Equal(expected, previous[i], 2e-5 * Math.Max(1, Math.Abs(expected)));
        }
    }

    [Fact]
    public void Unclipped_the_posterior_mean_form_equals_the_noise_form()
    {
        // With x̂₀ inside [−1, 1] the clip does nothing, and the two forms of DDPM's mean agree.
        var schedule = new DiffusionSchedule(100);
        const int size = 30, t = 60;
        float[] x0 = KernelTestSupport.Random(size, 10, -0.9f, 0.9f);
        float[] eps = KernelTestSupport.Random(size, 11, -1f, 1f);
        float[] xt = new float[size];
        schedule.QSample(x0, [t], eps, xt);
        float[] z = KernelTestSupport.Random(size, 12);
        float[] clipped = new float[size], plain = new float[size];
        schedule.AncestralStep(xt, eps, t, z, clipped, clipDenoised: true);
        schedule.AncestralStep(xt, eps, t, z, plain);
        for (int i = 0; i < size; i++)
            Assert.Equal(plain[i], clipped[i], 2e-5f);
    }

    [Theory]
    [InlineData(999, 899)]
    [InlineData(400, 0)]
    [InlineData(10, -1)]
    public void The_DDIM_step_is_equation_12_with_sigma_zero(int t, int previousT)
    {
        var schedule = new DiffusionSchedule(1000);
        const int size = 45;
        float[] xt = KernelTestSupport.Random(size, 13, -2f, 2f);
        float[] eps = KernelTestSupport.Random(size, 14, -2f, 2f);
        float[] previous = new float[size], clipped = new float[size];

        schedule.DdimStep(xt, eps, t, previousT, previous);
        schedule.DdimStep(xt, eps, t, previousT, clipped, clipDenoised: true);

        double alphaBar = AlphaBar(1000, t), alphaBarPrevious = previousT >= 0 ? AlphaBar(1000, previousT) : 1;
        for (int i = 0; i < size; i++)
        {
            double x0 = (xt[i] - Math.Sqrt(1 - alphaBar) * eps[i]) / Math.Sqrt(alphaBar);
            double expected = Math.Sqrt(alphaBarPrevious) * x0 + Math.Sqrt(1 - alphaBarPrevious) * eps[i];
            double clippedX0 = Math.Clamp(x0, -1, 1), consistentNoise = (xt[i] - Math.Sqrt(alphaBar) * clippedX0) / Math.Sqrt(1 - alphaBar);
            double expectedClipped = Math.Sqrt(alphaBarPrevious) * clippedX0 + Math.Sqrt(1 - alphaBarPrevious) * consistentNoise;
            // x̂₀ divides by √ᾱ_t (0.0064 at t = 999), so scale the tolerance by the size of x̂₀'s terms.
            double scale = Math.Max(1, Math.Abs(xt[i]) / Math.Sqrt(alphaBar));
            Assert.Equal(expected, previous[i], 2e-5 * scale);
            Assert.Equal(expectedClipped, clipped[i], 2e-5 * Math.Max(1, Math.Abs(expectedClipped)));
        }

        float[] inPlace = (float[])xt.Clone();
        schedule.DdimStep(inPlace, eps, t, previousT, inPlace);
        Assert.Equal(previous, inPlace);
    }

    [Fact]
    public void With_the_true_noise_one_DDIM_step_to_the_end_recovers_x0()
    {
        var schedule = new DiffusionSchedule(1000);
        const int size = 64;
        float[] x0 = KernelTestSupport.Random(size, 15);
        float[] eps = KernelTestSupport.Random(size, 16, -2f, 2f);
        float[] x = new float[size];
        schedule.QSample(x0, [700], eps, x);
        schedule.DdimStep(x, eps, 700, -1, x);
        for (int i = 0; i < size; i++)
            Assert.Equal(x0[i], x[i], 2e-5f);
    }

    [Fact]
    public void DDIM_steps_are_spread_evenly_and_in_sampling_order()
    {
        var schedule = new DiffusionSchedule(1000);
        Assert.Equal([900, 800, 700, 600, 500, 400, 300, 200, 100, 0], schedule.DdimTimesteps(10));
        Assert.Equal([666, 333, 0], schedule.DdimTimesteps(3));
        Assert.Equal([0], schedule.DdimTimesteps(1));
        Assert.Equal(Enumerable.Range(0, 1000).Reverse(), schedule.DdimTimesteps(1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.DdimTimesteps(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.DdimTimesteps(1001));
    }

    [Fact]
    public void Bad_arguments_throw_naming_the_sizes_before_anything_is_written()
    {
        var schedule = new DiffusionSchedule(100);
        float[] x0 = new float[20], noise = new float[20], xt = Enumerable.Repeat(7f, 20).ToArray();

        var e = Assert.Throws<ArgumentException>(() => schedule.QSample(x0, [1, 2, 3], noise, xt));
        Assert.Contains("20", e.Message);
        e = Assert.Throws<ArgumentException>(() => schedule.QSample(x0, [1, 2], new float[19], xt));
        Assert.Contains("19", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.QSample(x0, [1, 100], noise, xt));
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.QSample(x0, [-1, 0], noise, xt));
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.AncestralStep(xt, noise, 100, noise, x0));
        Assert.Throws<ArgumentException>(() => schedule.AncestralStep(xt, noise, 5, new float[3], x0));
        Assert.Throws<ArgumentException>(() => schedule.AncestralStep(xt, noise, 5, noise, xt, clipDenoised: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.DdimStep(xt, noise, 5, 5, x0));
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.DdimStep(xt, noise, 5, -2, x0));
        Assert.Throws<ArgumentException>(() => schedule.DdimStep(xt, noise, 5, 2, xt, clipDenoised: true));
        Assert.All(xt, v => Assert.Equal(7f, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DiffusionSchedule(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DiffusionSchedule(10, 0.02, 1e-4));
    }

    [Fact]
    public void Training_draws_and_sampling_steps_allocate_nothing()
    {
        var schedule = new DiffusionSchedule(100);
        float[] x0 = new float[4 * 784], noise = new float[4 * 784], xt = new float[4 * 784], eps = new float[4 * 784];
        int[] timesteps = new int[4];
        var random = new SeededRandom(3);
        long bytes = SteadyStateAllocation.Least(() =>
        {
            schedule.DrawTrainingBatch(x0, timesteps, noise, xt, ref random);
            schedule.AncestralStep(xt, eps, 50, noise, xt);
            schedule.AncestralStep(xt, eps, 50, noise, x0, clipDenoised: true);
            schedule.DdimStep(xt, eps, 50, 10, xt);
            schedule.DdimStep(xt, eps, 50, 10, x0, clipDenoised: true);
        });
        Assert.Equal(0, bytes);
    }

    private static double Beta(int steps, int t) => 1e-4 + (0.02 - 1e-4) * t / (steps - 1);

    private static double AlphaBar(int steps, int t)
    {
        double product = 1;
        for (int s = 0; s <= t; s++)
            product *= 1 - Beta(steps, s);
        return product;
    }
}
