using System;
using System.Runtime.CompilerServices;

namespace TensorForge.Kernels
{
    /// <summary>The register-blocked multiply behind every convolution pass: C[rows, panels·NR] (+)= A · B, where each row
    /// of A is its own pointer (contiguous along k) and B is read in panels of NR = 2 vectors.</summary>
    /// <remarks>
    /// <para>Why row pointers rather than <see cref="GemmEngine"/>'s one row stride: the rows of the im2col matrix are
    /// shifted windows of the (padded) input image — row (channel, ky, kx) starts at channel·stride + ky·pitch + kx — so the
    /// weight-gradient multiply can broadcast them straight from the image without building the im2col matrix. The same
    /// kernel serves the forward pass (A = weight rows) and the input gradient (A = transposed weight rows).</para>
    /// <para>B is either packed (panel stride kc·NR, row stride NR) or read in place from a row-major matrix whose rows are
    /// padded to whole panels (panel stride NR, row stride = its row length). C is row-major with whole panels: callers pad
    /// their C buffers, so no edge tiles exist.</para>
    /// <para>Every element of C is summed over k in order from zero and then stored (or added to C): the bits depend only on
    /// the depth blocking the caller chooses, never on which strip or panel the element falls in.</para>
    /// </remarks>
    internal static unsafe class ConvGemm
    {
        /// <summary>Rows of the register tile.</summary>
        public const int MR = 8;

        /// <summary>C[mc, panels·NR] (+)= A[mc, kc] · B[kc, panels·NR].</summary>
        /// <param name="rows">mc pointers: row r of A is rows[r][0..kc).</param>
        /// <param name="mc">Rows of A and C.</param>
        /// <param name="b">B's first panel.</param>
        /// <param name="panelStride">Distance between panels of B.</param>
        /// <param name="ldb">Distance between B's rows (steps of k) within a panel.</param>
        /// <param name="panels">Panels of NR columns.</param>
        /// <param name="kc">Depth.</param>
        /// <param name="c">C's first element.</param>
        /// <param name="ldc">Distance between C's rows.</param>
        /// <param name="add">Add to C instead of overwriting it.</param>
        /// <param name="panelsOuter">Loop over panels outside the strips of rows (B's panel stays in L1 while the strips of A
        /// pass; right for a shallow depth) rather than inside (a strip of A stays in L1 while the panels pass).</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Block<S, T>(nint* rows, int mc, float* b, nint panelStride, nint ldb, int panels, int kc,
            float* c, nint ldc, bool add, bool panelsOuter)
            where S : ISimdMath<T> where T : struct
        {
            int nr = 2 * S.Count;
            if (panelsOuter)
            {
                for (int j = 0; j < panels; j++)
                    Strips<S, T>(rows, mc, new PackedRows(b + j * panelStride, ldb), kc, c + j * nr, ldc, add);
                return;
            }
            int i = 0;
            for (; i + MR <= mc; i += MR)
                for (int j = 0; j < panels; j++)
                    MicroKernel<S, T, Rows8, PackedRows>(rows + i, new PackedRows(b + j * panelStride, ldb), kc, c + i * ldc + j * nr, ldc, add);
            for (int j = 0; j < panels; j++)
                Rest<S, T, PackedRows>(rows + i, mc - i, new PackedRows(b + j * panelStride, ldb), kc, c + i * ldc + j * nr, ldc, add);
        }

        /// <summary>All strips of rows against one panel.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Strips<S, T>(nint* rows, int mc, PackedRows b, int kc, float* c, nint ldc, bool add)
            where S : ISimdMath<T> where T : struct
        {
            int i = 0;
            for (; i + MR <= mc; i += MR)
                MicroKernel<S, T, Rows8, PackedRows>(rows + i, b, kc, c + i * ldc, ldc, add);
            Rest<S, T, PackedRows>(rows + i, mc - i, b, kc, c + i * ldc, ldc, add);
        }

