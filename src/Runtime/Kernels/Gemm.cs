using System;
using System.Threading;

namespace TensorForge.Kernels
{
    /// <summary>Single-precision matrix multiply in the three layouts dense forward and backward need.
    /// All matrices are row-major and dense. When <c>accumulate</c> is false, C is overwritten; otherwise C += A·B.</summary>
    /// <remarks>Spans may be longer than the sizes need; only the leading m×k, k×n (or n×k, k×m) and m×n elements are used.
    /// C must not overlap A or B. Large multiplies use up to <see cref="MaxThreads"/> threads, each computing whole tiles of
    /// C. Results do not depend on the number of threads: every element of C is summed over k in the same order whatever
    /// the tiling of the output. See <see cref="GemmEngine"/> for the blocking and <see cref="GemmSmall"/> for the
    /// small-batch paths.</remarks>
    public static unsafe class Gemm
    {
        private static int s_maxThreads = Environment.ProcessorCount;

        /// <summary>Most threads one multiply may use (the calling thread included); by default every core. 1 keeps every
        /// multiply on the calling thread. Results are bit-identical whatever the setting. Small multiplies (below about a
        /// million multiply-adds) always run on the calling thread, where handing out work would cost more than it saves.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
        public static int MaxThreads
        {
            get => Volatile.Read(ref s_maxThreads);
            set
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
                Volatile.Write(ref s_maxThreads, value);
            }
        }

        /// <summary>C[m,n] (+)= A[m,k] · B[n,k]ᵀ — dense forward (X · Wᵀ).</summary>
        public static void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
        {
            Validate(a.Length, b.Length, c.Length, m, k, n, aRowsName: "m", bRowsName: "n", aTransposed: false, bTransposed: true);
            if (HandleEmpty(c, m, k, n, accumulate))
                return;

            fixed (float* pa = a, pb = b, pc = c)
            {
                if (m <= GemmSmall.MaxRowsDot)
                    GemmParallel.Run(GemmParallel.Path.Dot, pa, k, 1, pb, 1, k, pc, n, 1, m, k, n, accumulate);
                // Both operands are contiguous along k, so one of them has to be transposed into the packed panels the
                // micro-kernel reads. Usually pack the smaller one: with a batch smaller than the layer (m < n) compute
                // Cᵀ = B · Aᵀ, which packs A and writes the output tile transposed.
                else if (PackAInstead(m, n))
                    GemmParallel.Run(GemmParallel.Path.Engine, pb, k, 1, pa, 1, k, pc, 1, n, n, k, m, accumulate);
                else
                    GemmParallel.Run(GemmParallel.Path.Engine, pa, k, 1, pb, 1, k, pc, n, 1, m, k, n, accumulate);
            }
        }

        /// <summary>C[m,n] (+)= A[m,k] · B[k,n] — dense input gradient (dY · W).</summary>
        public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
        {
            Validate(a.Length, b.Length, c.Length, m, k, n, aRowsName: "m", bRowsName: "k", aTransposed: false, bTransposed: false);
            if (HandleEmpty(c, m, k, n, accumulate))
                return;

            fixed (float* pa = a, pb = b, pc = c)
                Run(pa, k, 1, pb, pc, m, k, n, accumulate);
        }

        /// <summary>C[m,n] (+)= A[k,m]ᵀ · B[k,n] — dense weight gradient (dYᵀ · X).</summary>
        public static void MultiplyTransposedA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
        {
            Validate(a.Length, b.Length, c.Length, m, k, n, aRowsName: "k", bRowsName: "k", aTransposed: true, bTransposed: false);
            if (HandleEmpty(c, m, k, n, accumulate))
                return;

            fixed (float* pa = a, pb = b, pc = c)
                Run(pa, 1, m, pb, pc, m, k, n, accumulate);
        }

        /// <summary>C[m,n] (+)= A · B[k,n] for a row-major B and C; A(r, p) = a[r·aRowStride + p·aKStride].</summary>
        private static void Run(float* a, nint aRowStride, nint aKStride, float* b, float* c, int m, int k, int n, bool accumulate)
            => GemmParallel.Run(GemmSmall.Streams(m, k, n) ? GemmParallel.Path.Stream : GemmParallel.Path.Engine,
                a, aRowStride, aKStride, b, n, 1, c, n, 1, m, k, n, accumulate);

        /// <summary>For A · Bᵀ, whether computing Cᵀ = B · Aᵀ is cheaper. Per step of k, the micro-kernels spend one lane of
        /// work on every element of the panel-padded output (panels are 32 columns wide with Vector512) and packing spends
        /// roughly five lanes' worth on every transposed element, so compare n·⌈m⌉₃₂ + 5m with m·⌈n⌉₃₂ + 5n: a batch of
        /// 32 against a layer of 128 packs A, but a batch of 8 does not pay for a panel that is three quarters padding
        /// (and batches up to 8 take the row-dot path anyway).</summary>
        private static bool PackAInstead(int m, int n)
        {
            const int PanelWidth = 32, PackCost = 5;
            long packA = (long)n * RoundUp(m, PanelWidth) + PackCost * (long)m;
            long packB = (long)m * RoundUp(n, PanelWidth) + PackCost * (long)n;
            // Cᵀ writes its output through the transposing scatter and streams the larger operand as "A": measured on
            // Zen 4 it needs a 3% model advantage to win (256×1024×1024 runs 12% faster without it, 64×784×128 5% with it).
            return packA * 103 < packB * 100;

            static long RoundUp(int value, int multiple) => ((long)value + multiple - 1) / multiple * multiple;
        }

        private static void Validate(int aLength, int bLength, int cLength, int m, int k, int n,
            string aRowsName, string bRowsName, bool aTransposed, bool bTransposed)
        {
            KernelArguments.NonNegative(m, nameof(m));
            KernelArguments.NonNegative(k, nameof(k));
            KernelArguments.NonNegative(n, nameof(n));
            if (aTransposed)
                KernelArguments.AtLeast(aLength, "a", k, m, aRowsName, "m");
            else
                KernelArguments.AtLeast(aLength, "a", m, k, aRowsName, "k");
            if (bTransposed)
                KernelArguments.AtLeast(bLength, "b", n, k, bRowsName, "k");
            else
                KernelArguments.AtLeast(bLength, "b", k, n, bRowsName, "n");
            KernelArguments.AtLeast(cLength, "c", m, n, "m", "n");
        }

        /// <summary>Handles the degenerate sizes; returns true when there is nothing left to compute.</summary>
        private static bool HandleEmpty(Span<float> c, int m, int k, int n, bool accumulate)
        {
            if (m == 0 || n == 0)
                return true;
            if (k == 0)
            {
                // An empty sum is zero: overwrite clears C, accumulate leaves it as it is.
                if (!accumulate)
                    c.Slice(0, m * n).Clear();
                return true;
            }
            return false;
        }
    }
}
