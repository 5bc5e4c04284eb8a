using System;
using System.Numerics.Tensors;

namespace TensorForge.Kernels
{
    /// <summary><c>torch.cat([first, second], dim=1)</c> per sample: each output sample is the first input's sample followed by
    /// the second's (for [C, H, W] images, channels after channels; for [F] vectors, features after features).</summary>
    /// <remarks>Copies and additions only, so results are exact. Single-threaded; allocates nothing.</remarks>
    public static class Concat
    {
        /// <summary>output[n] = first[n] ‖ second[n]. Spans hold batch × firstPerSample, batch × secondPerSample and
        /// batch × (firstPerSample + secondPerSample) elements (at least); the output must not overlap the inputs.</summary>
        /// <exception cref="ArgumentException">A span is too short or a size is negative.</exception>
        public static void Forward(ReadOnlySpan<float> first, int firstPerSample, ReadOnlySpan<float> second, int secondPerSample, Span<float> output, int batch)
        {
            int perSample = Check(firstPerSample, secondPerSample, batch);
            KernelArguments.AtLeast(first.Length, nameof(first), batch, firstPerSample, nameof(batch), nameof(firstPerSample));
            KernelArguments.AtLeast(second.Length, nameof(second), batch, secondPerSample, nameof(batch), nameof(secondPerSample));
            KernelArguments.AtLeast(output.Length, nameof(output), batch, perSample, nameof(batch), "firstPerSample+secondPerSample");
            for (int n = 0; n < batch; n++)
            {
                Span<float> sample = output.Slice(n * perSample, perSample);
                first.Slice(n * firstPerSample, firstPerSample).CopyTo(sample);
                second.Slice(n * secondPerSample, secondPerSample).CopyTo(sample.Slice(firstPerSample));
            }
        }

        /// <summary>Splits outputGradient (batch × (firstPerSample + secondPerSample)) into the two inputs' gradients, each added
        /// to its destination when <paramref name="accumulate"/> (a fanned-out input) or else overwriting it. A destination may
        /// be empty: that input's gradient is not wanted.</summary>
        /// <exception cref="ArgumentException">A span is too short (a non-empty destination included) or a size is negative.</exception>
        public static void Backward(ReadOnlySpan<float> outputGradient, Span<float> firstGradient, int firstPerSample,
            Span<float> secondGradient, int secondPerSample, int batch, bool accumulate)
        {
            int perSample = Check(firstPerSample, secondPerSample, batch);
            KernelArguments.AtLeast(outputGradient.Length, nameof(outputGradient), batch, perSample, nameof(batch), "firstPerSample+secondPerSample");
            if (!firstGradient.IsEmpty)
                KernelArguments.AtLeast(firstGradient.Length, nameof(firstGradient), batch, firstPerSample, nameof(batch), nameof(firstPerSample));
            if (!secondGradient.IsEmpty)
                KernelArguments.AtLeast(secondGradient.Length, nameof(secondGradient), batch, secondPerSample, nameof(batch), nameof(secondPerSample));
            for (int n = 0; n < batch; n++)
            {
                ReadOnlySpan<float> sample = outputGradient.Slice(n * perSample, perSample);
                if (!firstGradient.IsEmpty)
                    Split(sample.Slice(0, firstPerSample), firstGradient.Slice(n * firstPerSample, firstPerSample), accumulate);
                if (!secondGradient.IsEmpty)
                    Split(sample.Slice(firstPerSample), secondGradient.Slice(n * secondPerSample, secondPerSample), accumulate);
            }
        }

        private static void Split(ReadOnlySpan<float> source, Span<float> destination, bool accumulate)
        {
            if (accumulate)
                TensorPrimitives.Add(destination, source, destination);
            else
                source.CopyTo(destination);
        }

        private static int Check(int firstPerSample, int secondPerSample, int batch)
        {
            KernelArguments.NonNegative(firstPerSample, nameof(firstPerSample));
            KernelArguments.NonNegative(secondPerSample, nameof(secondPerSample));
            KernelArguments.NonNegative(batch, nameof(batch));
            long perSample = (long)firstPerSample + secondPerSample;
            if (perSample > int.MaxValue)
                throw new ArgumentException($"firstPerSample + secondPerSample = {firstPerSample} + {secondPerSample} does not fit in an int", nameof(secondPerSample));
            return (int)perSample;
        }
    }
}
