using System;

namespace TensorForge.Generative
{
    /// <summary>The sinusoidal embedding of a diffusion time step, and the way the samples feed it to a convolutional
    /// denoiser: as extra input channels, each a constant plane.</summary>
    /// <remarks>
    /// <para>The embedding is the Transformer's positional encoding at position t (as
    /// <see cref="Kernels.PositionalEncoding"/>): e[2i] = sin(t·ω_i), e[2i+1] = cos(t·ω_i), ω_i = 10000^(−2i/d), computed in
    /// double and rounded once.</para>
    /// <para>Why channels: a TensorForge network is one declared class with one input, and a convolutional denoiser declared
    /// with today's layers can read the time only through that input. Appending d constant planes
    /// (<see cref="AppendAsChannels"/>) makes the declaration read as what it is — <c>[Input(1 + d, 28, 28)]</c>, an image
    /// and its time step — and lets every convolution of the first layer mix the time into every pixel (the first layer's
    /// weights on those channels act as DDPM's per-block time projection, for the first block). No new layer kind and no
    /// second input are needed; the cost is the first convolution's d extra input channels.</para>
    /// </remarks>
    public static class TimeEmbedding
    {
        /// <summary>Writes the d = <c>embedding.Length</c> values of the sinusoidal embedding of step <paramref name="t"/>.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="t"/> is negative.</exception>
        public static void Sinusoidal(int t, Span<float> embedding)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(t);
            int d = embedding.Length;
            for (int i = 0; i < d; i += 2)
            {
                double angle = t * Math.Exp(-Math.Log(10000.0) * i / d);
                embedding[i] = (float)Math.Sin(angle);
                if (i + 1 < d)
                    embedding[i + 1] = (float)Math.Cos(angle);
            }
        }

        /// <summary>Builds a time-conditioned denoiser input: for each sample b, its <paramref name="imageChannels"/> channels,
        /// then <paramref name="embeddingSize"/> channels, channel c constant at the embedding value e[c] of
        /// <paramref name="timesteps"/>[b]. Shapes: images [batch, imageChannels, planeSize], destination
        /// [batch, imageChannels + embeddingSize, planeSize] (planeSize = H·W), batch = timesteps.Length.</summary>
        /// <exception cref="ArgumentException">The lengths do not match the batch and sizes, or a step is negative, or
        /// <paramref name="embeddingSize"/> is above 1,024. Nothing is written then.</exception>
        public static void AppendAsChannels(ReadOnlySpan<float> images, ReadOnlySpan<int> timesteps, int imageChannels, int planeSize,
            int embeddingSize, Span<float> destination)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageChannels);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(planeSize);
            ArgumentOutOfRangeException.ThrowIfNegative(embeddingSize);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(embeddingSize, 1024);
            int batch = timesteps.Length;
            long imageSize = (long)imageChannels * planeSize, conditionedSize = (long)(imageChannels + embeddingSize) * planeSize;
            if (images.Length != batch * imageSize)
                throw new ArgumentException(
                    $"images has {images.Length} values but {batch} samples of [{imageChannels}, {planeSize}] need {batch * imageSize}", nameof(images));
            if (destination.Length != batch * conditionedSize)
                throw new ArgumentException(
                    $"destination has {destination.Length} values but {batch} samples of [{imageChannels + embeddingSize}, {planeSize}] " +
                    $"need {batch * conditionedSize}", nameof(destination));
            for (int b = 0; b < batch; b++)
            {
                if (timesteps[b] < 0)
                    throw new ArgumentOutOfRangeException(nameof(timesteps), timesteps[b], $"timesteps[{b}] must not be negative but is {timesteps[b]}");
            }

            Span<float> embedding = stackalloc float[embeddingSize];
            for (int b = 0; b < batch; b++)
            {
                Span<float> sample = destination.Slice((int)(b * conditionedSize), (int)conditionedSize);
                images.Slice((int)(b * imageSize), (int)imageSize).CopyTo(sample);
                Sinusoidal(timesteps[b], embedding);
                for (int c = 0; c < embeddingSize; c++)
                    sample.Slice((int)imageSize + c * planeSize, planeSize).Fill(embedding[c]);
            }
        }
    }
}
