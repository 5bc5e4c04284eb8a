using System;

namespace TensorForge.Kernels
{
    /// <summary>Work over items [0, count) — elements, channels, planes — in which every item is computed the same whatever
    /// range it falls in, so that a call can be cut into ranges and run on any threads in any order with the same bits.</summary>
    internal interface IRangeKernel
    {
        /// <summary>Computes items [<paramref name="start"/>, <paramref name="end"/>).</summary>
        void Run(int start, int end);
    }

    /// <summary>Splits the memory-bound passes around the multiplies — batch norm per channel, element-wise activations and
    /// sums per contiguous range — over <see cref="WorkerPool"/> (<see cref="Gemm.MaxThreads"/>), one range per thread.</summary>
    /// <remarks>
    /// <para>Determinism is the kernel's promise (<see cref="IRangeKernel"/>): a range boundary never changes an item's
    /// arithmetic. For element-wise kernels ranges are whole multiples of <c>granule</c> elements (64: every vector width, a
    /// cache line), and the last range takes the remainder, so no range is shorter than a granule and each picks the vector
    /// width the whole call would have picked.</para>
    /// <para>Between layers of a network the workers are still polling from the previous multiply, so handing one a range
    /// costs a fraction of a microsecond; a pass over fewer than <see cref="WakeFrom"/> values is a small job that does not
    /// wake blocked workers (see <see cref="WorkerPool.Run"/>).</para>
    /// </remarks>
    internal static class ParallelRanges
    {
        /// <summary>Values touched (read and written) from which a pass is split: 2¹⁶ floats, ≈ 5 µs of a memory-bound pass on
        /// one core, against a fraction of a microsecond to hand a range to a polling worker.</summary>
        public const long SplitFrom = 1 << 16;

        /// <summary>Values touched from which a pass wakes blocked workers (≈ 25 µs of a memory-bound pass, against the
        /// tens of microseconds a blocked worker takes to wake).</summary>
        public const long WakeFrom = 1 << 18;

        /// <summary>Runs <paramref name="kernel"/> over items [0, <paramref name="count"/>), split into ranges of whole
        /// multiples of <paramref name="granule"/> items over the planned threads when <paramref name="work"/> (values read
        /// and written) is at least <see cref="SplitFrom"/>; on the calling thread otherwise.</summary>
        public static void Run<TKernel>(TKernel kernel, int count, long work, int granule = 1) where TKernel : struct, IRangeKernel
        {
            int threads = WorkerPool.PlannedThreads;
            int granules = count / granule;
            if (threads <= 1 || work < SplitFrom || granules < 2)
            {
                kernel.Run(0, count);
                return;
            }
            threads = Math.Min(WorkerPool.LimitByWork(threads, work, SplitFrom), granules);
            RangeJob<TKernel>.Run(kernel, count, granules / threads * granule, threads, small: work < WakeFrom);
        }
    }

    /// <summary>The reusable job behind <see cref="ParallelRanges"/>: one instance per thread and kernel type, so a parallel
    /// call allocates nothing after its first.</summary>
    internal sealed class RangeJob<TKernel> : ParallelJob where TKernel : struct, IRangeKernel
    {
        [ThreadStatic] private static RangeJob<TKernel>? t_job;

        private TKernel _kernel;
        private int _count, _rangeSize, _ranges;

        /// <summary>Ranges of <paramref name="rangeSize"/> items, the last one taking the remainder too.</summary>
        public static void Run(TKernel kernel, int count, int rangeSize, int threads, bool small)
        {
            RangeJob<TKernel> job = t_job ??= new RangeJob<TKernel>();
            job._kernel = kernel;
            job._count = count;
            job._rangeSize = rangeSize;
            job._ranges = count / rangeSize;
            // One range per thread: the caller runs range 0 and a worker range 1, so consecutive passes over the same
            // activations tend to find each core's part in its own cache.
            WorkerPool.Run(job, job._ranges, threads, small);
            job._kernel = default;
        }

        public override void RunTile(int index)
        {
            int start = index * _rangeSize;
            _kernel.Run(start, index == _ranges - 1 ? _count : start + _rangeSize);
        }
    }
}