        /// <summary>Fewer than MR rows: strips of 4, 2 and 1.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Rest<S, T, B>(nint* rows, int count, B b, int kc, float* c, nint ldc, bool add)
            where S : ISimdMath<T> where T : struct where B : struct, IPanelRows
        {
            if (count >= 4)
            {
                MicroKernel<S, T, Rows4, B>(rows, b, kc, c, ldc, add);
                rows += 4;
                c += 4 * ldc;
                count -= 4;
            }
            if (count >= 2)
            {
                MicroKernel<S, T, Rows2, B>(rows, b, kc, c, ldc, add);
                rows += 2;
                c += 2 * ldc;
                count -= 2;
            }
            if (count >= 1)
                MicroKernel<S, T, Rows1, B>(rows, b, kc, c, ldc, add);
        }

        /// <summary>C[R × 2 vectors] (+)= A[R × kc] · B[kc × 2 vectors] with all of the depth in registers: per step one
        /// broadcast and two FMAs per row. The R row pointers and the step index live in general-purpose registers
        /// (eight bases, one index, B's pointer and stride, the bound: twelve of x64's sixteen). Row k of B is
        /// <paramref name="b"/>'s <see cref="IPanelRows.Row"/>, which <see cref="IPanelRows.Advance"/> moves on after each
        /// step; both are specialised per source type, so each source gets the loop it would have written by hand.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void MicroKernel<S, T, R, B>(nint* rows, B b, int kc, float* c, nint ldc, bool add)
            where S : ISimdMath<T> where T : struct where R : struct, IRowCount where B : struct, IPanelRows
        {
            int w = S.Count;
            T c00 = S.Zero, c01 = S.Zero, c10 = S.Zero, c11 = S.Zero, c20 = S.Zero, c21 = S.Zero, c30 = S.Zero, c31 = S.Zero;
            T c40 = S.Zero, c41 = S.Zero, c50 = S.Zero, c51 = S.Zero, c60 = S.Zero, c61 = S.Zero, c70 = S.Zero, c71 = S.Zero;
            float* a0 = (float*)rows[0];
            float* a1 = R.Count >= 2 ? (float*)rows[1] : null;
            float* a2 = R.Count >= 4 ? (float*)rows[2] : null;
            float* a3 = R.Count >= 4 ? (float*)rows[3] : null;
            float* a4 = R.Count >= 8 ? (float*)rows[4] : null;
            float* a5 = R.Count >= 8 ? (float*)rows[5] : null;
            float* a6 = R.Count >= 8 ? (float*)rows[6] : null;
            float* a7 = R.Count >= 8 ? (float*)rows[7] : null;
            for (nint k = 0; k < kc; k++)
            {
                float* bk = b.Row(k);
                T b0 = S.Load(bk);
                T b1 = S.Load(bk + w);
                T x = S.Broadcast(a0[k]);
                c00 = S.MultiplyAdd(x, b0, c00); c01 = S.MultiplyAdd(x, b1, c01);
                if (R.Count >= 2)
                {
                    x = S.Broadcast(a1[k]);
                    c10 = S.MultiplyAdd(x, b0, c10); c11 = S.MultiplyAdd(x, b1, c11);
                }
                if (R.Count >= 4)
                {
                    x = S.Broadcast(a2[k]);
                    c20 = S.MultiplyAdd(x, b0, c20); c21 = S.MultiplyAdd(x, b1, c21);
                    x = S.Broadcast(a3[k]);
                    c30 = S.MultiplyAdd(x, b0, c30); c31 = S.MultiplyAdd(x, b1, c31);
                }
                if (R.Count >= 8)
                {
                    x = S.Broadcast(a4[k]);
                    c40 = S.MultiplyAdd(x, b0, c40); c41 = S.MultiplyAdd(x, b1, c41);
                    x = S.Broadcast(a5[k]);
                    c50 = S.MultiplyAdd(x, b0, c50); c51 = S.MultiplyAdd(x, b1, c51);
                    x = S.Broadcast(a6[k]);
                    c60 = S.MultiplyAdd(x, b0, c60); c61 = S.MultiplyAdd(x, b1, c61);
                    x = S.Broadcast(a7[k]);
                    c70 = S.MultiplyAdd(x, b0, c70); c71 = S.MultiplyAdd(x, b1, c71);
                }
                b.Advance();
            }

            StoreRow<S, T>(c, c00, c01, add);
            if (R.Count >= 2)
                StoreRow<S, T>(c + ldc, c10, c11, add);
            if (R.Count >= 4)
            {
                StoreRow<S, T>(c + 2 * ldc, c20, c21, add);
                StoreRow<S, T>(c + 3 * ldc, c30, c31, add);
            }
            if (R.Count >= 8)
            {
                StoreRow<S, T>(c + 4 * ldc, c40, c41, add);
                StoreRow<S, T>(c + 5 * ldc, c50, c51, add);
                StoreRow<S, T>(c + 6 * ldc, c60, c61, add);
                StoreRow<S, T>(c + 7 * ldc, c70, c71, add);
            }
        }

