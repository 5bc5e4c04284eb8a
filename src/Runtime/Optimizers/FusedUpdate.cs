using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TensorForge.Kernels;

namespace TensorForge.Optimizers
{
    /// <summary>An element-wise update over a few buffers, applied at every index by <see cref="FusedLoop"/>.</summary>
    /// <remarks>Updates are written once against <see cref="ISimdMath{T}"/>, whose operations are all correctly rounded (IEEE
    /// add, multiply, divide, square root, fused multiply-add), so the result for an element does not depend on the vector
    /// width or on whether the element fell in the scalar tail.</remarks>
    internal unsafe interface IElementUpdate
    {
        /// <summary>Updates elements [index, index + S.Count).</summary>
        void Apply<S, T>(nint index) where S : ISimdMath<T> where T : struct;
    }

    /// <summary>One pass over a parameter block with the widest allowed vectors, then single floats for the tail; split over
    /// the kernels' worker pool (<see cref="Gemm.MaxThreads"/>) when the block is large.</summary>
    /// <remarks>
    /// <para>The tail is scalar rather than one overlapping last vector (the TensorPrimitives idiom) because updates
    /// read and write several buffers in place: an overlapping vector would update some elements twice.</para>
    /// <para>Splitting cannot change a bit: every element is updated by the same correctly rounded operations whichever
    /// thread, vector width or tail handles it. An optimizer step of the 109,386-parameter MNIST network (an IEEE divide
    /// and square root per element over four 437 KB streams, 34–40 µs on one core) is split in two, and each core then
    /// keeps its half of the four streams in its own L2.</para>
    /// </remarks>
    internal static class FusedLoop
    {
        /// <summary>Elements from which a pass is split over the worker pool (≈ 10 µs of Adam on one core, well above the
        /// cost of waking a worker).</summary>
        public const int ParallelThreshold = 1 << 15;

        public static void Run<TUpdate>(TUpdate update, int length) where TUpdate : struct, IElementUpdate
        {
            int threads = WorkerPool.PlannedThreads;
            if (threads > 1 && length >= ParallelThreshold)
                FusedJob<TUpdate>.Run(update, length, threads);
            else
                Run(update, 0, length);
        }

        /// <summary>Updates elements [<paramref name="start"/>, <paramref name="end"/>).</summary>
        public static void Run<TUpdate>(TUpdate update, nint start, nint end) where TUpdate : struct, IElementUpdate
        {
            nint i = start;
            if (SimdWidth.Use512 && end - i >= Vector512<float>.Count)
            {
                for (; i <= end - Vector512<float>.Count; i += Vector512<float>.Count)
                    update.Apply<Vector512Math, Vector512<float>>(i);
            }
            else if (SimdWidth.Use256 && end - i >= Vector256<float>.Count)
            {
                for (; i <= end - Vector256<float>.Count; i += Vector256<float>.Count)
                    update.Apply<Vector256Math, Vector256<float>>(i);
            }
            else if (SimdWidth.Use128 && end - i >= Vector128<float>.Count)
            {
                for (; i <= end - Vector128<float>.Count; i += Vector128<float>.Count)
                    update.Apply<Vector128Math, Vector128<float>>(i);
            }
            for (; i < end; i++)
                update.Apply<ScalarMath, float>(i);
        }

        /// <summary>Zero where |value| &lt; threshold, value elsewhere (NaN stays NaN): keeps denormals out of optimizer state.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T FlushBelow<S, T>(T value, T threshold) where S : ISimdMath<T> where T : struct
            => S.Select(S.GreaterThan(threshold, S.Abs(value)), S.Zero, value);
    }

    /// <summary>A fused pass cut into contiguous tiles for <see cref="WorkerPool"/>; one reused instance per thread and update
    /// type, so a parallel step allocates nothing after its first call.</summary>
    internal sealed class FusedJob<TUpdate> : ParallelJob where TUpdate : struct, IElementUpdate
    {
        /// <summary>Tiles are whole multiples of this many elements (a multiple of every vector width and of a 64-byte line).</summary>
        private const int Granule = 64;

        [ThreadStatic] private static FusedJob<TUpdate>? t_job;

        private TUpdate _update;
        private int _length;
        private int _tileSize;

        /// <summary>Elements per thread at least (≈ 5 µs of Adam; see <see cref="WorkerPool.LimitByWork"/>).</summary>
        private const int MinTile = 1 << 14;

        public static void Run(TUpdate update, int length, int threads)
        {
            threads = WorkerPool.LimitByWork(threads, length, MinTile);
            FusedJob<TUpdate> job = t_job ??= new FusedJob<TUpdate>();
            job._update = update;
            job._length = length;
            // One tile per thread: the caller runs tile 0 and workers start at tile 1, so each core tends to update the
            // same part every step and finds those parameters and moments in its own L2.
            int granules = (length + Granule - 1) / Granule;
            job._tileSize = (granules + threads - 1) / threads * Granule;
            int tiles = (length + job._tileSize - 1) / job._tileSize;
            WorkerPool.Run(job, tiles, threads);
            job._update = default;
        }

        public override void RunTile(int index)
        {
            int start = index * _tileSize;
            FusedLoop.Run(_update, start, Math.Min(start + _tileSize, _length));
        }
    }
}
