using System;
using System.Collections.Generic;
using TensorForge.Kernels;

namespace TensorForge.Samples
{
    /// <summary>One GAN training step (Goodfellow et al. 2014, with the non-saturating generator loss) on two declared
    /// networks, using only the contract's pieces: <c>ForwardTrain</c>, <c>Backward</c>, <c>ZeroGradients</c> and <c>Step</c>.
    /// All buffers are allocated once; a step allocates nothing.</summary>
    internal sealed class GanTraining
    {
        private readonly ITrainableNetwork _generator, _discriminator;
        private readonly float[] _latent, _fake, _fakeGradient, _logits, _logitGradient, _ones, _zeros;
        private SeededRandom _random;

        public GanTraining(ITrainableNetwork generator, ITrainableNetwork discriminator, int batchSize, int seed)
        {
            if (generator.OutputSize != discriminator.InputSize || discriminator.OutputSize != 1)
                throw new ArgumentException($"the generator makes {generator.OutputSize} values per sample and the discriminator reads " +
                    $"{discriminator.InputSize} and outputs {discriminator.OutputSize}; expected equal sizes and one logit");
            (_generator, _discriminator) = (generator, discriminator);
            _latent = new float[batchSize * generator.InputSize];
            _fake = new float[batchSize * generator.OutputSize];
            _fakeGradient = new float[_fake.Length];
            _logits = new float[batchSize];
            _logitGradient = new float[batchSize];
            _ones = new float[batchSize];
            _zeros = new float[batchSize];
            Array.Fill(_ones, 1f);
            _random = new SeededRandom(seed);
        }

        /// <summary>One discriminator step and one generator step on a batch of real images (values in [−1, 1]).
        /// Returns the discriminator's loss −log D(x) − log(1 − D(G(z))) and the generator's −log D(G(z)), batch means, and
        /// the mean of D(x) and D(G(z)) before the discriminator's update.</summary>
        public (float DiscriminatorLoss, float GeneratorLoss, float RealScore, float FakeScore) Step(ReadOnlySpan<float> real)
        {
            int n = real.Length / _discriminator.InputSize;
            Span<float> z = _latent.AsSpan(0, n * _generator.InputSize), fake = _fake.AsSpan(0, n * _generator.OutputSize);
            Span<float> logits = _logits.AsSpan(0, n), dLogits = _logitGradient.AsSpan(0, n);

            Initializers.StandardNormal(z, ref _random);
            _generator.ForwardTrain(z, fake);                     // G(z), kept for the generator's Backward below

            // Discriminator: minimise −log D(x) − log(1 − D(G(z))), G(z) held fixed (its input gradient is not asked for).
            _discriminator.ZeroGradients();
            _discriminator.ForwardTrain(real, logits);
            float realScore = MeanSigmoid(logits);
            float dLoss = Losses.BinaryCrossEntropyWithLogits(logits, _ones.AsSpan(0, n), dLogits);
            _discriminator.Backward(dLogits, []);
            _discriminator.ForwardTrain(fake, logits);
            float fakeScore = MeanSigmoid(logits);
            dLoss += Losses.BinaryCrossEntropyWithLogits(logits, _zeros.AsSpan(0, n), dLogits);
            _discriminator.Backward(dLogits, []);
            _discriminator.Step();

            // Generator, non-saturating: minimise −log D(G(z)) through the updated discriminator. Its Backward adds to the
            // discriminator's gradients (cleared by the next ZeroGradients; the discriminator does not step on them) and
            // writes dLoss/dG(z), which the generator's Backward takes as its output gradient.
            _discriminator.ForwardTrain(fake, logits);
            float gLoss = Losses.BinaryCrossEntropyWithLogits(logits, _ones.AsSpan(0, n), dLogits);
            _discriminator.Backward(dLogits, _fakeGradient.AsSpan(0, fake.Length));
            _generator.ZeroGradients();
            _generator.Backward(_fakeGradient.AsSpan(0, fake.Length), []);
            _generator.Step();
            return (dLoss, gLoss, realScore, fakeScore);
        }

        private static float MeanSigmoid(ReadOnlySpan<float> logits)
        {
            double sum = 0;
            foreach (float x in logits)
                sum += 1 / (1 + Math.Exp(-x));
            return (float)(sum / logits.Length);
        }
    }
}
