using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TensorForge.Kernels
{
    /// <summary>GEMM for a handful of rows of C (a batch of 1–4: Dense forward and input gradient at inference batch
    /// sizes), without packing. The packed engine pays one pass over all of B to pack it and then uses each packed panel
    /// ⌈m/8⌉ times; with one row of C that pass costs as much as the multiply, and the register tile is 7/8 empty. These
    /// kernels stream B once, straight from where it is, and are bound by the bandwidth of the cache that holds B.</summary>
    /// <remarks>Each element of C is summed over k in an order that depends only on m, k and n, so results do not depend
    /// on the number of threads (the caller chooses the path from the shape alone).</remarks>
    internal static unsafe class GemmSmall
    {
        /// <summary>Largest m the row-dot kernel takes: from 9 rows on, the packed engine is faster (Zen 4, 784 × 128).</summary>
        public const int MaxRowsDot = 8;

        /// <summary>Whether <see cref="StreamRows"/> beats the packed engine for C[m,n] = A[m,k] · B[k,n]. Streaming reads B
        /// ⌈m/2⌉ times, so it wins while B stays in L2 between passes (measured on Zen 4: 1.05–1.15× the engine at 32 rows
        /// for a 400 KiB B) and, with B in memory, up to 16 rows (even at 16 × 1024 × 1024). With AVX-512 (four rows per
        /// pass) it also wins at any m for a shallow sum (k ≤ 64) over a B of at most 256 KiB — the weight gradient of a
        /// batch: there the engine's depth blocks are as shallow as k, so each micro-kernel call does ≤ 64 steps between
        /// tile stores and pays a pass packing B (Zen 4: Aᵀ·B 128×32×784 79% → 96% of peak, 200×20×520 74% → 94%,
        /// 784×32×128 83% → 89%; A·B 1024×64×1024 unchanged).</summary>
        public static bool Streams(int m, int k, int n) => m <= 16 || (m <= 32 && (long)k * n <= 256 * 1024)
            || (Avx512F.IsSupported && k <= 64 && (long)k * n <= 64 * 1024);

        /// <summary>C[m,n] (+)= A[m,k] · B[n,k]ᵀ as m·n dot products of contiguous rows: four rows of B at a time, held in L1
        /// while the rows of A pass over them two by two (16 FMA chains; 8 for a last single row).</summary>
        public static void DotRows(float* a, float* b, float* c, nint ldc, int m, int k, int n, bool accumulate)
        {
            if (SimdWidth.Use512 && k >= Vector512<float>.Count)
                DotRows<Vector512Math, Vector512<float>>(a, b, c, ldc, m, k, n, accumulate);
            else if (SimdWidth.Use256 && k >= Vector256<float>.Count)
                DotRows<Vector256Math, Vector256<float>>(a, b, c, ldc, m, k, n, accumulate);
            else if (SimdWidth.Use128 && k >= Vector128<float>.Count)
                DotRows<Vector128Math, Vector128<float>>(a, b, c, ldc, m, k, n, accumulate);
            else
                DotRows<ScalarMath, float>(a, b, c, ldc, m, k, n, accumulate);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void DotRows<S, T>(float* a, float* b, float* c, nint ldc, int m, int k, int n, bool accumulate)
            where S : ISimdMath<T> where T : struct
        {
            int j = 0;
            for (; j + 4 <= n; j += 4)
            {
                int i = 0;
                for (; i + 2 <= m; i += 2)
                    DotBlock<S, T, Rows2, Rows4>(a + (nint)i * k, b + (nint)j * k, c + i * ldc + j, k, ldc, accumulate);
                if (i < m)
                    DotBlock<S, T, Rows1, Rows4>(a + (nint)i * k, b + (nint)j * k, c + i * ldc + j, k, ldc, accumulate);
            }
            for (; j < n; j++)
            {
                int i = 0;
                for (; i + 2 <= m; i += 2)
                    DotBlock<S, T, Rows2, Rows1>(a + (nint)i * k, b + (nint)j * k, c + i * ldc + j, k, ldc, accumulate);
                if (i < m)
                    DotBlock<S, T, Rows1, Rows1>(a + (nint)i * k, b + (nint)j * k, c + i * ldc + j, k, ldc, accumulate);
            }
        }

        /// <summary>R rows of A against Q rows of B (Q = 1 or 4). Every dot product has two vector accumulators (even and odd
        /// vector steps), added and reduced across lanes, then the k mod width leftover products added one by one: the same
        /// order for every element whatever block it falls in.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void DotBlock<S, T, R, Q>(float* a, float* b, float* c, int k, nint ldc, bool accumulate)
            where S : ISimdMath<T> where T : struct where R : struct, IRowCount where Q : struct, IRowCount
        {
            int w = S.Count;
            int kVector = k - k % w;
            float* a1 = a + k;
            float* b1 = b + k, b2 = b1 + k, b3 = b2 + k;
            T s00 = S.Zero, s01 = S.Zero, s02 = S.Zero, s03 = S.Zero, t00 = S.Zero, t01 = S.Zero, t02 = S.Zero, t03 = S.Zero;
            T s10 = S.Zero, s11 = S.Zero, s12 = S.Zero, s13 = S.Zero, t10 = S.Zero, t11 = S.Zero, t12 = S.Zero, t13 = S.Zero;
            int p = 0;
            for (; p + 2 * w <= kVector; p += 2 * w)
            {
                T u0 = S.Load(a + p), v0 = S.Load(a + p + w);
                T u1 = R.Count >= 2 ? S.Load(a1 + p) : S.Zero, v1 = R.Count >= 2 ? S.Load(a1 + p + w) : S.Zero;
                T x = S.Load(b + p), y = S.Load(b + p + w);
                s00 = S.MultiplyAdd(u0, x, s00); t00 = S.MultiplyAdd(v0, y, t00);
                if (R.Count >= 2) { s10 = S.MultiplyAdd(u1, x, s10); t10 = S.MultiplyAdd(v1, y, t10); }
                if (Q.Count >= 4)
                {
                    x = S.Load(b1 + p); y = S.Load(b1 + p + w);
                    s01 = S.MultiplyAdd(u0, x, s01); t01 = S.MultiplyAdd(v0, y, t01);
                    if (R.Count >= 2) { s11 = S.MultiplyAdd(u1, x, s11); t11 = S.MultiplyAdd(v1, y, t11); }
                    x = S.Load(b2 + p); y = S.Load(b2 + p + w);
                    s02 = S.MultiplyAdd(u0, x, s02); t02 = S.MultiplyAdd(v0, y, t02);
                    if (R.Count >= 2) { s12 = S.MultiplyAdd(u1, x, s12); t12 = S.MultiplyAdd(v1, y, t12); }
                    x = S.Load(b3 + p); y = S.Load(b3 + p + w);
                    s03 = S.MultiplyAdd(u0, x, s03); t03 = S.MultiplyAdd(v0, y, t03);
                    if (R.Count >= 2) { s13 = S.MultiplyAdd(u1, x, s13); t13 = S.MultiplyAdd(v1, y, t13); }
                }
            }
            if (p < kVector)
            {
                T u0 = S.Load(a + p);
                T u1 = R.Count >= 2 ? S.Load(a1 + p) : S.Zero;
                T x = S.Load(b + p);
                s00 = S.MultiplyAdd(u0, x, s00);
                if (R.Count >= 2) s10 = S.MultiplyAdd(u1, x, s10);
                if (Q.Count >= 4)
                {
                    x = S.Load(b1 + p);
                    s01 = S.MultiplyAdd(u0, x, s01);
                    if (R.Count >= 2) s11 = S.MultiplyAdd(u1, x, s11);
                    x = S.Load(b2 + p);
                    s02 = S.MultiplyAdd(u0, x, s02);
                    if (R.Count >= 2) s12 = S.MultiplyAdd(u1, x, s12);
                    x = S.Load(b3 + p);
                    s03 = S.MultiplyAdd(u0, x, s03);
                    if (R.Count >= 2) s13 = S.MultiplyAdd(u1, x, s13);
                }
                p += w;
            }
            StoreDots<S, T, Q>(a, b, c, p, k, s00, t00, s01, t01, s02, t02, s03, t03, accumulate);
            if (R.Count >= 2)
                StoreDots<S, T, Q>(a1, b, c + ldc, p, k, s10, t10, s11, t11, s12, t12, s13, t13, accumulate);
        }

        /// <summary>Finishes Q dot products of one row of A (reduce, then the leftover products from <paramref name="p"/>)
        /// and stores them to c[0..Q).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreDots<S, T, Q>(float* a, float* b, float* c, int p, int k, T s0, T t0, T s1, T t1, T s2, T t2, T s3, T t3, bool accumulate)
            where S : ISimdMath<T> where T : struct where Q : struct, IRowCount
        {
            StoreDot(a, b, c, p, k, S.Sum(S.Add(s0, t0)), accumulate);
            if (Q.Count >= 4)
            {
                StoreDot(a, b + k, c + 1, p, k, S.Sum(S.Add(s1, t1)), accumulate);
                StoreDot(a, b + 2 * k, c + 2, p, k, S.Sum(S.Add(s2, t2)), accumulate);
                StoreDot(a, b + 3 * k, c + 3, p, k, S.Sum(S.Add(s3, t3)), accumulate);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreDot(float* a, float* b, float* c, int p, int k, float dot, bool accumulate)
        {
            for (; p < k; p++)
                dot = MathF.FusedMultiplyAdd(a[p], b[p], dot);
            *c = accumulate ? *c + dot : dot;
        }

        /// <summary>C[m,n] (+)= A · B[k,n] for row-major B, A(r, p) = a[r·aRowStride + p·aKStride]: each row of C is a sum of
        /// rows of B scaled by A's elements, B streamed row by row. The widest vectors take the columns they fill; the last
        /// (n mod 16) columns go to narrower ones, and the last (n mod 4) to single floats.</summary>
        public static void StreamRows(float* a, nint aRowStride, nint aKStride, float* b, nint ldb, float* c, nint ldc, int m, int k, int n, bool accumulate)
        {
            int j = 0;
            if (SimdWidth.Use512)
                j = StreamRows<Vector512Math, Vector512<float>>(a, aRowStride, aKStride, b, ldb, c, ldc, m, k, j, n, accumulate);
            if (SimdWidth.Use256)
                j = StreamRows<Vector256Math, Vector256<float>>(a, aRowStride, aKStride, b, ldb, c, ldc, m, k, j, n, accumulate);
            if (SimdWidth.Use128)
                j = StreamRows<Vector128Math, Vector128<float>>(a, aRowStride, aKStride, b, ldb, c, ldc, m, k, j, n, accumulate);
            StreamRows<ScalarMath, float>(a, aRowStride, aKStride, b, ldb, c, ldc, m, k, j, n, accumulate);
        }

        /// <summary>Columns [start, end − (end − start) mod S.Count) of every row; returns where it stopped.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static int StreamRows<S, T>(float* a, nint aRowStride, nint aKStride, float* b, nint ldb, float* c, nint ldc, int m, int k,
            int start, int end, bool accumulate)
            where S : ISimdMath<T> where T : struct
        {
            int n = (end - start) - (end - start) % S.Count;
            if (n == 0)
                return start;
            b += start;
            c += start;
            int i = 0;
            // With 32 vector registers (AVX-512), four rows at a time over four vectors of columns: each B vector loaded
            // feeds four FMAs instead of two, which halves the passes over B. Two rows over eight vectors stream 8 vectors
            // of B from L2 per 16 FMAs — exactly the L2 bandwidth of a Zen 4 core — and an A stored transposed (Aᵀ·B) adds a
            // cache line per step on top. Every element is still one chain over p in order, so the bits do not change.
            if (Avx512F.IsSupported)
            {
                for (; i + 4 <= m; i += 4)
                    StreamColumns4<S, T>(a + i * aRowStride, aRowStride, aKStride, b, ldb, c + i * ldc, ldc, k, n, accumulate);
            }
            for (; i + 2 <= m; i += 2)
                StreamColumns<S, T, Rows2>(a + i * aRowStride, aRowStride, aKStride, b, ldb, c + i * ldc, ldc, k, n, accumulate);
            if (i < m)
                StreamColumns<S, T, Rows1>(a + i * aRowStride, aRowStride, aKStride, b, ldb, c + i * ldc, ldc, k, n, accumulate);
            return start + n;
        }

        /// <summary>R rows of C, in column blocks of 8, 4, 2 and 1 vectors.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void StreamColumns<S, T, R>(float* a, nint aRowStride, nint aKStride, float* b, nint ldb, float* c, nint ldc, int k, int n, bool accumulate)
            where S : ISimdMath<T> where T : struct where R : struct, IRowCount
        {
            int w = S.Count;
            int j = 0;
            for (; j + 8 * w <= n; j += 8 * w)
                StreamBlock<S, T, R, Rows8>(a, aRowStride, aKStride, b + j, ldb, c + j, ldc, k, accumulate);
            if (j + 4 * w <= n)
            {
                StreamBlock<S, T, R, Rows4>(a, aRowStride, aKStride, b + j, ldb, c + j, ldc, k, accumulate);
                j += 4 * w;
            }
            if (j + 2 * w <= n)
            {
                StreamBlock<S, T, R, Rows2>(a, aRowStride, aKStride, b + j, ldb, c + j, ldc, k, accumulate);
                j += 2 * w;
            }
            if (j + w <= n)
                StreamBlock<S, T, R, Rows1>(a, aRowStride, aKStride, b + j, ldb, c + j, ldc, k, accumulate);
        }

        /// <summary>Four rows of C, in column blocks of 4, 2 and 1 vectors.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void StreamColumns4<S, T>(float* a, nint aRowStride, nint aKStride, float* b, nint ldb, float* c, nint ldc, int k, int n, bool accumulate)
            where S : ISimdMath<T> where T : struct
        {
            int w = S.Count;
            int j = 0;
            for (; j + 4 * w <= n; j += 4 * w)
                StreamBlock4<S, T, Rows4>(a, aRowStride, aKStride, b + j, ldb, c + j, ldc, k, accumulate);
            if (j + 2 * w <= n)
            {
                StreamBlock4<S, T, Rows2>(a, aRowStride, aKStride, b + j, ldb, c + j, ldc, k, accumulate);
                j += 2 * w;
            }
            if (j + w <= n)
                StreamBlock4<S, T, Rows1>(a, aRowStride, aKStride, b + j, ldb, c + j, ldc, k, accumulate);
        }

        /// <summary>Four rows × V vectors (V ≤ 4) of C in registers over all of k, in order: C(r, ·) = Σ_p A(r, p)·B(p, ·).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void StreamBlock4<S, T, V>(float* a, nint aRowStride, nint aKStride, float* b, nint ldb, float* c, nint ldc, int k, bool accumulate)
            where S : ISimdMath<T> where T : struct where V : struct, IRowCount
        {
            int w = S.Count;
            T c00 = S.Zero, c01 = S.Zero, c02 = S.Zero, c03 = S.Zero, c10 = S.Zero, c11 = S.Zero, c12 = S.Zero, c13 = S.Zero;
            T c20 = S.Zero, c21 = S.Zero, c22 = S.Zero, c23 = S.Zero, c30 = S.Zero, c31 = S.Zero, c32 = S.Zero, c33 = S.Zero;
            nint r1 = aRowStride, r2 = 2 * aRowStride, r3 = 3 * aRowStride;
            for (int p = 0; p < k; p++)
            {
                T x0 = S.Broadcast(a[0]), x1 = S.Broadcast(a[r1]), x2 = S.Broadcast(a[r2]), x3 = S.Broadcast(a[r3]);
                T v = S.Load(b);
                c00 = S.MultiplyAdd(x0, v, c00); c10 = S.MultiplyAdd(x1, v, c10);
                c20 = S.MultiplyAdd(x2, v, c20); c30 = S.MultiplyAdd(x3, v, c30);
                if (V.Count >= 2)
                {
                    v = S.Load(b + w);
                    c01 = S.MultiplyAdd(x0, v, c01); c11 = S.MultiplyAdd(x1, v, c11);
                    c21 = S.MultiplyAdd(x2, v, c21); c31 = S.MultiplyAdd(x3, v, c31);
                }
                if (V.Count >= 4)
                {
                    v = S.Load(b + 2 * w);
                    c02 = S.MultiplyAdd(x0, v, c02); c12 = S.MultiplyAdd(x1, v, c12);
                    c22 = S.MultiplyAdd(x2, v, c22); c32 = S.MultiplyAdd(x3, v, c32);
                    v = S.Load(b + 3 * w);
                    c03 = S.MultiplyAdd(x0, v, c03); c13 = S.MultiplyAdd(x1, v, c13);
                    c23 = S.MultiplyAdd(x2, v, c23); c33 = S.MultiplyAdd(x3, v, c33);
                }
                a += aKStride;
                b += ldb;
            }

            T z = S.Zero;
            Store<S, T, V>(c, c00, c01, c02, c03, z, z, z, z, accumulate);
            Store<S, T, V>(c + ldc, c10, c11, c12, c13, z, z, z, z, accumulate);
            Store<S, T, V>(c + 2 * ldc, c20, c21, c22, c23, z, z, z, z, accumulate);
            Store<S, T, V>(c + 3 * ldc, c30, c31, c32, c33, z, z, z, z, accumulate);
        }

        /// <summary>R rows × V vectors of C in registers over all of k, in order: C(r, ·) = Σ_p A(r, p)·B(p, ·).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void StreamBlock<S, T, R, V>(float* a, nint aRowStride, nint aKStride, float* b, nint ldb, float* c, nint ldc, int k, bool accumulate)
            where S : ISimdMath<T> where T : struct where R : struct, IRowCount where V : struct, IRowCount
        {
            int w = S.Count;
            T c00 = S.Zero, c01 = S.Zero, c02 = S.Zero, c03 = S.Zero, c04 = S.Zero, c05 = S.Zero, c06 = S.Zero, c07 = S.Zero;
            T c10 = S.Zero, c11 = S.Zero, c12 = S.Zero, c13 = S.Zero, c14 = S.Zero, c15 = S.Zero, c16 = S.Zero, c17 = S.Zero;
            float* a1 = a + aRowStride;
            for (int p = 0; p < k; p++)
            {
                T x = S.Broadcast(*a);
                T y = R.Count >= 2 ? S.Broadcast(*a1) : S.Zero;
                T v = S.Load(b);
                c00 = S.MultiplyAdd(x, v, c00);
                if (R.Count >= 2) c10 = S.MultiplyAdd(y, v, c10);
                if (V.Count >= 2)
                {
                    v = S.Load(b + w);
                    c01 = S.MultiplyAdd(x, v, c01);
                    if (R.Count >= 2) c11 = S.MultiplyAdd(y, v, c11);
                }
                if (V.Count >= 4)
                {
                    v = S.Load(b + 2 * w);
                    c02 = S.MultiplyAdd(x, v, c02);
                    if (R.Count >= 2) c12 = S.MultiplyAdd(y, v, c12);
                    v = S.Load(b + 3 * w);
                    c03 = S.MultiplyAdd(x, v, c03);
                    if (R.Count >= 2) c13 = S.MultiplyAdd(y, v, c13);
                }
                if (V.Count >= 8)
                {
                    v = S.Load(b + 4 * w);
                    c04 = S.MultiplyAdd(x, v, c04);
                    if (R.Count >= 2) c14 = S.MultiplyAdd(y, v, c14);
                    v = S.Load(b + 5 * w);
                    c05 = S.MultiplyAdd(x, v, c05);
                    if (R.Count >= 2) c15 = S.MultiplyAdd(y, v, c15);
                    v = S.Load(b + 6 * w);
                    c06 = S.MultiplyAdd(x, v, c06);
                    if (R.Count >= 2) c16 = S.MultiplyAdd(y, v, c16);
                    v = S.Load(b + 7 * w);
                    c07 = S.MultiplyAdd(x, v, c07);
                    if (R.Count >= 2) c17 = S.MultiplyAdd(y, v, c17);
                }
                a += aKStride;
                a1 += aKStride;
                b += ldb;
            }

            Store<S, T, V>(c, c00, c01, c02, c03, c04, c05, c06, c07, accumulate);
            if (R.Count >= 2)
                Store<S, T, V>(c + ldc, c10, c11, c12, c13, c14, c15, c16, c17, accumulate);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store<S, T, V>(float* c, T v0, T v1, T v2, T v3, T v4, T v5, T v6, T v7, bool accumulate)
            where S : ISimdMath<T> where T : struct where V : struct, IRowCount
        {
            int w = S.Count;
            StoreOne<S, T>(c, v0, accumulate);
            if (V.Count >= 2) StoreOne<S, T>(c + w, v1, accumulate);
            if (V.Count >= 4)
            {
                StoreOne<S, T>(c + 2 * w, v2, accumulate);
                StoreOne<S, T>(c + 3 * w, v3, accumulate);
            }
            if (V.Count >= 8)
            {
                StoreOne<S, T>(c + 4 * w, v4, accumulate);
                StoreOne<S, T>(c + 5 * w, v5, accumulate);
                StoreOne<S, T>(c + 6 * w, v6, accumulate);
                StoreOne<S, T>(c + 7 * w, v7, accumulate);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreOne<S, T>(float* c, T value, bool accumulate) where S : ISimdMath<T> where T : struct
            => S.Store(accumulate ? S.Add(S.Load(c), value) : value, c);
    }
}
