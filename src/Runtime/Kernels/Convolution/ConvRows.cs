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

        /// <summary>destination[u] = source[2u] for u &lt; count, reading no further than source[2·count − 2].</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void GatherEven(float* source, float* destination, int count)
        {
            int u = 0;
            if (s_vector)
            {
                // Two loads of 8 hold 8 even elements; the last vector must not read past source[2·count − 2].
                for (; 2 * u + 16 <= 2 * count - 1; u += 8)
                {
                    Vector256<float> low = Avx.LoadVector256(source + 2 * u), high = Avx.LoadVector256(source + 2 * u + 8);
                    // [l0 l2 h0 h2 | l4 l6 h4 h6], then the 64-bit pairs reordered to [l0 l2 l4 l6 h0 h2 h4 h6].
                    Vector256<float> mixed = Avx.Shuffle(low, high, 0b10_00_10_00);
                    Vector256<float> even = Avx2.Permute4x64(mixed.AsDouble(), 0b11_01_10_00).AsSingle();
                    Avx.Store(destination + u, even);
                }
            }
            for (; u < count; u++)
                destination[u] = source[2 * u];
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