        /// <summary>C[mc, panels·NR] (+)= A[mc, kc] · B[kc, panels·NR] with B read in place: row k of B is the run of floats
        /// at bRows[k] + <paramref name="offset"/>, panel j its floats [j·NR, j·NR + NR). For an im2col matrix whose rows are
        /// runs of a padded image this is the packed multiply without the packing; each element is summed over k in the same
        /// order, so the bits are those of <see cref="Block{S, T}"/> over the same B packed.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void BlockInPlace<S, T>(nint* rows, int mc, nint* bRows, nint offset, int panels, int kc,
            float* c, nint ldc, bool add)
            where S : ISimdMath<T> where T : struct
        {
            int nr = 2 * S.Count;
            int i = 0;
            // Strips outside panels: a strip of A stays in L1 while the panels pass; the runs of B a panel reads overlap
            // (neighbouring taps read the same lines), so they are mostly L1 and L2 hits either way.
            for (; i + MR <= mc; i += MR)
                for (int j = 0; j < panels; j++)
                    MicroKernel<S, T, Rows8, InPlaceRows>(rows + i, new InPlaceRows(bRows, offset + j * nr), kc, c + i * ldc + j * nr, ldc, add);
            for (int j = 0; j < panels; j++)
                Rest<S, T, InPlaceRows>(rows + i, mc - i, new InPlaceRows(bRows, offset + j * nr), kc, c + i * ldc + j * nr, ldc, add);
        }

        /// <summary>Where the micro-kernel finds B's row k (NR floats) within one panel.</summary>
        private interface IPanelRows
        {
            /// <summary>Row <paramref name="k"/> of the panel, the current step.</summary>
            float* Row(nint k);

            /// <summary>Moves to the next step.</summary>
            void Advance();
        }

        /// <summary>A packed panel (or a row-major matrix read in place with whole panels): row k at b + k·ldb, walked by
        /// one pointer.</summary>
        private struct PackedRows : IPanelRows
        {
            private float* _b;
            private readonly nint _ldb;

            public PackedRows(float* b, nint ldb)
            {
                _b = b;
                _ldb = ldb;
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public readonly float* Row(nint k) => _b;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Advance() => _b += _ldb;
        }

        /// <summary>B read in place: row k is the run of floats at bRows[k] + offset.</summary>
        private readonly struct InPlaceRows : IPanelRows
        {
            private readonly nint* _rows;
            private readonly nint _offset;

            public InPlaceRows(nint* rows, nint offset)
            {
                _rows = rows;
                _offset = offset;
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public float* Row(nint k) => (float*)_rows[k] + _offset;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Advance() { }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreRow<S, T>(float* c, T first, T second, bool add) where S : ISimdMath<T> where T : struct
        {
            float* c1 = c + S.Count;
            if (add)
            {
                first = S.Add(S.Load(c), first);
                second = S.Add(S.Load(c1), second);
            }
            S.Store(first, c);
            S.Store(second, c1);
        }
    }
}
