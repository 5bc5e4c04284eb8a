using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TensorForge.Kernels
{
    /// <summary><c>nn.MaxPool2d</c> (ceil_mode=False, dilation 1) on NCHW float32 samples.</summary>
    /// <remarks>
    /// <para>Semantics of PyTorch's CPU kernel: padding is −∞ (never chosen); the window is scanned row by row, and an element
    /// replaces the running maximum when it is greater or NaN. So among equal maxima the first in scan order wins (this decides
    /// the sign of a zero and where the gradient goes), a window holding NaN gives NaN, and a window of −∞ gives −∞ with its
    /// gradient at the first element inside the input.</para>
    /// <para>Vectorised along the output width (one lane per output column, loading at the stride); single-threaded, so the
    /// result does not depend on <see cref="Gemm.MaxThreads"/>. Allocates nothing.</para>
    /// </remarks>
    public static unsafe class MaxPool2D
    {
        /// <summary>output[n, c, oh, ow] = the maximum of the window of input[n, c]. Spans hold batch × g.InputSize and
        /// batch × g.OutputSize elements (at least); they must not overlap.</summary>
        /// <exception cref="ArgumentException">A span is too short, <paramref name="g"/> is default, or batch is negative.</exception>
        public static void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, in Pool2DGeometry g)
        {
            PoolingLoops.Check(g, batch, input.Length, nameof(input), g.InputSize, output.Length, nameof(output), g.OutputSize);
            PoolingLoops.Forward(input, output, batch, g, default(MaxReduce));
        }

        /// <summary>Overwrites inputGradient (batch × g.InputSize): each output gradient goes to its window's arg-max, found again
        /// from <paramref name="input"/> by the forward rule (no index buffer). Where windows overlap, the gradients of every
        /// window choosing an element add up, in output order (as PyTorch adds them).</summary>
        /// <exception cref="ArgumentException">A span is too short, <paramref name="g"/> is default, or batch is negative.</exception>
        public static void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batch, in Pool2DGeometry g)
        {
            PoolingLoops.Check(g, batch, input.Length, nameof(input), g.InputSize, inputGradient.Length, nameof(inputGradient), g.InputSize);
            KernelArguments.AtLeast(outputGradient.Length, nameof(outputGradient), batch, g.OutputSize, nameof(batch), "g.OutputSize");
            int planes = batch * g.Channels;
            inputGradient.Slice(0, batch * g.InputSize).Clear();
            if (planes == 0)
                return;
            (int low, int high) = PoolingLoops.Interior(g);
            int interior = high - low;
            // Lanes remember the arg-max as a float offset from their window's corner, kh·InWidth + kw: exact below 2^24.
            if ((long)g.KernelHeight * g.InWidth >= 1 << 24)
                interior = 0;
            fixed (float* x = input, dy = outputGradient, dx = inputGradient)
            {
                if (SimdWidth.Use512 && interior >= Vector512<float>.Count)
                    BackwardWidth<Vector512Math, Vector512<float>, PoolOps512>(x, dy, dx, planes, g, low, high);
                else if (SimdWidth.Use256 && interior >= Vector256<float>.Count)
                    BackwardWidth<Vector256Math, Vector256<float>, PoolOps256>(x, dy, dx, planes, g, low, high);
                else if (SimdWidth.Use128 && interior >= Vector128<float>.Count)
                    BackwardWidth<Vector128Math, Vector128<float>, PoolOps128>(x, dy, dx, planes, g, low, high);
                else // every column through the scalar border code
                    Backward<ScalarMath, float, PoolOpsScalar, UnitStrideLoad<ScalarMath, float>>(x, dy, dx, planes, g, g.OutWidth, g.OutWidth, default);
            }
        }

        private static void BackwardWidth<S, T, P>(float* x, float* dy, float* dx, int planes, in Pool2DGeometry g, int low, int high)
            where S : ISimdMath<T> where P : IPoolOps<T> where T : struct
        {
            switch (g.StrideWidth)
            {
                case 1:
                    Backward<S, T, P, UnitStrideLoad<S, T>>(x, dy, dx, planes, g, low, high, default);
                    break;
                case 2:
                    Backward<S, T, P, Stride2Load<P, T>>(x, dy, dx, planes, g, low, high, default);
                    break;
                default:
                    Backward<S, T, P, AnyStrideLoad<P, T>>(x, dy, dx, planes, g, low, high, new AnyStrideLoad<P, T>(g.StrideWidth));
                    break;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Backward<S, T, P, L>(float* x, float* dy, float* dx, int planes, in Pool2DGeometry g, int low, int high, L load)
            where S : ISimdMath<T> where P : IPoolOps<T> where T : struct where L : struct, IRowLoad<T>
        {
            int inHeight = g.InHeight, inWidth = g.InWidth, outHeight = g.OutHeight, outWidth = g.OutWidth;
            int kernelHeight = g.KernelHeight, kernelWidth = g.KernelWidth, strideHeight = g.StrideHeight, strideWidth = g.StrideWidth;
            int padHeight = g.PadHeight, padWidth = g.PadWidth;
            int w = S.Count;
            float* offsets = stackalloc float[16];
            for (int p = 0; p < planes; p++, x += inHeight * inWidth, dx += inHeight * inWidth, dy += outHeight * outWidth)
            {
                for (int oh = 0; oh < outHeight; oh++)
                {
                    int top = oh * strideHeight - padHeight;
                    int kh0 = Math.Max(0, -top), kh1 = Math.Min(kernelHeight, inHeight - top);
                    float* gradientRow = dy + oh * outWidth;
                    // Gradients are added in output-column order, as PyTorch's loop adds them: left border, interior, right border.
                    for (int ow = 0; ow < low; ow++)
                        dx[BorderArgMax(x, inWidth, top, kh0, kh1, ow * strideWidth - padWidth, kernelWidth)] += gradientRow[ow];
                    if (high > low)
                    {
                        int done = low;
                        for (int ow = low; ow < high; ow += w)
                        {
                            int start = Math.Min(ow, high - w); // the last vector ends at the last interior column
                            int corner = top * inWidth + start * strideWidth - padWidth; // lane 0's window corner (may be padding)
                            S.Store(ArgMax<S, T, P, L>(x + corner, inWidth, kh0, kh1, kernelWidth, load), offsets);
                            for (int lane = done - start; lane < w; lane++)
                            {
                                dx[corner + lane * strideWidth + (int)offsets[lane]] += gradientRow[start + lane];
                            }
                            done = start + w;
                        }
                    }
                    for (int ow = high; ow < outWidth; ow++)
                        dx[BorderArgMax(x, inWidth, top, kh0, kh1, ow * strideWidth - padWidth, kernelWidth)] += gradientRow[ow];
                }
            }
        }

        /// <summary>Per lane, the arg-max as kh·inWidth + kw from the lane's window corner (a float: exact below 2^24).
        /// Starts at the first element inside the input, as PyTorch's index does, so a window of −∞ points there.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static T ArgMax<S, T, P, L>(float* corner, int inWidth, int kh0, int kh1, int kernelWidth, L load)
            where S : ISimdMath<T> where P : IPoolOps<T> where T : struct where L : struct, IRowLoad<T>
        {
            T best = S.Broadcast(float.NegativeInfinity);
            T where = S.Broadcast(kh0 * inWidth);
            for (int kh = kh0; kh < kh1; kh++)
            {
                float* row = corner + (long)kh * inWidth;
                for (int kw = 0; kw < kernelWidth; kw++)
                {
                    T value = load.Load(row + kw);
                    T takes = P.TakesOver(value, best);
                    best = S.Select(takes, value, best);
                    where = S.Select(takes, S.Broadcast(kh * inWidth + kw), where);
                }
            }
            return where;
        }

        /// <summary>The input offset (in the plane) of the arg-max of a window clipped to the input.</summary>
        private static int BorderArgMax(float* plane, int inWidth, int top, int kh0, int kh1, int left, int kernelWidth)
        {
            int kw0 = Math.Max(0, -left), kw1 = Math.Min(kernelWidth, inWidth - left);
            int best = (top + kh0) * inWidth + left + kw0;
            float bestValue = float.NegativeInfinity;
            for (int kh = kh0; kh < kh1; kh++)
            {
                int row = (top + kh) * inWidth + left;
                for (int kw = kw0; kw < kw1; kw++)
                {
                    float value = plane[row + kw];
                    if (value > bestValue || float.IsNaN(value))
                    {
                        bestValue = value;
                        best = row + kw;
                    }
                }
            }
            return best;
        }
    }
}
