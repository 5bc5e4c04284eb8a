using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TensorForge.Kernels
{
    /// <summary><c>nn.AvgPool2d</c> with its defaults (count_include_pad=True, ceil_mode=False, no divisor_override) on NCHW
    /// float32 samples: every window's sum is divided by kernelHeight × kernelWidth, padding counting as zeros.</summary>
    /// <remarks>The sums run in the order of PyTorch's CPU loops (row-major in each window; in the backward pass, each input
    /// element receives its windows' shares in output order), and the division is a true division, as there.
    /// Vectorised along the width; single-threaded, so the result does not depend on <see cref="Gemm.MaxThreads"/>.
    /// Allocates nothing.</remarks>
    public static unsafe class AvgPool2D
    {
        /// <summary>Output columns handled per block in <see cref="Backward"/>: their shares g / (kh·kw) are computed once into a
        /// stack buffer of this size.</summary>
        private const int Block = 256;

        /// <summary>output[n, c, oh, ow] = (sum of the window of input[n, c]) / (kernelHeight · kernelWidth). Spans hold
        /// batch × g.InputSize and batch × g.OutputSize elements (at least); they must not overlap.</summary>
        /// <exception cref="ArgumentException">A span is too short, <paramref name="g"/> is default, or batch is negative.</exception>
        public static void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, in Pool2DGeometry g)
        {
            PoolingLoops.Check(g, batch, input.Length, nameof(input), g.InputSize, output.Length, nameof(output), g.OutputSize);
            PoolingLoops.Forward(input, output, batch, g, new AverageReduce(g.KernelHeight * g.KernelWidth));
        }

        /// <summary>Overwrites inputGradient (batch × g.InputSize): every element inside a window receives that window's output
        /// gradient / (kernelHeight · kernelWidth), summed over the windows that cover it.</summary>
        /// <exception cref="ArgumentException">A span is too short, <paramref name="g"/> is default, or batch is negative.</exception>
        public static void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batch, in Pool2DGeometry g)
        {
            PoolingLoops.Check(g, batch, outputGradient.Length, nameof(outputGradient), g.OutputSize, inputGradient.Length, nameof(inputGradient), g.InputSize);
            inputGradient.Slice(0, batch * g.InputSize).Clear();
            float* shares = stackalloc float[Block];
            fixed (float* dy = outputGradient, dx = inputGradient)
                BackwardPlanes(dy, dx, batch * g.Channels, g, shares);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void BackwardPlanes(float* dy, float* dx, int planes, in Pool2DGeometry g, float* share)
        {
            int inHeight = g.InHeight, inWidth = g.InWidth, outHeight = g.OutHeight, outWidth = g.OutWidth;
            int kernelHeight = g.KernelHeight, kernelWidth = g.KernelWidth, strideHeight = g.StrideHeight, strideWidth = g.StrideWidth;
            int padHeight = g.PadHeight, padWidth = g.PadWidth;
            float divisor = kernelHeight * kernelWidth;
            for (int p = 0; p < planes; p++, dx += inHeight * inWidth, dy += outHeight * outWidth)
            {
                for (int oh = 0; oh < outHeight; oh++)
                {
                    int top = oh * strideHeight - padHeight;
                    int kh0 = Math.Max(0, -top), kh1 = Math.Min(kernelHeight, inHeight - top);
                    for (int first = 0; first < outWidth; first += Block)
                    {
                        int count = Math.Min(Block, outWidth - first);
                        TensorPrimitives.Divide(new ReadOnlySpan<float>(dy + oh * outWidth + first, count), divisor, new Span<float>(share, count));
                        for (int kh = kh0; kh < kh1; kh++)
                        {
                            float* row = dx + (long)(top + kh) * inWidth;
                            // kw descending: an element is covered by column ow with kw = iw + pad − ow·stride, so for each
                            // element the shares then arrive in ascending ow, the order of PyTorch's loop.
                            for (int kw = kernelWidth - 1; kw >= 0; kw--)
                            {
                                // Columns of this block whose element (ow·stride − pad + kw) lies inside the row.
                                int lowest = Math.Max(first, CeilDiv(padWidth - kw, strideWidth));
                                int highest = Math.Min(first + count, FloorDiv(inWidth - 1 + padWidth - kw, strideWidth) + 1);
                                if (highest <= lowest)
                                    continue;
                                AddShares(row + (lowest * strideWidth - padWidth + kw), share + (lowest - first), highest - lowest, strideWidth);
                            }
                        }
                    }
                }
            }
        }

        /// <summary>destination[i·stride] += shares[i] for i &lt; count.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void AddShares(float* destination, float* shares, int count, int stride)
        {
            if (stride == 1)
            {
                var target = new Span<float>(destination, count);
                TensorPrimitives.Add(target, new ReadOnlySpan<float>(shares, count), target);
                return;
            }
            int done = 0;
            if (stride == 2)
            {
                // Widest vectors first, then narrower ones for what is left; vectors write one element past their last lane
                // (unchanged), so each stops while one more share follows it.
                if (SimdWidth.Use512)
                    done = AddStride2<Vector512Math, Vector512<float>, PoolOps512>(destination, shares, done, count);
                if (SimdWidth.Use256)
                    done = AddStride2<Vector256Math, Vector256<float>, PoolOps256>(destination, shares, done, count);
                if (SimdWidth.Use128)
                    done = AddStride2<Vector128Math, Vector128<float>, PoolOps128>(destination, shares, done, count);
            }
            for (int i = done; i < count; i++)
                destination[(long)i * stride] += shares[i];
        }

        /// <summary>Whole vectors from share <paramref name="i"/> while one more share follows them; returns the first share
        /// not added.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int AddStride2<S, T, P>(float* destination, float* shares, int i, int count)
            where S : ISimdMath<T> where P : IPoolOps<T> where T : struct
        {
            int w = S.Count;
            for (; i + w < count; i += w)
                P.AddStride2(destination + 2 * i, S.Load(shares + i));
            return i;
        }

        private static int CeilDiv(int numerator, int denominator) => numerator <= 0 ? -(-numerator / denominator) : (numerator + denominator - 1) / denominator;

        private static int FloorDiv(int numerator, int denominator) => numerator >= 0 ? numerator / denominator : -((-numerator + denominator - 1) / denominator);
    }
}
