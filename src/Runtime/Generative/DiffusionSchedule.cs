using System;
using System.Numerics.Tensors;

namespace TensorForge.Generative
{
    /// <summary>The noise schedule of a denoising diffusion model (DDPM, Ho et al. 2020) and what training and sampling need
    /// from it: the forward process <see cref="QSample"/>, the ε-prediction objective's random draws
    /// (<see cref="DrawTrainingBatch"/>), the ancestral sampler (<see cref="AncestralStep"/>) and the deterministic DDIM sampler
    /// (<see cref="DdimStep"/>, Song et al. 2021, η = 0) over a subsequence of the steps (<see cref="DdimTimesteps"/>).</summary>
    /// <remarks>
    /// <para>Time steps are 0-based: <c>t</c> = 0 … <see cref="Steps"/> − 1 is the paper's t = 1 … T. β is linear from
    /// <c>betaStart</c> to <c>betaEnd</c> inclusive (<c>torch.linspace(1e-4, 0.02, T)</c>), α_t = 1 − β_t and
    /// ᾱ_t = α_0·…·α_t; all are computed in double and stored as float.</para>
    /// <para>Training (the "simple" objective): draw t uniformly and ε ~ N(0, I) per sample, form
    /// x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε, and train the denoiser to predict ε from (x_t, t) with the mean squared error — a
    /// network declared with <c>Loss.MeanSquaredError</c> does exactly that with <c>TrainStep(input, targets: noise)</c>.
    /// The data is expected in [−1, 1] (MNIST pixels p become 2p − 1).</para>
    /// <para>Time conditioning: the samples give the denoiser the time step as extra input channels, each a constant plane
    /// holding one value of the sinusoidal embedding of t (<see cref="TimeEmbedding.AppendAsChannels"/>), so the denoiser is an
    /// ordinary declared convolutional network whose <c>[Input]</c> has 1 + d channels.</para>
    /// <para>Every method allocates nothing except <see cref="DdimTimesteps"/> (once per sampling run), checks its arguments
    /// before writing anything, and is deterministic: the random draws come from the caller's <see cref="SeededRandom"/>.</para>
    /// </remarks>
    public sealed class DiffusionSchedule
    {
        private readonly float[] _betas;
        private readonly float[] _alphas;
        private readonly float[] _alphaBars;
        private readonly double[] _alphaBarsDouble;

        /// <summary>A linear schedule of <paramref name="steps"/> steps from <paramref name="betaStart"/> to
        /// <paramref name="betaEnd"/> (DDPM's 1e-4 and 0.02 by default; T = 1000 in the paper).</summary>
        /// <exception cref="ArgumentOutOfRangeException">steps is not positive, or the betas are not 0 &lt; betaStart ≤ betaEnd &lt; 1.</exception>
        public DiffusionSchedule(int steps = 1000, double betaStart = 1e-4, double betaEnd = 0.02)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
            if (!(betaStart > 0 && betaStart <= betaEnd && betaEnd < 1))
                throw new ArgumentOutOfRangeException(nameof(betaStart),
                    $"the betas must satisfy 0 < betaStart ≤ betaEnd < 1 but are {betaStart} and {betaEnd}");
            Steps = steps;
            _betas = new float[steps];
            _alphas = new float[steps];
            _alphaBars = new float[steps];
            _alphaBarsDouble = new double[steps];
            double alphaBar = 1;
            for (int t = 0; t < steps; t++)
            {
                double beta = steps == 1 ? betaStart : betaStart + (betaEnd - betaStart) * t / (steps - 1);
                alphaBar *= 1 - beta;
                _betas[t] = (float)beta;
                _alphas[t] = (float)(1 - beta);
                _alphaBars[t] = (float)alphaBar;
                _alphaBarsDouble[t] = alphaBar;
            }
        }

        /// <summary>T, the number of diffusion steps.</summary>
        public int Steps { get; }

        /// <summary>β_t for t = 0 … T − 1.</summary>
        public ReadOnlySpan<float> Betas => _betas;

        /// <summary>α_t = 1 − β_t.</summary>
        public ReadOnlySpan<float> Alphas => _alphas;

        /// <summary>ᾱ_t = α_0·α_1·…·α_t (decreasing from 1 − β_0 towards 0).</summary>
        public ReadOnlySpan<float> AlphaBars => _alphaBars;

