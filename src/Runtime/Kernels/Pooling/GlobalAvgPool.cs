using System;
using System.Numerics.Tensors;

namespace TensorForge.Kernels
{
    /// <summary><c>nn.AdaptiveAvgPool2d(1)</c> followed by <c>flatten</c>: the mean of each channel's plane, [C, H, W] → [C]
    /// per sample (PyTorch computes that case as a mean over H and W). <c>spatial</c> = H·W.</summary>
    /// <remarks>Each plane is summed by <see cref="TensorPrimitives.Sum{T}(ReadOnlySpan{T})"/> (vectorised, fixed order) and
    /// divided by <c>spatial</c>. Large calls are split by plane over the worker pool (<see cref="ParallelRanges"/>), which
    /// cannot change a bit; allocates nothing.</remarks>
    public static class GlobalAvgPool
    {
        /// <summary>output[n, c] = Σ input[n, c, :] / spatial. Spans hold batch × channels × spatial and batch × channels
        /// elements (at least).</summary>
        /// <exception cref="ArgumentException">A span is too short, a size is negative, or spatial is 0.</exception>
        public static unsafe void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int channels, int spatial)
        {
            int planes = Check(input.Length, nameof(input), output.Length, nameof(output), batch, channels, spatial);
            fixed (float* x = input, y = output)
                ParallelRanges.Run(new ForwardPlanes(x, y, spatial), planes, (long)planes * spatial);
        }

        /// <summary>Planes [start, end) of the forward pass.</summary>
        private readonly unsafe struct ForwardPlanes(float* input, float* output, int spatial) : IRangeKernel
        {
            public void Run(int start, int end)
            {
                for (int p = start; p < end; p++)
                    output[p] = TensorPrimitives.Sum(new ReadOnlySpan<float>(input + (nint)p * spatial, spatial)) / spatial;
            }
        }

        /// <summary>Overwrites inputGradient: inputGradient[n, c, :] = outputGradient[n, c] / spatial.</summary>
        /// <exception cref="ArgumentException">A span is too short, a size is negative, or spatial is 0.</exception>
        public static unsafe void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batch, int channels, int spatial)
        {
            int planes = Check(inputGradient.Length, nameof(inputGradient), outputGradient.Length, nameof(outputGradient), batch, channels, spatial);
            fixed (float* dy = outputGradient, dx = inputGradient)
                ParallelRanges.Run(new BackwardPlanes(dy, dx, spatial), planes, (long)planes * spatial);
        }

        /// <summary>Planes [start, end) of the backward pass.</summary>
        private readonly unsafe struct BackwardPlanes(float* outputGradient, float* inputGradient, int spatial) : IRangeKernel
        {
            public void Run(int start, int end)
            {
                for (int p = start; p < end; p++)
                    new Span<float>(inputGradient + (nint)p * spatial, spatial).Fill(outputGradient[p] / spatial);
            }
        }

        /// <summary>Checks sizes and lengths; returns batch × channels.</summary>
        private static int Check(int planesLength, string planesName, int valuesLength, string valuesName, int batch, int channels, int spatial)
        {
            KernelArguments.NonNegative(batch, nameof(batch));
            KernelArguments.NonNegative(channels, nameof(channels));
            if (spatial < 1)
                throw new ArgumentOutOfRangeException(nameof(spatial), spatial, $"spatial (H·W) must be at least 1 but is {spatial}.");
            long planes = (long)batch * channels;
            KernelArguments.AtLeast(valuesLength, valuesName, batch, channels, nameof(batch), nameof(channels));
            if (planesLength < planes * spatial)
                throw new ArgumentException(
                    $"{planesName} has {planesLength} elements but batch×channels×spatial = {batch}×{channels}×{spatial} needs {planes * spatial}.", planesName);
            return (int)planes;
        }
    }
}
