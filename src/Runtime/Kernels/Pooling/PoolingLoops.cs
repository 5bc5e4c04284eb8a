using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TensorForge.Kernels
{
    /// <summary>What a forward window computes: start from <see cref="Start{S, T}"/>, fold in every element of the window that
    /// lies inside the input, in row-major order, then <see cref="Finish{S, T}"/>.</summary>
    internal interface IWindowReduce
    {
        T Start<S, T>() where S : ISimdMath<T> where T : struct;
        T Combine<S, T, P>(T accumulator, T value) where S : ISimdMath<T> where P : IPoolOps<T> where T : struct;
        T Finish<S, T>(T accumulator) where S : ISimdMath<T> where T : struct;
    }

    /// <summary>Running maximum from −∞ by PyTorch's rule (padding never wins: it is never read).</summary>
    internal readonly struct MaxReduce : IWindowReduce
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Start<S, T>() where S : ISimdMath<T> where T : struct => S.Broadcast(float.NegativeInfinity);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Combine<S, T, P>(T accumulator, T value) where S : ISimdMath<T> where P : IPoolOps<T> where T : struct =>
            S.Select(P.TakesOver(value, accumulator), value, accumulator);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Finish<S, T>(T accumulator) where S : ISimdMath<T> where T : struct => accumulator;
    }

    /// <summary>Sum from +0 (as PyTorch's loop does, so an all −0 window gives +0), divided by the whole window's size: padding
    /// counts as zeros (count_include_pad=True).</summary>
    internal readonly struct AverageReduce(float divisor) : IWindowReduce
    {
        private readonly float _divisor = divisor;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Start<S, T>() where S : ISimdMath<T> where T : struct => S.Zero;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Combine<S, T, P>(T accumulator, T value) where S : ISimdMath<T> where P : IPoolOps<T> where T : struct =>
            S.Add(accumulator, value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Finish<S, T>(T accumulator) where S : ISimdMath<T> where T : struct => S.Divide(accumulator, S.Broadcast(_divisor));
    }

    /// <summary>The loops shared by the 2-D pooling kernels. Output columns split in three: left and right borders, whose
    /// windows stick out into the padding (clipped, one column at a time), and the interior, whose windows lie inside the
    /// input horizontally (vectorised: one lane per output column, loading the lanes' elements at the stride).</summary>
    internal static unsafe class PoolingLoops
    {
        /// <summary>Checks the geometry, the batch and the two spans, before anything is written.</summary>
        public static void Check(in Pool2DGeometry g, int batch, int sourceLength, string sourceName, int sourceSize,
            int destinationLength, string destinationName, int destinationSize)
        {
            g.CheckConstructed("g");
            KernelArguments.NonNegative(batch, nameof(batch));
            KernelArguments.AtLeast(sourceLength, sourceName, batch, sourceSize, nameof(batch), sourceSize == g.InputSize ? "g.InputSize" : "g.OutputSize");
            KernelArguments.AtLeast(destinationLength, destinationName, batch, destinationSize, nameof(batch),
                destinationSize == g.InputSize ? "g.InputSize" : "g.OutputSize");
        }

        /// <summary>Output columns whose windows lie inside the input horizontally: [low, high), empty when high ≤ low.</summary>
        public static (int Low, int High) Interior(in Pool2DGeometry g)
        {
            int low = (g.PadWidth + g.StrideWidth - 1) / g.StrideWidth;
            int lastStart = g.InWidth - g.KernelWidth + g.PadWidth; // the largest ow·stride that still fits
            int high = lastStart < 0 ? 0 : Math.Min(g.OutWidth, lastStart / g.StrideWidth + 1);
            return (Math.Min(low, g.OutWidth), Math.Max(high, Math.Min(low, g.OutWidth)));
        }

        /// <summary>The forward pass of a pooling whose windows compute <paramref name="reduce"/>, over batch × channels planes.</summary>
        public static void Forward<R>(ReadOnlySpan<float> input, Span<float> output, int batch, in Pool2DGeometry g, R reduce)
            where R : struct, IWindowReduce
        {
            int planes = batch * g.Channels;
            if (planes == 0)
                return;
            (int low, int high) = Interior(g);
            int interior = high - low;
            fixed (float* x = input, y = output)
            {
                if (SimdWidth.Use512 && interior >= Vector512<float>.Count)
                    ForwardWidth<Vector512Math, Vector512<float>, PoolOps512, R>(x, y, planes, g, low, high, reduce);
                else if (SimdWidth.Use256 && interior >= Vector256<float>.Count)
                    ForwardWidth<Vector256Math, Vector256<float>, PoolOps256, R>(x, y, planes, g, low, high, reduce);
                else if (SimdWidth.Use128 && interior >= Vector128<float>.Count)
                    ForwardWidth<Vector128Math, Vector128<float>, PoolOps128, R>(x, y, planes, g, low, high, reduce);
                else
                    Forward<ScalarMath, float, PoolOpsScalar, UnitStrideLoad<ScalarMath, float>, R>(x, y, planes, g, low, high, default, reduce);
            }
        }

        private static void ForwardWidth<S, T, P, R>(float* x, float* y, int planes, in Pool2DGeometry g, int low, int high, R reduce)
            where S : ISimdMath<T> where P : IPoolOps<T> where T : struct where R : struct, IWindowReduce
        {
            switch (g.StrideWidth)
            {
                case 1:
                    Forward<S, T, P, UnitStrideLoad<S, T>, R>(x, y, planes, g, low, high, default, reduce);
                    break;
                case 2:
                    Forward<S, T, P, Stride2Load<P, T>, R>(x, y, planes, g, low, high, default, reduce);
                    break;
                default:
                    Forward<S, T, P, AnyStrideLoad<P, T>, R>(x, y, planes, g, low, high, new AnyStrideLoad<P, T>(g.StrideWidth), reduce);
                    break;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Forward<S, T, P, L, R>(float* x, float* y, int planes, in Pool2DGeometry g, int low, int high, L load, R reduce)
            where S : ISimdMath<T> where P : IPoolOps<T> where T : struct where L : struct, IRowLoad<T> where R : struct, IWindowReduce
        {
            int inHeight = g.InHeight, inWidth = g.InWidth, outHeight = g.OutHeight, outWidth = g.OutWidth;
            int kernelHeight = g.KernelHeight, kernelWidth = g.KernelWidth, strideHeight = g.StrideHeight, strideWidth = g.StrideWidth;
            int padHeight = g.PadHeight, padWidth = g.PadWidth;
            int w = S.Count;
            for (int p = 0; p < planes; p++, x += inHeight * inWidth, y += outHeight * outWidth)
            {
                for (int oh = 0; oh < outHeight; oh++)
                {
                    int top = oh * strideHeight - padHeight;
                    int kh0 = Math.Max(0, -top), kh1 = Math.Min(kernelHeight, inHeight - top);
                    float* rows = x + (long)top * inWidth; // row `top` may be a padding row; only rows kh0..kh1-1 are read
                    float* outRow = y + oh * outWidth;
                    for (int ow = 0; ow < low; ow++)
                        outRow[ow] = BorderWindow(rows, inWidth, kh0, kh1, ow * strideWidth - padWidth, kernelWidth, reduce);
                    if (high > low)
                    {
                        int last = high - w;
                        for (int ow = low; ow < last; ow += w)
                            S.Store(Window<S, T, P, L, R>(rows + (ow * strideWidth - padWidth), inWidth, kh0, kh1, 0, kernelWidth, load, reduce), outRow + ow);
                        // One vector ending at the last interior column, overlapping the previous one (stores are idempotent).
                        S.Store(Window<S, T, P, L, R>(rows + (last * strideWidth - padWidth), inWidth, kh0, kh1, 0, kernelWidth, load, reduce), outRow + last);
                    }
                    for (int ow = high; ow < outWidth; ow++)
                        outRow[ow] = BorderWindow(rows, inWidth, kh0, kh1, ow * strideWidth - padWidth, kernelWidth, reduce);
                }
            }
        }

        /// <summary>One output column whose window may stick out left or right: clipped to the input.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float BorderWindow<R>(float* rows, int inWidth, int kh0, int kh1, int left, int kernelWidth, R reduce)
            where R : struct, IWindowReduce
        {
            int kw0 = Math.Max(0, -left), kw1 = Math.Min(kernelWidth, inWidth - left);
            return Window<ScalarMath, float, PoolOpsScalar, UnitStrideLoad<ScalarMath, float>, R>(rows + left, inWidth, kh0, kh1, kw0, kw1, default, reduce);
        }

        /// <summary>Window rows kh0..kh1−1 and columns kw0..kw1−1 relative to <paramref name="topLeft"/> (lane 0's window
        /// corner, which may lie in the padding), in row-major order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static T Window<S, T, P, L, R>(float* topLeft, int inWidth, int kh0, int kh1, int kw0, int kw1, L load, R reduce)
            where S : ISimdMath<T> where P : IPoolOps<T> where T : struct where L : struct, IRowLoad<T> where R : struct, IWindowReduce
        {
            T accumulator = reduce.Start<S, T>();
            for (int kh = kh0; kh < kh1; kh++)
            {
                float* row = topLeft + (long)kh * inWidth;
                for (int kw = kw0; kw < kw1; kw++)
                    accumulator = reduce.Combine<S, T, P>(accumulator, load.Load(row + kw));
            }
            return reduce.Finish<S, T>(accumulator);
        }
    }
}
