using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TensorForge.Kernels
{
    internal static unsafe partial class GemmEngine
    {
        /// <summary>Whether a depth block can take <see cref="FusedBlock"/>: AVX-512 (panels of 32), B contiguous along k (its
        /// packing is a transpose), C written transposed (Cᵀ of A·Bᵀ), whole panels, whole groups of 8 steps and at least
        /// one full strip of rows.</summary>
        private static bool CanFuse(nint aKStride, nint bKStride, nint cRowStride, int rows, int kc, int nc)
            => Avx512F.IsSupported && SimdWidth.Use512 && Transpose8x8.IsSupported
               && aKStride == 1 && bKStride == 1 && cRowStride == 1 && nc % FusedPanel == 0 && kc % 8 == 0 && rows >= MR;

        private const int FusedPanel = 32;
        private const int Ahead = 2;

        /// <summary>One depth block of a transposed-output multiply (Cᵀ = B·Aᵀ for A·Bᵀ) with the transposes hidden among
        /// the FMAs: the first strip of rows packs each panel of B (8 × 8 transposes, one group of 8 steps ahead of the
        /// FMAs that read it) while it multiplies, and every later micro-kernel call writes the previous call's tile to C
        /// (transposing) during its first steps, so the shuffles run beside the FMAs instead of in passes of their own.
        /// Every element is summed over the block's steps in order from zero and then added to C, exactly as
        /// <see cref="MicroKernel{S, T, R}"/> and <see cref="ScatterTile"/> do, so the bits are those of the unfused path.
        /// Rows beyond the last full strip go through the ordinary strips once all panels are packed.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void FusedBlock(float* a, nint aRowStride, float* b, nint bColStride, float* packedB, int kc, int nc,
            float* c, nint cColStride, int rows, bool add, float* tiles)
        {
            float* pendingTile = null, pendingC = null;
            int call = 0;
            int i = 0;
            for (; i + MR <= rows; i += MR)
            {
                for (int jr = 0; jr < nc; jr += FusedPanel)
                {
                    float* tile = tiles + (call++ & 1) * (MR * FusedPanel);
                    FusedKernel(a + i * aRowStride, aRowStride, packedB + jr * kc, kc, i == 0 ? b + jr * bColStride : null, bColStride,
                        tile, pendingTile, pendingC, cColStride, add);
                    pendingTile = tile;
                    pendingC = c + i + jr * cColStride;
                }
            }
            for (int q = 0; q < FusedPanel; q += 8)
                Transpose8x8.Run(pendingTile + q, FusedPanel, pendingC + q * cColStride, cColStride, add);
            if (i < rows)
                Block<Vector512Math, Vector512<float>>(a + i * aRowStride, aRowStride, 1, MR * aRowStride, packedB, kc, nc,
                    c + i, 1, cColStride, rows - i, add, tiles + 2 * MR * FusedPanel);
        }

        /// <summary>An 8 × 32 tile over kc steps (kc a multiple of 8) into <paramref name="tile"/>; with <paramref name="pack"/>,
        /// first transposes B's 32 columns (rows of <paramref name="pack"/>, <paramref name="packStride"/> apart, contiguous
        /// along k) into the panel a group of 8 steps ahead of use; with <paramref name="previousTile"/>, writes that tile
        /// transposed to <paramref name="previousC"/> during the first four groups.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void FusedKernel(float* a, nint aRowStride, float* panel, int kc, float* pack, nint packStride,
            float* tile, float* previousTile, float* previousC, nint ldc, bool add)
        {
            Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
            Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
            nint r1 = aRowStride, r2 = 2 * aRowStride, r3 = 3 * aRowStride;
            float* a4 = a + 4 * aRowStride;
            nint pack8 = 8 * packStride;
            if (pack != null)
            {
                for (int g = 0; g < Ahead && g * 8 < kc; g++)
                    for (int q = 0; q < 4; q++)
                        Transpose8x8.Run(pack + g * 8 + q * pack8, packStride, panel + g * 8 * FusedPanel + q * 8, FusedPanel, add: false, evex: true);
            }
            int extra = 0;
            for (int p = 0; p < kc; p += 8)
            {
                float* next = pack + p + 8 * Ahead;
                float* nextPanel = panel + 8 * Ahead * FusedPanel;
                bool packNext = pack != null && p + 8 * Ahead < kc;
                for (int q = 0; q < 4; q++)
                {
                    if (packNext)
                        Transpose8x8.Run(next + q * pack8, packStride, nextPanel + q * 8, FusedPanel, add: false, evex: true);
                    else if (previousTile != null && extra < 4)
                    {
                        Transpose8x8.Run(previousTile + extra * 8, FusedPanel, previousC + extra * 8 * ldc, ldc, add, evex: true);
                        extra++;
                    }
                    for (int s = 0; s < 2; s++)
                    {
                        Vector512<float> b0 = Vector512.Load(panel);
                        Vector512<float> b1 = Vector512.Load(panel + 16);
                        Vector512<float> x = Vector512.Create(a[0]);
                        c00 = Avx512F.FusedMultiplyAdd(x, b0, c00); c01 = Avx512F.FusedMultiplyAdd(x, b1, c01);
                        x = Vector512.Create(a[r1]);
                        c10 = Avx512F.FusedMultiplyAdd(x, b0, c10); c11 = Avx512F.FusedMultiplyAdd(x, b1, c11);
                        x = Vector512.Create(a[r2]);
                        c20 = Avx512F.FusedMultiplyAdd(x, b0, c20); c21 = Avx512F.FusedMultiplyAdd(x, b1, c21);
                        x = Vector512.Create(a[r3]);
                        c30 = Avx512F.FusedMultiplyAdd(x, b0, c30); c31 = Avx512F.FusedMultiplyAdd(x, b1, c31);
                        x = Vector512.Create(a4[0]);
                        c40 = Avx512F.FusedMultiplyAdd(x, b0, c40); c41 = Avx512F.FusedMultiplyAdd(x, b1, c41);
                        x = Vector512.Create(a4[r1]);
                        c50 = Avx512F.FusedMultiplyAdd(x, b0, c50); c51 = Avx512F.FusedMultiplyAdd(x, b1, c51);
                        x = Vector512.Create(a4[r2]);
                        c60 = Avx512F.FusedMultiplyAdd(x, b0, c60); c61 = Avx512F.FusedMultiplyAdd(x, b1, c61);
                        x = Vector512.Create(a4[r3]);
                        c70 = Avx512F.FusedMultiplyAdd(x, b0, c70); c71 = Avx512F.FusedMultiplyAdd(x, b1, c71);
                        a++;
                        a4++;
                        panel += FusedPanel;
                    }
                }
            }
            for (; previousTile != null && extra < 4; extra++)
                Transpose8x8.Run(previousTile + extra * 8, FusedPanel, previousC + extra * 8 * ldc, ldc, add, evex: true);

            Vector512.Store(c00, tile); Vector512.Store(c01, tile + 16);
            Vector512.Store(c10, tile + 32); Vector512.Store(c11, tile + 48);
            Vector512.Store(c20, tile + 64); Vector512.Store(c21, tile + 80);
            Vector512.Store(c30, tile + 96); Vector512.Store(c31, tile + 112);
            Vector512.Store(c40, tile + 128); Vector512.Store(c41, tile + 144);
            Vector512.Store(c50, tile + 160); Vector512.Store(c51, tile + 176);
            Vector512.Store(c60, tile + 192); Vector512.Store(c61, tile + 208);
            Vector512.Store(c70, tile + 224); Vector512.Store(c71, tile + 240);
        }
    }
}
