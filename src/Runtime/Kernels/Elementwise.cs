using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TensorForge.Kernels
{
    /// <summary>y = f(x), element by element, written once for every vector width.</summary>
    internal interface IUnaryOperator
    {
        T Invoke<S, T>(T x) where S : ISimdMath<T> where T : struct;
    }

    /// <summary>z = f(x, y), element by element, written once for every vector width.</summary>
    internal interface IBinaryOperator
    {
        T Invoke<S, T>(T x, T y) where S : ISimdMath<T> where T : struct;
    }

    /// <summary>The one loop behind the hand-written element-wise kernels, in TensorPrimitives' shape: pick the widest
    /// accelerated width the length allows, run whole vectors, and finish with one vector that ends at the last element
    /// (overlapping the previous one) instead of a scalar tail. The last vector is computed before anything is stored,
    /// so a destination may be the same span as an input. Large passes are split into contiguous ranges over the worker
    /// pool (<see cref="ParallelRanges"/>); an element's result does not depend on the range it falls in.</summary>
    internal static unsafe class Elementwise
    {
        public static void Unary<TOp>(ReadOnlySpan<float> x, Span<float> y, TOp op, string xName, string yName)
            where TOp : struct, IUnaryOperator
        {
            KernelArguments.Destination(y.Length, yName, x.Length, xName);
            int n = x.Length;
            if (n == 0)
                return;
            fixed (float* px = x, py = y)
                ParallelRanges.Run(new UnaryRanges<TOp>(px, py, op), n, 2L * n, Granule);
        }

        public static void Binary<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z, TOp op, string xName, string yName, string zName)
            where TOp : struct, IBinaryOperator
        {
            KernelArguments.SameLength(y.Length, yName, x.Length, xName);
            KernelArguments.Destination(z.Length, zName, x.Length, xName);
            int n = x.Length;
            if (n == 0)
                return;
            fixed (float* px = x, py = y, pz = z)
                ParallelRanges.Run(new BinaryRanges<TOp>(px, py, pz, op), n, 3L * n, Granule);
        }

        /// <summary>Elements per range unit when a pass is split over threads: a multiple of every vector width, so each range
        /// runs the widest vectors the whole pass would (see <see cref="ParallelRanges"/>).</summary>
        public const int Granule = 64;

        private readonly struct UnaryRanges<TOp>(float* x, float* y, TOp op) : IRangeKernel where TOp : struct, IUnaryOperator
        {
            public void Run(int start, int end)
            {
                int n = end - start;
                if (SimdWidth.Use512 && n >= Vector512<float>.Count)
                    Unary<TOp, Vector512Math, Vector512<float>>(x + start, y + start, n, op);
                else if (SimdWidth.Use256 && n >= Vector256<float>.Count)
                    Unary<TOp, Vector256Math, Vector256<float>>(x + start, y + start, n, op);
                else if (SimdWidth.Use128 && n >= Vector128<float>.Count)
                    Unary<TOp, Vector128Math, Vector128<float>>(x + start, y + start, n, op);
                else
                    Unary<TOp, ScalarMath, float>(x + start, y + start, n, op);
            }
        }

        private readonly struct BinaryRanges<TOp>(float* x, float* y, float* z, TOp op) : IRangeKernel where TOp : struct, IBinaryOperator
        {
            public void Run(int start, int end)
            {
                int n = end - start;
                if (SimdWidth.Use512 && n >= Vector512<float>.Count)
                    Binary<TOp, Vector512Math, Vector512<float>>(x + start, y + start, z + start, n, op);
                else if (SimdWidth.Use256 && n >= Vector256<float>.Count)
                    Binary<TOp, Vector256Math, Vector256<float>>(x + start, y + start, z + start, n, op);
                else if (SimdWidth.Use128 && n >= Vector128<float>.Count)
                    Binary<TOp, Vector128Math, Vector128<float>>(x + start, y + start, z + start, n, op);
                else
                    Binary<TOp, ScalarMath, float>(x + start, y + start, z + start, n, op);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Unary<TOp, S, T>(float* x, float* y, int n, TOp op)
            where TOp : struct, IUnaryOperator where S : ISimdMath<T> where T : struct
        {
            int w = S.Count;
            T last = op.Invoke<S, T>(S.Load(x + n - w));
            for (int i = 0; i < n - w; i += w)
                S.Store(op.Invoke<S, T>(S.Load(x + i)), y + i);
            S.Store(last, y + n - w);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Binary<TOp, S, T>(float* x, float* y, float* z, int n, TOp op)
            where TOp : struct, IBinaryOperator where S : ISimdMath<T> where T : struct
        {
            int w = S.Count;
            T last = op.Invoke<S, T>(S.Load(x + n - w), S.Load(y + n - w));
            for (int i = 0; i < n - w; i += w)
                S.Store(op.Invoke<S, T>(S.Load(x + i), S.Load(y + i)), z + i);
            S.Store(last, z + n - w);
        }
    }

    /// <summary>The standard normal distribution, vectorised: Φ for exact GELU and its derivative.</summary>
    internal static class NormalDistribution
    {
        private const float InverseSqrt2 = 0.707106781186547524f;
        private const float InverseSqrt2Pi = 0.398942280401432678f;
        /// <summary>Above this |z| erf uses its second approximation (475/512).</summary>
        private const float ErfSplit = 0.927734375f;

        /// <summary>Φ(x) = ½·erfc(−x/√2). Uses Norbert Juffa's faithfully rounded erff (max error below 1 ulp; the same
        /// approximation MLX and PyTorch's MPS backend use), arranged so that the far tail comes straight from the erfc
        /// term rather than from 1 − erf, which would cancel: Φ(−5) keeps its digits.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Cdf<S, T>(T x) where S : ISimdMath<T> where T : struct
        {
            T z = S.Multiply(x, S.Broadcast(InverseSqrt2));
            T t = S.Abs(z);
            T s = S.Multiply(z, z);

            // |z| ≤ 0.9277: erf(z) = z + z·p(z²).
            T small = S.Broadcast(-5.96761703e-4f);
            small = S.MultiplyAdd(small, s, S.Broadcast(4.99119423e-3f));
            small = S.MultiplyAdd(small, s, S.Broadcast(-2.67681349e-2f));
            small = S.MultiplyAdd(small, s, S.Broadcast(1.12819925e-1f));
            small = S.MultiplyAdd(small, s, S.Broadcast(-3.76125336e-1f));
            small = S.MultiplyAdd(small, s, S.Broadcast(1.28379166e-1f));
            T erfSmall = S.MultiplyAdd(small, z, z);
            T half = S.Broadcast(0.5f);
            T cdfSmall = S.MultiplyAdd(erfSmall, half, half);

            // |z| > 0.9277: erfc(|z|) = exp(q(|z|)).
            T r = S.MultiplyAdd(S.Broadcast(-1.72853470e-5f), t, S.Broadcast(3.83197126e-4f));
            T u = S.MultiplyAdd(S.Broadcast(-3.88396438e-3f), t, S.Broadcast(2.42546219e-2f));
            r = S.MultiplyAdd(r, s, u);
            r = S.MultiplyAdd(r, t, S.Broadcast(-1.06777877e-1f));
            r = S.MultiplyAdd(r, t, S.Broadcast(-6.34846687e-1f));
            r = S.MultiplyAdd(r, t, S.Broadcast(-1.28717512e-1f));
            r = S.MultiplyAdd(r, t, S.Subtract(S.Zero, t));
            T halfErfc = S.Multiply(half, S.Exp(r));
            T cdfLarge = S.Select(S.GreaterThan(z, S.Zero), S.Subtract(S.Broadcast(1f), halfErfc), halfErfc);

            return S.Select(S.GreaterThan(t, S.Broadcast(ErfSplit)), cdfLarge, cdfSmall);
        }

        /// <summary>φ(x) = e^(−x²/2) / √(2π).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Density<S, T>(T x) where S : ISimdMath<T> where T : struct
            => S.Multiply(S.Exp(S.Multiply(S.Multiply(x, x), S.Broadcast(-0.5f))), S.Broadcast(InverseSqrt2Pi));
    }
}
