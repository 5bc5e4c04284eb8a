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

            Store(destination, Avx.Permute2x128(s0, s4, 0x20), add);
            Store(destination + destinationStride, Avx.Permute2x128(s1, s5, 0x20), add);
            Store(destination + 2 * destinationStride, Avx.Permute2x128(s2, s6, 0x20), add);
            Store(destination + 3 * destinationStride, Avx.Permute2x128(s3, s7, 0x20), add);
            Store(destination + 4 * destinationStride, Avx.Permute2x128(s0, s4, 0x31), add);
            Store(destination + 5 * destinationStride, Avx.Permute2x128(s1, s5, 0x31), add);
            Store(destination + 6 * destinationStride, Avx.Permute2x128(s2, s6, 0x31), add);
            Store(destination + 7 * destinationStride, Avx.Permute2x128(s3, s7, 0x31), add);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store(float* destination, Vector256<float> value, bool add)
        {
            if (add)
                value = Avx.Add(Avx.LoadVector256(destination), value);
            Avx.Store(destination, value);
        }
    }
}
