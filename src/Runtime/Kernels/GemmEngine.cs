using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TensorForge.Kernels
{
    /// <summary>The GotoBLAS/BLIS loop nest behind <see cref="Gemm"/>, for any strides:
    /// C(r, q) (+)= Σ_p A(r, p) · B(p, q) with A(r, p) = a[r·aRowStride + p·aKStride], B(p, q) = b[p·bKStride + q·bColStride]
    /// and C(r, q) = c[r·cRowStride + q·cColStride].</summary>
    /// <remarks>
    /// <para>Loops, outermost first: column blocks of <see cref="NC"/>; depth blocks of <see cref="KC"/> (deeper for narrow
    /// problems, see <see cref="DepthBlock"/>), for which B is packed into panels of NR = 2 vectors (k-major, zero-padded;
    /// up to 2 MiB, L3-resident for wide problems, at most 512 KiB and L2-resident for deep narrow blocks); row blocks of
    /// <see cref="MC"/>; row strips of <see cref="MR"/> rows (their MR rows × KC of A stay in L1); and the panels, where
    /// the micro-kernel keeps an MR × NR tile of C in registers and does one broadcast and two FMAs per row per k.</para>
    /// <para>A block of A is packed into MR-row strips when it meets at least <see cref="PackAFromPanels"/> panels;
    /// otherwise the micro-kernel broadcasts A's elements straight from where they are.</para>
    /// <para>Cᵀ of A·Bᵀ with AVX-512 (B contiguous along k, C written transposed, whole 32-column panels, no packed A) takes
    /// <see cref="FusedBlock"/> instead: the first strip packs each panel while it multiplies, and every micro-kernel call
    /// writes the previous call's tile to C during its first steps, so the 8 × 8 transposes overlap the FMAs. It sums every
    /// element in the same order as the unfused path, so either gives the same bits.</para>
    /// <para>Parallelising: the row blocks (and column blocks) write disjoint parts of C and only read the packed B, so they
    /// can be handed to different threads. The depth loop must stay sequential per output tile — that keeps the order of
    /// the sum over k, and therefore the result, independent of the number of threads.</para>
    /// </remarks>
    internal static unsafe partial class GemmEngine
    {
        /// <summary>Depth of a packed block for wide problems: an MR-row strip of A (MR × KC floats, 16 KiB) stays in L1
        /// while the block's B panels stream past it. Narrow problems use deeper blocks (see <see cref="DepthBlock"/>).
        /// Measured on Zen 4 against 256 (with NC = 512, MC = 192): 512 halves the rounds of C tile loads and stores, which
        /// at 1024³ and 256×1024×1024 (A·Bᵀ) bought 1–3.5% of peak.</summary>
        public const int KC = 512;
        /// <summary>Deepest block, for problems at most 128 columns wide.</summary>
        private const int MaxKC = 1024;
        /// <summary>Packed B of a block deeper than <see cref="KC"/> (narrow problems) stays within this many floats
        /// (512 KiB, half of a Zen 4 core's L2), so that its panels stream from L2.</summary>
        private const int DeepBlockFloats = 512 * 256;
        /// <summary>Rows per block: the packed block of A is MC × KC floats = 192 KiB, L2-resident.</summary>
        public const int MC = 96;
        /// <summary>Columns of a packed block: KC × NC floats = 2 MiB, which lives in L3 (32 MiB on this Zen 4) while each
        /// strip of A streams the panels past itself. A wide NC matters because A is packed again for every column block,
        /// from memory when A is large: at 1024³ each pack of A cost about 7% of the multiply, and NC = 1024 instead of 256
        /// packs it once per depth block instead of four times (Zen 4, in-process A/B, KC 512: A·Bᵀ 1024³ 85.7–86.1% →
        /// 90.7–90.8% of peak, 256×1024×1024 83.3–85.8% → 86.6–86.8%, A·B and Aᵀ·B 1024³ +5%, 512³ +4.6%).</summary>
        public const int NC = 1024;
        /// <summary>Rows of the register tile.</summary>
        public const int MR = 8;

        /// <summary>Widest vector, in floats, of any width the engine may pick (sizes the per-thread scratch).</summary>
        private const int MaxVectorCount = 16;
        private const int TileFloats = MR * 2 * MaxVectorCount;
        /// <summary>A block of A is packed when the block has at least this many panels to reuse it for; below that the
        /// copy costs more than the strided reads it saves.</summary>
        private const int PackAFromPanels = 4;

        [ThreadStatic] private static float[]? t_scratch;

        /// <summary>The depth of the blocks the sum over k is cut into, for a multiply whose C has <paramref name="cols"/>
        /// columns in all. Blocks are equal (1100 = 3 × 367, not 2 × 512 + 76: a short last block would pay a full round of
        /// tile loads and stores for a few FMAs), and as deep as the packed-B buffer allows: narrow problems (Cᵀ of a
        /// small batch) sum all of k = 784 in one block, which saves three rounds of C tile reloads and transposing
        /// scatters. Each element of C is the sum of its blocks' partial sums in order, so this depth fixes the bits of
        /// the result: it must come from the whole problem, never from a tile of it.</summary>
        public static int DepthBlock(int depth, int cols)
        {
            int width = (Math.Min(NC, cols) + 31) / 32 * 32;
            int deepest = Math.Min(MaxKC, Math.Max(KC, DeepBlockFloats / width));
            int blocks = (depth + deepest - 1) / deepest;
            return (depth + blocks - 1) / blocks;
        }

        /// <summary>C[rows, cols] (+)= A[rows, depth] · B[depth, cols] over strided operands (each layout is a choice of strides).</summary>
        /// <param name="a">A's first element; element (i, p) is at <c>a + i·aRowStride + p·aKStride</c>.</param>
        /// <param name="aRowStride">Distance between rows of A.</param>
        /// <param name="aKStride">Distance between A's elements along k.</param>
        /// <param name="b">B's first element; element (p, j) is at <c>b + p·bKStride + j·bColStride</c>.</param>
        /// <param name="bKStride">Distance between B's elements along k.</param>
        /// <param name="bColStride">Distance between columns of B.</param>
        /// <param name="c">C's first element; element (i, j) is at <c>c + i·cRowStride + j·cColStride</c>.</param>
        /// <param name="cRowStride">Distance between rows of C.</param>
        /// <param name="cColStride">Distance between columns of C.</param>
        /// <param name="rows">Rows of A and C.</param>
        /// <param name="depth">The shared dimension k.</param>
        /// <param name="cols">Columns of B and C.</param>
        /// <param name="accumulate">Add to C instead of overwriting it.</param>
        /// <param name="kcBlock">The depth of the blocks of k, <see cref="DepthBlock"/> of the whole multiply.</param>
        public static void Run(float* a, nint aRowStride, nint aKStride, float* b, nint bKStride, nint bColStride,
            float* c, nint cRowStride, nint cColStride, int rows, int depth, int cols, bool accumulate, int kcBlock)
        {
            float* scratch = Scratch();
            if (SimdWidth.Use512)
                Run<Vector512Math, Vector512<float>>(a, aRowStride, aKStride, b, bKStride, bColStride, c, cRowStride, cColStride, rows, depth, cols, accumulate, kcBlock, scratch);
            else if (SimdWidth.Use256)
                Run<Vector256Math, Vector256<float>>(a, aRowStride, aKStride, b, bKStride, bColStride, c, cRowStride, cColStride, rows, depth, cols, accumulate, kcBlock, scratch);
            else if (SimdWidth.Use128)
                Run<Vector128Math, Vector128<float>>(a, aRowStride, aKStride, b, bKStride, bColStride, c, cRowStride, cColStride, rows, depth, cols, accumulate, kcBlock, scratch);
            else
                Run<ScalarMath, float>(a, aRowStride, aKStride, b, bKStride, bColStride, c, cRowStride, cColStride, rows, depth, cols, accumulate, kcBlock, scratch);
        }

        /// <summary>This thread's packing buffer and edge tile, 64-byte aligned. Allocated (pinned) on the thread's first
        /// multiply and reused for every later one, so a forward pass allocates nothing.</summary>
        private static float* Scratch()
        {
            float[]? buffer = t_scratch;
            if (buffer is null)
            {
                buffer = GC.AllocateUninitializedArray<float>(KC * NC + MC * MaxKC + 3 * TileFloats + 16, pinned: true);
                t_scratch = buffer;
            }
            nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
            return (float*)((address + 63) & ~(nuint)63);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Run<S, T>(float* a, nint aRowStride, nint aKStride, float* b, nint bKStride, nint bColStride,
            float* c, nint cRowStride, nint cColStride, int rows, int depth, int cols, bool accumulate, int kcBlock, float* scratch)
            where S : ISimdMath<T> where T : struct
        {
            float* packedB = scratch;
            float* packedA = scratch + KC * NC;
            float* tile = packedA + MC * MaxKC;
            for (int jc = 0; jc < cols; jc += NC)
            {
                int nc = Math.Min(NC, cols - jc);
                for (int pc = 0; pc < depth; pc += kcBlock)
                {
                    int kc = Math.Min(kcBlock, depth - pc);
                    // Later depth blocks add to what the earlier ones wrote.
                    bool add = accumulate || pc > 0;
                    bool packA = nc >= PackAFromPanels * 2 * S.Count;
                    if (typeof(T) == typeof(Vector512<float>) && !packA && CanFuse(aKStride, bKStride, cRowStride, rows, kc, nc))
                    {
                        FusedBlock(a + pc * aKStride, aRowStride, b + pc * bKStride + jc * bColStride, bColStride, packedB, kc, nc,
                            c + jc * cColStride, cColStride, rows, add, tile);
                        continue;
                    }
                    PackB<S, T>(b + pc * bKStride + jc * bColStride, bKStride, bColStride, kc, nc, packedB);
                    for (int ic = 0; ic < rows; ic += MC)
                    {
                        int mc = Math.Min(MC, rows - ic);
                        float* block = a + ic * aRowStride + pc * aKStride;
                        if (packA)
                        {
                            PackA(block, aRowStride, aKStride, mc, kc, packedA);
                            Block<S, T>(packedA, 1, MR, MR * kc, packedB, kc, nc,
                                c + ic * cRowStride + jc * cColStride, cRowStride, cColStride, mc, add, tile);
                        }
                        else
                        {
                            Block<S, T>(block, aRowStride, aKStride, MR * aRowStride, packedB, kc, nc,
                                c + ic * cRowStride + jc * cColStride, cRowStride, cColStride, mc, add, tile);
                        }
                    }
                }
            }
        }

        /// <summary>One mc × nc block of C from a block of A and the packed B: strips of MR rows, then smaller strips
        /// (4, 2, 1) for the remainder, so that no row of A beyond the matrix is ever read. Row i of the block starts at
        /// a + (i / MR)·stripStride + (i mod MR)·aRowStride: A in place (stripStride = MR·aRowStride) or packed.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Block<S, T>(float* a, nint aRowStride, nint aKStride, nint stripStride, float* packedB, int kc, int nc,
            float* c, nint cRowStride, nint cColStride, int mc, bool add, float* tile)
            where S : ISimdMath<T> where T : struct
        {
            int i = 0;
            for (; i + MR <= mc; i += MR)
                Strip<S, T, Rows8>(a + i / MR * stripStride, aRowStride, aKStride, packedB, kc, nc, c + i * cRowStride, cRowStride, cColStride, add, tile);
            float* rest = a + i / MR * stripStride;
            if (i + 4 <= mc)
            {
                Strip<S, T, Rows4>(rest, aRowStride, aKStride, packedB, kc, nc, c + i * cRowStride, cRowStride, cColStride, add, tile);
                rest += 4 * aRowStride;
                i += 4;
            }
            if (i + 2 <= mc)
            {
                Strip<S, T, Rows2>(rest, aRowStride, aKStride, packedB, kc, nc, c + i * cRowStride, cRowStride, cColStride, add, tile);
                rest += 2 * aRowStride;
                i += 2;
            }
            if (i < mc)
                Strip<S, T, Rows1>(rest, aRowStride, aKStride, packedB, kc, nc, c + i * cRowStride, cRowStride, cColStride, add, tile);
        }

        /// <summary>Packs A(r, p) for r &lt; mc, p &lt; kc into strips of MR rows, each kc steps of MR contiguous floats
        /// (row-within-strip stride 1, step stride MR); the last strip is zero-padded. The micro-kernel then broadcasts
        /// from one sequential stream instead of MR rows a row stride apart — with a row stride of 4 KiB (k = 1024) those
        /// rows all fall in one L1 set and evict each other.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void PackA(float* a, nint aRowStride, nint aKStride, int mc, int kc, float* packed)
        {
            for (int i = 0; i < mc; i += MR)
            {
                float* source = a + i * aRowStride;
                float* strip = packed + i * kc;
                int rows = Math.Min(MR, mc - i);
                int p = 0;
                if (rows == MR && aKStride == 1 && Transpose8x8.IsSupported)
                {
                    // Rows contiguous along k: transpose 8 × 8 blocks.
                    for (; p + 8 <= kc; p += 8)
                        Transpose8x8.Run(source + p, aRowStride, strip + p * MR, MR, add: false);
                }
                else if (rows == MR && aRowStride == 1 && Vector256.IsHardwareAccelerated)
                {
                    // A transposed operand: the MR rows of one step are already contiguous.
                    for (; p < kc; p++)
                        Vector256.Store(Vector256.Load(source + p * aKStride), strip + p * MR);
                }
                for (; p < kc; p++)
                {
                    float* step = strip + p * MR;
                    int r = 0;
                    for (; r < rows; r++)
                        step[r] = source[r * aRowStride + p * aKStride];
                    for (; r < MR; r++)
                        step[r] = 0f;
                }
            }
        }

        /// <summary>R rows of C across the block's panels. Full panels of a row-major C go straight to C; edge panels and
        /// transposed outputs go through the tile and are scattered.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Strip<S, T, R>(float* a, nint aRowStride, nint aKStride, float* packedB, int kc, int nc,
            float* c, nint cRowStride, nint cColStride, bool add, float* tile)
            where S : ISimdMath<T> where T : struct where R : struct, IRowCount
        {
            int nr = 2 * S.Count;
            for (int jr = 0; jr < nc; jr += nr)
            {
                float* panel = packedB + jr * kc;
                int width = Math.Min(nr, nc - jr);
                if (cColStride == 1 && width == nr)
                {
                    // Only a long call has time to hide the prefetches (with k = 1 they would double the instructions).
                    if (kc >= 64)
                        PrefetchRows(c + jr, cRowStride, R.Count, nr);
                    MicroKernel<S, T, R>(a, aRowStride, aKStride, panel, kc, c + jr, cRowStride, add);
                }
                else
                {
                    MicroKernel<S, T, R>(a, aRowStride, aKStride, panel, kc, tile, nr, add: false);
                    ScatterTile(tile, nr, R.Count, width, c + jr * cColStride, cRowStride, cColStride, add);
                }
            }
        }

        /// <summary>Asks for the C tile the next micro-kernel call ends with: <paramref name="rows"/> runs of
        /// <paramref name="floats"/> contiguous floats, <paramref name="stride"/> apart. When C is larger than L2 its rows
        /// are 4 KiB or more apart, the hardware prefetcher does not follow them, and the tile's loads at the end of every
        /// call would each wait for memory (1024³ lost 10–15% that way); requested now, they arrive during the kc steps.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void PrefetchRows(float* c, nint stride, int rows, int floats)
        {
            if (!Sse.IsSupported)
                return;
            for (int r = 0; r < rows; r++)
            {
                float* row = c + r * stride;
                for (int j = 0; j < floats; j += 16)
                    Sse.Prefetch0(row + j);
                Sse.Prefetch0(row + floats - 1);
            }
        }

        /// <summary>The register-blocked kernel: C[R × 2 vectors] (+)= A[R × kc] · panel[kc × 2 vectors], all of the
        /// depth in registers. Rows of A are addressed from three base pointers (rows 0, 4, 8) plus 0–3 row strides, which
        /// keeps the general-purpose registers the loop needs within what x64 has.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void MicroKernel<S, T, R>(float* a, nint aRowStride, nint aKStride, float* panel, int kc, float* c, nint ldc, bool add)
            where S : ISimdMath<T> where T : struct where R : struct, IRowCount
        {
            int w = S.Count;
            T c00 = S.Zero, c01 = S.Zero, c10 = S.Zero, c11 = S.Zero, c20 = S.Zero, c21 = S.Zero, c30 = S.Zero, c31 = S.Zero;
            T c40 = S.Zero, c41 = S.Zero, c50 = S.Zero, c51 = S.Zero, c60 = S.Zero, c61 = S.Zero, c70 = S.Zero, c71 = S.Zero;
            nint r1 = aRowStride, r2 = 2 * aRowStride, r3 = 3 * aRowStride;
            float* a4 = a + 4 * aRowStride;
            for (int p = 0; p < kc; p++)
            {
                T b0 = S.Load(panel);
                T b1 = S.Load(panel + w);
                T x = S.Broadcast(a[0]);
                c00 = S.MultiplyAdd(x, b0, c00); c01 = S.MultiplyAdd(x, b1, c01);
                if (R.Count >= 2)
                {
                    x = S.Broadcast(a[r1]);
                    c10 = S.MultiplyAdd(x, b0, c10); c11 = S.MultiplyAdd(x, b1, c11);
                }
                if (R.Count >= 4)
                {
                    x = S.Broadcast(a[r2]);
                    c20 = S.MultiplyAdd(x, b0, c20); c21 = S.MultiplyAdd(x, b1, c21);
                    x = S.Broadcast(a[r3]);
                    c30 = S.MultiplyAdd(x, b0, c30); c31 = S.MultiplyAdd(x, b1, c31);
                }
                if (R.Count >= 8)
                {
                    x = S.Broadcast(a4[0]);
                    c40 = S.MultiplyAdd(x, b0, c40); c41 = S.MultiplyAdd(x, b1, c41);
                    x = S.Broadcast(a4[r1]);
                    c50 = S.MultiplyAdd(x, b0, c50); c51 = S.MultiplyAdd(x, b1, c51);
                    x = S.Broadcast(a4[r2]);
                    c60 = S.MultiplyAdd(x, b0, c60); c61 = S.MultiplyAdd(x, b1, c61);
                    x = S.Broadcast(a4[r3]);
                    c70 = S.MultiplyAdd(x, b0, c70); c71 = S.MultiplyAdd(x, b1, c71);
                    a4 += aKStride;
                }
                a += aKStride;
                panel += 2 * w;
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

        /// <summary>Writes the valid rows × width corner of a tile (row stride <paramref name="tileStride"/>) into C.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void ScatterTile(float* tile, int tileStride, int rows, int width, float* c, nint cRowStride, nint cColStride, bool add)
        {
            int j = 0;
            if (cRowStride == 1 && rows == 8 && Transpose8x8.IsSupported)
            {
                // A transposed output (Cᵀ was computed): the tile's columns are runs of 8 floats in C.
                for (; j + 8 <= width; j += 8)
                    Transpose8x8.Run(tile + j, tileStride, c + j * cColStride, cColStride, add);
            }
            for (int r = 0; r < rows; r++)
            {
                float* source = tile + r * tileStride;
                float* destination = c + r * cRowStride;
                for (int q = j; q < width; q++)
                {
                    float value = source[q];
                    destination[q * cColStride] = add ? destination[q * cColStride] + value : value;
                }
            }
        }

        /// <summary>Packs B(p, q) for p &lt; kc, q &lt; nc into panels of NR = 2 vectors: panel j holds
        /// columns [j·NR, j·NR + NR) as kc rows of NR floats, zero-padded past nc.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void PackB<S, T>(float* b, nint bKStride, nint bColStride, int kc, int nc, float* packed)
            where S : ISimdMath<T> where T : struct
        {
            int w = S.Count;
            int nr = 2 * w;
            for (int jr = 0; jr < nc; jr += nr)
            {
                int width = Math.Min(nr, nc - jr);
                float* source = b + jr * bColStride;
                float* panel = packed + jr * kc;
                if (bColStride == 1 && width == nr)
                {
                    // Rows of the panel are contiguous in B: a copy.
                    for (int p = 0; p < kc; p++)
                    {
                        float* row = source + p * bKStride;
                        S.Store(S.Load(row), panel + p * nr);
                        S.Store(S.Load(row + w), panel + p * nr + w);
                    }
                }
                else if (bColStride == 1)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        float* row = source + p * bKStride;
                        float* destination = panel + p * nr;
                        int j = 0;
                        for (; j < width; j++)
                            destination[j] = row[j];
                        for (; j < nr; j++)
                            destination[j] = 0f;
                    }
                }
                else
                {
                    // B is contiguous along k (a transposed operand): transpose 8 × 8 blocks into the panel.
                    int j = 0;
                    if (bKStride == 1 && Transpose8x8.IsSupported)
                    {
                        int kc8 = kc & ~7;
                        for (; j + 8 <= width; j += 8)
                        {
                            for (int p = 0; p < kc8; p += 8)
                                Transpose8x8.Run(source + j * bColStride + p, bColStride, panel + p * nr + j, nr, add: false);
                            for (int p = kc8; p < kc; p++)
                                for (int jj = j; jj < j + 8; jj++)
                                    panel[p * nr + jj] = source[jj * bColStride + p];
                        }
                    }
                    for (; j < width; j++)
                    {
                        float* column = source + j * bColStride;
                        for (int p = 0; p < kc; p++)
                            panel[p * nr + j] = column[p * bKStride];
                    }
                    for (; j < nr; j++)
                    {
                        for (int p = 0; p < kc; p++)
                            panel[p * nr + j] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>Rows of C a micro-kernel instance computes; a type argument so that the JIT removes the unused rows.</summary>
    internal interface IRowCount
    {
        static abstract int Count { get; }
    }

    internal readonly struct Rows1 : IRowCount { public static int Count => 1; }
    internal readonly struct Rows2 : IRowCount { public static int Count => 2; }
    internal readonly struct Rows4 : IRowCount { public static int Count => 4; }
    internal readonly struct Rows8 : IRowCount { public static int Count => 8; }
}
