using System;
using System.Numerics.Tensors;

namespace TensorForge.Kernels
{
    /// <summary>The variational autoencoder's reparameterisation (Kingma and Welling 2014): each sample's input row [2·d] holds
    /// the mean μ (first d) and the log-variance v = log σ² (last d) of a diagonal Gaussian; the output row [d] is
    /// z = μ + exp(½v) ⊙ ε with ε ~ N(0, I), and the KL divergence of that Gaussian to N(0, I) is
    /// −½·Σ(1 + v − μ² − e^v).</summary>
    /// <remarks>Element-wise work goes through <see cref="TensorPrimitives"/>; sums are per row in a fixed order, the batch
    /// total in double. Allocates nothing.</remarks>
    public static class Reparameterize
    {
        /// <summary>Inference: output = μ, the first half of each input row.</summary>
        /// <param name="input">[batch, 2·size].</param>
        /// <param name="output">[batch, size].</param>
        /// <param name="batch">Samples.</param>
        /// <param name="size">d, the latent width.</param>
        /// <exception cref="ArgumentException">A span is too short (the message names the sizes) or a size is negative.</exception>
        public static void Mean(ReadOnlySpan<float> input, Span<float> output, int batch, int size)
        {
            Check(input.Length, nameof(input), output.Length, nameof(output), batch, size);
            for (int s = 0; s < batch; s++)
                input.Slice(2 * s * size, size).CopyTo(output.Slice(s * size, size));
        }

        /// <summary>Fills <paramref name="noise"/> (batch × size) with standard normal draws from <paramref name="random"/>, in
        /// order, then runs <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int)"/>.</summary>
        /// <returns>The KL divergence to N(0, I), summed over the latents and the batch.</returns>
        /// <exception cref="ArgumentException">A span is too short (the message names the sizes) or a size is negative.</exception>
        public static float Forward(ReadOnlySpan<float> input, Span<float> noise, Span<float> output, int batch, int size, ref SeededRandom random)
        {
            Check(input.Length, nameof(input), output.Length, nameof(output), batch, size);
            KernelArguments.AtLeast(noise.Length, nameof(noise), batch, size, nameof(batch), nameof(size));
            int n = batch * size;
            for (int i = 0; i < n; i++)
                noise[i] = random.NextGaussian();
            return Forward(input, noise, output, batch, size);
        }

        /// <summary>Training: output = μ + exp(½v) ⊙ noise per row.</summary>
        /// <param name="input">[batch, 2·size]: μ then v = log σ² per row.</param>
        /// <param name="noise">[batch, size]: ε.</param>
        /// <param name="output">[batch, size].</param>
        /// <param name="batch">Samples.</param>
        /// <param name="size">d, the latent width.</param>
        /// <returns>The KL divergence to N(0, I), −½·Σ(1 + v − μ² − σ²), summed over the latents and the batch.</returns>
        /// <exception cref="ArgumentException">A span is too short (the message names the sizes) or a size is negative.</exception>
        public static float Forward(ReadOnlySpan<float> input, ReadOnlySpan<float> noise, Span<float> output, int batch, int size)
        {
            Check(input.Length, nameof(input), output.Length, nameof(output), batch, size);
            KernelArguments.AtLeast(noise.Length, nameof(noise), batch, size, nameof(batch), nameof(size));
            double kl = 0;
            for (int s = 0; s < batch; s++)
            {
                ReadOnlySpan<float> mean = input.Slice(2 * s * size, size);
                ReadOnlySpan<float> logVariance = input.Slice((2 * s + 1) * size, size);
                Span<float> z = output.Slice(s * size, size);
                // z holds σ = exp(½v) first.
                TensorPrimitives.Multiply(logVariance, 0.5f, z);
                TensorPrimitives.Exp(z, z);
                double variance = TensorPrimitives.SumOfSquares(z);
                double sum = size + (double)TensorPrimitives.Sum(logVariance) - TensorPrimitives.SumOfSquares(mean) - variance;
                kl += -0.5 * sum;
                TensorPrimitives.FusedMultiplyAdd(z, noise.Slice(s * size, size), mean, z);
            }
            return (float)kl;
        }

        /// <summary>Overwrites inputGradient with d/d(μ, v) of Σ outputGradient ⊙ z + klScale·KL:
        /// dμ = g + klScale·μ and dv = ½·σ ⊙ ε ⊙ g + ½·klScale·(σ² − 1), with σ = exp(½v).</summary>
        /// <param name="outputGradient">[batch, size]: dLoss/dz.</param>
        /// <param name="input">The forward pass's input, [batch, 2·size].</param>
        /// <param name="noise">The forward pass's ε, [batch, size].</param>
        /// <param name="inputGradient">[batch, 2·size], overwritten.</param>
        /// <param name="batch">Samples.</param>
        /// <param name="size">d, the latent width.</param>
        /// <param name="klScale">The weight of the batch-summed KL in the loss (1/batch when it is averaged over the batch).</param>
        /// <exception cref="ArgumentException">A span is too short (the message names the sizes) or a size is negative.</exception>
        public static void Backward(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> input, ReadOnlySpan<float> noise, Span<float> inputGradient,
            int batch, int size, float klScale)
        {
            Check(input.Length, nameof(input), outputGradient.Length, nameof(outputGradient), batch, size);
            KernelArguments.AtLeast(noise.Length, nameof(noise), batch, size, nameof(batch), nameof(size));
            KernelArguments.AtLeast(inputGradient.Length, nameof(inputGradient), batch, 2 * size, nameof(batch), "2·size");
            float halfScale = 0.5f * klScale;
            for (int s = 0; s < batch; s++)
            {
                ReadOnlySpan<float> g = outputGradient.Slice(s * size, size);
                ReadOnlySpan<float> epsilon = noise.Slice(s * size, size);
                Span<float> meanGradient = inputGradient.Slice(2 * s * size, size);
                Span<float> logVarianceGradient = inputGradient.Slice((2 * s + 1) * size, size);
                TensorPrimitives.MultiplyAdd(input.Slice(2 * s * size, size), klScale, g, meanGradient);
                // σ, then ½σ·ε·g + ½k(σ² − 1) = σ·(½ε·g + ½k·σ) − ½k.
                TensorPrimitives.Multiply(input.Slice((2 * s + 1) * size, size), 0.5f, logVarianceGradient);
                TensorPrimitives.Exp(logVarianceGradient, logVarianceGradient);
                for (int j = 0; j < size; j++)
                {
                    float sigma = logVarianceGradient[j];
                    logVarianceGradient[j] = sigma * (0.5f * epsilon[j] * g[j] + halfScale * sigma) - halfScale;
                }
            }
        }

        private static void Check(int inputLength, string inputName, int outputLength, string outputName, int batch, int size)
        {
            KernelArguments.NonNegative(batch, nameof(batch));
            KernelArguments.NonNegative(size, nameof(size));
            if ((long)batch * size * 2 > int.MaxValue)
                throw new ArgumentException($"batch×2·size = {batch}×{2L * size} does not fit in an int.");
            KernelArguments.AtLeast(inputLength, inputName, batch, 2 * size, nameof(batch), "2·size");
            KernelArguments.AtLeast(outputLength, outputName, batch, size, nameof(batch), nameof(size));
        }
    }
}