        /// <summary>The forward process in closed form: for each sample b, x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε with
        /// t = <paramref name="timesteps"/>[b]. The batch is <c>timesteps.Length</c>; a sample is x0.Length / batch values.</summary>
        /// <param name="x0">Clean samples, batch × sample size.</param>
        /// <param name="timesteps">One step in [0, <see cref="Steps"/>) per sample.</param>
        /// <param name="noise">ε, as long as <paramref name="x0"/>.</param>
        /// <param name="xt">The noisy samples, as long as <paramref name="x0"/>; may be <paramref name="x0"/> itself (in place), not <paramref name="noise"/>.</param>
        /// <exception cref="ArgumentException">The lengths do not match a whole batch, or a step is out of range.</exception>
        public void QSample(ReadOnlySpan<float> x0, ReadOnlySpan<int> timesteps, ReadOnlySpan<float> noise, Span<float> xt)
        {
            int sampleSize = SampleSize(x0.Length, timesteps.Length);
            Same(noise.Length, nameof(noise), x0.Length);
            Same(xt.Length, nameof(xt), x0.Length);
            CheckSteps(timesteps);
            for (int b = 0; b < timesteps.Length; b++)
            {
                double alphaBar = _alphaBarsDouble[timesteps[b]];
                Span<float> row = xt.Slice(b * sampleSize, sampleSize);
                TensorPrimitives.Multiply(x0.Slice(b * sampleSize, sampleSize), (float)Math.Sqrt(alphaBar), row);
                TensorPrimitives.MultiplyAdd(noise.Slice(b * sampleSize, sampleSize), (float)Math.Sqrt(1 - alphaBar), row, row);
            }
        }

        /// <summary>The random part of one training step of the ε-prediction objective: draws a step t uniformly from
        /// [0, <see cref="Steps"/>) for every sample, ε ~ N(0, I) for every value, and forms x_t with <see cref="QSample"/>.
        /// Train the denoiser on (x_t, t) with ε as the target. Draws t for every sample first, then ε in order.</summary>
        /// <param name="x0">Clean samples, batch × sample size (batch = timesteps.Length).</param>
        /// <param name="timesteps">Receives the drawn steps.</param>
        /// <param name="noise">Receives ε (as long as <paramref name="x0"/>).</param>
        /// <param name="xt">Receives x_t (as long as <paramref name="x0"/>; may be x0).</param>
        /// <param name="random">The caller's generator, advanced.</param>
        /// <exception cref="ArgumentException">The lengths do not match a whole batch.</exception>
        public void DrawTrainingBatch(ReadOnlySpan<float> x0, Span<int> timesteps, Span<float> noise, Span<float> xt, ref SeededRandom random)
        {
            SampleSize(x0.Length, timesteps.Length);
            Same(noise.Length, nameof(noise), x0.Length);
            Same(xt.Length, nameof(xt), x0.Length);
            for (int b = 0; b < timesteps.Length; b++)
                timesteps[b] = random.NextInt32(Steps);
            for (int i = 0; i < noise.Length; i++)
                noise[i] = random.NextGaussian();
            QSample(x0, timesteps, noise, xt);
        }

