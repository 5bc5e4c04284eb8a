using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TensorForge.Kernels
{
    /// <summary>Copies, clears and strided gathers of short rows (an image row is often 7–56 floats): inline vector loops
    /// with one overlapping last vector, where a call into Span or TensorPrimitives per row would cost more than the row.
    /// Every element is moved or added on its own, so the vector width never changes a result.</summary>
    internal static unsafe class ConvRows
    {
        /// <summary>Whether the vector loops run. Not <see cref="SimdWidth"/>'s per-thread test hook: these loops move or add
        /// each element on its own, so the width cannot change a result, and reading a thread-static per row costs more than
        /// a short row.</summary>
        private static readonly bool s_vector = Avx2.IsSupported;

        /// <summary>destination[i] = source[i] for i &lt; count; the ranges must not overlap.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Copy(float* source, float* destination, int count)
        {
            int i = 0;
            if (s_vector && count >= 8)
            {
                for (; i + 8 <= count; i += 8)
                    Vector256.Store(Vector256.Load(source + i), destination + i);
                if (i < count)
                    Vector256.Store(Vector256.Load(source + count - 8), destination + count - 8);
                return;
            }
            for (; i < count; i++)
                destination[i] = source[i];
        }

        /// <summary>destination[i] = source[i] + value for i &lt; count; the ranges must not overlap.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void AddScalar(float* source, float value, float* destination, int count)
        {
            int i = 0;
            if (s_vector && count >= 8)
            {
                Vector256<float> v = Vector256.Create(value);
                for (; i + 8 <= count; i += 8)
                    Vector256.Store(Vector256.Load(source + i) + v, destination + i);
                if (i < count)
                    Vector256.Store(Vector256.Load(source + count - 8) + v, destination + count - 8);
                return;
            }
            for (; i < count; i++)
                destination[i] = source[i] + value;
        }

        /// <summary>destination[i] = source[i] + value (or source[i] when <paramref name="add"/> is false) for i &lt; count,
        /// in whole 8-float vectors: up to 7 floats past the end of both are read and written. For rows that the caller
        /// writes in increasing order, where what follows a row is written (correctly) later.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void AddScalarOvershooting(float* source, float value, float* destination, int count, bool add)
        {
            if (!s_vector)
            {
                for (int k = 0; k < count; k++)
                    destination[k] = add ? source[k] + value : source[k];
                return;
            }
            Vector256<float> v = Vector256.Create(value);
            for (int i = 0; i < count; i += 8)
            {
                Vector256<float> x = Vector256.Load(source + i);
                Vector256.Store(add ? x + v : x, destination + i);
            }
        }

        /// <summary>destination[i] += source[i] for i &lt; count; the ranges must not overlap.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Add(float* destination, float* source, int count)
        {
            int i = 0;
            if (s_vector && Vector512.IsHardwareAccelerated && count >= 16)
            {
                for (; i + 16 <= count; i += 16)
                    Vector512.Store(Vector512.Load(destination + i) + Vector512.Load(source + i), destination + i);
            }
            if (s_vector)
            {
                for (; i + 8 <= count; i += 8)
                    Vector256.Store(Vector256.Load(destination + i) + Vector256.Load(source + i), destination + i);
            }
            for (; i < count; i++)
                destination[i] += source[i];
        }

        /// <summary>destination[i] = 0 for i &lt; count.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Clear(float* destination, int count)
        {
            int i = 0;
            if (s_vector && count >= 8)
            {
                for (; i + 8 <= count; i += 8)
                    Vector256.Store(Vector256<float>.Zero, destination + i);
                if (i < count)
                    Vector256.Store(Vector256<float>.Zero, destination + count - 8);
                return;
            }
            for (; i < count; i++)
                destination[i] = 0f;
        }

        /// <summary>even[u] = source[2u] for u &lt; evenCount and odd[u] = source[2u + 1] for u &lt; oddCount, reading only
        /// source[0, count) and writing nothing else: with AVX-512, 32 floats per step through masked loads and stores (the
        /// rows of a stride-2 image are short, 7–14 floats per phase).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void SplitEvenOdd(float* source, int count, float* even, int evenCount, float* odd, int oddCount)
        {
            if (Avx512F.IsSupported)
            {
                Vector512<int> lanes = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
                Vector512<int> evenIndex = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
                Vector512<int> oddIndex = evenIndex + Vector512<int>.One;
                for (int k = 0; 2 * k < count; k += 16)
                {
                    int rest = count - 2 * k;
                    Vector512<float> low = Avx512F.MaskLoad(source + 2 * k, Vector512.LessThan(lanes, Vector512.Create(rest)).AsSingle(), Vector512<float>.Zero);
                    Vector512<float> high = Avx512F.MaskLoad(source + 2 * k + 16, Vector512.LessThan(lanes, Vector512.Create(rest - 16)).AsSingle(), Vector512<float>.Zero);
                    if (k < evenCount)
                        Avx512F.MaskStore(even + k, Vector512.LessThan(lanes, Vector512.Create(evenCount - k)).AsSingle(),
                            Avx512F.PermuteVar16x32x2(low, evenIndex, high));
                    if (k < oddCount)
                        Avx512F.MaskStore(odd + k, Vector512.LessThan(lanes, Vector512.Create(oddCount - k)).AsSingle(),
                            Avx512F.PermuteVar16x32x2(low, oddIndex, high));
                }
                return;
            }
            for (int u = 0; u < evenCount; u++)
                even[u] = source[2 * u];
            for (int u = 0; u < oddCount; u++)
                odd[u] = source[2 * u + 1];
        }

        /// <summary>destination[2u] = even[u], destination[2u + 1] = odd[u] for u &lt; pairs.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Interleave(float* even, float* odd, float* destination, int pairs)
        {
            int u = 0;
            if (s_vector)
            {
                for (; u + 8 <= pairs; u += 8)
                {
                    // Pairs within each 128-bit half, then the halves put in order.
                    Vector256<float> e = Avx.LoadVector256(even + u), o = Avx.LoadVector256(odd + u);
                    Vector256<float> low = Avx.UnpackLow(e, o), high = Avx.UnpackHigh(e, o);
                    Avx.Store(destination + 2 * u, Avx.Permute2x128(low, high, 0x20));
                    Avx.Store(destination + 2 * u + 8, Avx.Permute2x128(low, high, 0x31));
                }
            }
            for (; u < pairs; u++)
            {
                destination[2 * u] = even[u];
                destination[2 * u + 1] = odd[u];
            }
        }
    }
}
