using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TensorForge.Kernels
{
    /// <summary>The gate nonlinearities of the recurrent cells, vectorised and fused into their kernels: σ and tanh from one
    /// exp each, accurate to about 3e-7 relative (the tests hold them to 1e-6 against double precision).</summary>
    internal static class GateMath
    {
        /// <summary>Below this |x|, tanh comes from its Taylor series: 1 − 2/(e^{2|x|} + 1) cancels for small |x|.</summary>
        private const float TanhSeriesBelow = 0.4f;

        /// <summary>σ(x) = 1 / (1 + e^{−x}); 0 and 1 at the infinities, NaN for NaN.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Sigmoid<S, T>(T x) where S : ISimdMath<T> where T : struct
        {
            T one = S.Broadcast(1f);
            return S.Divide(one, S.Add(one, Exp<S, T>(S.Subtract(S.Zero, x))));
        }

        /// <summary>tanh(x): x·(1 + x²·p(x²)) with the Taylor series to x¹³ for |x| &lt; 0.4 (truncation below 4e-9
        /// relative), sign(x)·(1 − 2/(e^{2|x|} + 1)) above; ±1 at the infinities, NaN for NaN, −0 for −0.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Tanh<S, T>(T x) where S : ISimdMath<T> where T : struct
        {
            // Both branches on |x|, then the sign: tanh is odd, and so −0 stays −0.
            T one = S.Broadcast(1f);
            T a = S.Abs(x);
            T e = Exp<S, T>(S.Add(a, a));
            T large = S.Subtract(one, S.Divide(S.Broadcast(2f), S.Add(e, one)));

            T s = S.Multiply(a, a);
            T p = S.Broadcast(21844f / 6081075f);
            p = S.MultiplyAdd(p, s, S.Broadcast(-1382f / 155925f));
            p = S.MultiplyAdd(p, s, S.Broadcast(62f / 2835f));
            p = S.MultiplyAdd(p, s, S.Broadcast(-17f / 315f));
            p = S.MultiplyAdd(p, s, S.Broadcast(2f / 15f));
            p = S.MultiplyAdd(p, s, S.Broadcast(-1f / 3f));
            T small = S.MultiplyAdd(S.Multiply(a, s), p, a);

            return S.CopySign(S.Select(S.GreaterThan(S.Broadcast(TanhSeriesBelow), a), small, large), x);
        }

        /// <summary>e^x in single precision, for the gates: the vector Exp of .NET widens to double, which costs a third of
        /// a forward step here. Cody–Waite reduction x = k·ln2 + r (|r| ≤ ln2/2), e^r from its Taylor series to r⁷
        /// (truncation 5e-9 relative), then 2^k through the exponent bits: within 2 ulp of e^x for x in [−87, 88.3]. x is
        /// clamped to [−87, 89] first, so the result saturates at e^−87 (1.6e-38) below and is +∞ from x = 88.37 on
        /// (slightly before the true overflow at 88.72): the gates
        /// only use it inside 1/(1 + e^x) and 2/(e^x + 1), where either is exactly what the true value gives. NaN stays NaN.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Exp<S, T>(T x) where S : ISimdMath<T> where T : struct
        {
            if (typeof(T) == typeof(Vector512<float>))
            {
                Vector512<float> v = Unsafe.As<T, Vector512<float>>(ref x);
                Vector512<float> c = Vector512.Min(Vector512.Max(v, Vector512.Create(-87f)), Vector512.Create(89f));
                Vector512<float> k = Vector512.Round(c * Vector512.Create(Log2E));
                Vector512<float> p = Polynomial<Vector512Math, Vector512<float>>(c, k);
                Vector512<int> scale = Vector512.ShiftLeft(Vector512.ConvertToInt32(k) + Vector512.Create(127), 23);
                Vector512<float> result = p * scale.AsSingle();
                return Unsafe.As<Vector512<float>, T>(ref result);
            }
            if (typeof(T) == typeof(Vector256<float>))
            {
                Vector256<float> v = Unsafe.As<T, Vector256<float>>(ref x);
                Vector256<float> c = Vector256.Min(Vector256.Max(v, Vector256.Create(-87f)), Vector256.Create(89f));
                Vector256<float> k = Vector256.Round(c * Vector256.Create(Log2E));
                Vector256<float> p = Polynomial<Vector256Math, Vector256<float>>(c, k);
                Vector256<int> scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(k) + Vector256.Create(127), 23);
                Vector256<float> result = p * scale.AsSingle();
                return Unsafe.As<Vector256<float>, T>(ref result);
            }
            if (typeof(T) == typeof(Vector128<float>))
            {
                Vector128<float> v = Unsafe.As<T, Vector128<float>>(ref x);
                Vector128<float> c = Vector128.Min(Vector128.Max(v, Vector128.Create(-87f)), Vector128.Create(89f));
                Vector128<float> k = Vector128.Round(c * Vector128.Create(Log2E));
                Vector128<float> p = Polynomial<Vector128Math, Vector128<float>>(c, k);
                Vector128<int> scale = Vector128.ShiftLeft(Vector128.ConvertToInt32(k) + Vector128.Create(127), 23);
                Vector128<float> result = p * scale.AsSingle();
                return Unsafe.As<Vector128<float>, T>(ref result);
            }
            return S.Exp(x);
        }

        private const float Log2E = 1.44269504f;

        /// <summary>e^r for r = x − k·ln2 (ln2 split so that k·ln2_hi is exact): the Taylor series to r⁷; a NaN x gives
        /// a NaN result.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static T Polynomial<S, T>(T x, T k) where S : ISimdMath<T> where T : struct
        {
            T r = S.MultiplyAdd(k, S.Broadcast(-0.693359375f), x);
            r = S.MultiplyAdd(k, S.Broadcast(2.12194440e-4f), r);
            T p = S.Broadcast(1f / 5040);
            p = S.MultiplyAdd(p, r, S.Broadcast(1f / 720));
            p = S.MultiplyAdd(p, r, S.Broadcast(1f / 120));
            p = S.MultiplyAdd(p, r, S.Broadcast(1f / 24));
            p = S.MultiplyAdd(p, r, S.Broadcast(1f / 6));
            p = S.MultiplyAdd(p, r, S.Broadcast(0.5f));
            p = S.MultiplyAdd(p, r, S.Broadcast(1f));
            return S.MultiplyAdd(p, r, S.Broadcast(1f));
        }
    }
}
