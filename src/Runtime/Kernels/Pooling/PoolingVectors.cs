using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TensorForge.Kernels
{
    /// <summary>The vector operations pooling needs beyond <see cref="ISimdMath{T}"/>, for one register width: loads of every
    /// second (or every n-th) float, PyTorch's max-pool comparison, and a stride-2 accumulate. Paired with the
    /// <see cref="ISimdMath{T}"/> of the same width; x86 shuffles where available, plain element code elsewhere.</summary>
    internal unsafe interface IPoolOps<T> where T : struct
    {
        /// <summary>Lanes source[0], source[2], …, source[2·(Count − 1)]; reads nothing past source[2·Count − 2].</summary>
        static abstract T LoadStride2(float* source);

        /// <summary>Lanes source[0], source[stride], …; reads only those elements.</summary>
        static abstract T Gather(float* source, int stride);

        /// <summary>A lane mask, set where <paramref name="candidate"/> replaces <paramref name="current"/> as the running
        /// maximum by PyTorch's CPU rule: <c>candidate &gt; current || isnan(candidate)</c>. So the first of equal maxima in scan
        /// order stays, and NaN propagates (the last NaN wins).</summary>
        static abstract T TakesOver(T candidate, T current);

        /// <summary>destination[2·j] += values[j] for every lane j. Also loads and stores destination[2·j + 1] unchanged, so the
        /// caller must own destination[0 .. 2·Count − 1].</summary>
        static abstract void AddStride2(float* destination, T values);
    }

    internal readonly unsafe struct PoolOps512 : IPoolOps<Vector512<float>>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> LoadStride2(float* source)
        {
            if (Avx512F.IsSupported)
            {
                // Elements 0..15 and 15..30 (not 16..31, which would read one past the last lane): evens of the first,
                // odd positions of the second.
                Vector512<int> pick = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 17, 19, 21, 23, 25, 27, 29, 31);
                return Avx512F.PermuteVar16x32x2(Vector512.Load(source), pick, Vector512.Load(source + 15));
            }
            return Gather(source, 2);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Gather(float* source, int stride)
        {
            if (Avx2.IsSupported) // .NET has no 512-bit gather: two 256-bit ones
            {
                Vector256<int> indices = Vector256<int>.Indices * stride;
                return Vector512.Create(Avx2.GatherVector256(source, indices, sizeof(float)),
                    Avx2.GatherVector256(source + 8 * stride, indices, sizeof(float)));
            }
            Unsafe.SkipInit(out Vector512<float> result);
            float* lanes = (float*)&result;
            for (int i = 0; i < Vector512<float>.Count; i++)
                lanes[i] = source[i * stride];
            return result;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> TakesOver(Vector512<float> candidate, Vector512<float> current) =>
            Vector512.GreaterThan(candidate, current) | ~Vector512.Equals(candidate, candidate);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void AddStride2(float* destination, Vector512<float> values)
        {
            if (Avx512F.IsSupported)
            {
                // Index 16 picks lane 0 of the zero vector.
                Vector512<int> low = Vector512.Create(0, 16, 1, 16, 2, 16, 3, 16, 4, 16, 5, 16, 6, 16, 7, 16);
                Vector512<int> high = Vector512.Create(8, 16, 9, 16, 10, 16, 11, 16, 12, 16, 13, 16, 14, 16, 15, 16);
                Vector512<float> first = Avx512F.PermuteVar16x32x2(values, low, Vector512<float>.Zero);
                Vector512<float> second = Avx512F.PermuteVar16x32x2(values, high, Vector512<float>.Zero);
                (Vector512.Load(destination) + first).Store(destination);
                (Vector512.Load(destination + 16) + second).Store(destination + 16);
                return;
            }
            for (int i = 0; i < Vector512<float>.Count; i++)
                destination[2 * i] += values.GetElement(i);
        }
    }

    internal readonly unsafe struct PoolOps256 : IPoolOps<Vector256<float>>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> LoadStride2(float* source)
        {
            if (Avx2.IsSupported)
            {
                // a = p0..p7, b = p7..p14. Per 128-bit half: a0 a2 b1 b3 | a4 a6 b5 b7 = p0 p2 p8 p10 | p4 p6 p12 p14;
                // then swap the middle 64-bit pairs.
                Vector256<float> mixed = Avx.Shuffle(Vector256.Load(source), Vector256.Load(source + 7), 0b11_01_10_00);
                return Avx2.Permute4x64(mixed.AsDouble(), 0b11_01_10_00).AsSingle();
            }
            return Gather(source, 2);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Gather(float* source, int stride)
        {
            if (Avx2.IsSupported)
                return Avx2.GatherVector256(source, Vector256<int>.Indices * stride, sizeof(float));
            Unsafe.SkipInit(out Vector256<float> result);
            float* lanes = (float*)&result;
            for (int i = 0; i < Vector256<float>.Count; i++)
                lanes[i] = source[i * stride];
            return result;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> TakesOver(Vector256<float> candidate, Vector256<float> current) =>
            Vector256.GreaterThan(candidate, current) | ~Vector256.Equals(candidate, candidate);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void AddStride2(float* destination, Vector256<float> values)
        {
            if (Avx.IsSupported)
            {
                // v0 0 v1 0 | v4 0 v5 0 and v2 0 v3 0 | v6 0 v7 0, then regroup the 128-bit halves.
                Vector256<float> low = Avx.UnpackLow(values, Vector256<float>.Zero);
                Vector256<float> high = Avx.UnpackHigh(values, Vector256<float>.Zero);
                (Vector256.Load(destination) + Avx.Permute2x128(low, high, 0x20)).Store(destination);
                (Vector256.Load(destination + 8) + Avx.Permute2x128(low, high, 0x31)).Store(destination + 8);
                return;
            }
            for (int i = 0; i < Vector256<float>.Count; i++)
                destination[2 * i] += values.GetElement(i);
        }
    }

    internal readonly unsafe struct PoolOps128 : IPoolOps<Vector128<float>>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> LoadStride2(float* source)
        {
            if (Sse.IsSupported) // a = p0..p3, b = p3..p6: a0 a2 b1 b3
                return Sse.Shuffle(Vector128.Load(source), Vector128.Load(source + 3), 0b11_01_10_00);
            return Vector128.Create(source[0], source[2], source[4], source[6]);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Gather(float* source, int stride)
        {
            if (Avx2.IsSupported)
                return Avx2.GatherVector128(source, Vector128<int>.Indices * stride, sizeof(float));
            return Vector128.Create(source[0], source[stride], source[2 * stride], source[3 * stride]);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> TakesOver(Vector128<float> candidate, Vector128<float> current) =>
            Vector128.GreaterThan(candidate, current) | ~Vector128.Equals(candidate, candidate);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void AddStride2(float* destination, Vector128<float> values)
        {
            if (Sse.IsSupported)
            {
                (Vector128.Load(destination) + Sse.UnpackLow(values, Vector128<float>.Zero)).Store(destination);
                (Vector128.Load(destination + 4) + Sse.UnpackHigh(values, Vector128<float>.Zero)).Store(destination + 4);
                return;
            }
            for (int i = 0; i < Vector128<float>.Count; i++)
                destination[2 * i] += values.GetElement(i);
        }
    }

    /// <summary>One lane: every stride is a plain load.</summary>
    internal readonly unsafe struct PoolOpsScalar : IPoolOps<float>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadStride2(float* source) => *source;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Gather(float* source, int stride) => *source;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float TakesOver(float candidate, float current) =>
            candidate > current || float.IsNaN(candidate) ? BitConverter.Int32BitsToSingle(-1) : 0f;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void AddStride2(float* destination, float values) => *destination += values;
    }

    /// <summary>How a window loop reads lane j's element: at source + j (unit stride), + 2·j, or + stride·j.</summary>
    internal unsafe interface IRowLoad<T> where T : struct
    {
        T Load(float* source);
    }

    internal readonly unsafe struct UnitStrideLoad<S, T> : IRowLoad<T> where S : ISimdMath<T> where T : struct
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Load(float* source) => S.Load(source);
    }

    internal readonly unsafe struct Stride2Load<P, T> : IRowLoad<T> where P : IPoolOps<T> where T : struct
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Load(float* source) => P.LoadStride2(source);
    }

    internal readonly unsafe struct AnyStrideLoad<P, T>(int stride) : IRowLoad<T> where P : IPoolOps<T> where T : struct
    {
        private readonly int _stride = stride;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Load(float* source) => P.Gather(source, _stride);
    }
}