        /// <summary>One step of DDPM's ancestral sampler, from x_t to x_{t−1}, for a batch at the same step t:
        /// x_{t−1} = (x_t − β_t/√(1 − ᾱ_t) ε̂) / √α_t + σ_t z with σ_t² = β_t, and no noise at t = 0 (the last step).</summary>
        /// <param name="xt">The current samples.</param>
        /// <param name="predictedNoise">ε̂, the denoiser's output for (x_t, t); as long as <paramref name="xt"/>.</param>
        /// <param name="t">The current step, in [0, <see cref="Steps"/>).</param>
        /// <param name="noise">z ~ N(0, I), as long as <paramref name="xt"/> (unused at t = 0; may then be empty).</param>
        /// <param name="previous">Receives x_{t−1}; may be <paramref name="xt"/> itself (in place), not <paramref name="predictedNoise"/> or <paramref name="noise"/>.</param>
        /// <param name="clipDenoised">When true, the mean is formed as DDPM's reference code does with <c>clip_denoised</c>: the
        /// estimate x̂₀ = (x_t − √(1 − ᾱ_t) ε̂)/√ᾱ_t is clipped to [−1, 1] and the posterior mean is
        /// β_t √ᾱ_{t−1}/(1 − ᾱ_t) x̂₀ + (1 − ᾱ_{t−1}) √α_t/(1 − ᾱ_t) x_t (with ᾱ_{−1} = 1). Unclipped, the two forms are equal.</param>
        /// <exception cref="ArgumentException">The lengths differ or t is out of range.</exception>
        public void AncestralStep(ReadOnlySpan<float> xt, ReadOnlySpan<float> predictedNoise, int t, ReadOnlySpan<float> noise,
            Span<float> previous, bool clipDenoised = false)
        {
            CheckStep(t, nameof(t));
            Same(predictedNoise.Length, nameof(predictedNoise), xt.Length);
            Same(previous.Length, nameof(previous), xt.Length);
            if (t > 0)
                Same(noise.Length, nameof(noise), xt.Length);

            // The clipped form reads x_t after writing x̂₀ into previous, so it cannot run in place.
            if (clipDenoised && previous.Overlaps(xt))
                throw new ArgumentException("with clipDenoised, previous must not share memory with xt", nameof(previous));
            if (clipDenoised && previous.Overlaps(predictedNoise))
                throw new ArgumentException("previous must not share memory with predictedNoise", nameof(previous));

            double beta = _betas[t], alpha = 1 - beta, alphaBar = _alphaBarsDouble[t];
            if (clipDenoised)
            {
                double alphaBarPrevious = t > 0 ? _alphaBarsDouble[t - 1] : 1;
                PredictClippedX0(xt, predictedNoise, alphaBar, previous);
                float c0 = (float)(beta * Math.Sqrt(alphaBarPrevious) / (1 - alphaBar));
                float ct = (float)((1 - alphaBarPrevious) * Math.Sqrt(alpha) / (1 - alphaBar));
                TensorPrimitives.Multiply(previous, c0, previous);
                TensorPrimitives.MultiplyAdd(xt, ct, previous, previous);
            }
            else
            {
                float scale = (float)(1 / Math.Sqrt(alpha));
                float noiseScale = (float)(-beta / Math.Sqrt(1 - alphaBar) / Math.Sqrt(alpha));
                TensorPrimitives.Multiply(xt, scale, previous);
                TensorPrimitives.MultiplyAdd(predictedNoise, noiseScale, previous, previous);
            }
            if (t > 0)
                TensorPrimitives.MultiplyAdd(noise, (float)Math.Sqrt(beta), previous, previous);
        }

        /// <summary>One deterministic DDIM step (η = 0) from step <paramref name="t"/> to the earlier step
        /// <paramref name="previousT"/> (−1 for the final step to x₀): x̂₀ = (x_t − √(1 − ᾱ_t) ε̂)/√ᾱ_t, then
        /// x_prev = √ᾱ_prev x̂₀ + √(1 − ᾱ_prev) ε̂, with ᾱ_{−1} = 1.</summary>
        /// <param name="xt">The current samples.</param>
        /// <param name="predictedNoise">ε̂ for (x_t, t); as long as <paramref name="xt"/>.</param>
        /// <param name="t">The current step, in [0, <see cref="Steps"/>).</param>
        /// <param name="previousT">The next step of the subsequence, in [−1, t).</param>
        /// <param name="previous">Receives x_prev; may be <paramref name="xt"/> (in place) unless clipping, never <paramref name="predictedNoise"/>.</param>
        /// <param name="clipDenoised">Clip x̂₀ to [−1, 1] and use the noise consistent with the clipped estimate,
        /// ε' = (x_t − √ᾱ_t x̂₀)/√(1 − ᾱ_t), in the direction term (diffusers' <c>use_clipped_model_output</c>): keeping the
        /// model's ε̂ beside a clipped x̂₀ lets the deterministic sampler run away (measured: it diverges to 1e13 and NaN with a
        /// weak denoiser).</param>
        /// <exception cref="ArgumentException">The lengths differ or a step is out of range.</exception>
        public void DdimStep(ReadOnlySpan<float> xt, ReadOnlySpan<float> predictedNoise, int t, int previousT, Span<float> previous,
            bool clipDenoised = false)
        {
            CheckStep(t, nameof(t));
            if (previousT < -1 || previousT >= t)
                throw new ArgumentOutOfRangeException(nameof(previousT), previousT, $"previousT must be in [-1, t) = [-1, {t}) but is {previousT}");
            Same(predictedNoise.Length, nameof(predictedNoise), xt.Length);
            Same(previous.Length, nameof(previous), xt.Length);

            if (clipDenoised && previous.Overlaps(predictedNoise))
                throw new ArgumentException("previous must not share memory with predictedNoise", nameof(previous));
            if (clipDenoised && previous.Overlaps(xt))
                throw new ArgumentException("with clipDenoised, previous must not share memory with xt", nameof(previous));

            double alphaBar = _alphaBarsDouble[t];
            double alphaBarPrevious = previousT >= 0 ? _alphaBarsDouble[previousT] : 1;
            if (clipDenoised)
            {
                // x_prev = √ᾱ_prev x̂₀ + √(1 − ᾱ_prev) (x_t − √ᾱ_t x̂₀)/√(1 − ᾱ_t), with x̂₀ clipped.
                PredictClippedX0(xt, predictedNoise, alphaBar, previous);
                double direction = Math.Sqrt((1 - alphaBarPrevious) / (1 - alphaBar));
                TensorPrimitives.Multiply(previous, (float)(Math.Sqrt(alphaBarPrevious) - direction * Math.Sqrt(alphaBar)), previous);
                TensorPrimitives.MultiplyAdd(xt, (float)direction, previous, previous);
                return;
            }
            else
            {
                // x_prev = √ᾱ_prev/√ᾱ_t x_t + (√(1 − ᾱ_prev) − √ᾱ_prev √(1 − ᾱ_t)/√ᾱ_t) ε̂
                TensorPrimitives.Multiply(xt, (float)Math.Sqrt(alphaBarPrevious / alphaBar), previous);
                TensorPrimitives.MultiplyAdd(predictedNoise,
                    (float)(Math.Sqrt(1 - alphaBarPrevious) - Math.Sqrt(alphaBarPrevious * (1 - alphaBar) / alphaBar)), previous, previous);
            }
        }

