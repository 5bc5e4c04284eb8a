using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TensorForge.Kernels
{
    /// <summary>An 8 × 8 float transpose in AVX registers (unpack, shuffle, lane permute: 24 shuffles for 64 elements),
    /// used by GEMM to pack transposed operands and to write transposed output tiles.</summary>
    internal static unsafe class Transpose8x8
    {
        public static bool IsSupported => Avx.IsSupported;

        /// <summary>destination[j·destinationStride + i] (+)= source[i·sourceStride + j] for i, j &lt; 8.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Run(float* source, nint sourceStride, float* destination, nint destinationStride, bool add)
            => Run(source, sourceStride, destination, destinationStride, add, evex: false);

        /// <summary>As <see cref="Run(float*, nint, float*, nint, bool)"/>; with <paramref name="evex"/> (and AVX-512) the
        /// lane permutes are vshuff32x4, which, unlike vperm2f128, has an EVEX encoding and so may use registers 16–31:
        /// inside a micro-kernel that keeps 16 accumulators in zmm0–15, vperm2f128 forces spills. Elsewhere vperm2f128
        /// is kept (measured slightly faster for packing on Zen 4).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Run(float* source, nint sourceStride, float* destination, nint destinationStride, bool add, bool evex)
        {
            Vector256<float> r0 = Avx.LoadVector256(source);
            Vector256<float> r1 = Avx.LoadVector256(source + sourceStride);
            Vector256<float> r2 = Avx.LoadVector256(source + 2 * sourceStride);
            Vector256<float> r3 = Avx.LoadVector256(source + 3 * sourceStride);
            Vector256<float> r4 = Avx.LoadVector256(source + 4 * sourceStride);
            Vector256<float> r5 = Avx.LoadVector256(source + 5 * sourceStride);
            Vector256<float> r6 = Avx.LoadVector256(source + 6 * sourceStride);
            Vector256<float> r7 = Avx.LoadVector256(source + 7 * sourceStride);

            // Pairs of rows interleaved: [a0 b0 a1 b1 | a4 b4 a5 b5] and [a2 b2 a3 b3 | a6 b6 a7 b7].
            Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
            Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
            Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
            Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

            // Quarters of columns: s0 = [col0 rows 0-3 | col4 rows 0-3], s1 = cols 1/5, s2 = cols 2/6, s3 = cols 3/7.
            Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
            Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
            Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
            Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);

            Store(destination, Low(evex, s0, s4), add);
            Store(destination + destinationStride, Low(evex, s1, s5), add);
            Store(destination + 2 * destinationStride, Low(evex, s2, s6), add);
            Store(destination + 3 * destinationStride, Low(evex, s3, s7), add);
            Store(destination + 4 * destinationStride, High(evex, s0, s4), add);
            Store(destination + 5 * destinationStride, High(evex, s1, s5), add);
            Store(destination + 6 * destinationStride, High(evex, s2, s6), add);
            Store(destination + 7 * destinationStride, High(evex, s3, s7), add);
        }

        /// <summary>[left's low 128 bits | right's low 128 bits].</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Low(bool evex, Vector256<float> left, Vector256<float> right)
            => evex && Avx512F.VL.IsSupported ? Avx512F.VL.Shuffle2x128(left, right, 0b00) : Avx.Permute2x128(left, right, 0x20);

        /// <summary>[left's high 128 bits | right's high 128 bits].</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> High(bool evex, Vector256<float> left, Vector256<float> right)
            => evex && Avx512F.VL.IsSupported ? Avx512F.VL.Shuffle2x128(left, right, 0b11) : Avx.Permute2x128(left, right, 0x31);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store(float* destination, Vector256<float> value, bool add)
        {
            if (add)
                value = Avx.Add(Avx.LoadVector256(destination), value);
            Avx.Store(destination, value);
        }
    }
}
