using System.Runtime.CompilerServices;

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
            return S.Divide(one, S.Add(one, S.Exp(S.Subtract(S.Zero, x))));
        }

        /// <summary>tanh(x): x·(1 + x²·p(x²)) with the Taylor series to x¹³ for |x| &lt; 0.4 (truncation below 4e-9
        /// relative), sign(x)·(1 − 2/(e^{2|x|} + 1)) above; ±1 at the infinities, NaN for NaN, −0 for −0.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Tanh<S, T>(T x) where S : ISimdMath<T> where T : struct
        {
            // Both branches on |x|, then the sign: tanh is odd, and so −0 stays −0.
            T one = S.Broadcast(1f);
            T a = S.Abs(x);
            T e = S.Exp(S.Add(a, a));
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
    }
}