        /// <summary><paramref name="count"/> steps evenly spread over [0, T), in sampling order (descending): step i of the
        /// subsequence is ⌊i·T/count⌋ (DDIM's "uniform" skipping; the first sampled step is the largest). Pair each with the next
        /// (and the last with −1) in <see cref="DdimStep"/>.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not in [1, T].</exception>
        public int[] DdimTimesteps(int count)
        {
            if (count < 1 || count > Steps)
                throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be in [1, {Steps}] but is {count}");
            var steps = new int[count];
            for (int i = 0; i < count; i++)
                steps[count - 1 - i] = (int)((long)i * Steps / count);
            return steps;
        }

        /// <summary>destination = clip((x_t − √(1 − ᾱ) ε̂)/√ᾱ, −1, 1).</summary>
        private static void PredictClippedX0(ReadOnlySpan<float> xt, ReadOnlySpan<float> predictedNoise, double alphaBar, Span<float> destination)
        {
            TensorPrimitives.Multiply(xt, (float)(1 / Math.Sqrt(alphaBar)), destination);
            TensorPrimitives.MultiplyAdd(predictedNoise, (float)(-Math.Sqrt((1 - alphaBar) / alphaBar)), destination, destination);
            TensorPrimitives.Clamp(destination, -1f, 1f, destination);
        }

        private static int SampleSize(int length, int batch)
        {
            if (batch <= 0 || length % batch != 0 || length == 0)
                throw new ArgumentException(
                    $"x0 has {length} values, which is not a positive whole number of samples for a batch of {batch} time steps", "x0");
            return length / batch;
        }

        private static void Same(int length, string name, int expected)
        {
            if (length != expected)
                throw new ArgumentException($"{name} has {length} values but must have as many as the samples, {expected}", name);
        }

        private void CheckStep(int t, string name)
        {
            if ((uint)t >= (uint)Steps)
                throw new ArgumentOutOfRangeException(name, t, $"{name} must be a time step in [0, {Steps}) but is {t}");
        }

        private void CheckSteps(ReadOnlySpan<int> timesteps)
        {
            for (int b = 0; b < timesteps.Length; b++)
            {
                if ((uint)timesteps[b] >= (uint)Steps)
                    throw new ArgumentOutOfRangeException(nameof(timesteps), timesteps[b],
                        $"timesteps[{b}] must be a time step in [0, {Steps}) but is {timesteps[b]}");
            }
        }
    }
}
