using System;

namespace TensorForge.Kernels
{
    /// <summary>How a multiply is cut into tiles of C for <see cref="WorkerPool"/>, and the reusable job that runs them.</summary>
    /// <remarks>Every tile is a whole sub-multiply: a range of rows or columns of C with all of k, computed by the same
    /// serial kernel the one-thread path uses. The kernels sum each element of C over k in an order that depends on k (and
    /// the path, chosen from m, k, n) alone — never on where the element sits in a tile — so C is bit-identical whatever
    /// the number of threads and whichever thread runs which tile.</remarks>
    internal sealed unsafe class GemmParallel : ParallelJob
    {
        /// <summary>Multiply-adds from which a multiply wakes blocked workers. Waking one costs the caller a few microseconds
        /// and the worker tens of them, so the work must be worth that: 2²⁰ multiply-adds are ≈ 18 µs at one Zen 4 core's
        /// peak (116 GFLOP/s).
        /// 32×784×128 (3.2 M) is always split; smaller multiplies follow <see cref="SmallThreshold"/>.</summary>
        public const long Threshold = 1L << 20;

        /// <summary>Multiply-adds from which a multiply is split when the pool's workers are already awake (or the calls come
        /// back to back): 2¹⁶ is about a microsecond on one core, against a fraction of that to hand a tile to a polling
        /// worker. This is what splits a batch of one (1×784×128, bound by reading the 401 KB weight matrix, which two
        /// cores read twice as fast from their own L2) and the 32×128×64 layer of a training step.</summary>
        public const long SmallThreshold = 1L << 16;

        public enum Path { Engine, Stream, Dot }

        [ThreadStatic] private static GemmParallel? t_job;

        private Path _path;
        private bool _splitColumns;
        private int _tileSize;
        private float* _a, _b, _c;
        private nint _aRowStride, _aKStride, _bKStride, _bColStride, _cRowStride, _cColStride;
        private int _rows, _depth, _cols, _kcBlock;
        private bool _accumulate;

        /// <summary>Runs the multiply on the path given, in parallel when it is big enough and more than one thread is allowed.
        /// For <see cref="Path.Dot"/>, B is [cols, depth] row-major (A·Bᵀ) and the strides are implied.</summary>
        public static void Run(Path path, float* a, nint aRowStride, nint aKStride, float* b, nint bKStride, nint bColStride,
            float* c, nint cRowStride, nint cColStride, int rows, int depth, int cols, bool accumulate)
        {
            int threads = WorkerPool.PlannedThreads;
            int kcBlock = path == Path.Engine ? GemmEngine.DepthBlock(depth, cols) : 0;
            long work = (long)rows * depth * cols;
            if (threads <= 1 || work < SmallThreshold)
            {
                RunSerial(path, a, aRowStride, aKStride, b, bKStride, bColStride, c, cRowStride, cColStride, rows, depth, cols, accumulate, kcBlock);
                return;
            }

            GemmParallel job = t_job ??= new GemmParallel();
            job._path = path;
            job._a = a; job._aRowStride = aRowStride; job._aKStride = aKStride;
            job._b = b; job._bKStride = bKStride; job._bColStride = bColStride;
            job._c = c; job._cRowStride = cRowStride; job._cColStride = cColStride;
            job._rows = rows; job._depth = depth; job._cols = cols; job._accumulate = accumulate; job._kcBlock = kcBlock;
            bool small = work < Threshold;
            if (small)
                threads = WorkerPool.LimitByWork(threads, work, SmallThreshold);
            int tiles = job.Plan(threads, tilesPerThread: small ? 1 : 2);
            WorkerPool.Run(job, tiles, threads, small);
            job._a = job._b = job._c = null;
        }

        /// <summary>Chooses the split and the tile size; returns the number of tiles. Big multiplies get two tiles per thread,
        /// so that a thread slowed by other work costs less; small ones one, so that each core tends to get the same tile
        /// call after call (the caller runs tile 0) and finds its part of the operands in its own L2.</summary>
        private int Plan(int threads, int tilesPerThread)
        {
            switch (_path)
            {
                case Path.Engine:
                {
                    // Columns first: a column tile packs only its own part of B, so tiles share no work. Whole 32-column
                    // panels, at most one packed block wide.
                    const int Panel = 32;
                    int width = Math.Min(GemmEngine.NC, RoundUp(Divide(_cols, tilesPerThread * threads), Panel));
                    if (Divide(_cols, width) >= threads)
                        return Split(columns: true, width, _cols);
                    // Few columns (Cᵀ of a small batch): one row tile per thread. Each packs the same B, so no more tiles
                    // than threads.
                    return Split(columns: false, RoundUp(Divide(_rows, threads), GemmEngine.MR), _rows);
                }
                case Path.Stream:
                    // Rows in pairs, as the streaming kernel takes them; each tile streams all of B from its own core's L2.
                    return Split(columns: false, RoundUp(Divide(_rows, threads), 2), _rows);
                default:
                    // Rows of B (columns of C) in fours, as the row-dot kernel takes them. (Finer tiles for small jobs
                    // were measured: they broke the match with the halves of W₁ each core updates in the optimizer pass.)
                    return Split(columns: true, RoundUp(Divide(_cols, tilesPerThread * threads), 4), _cols);
            }
        }

        private int Split(bool columns, int size, int total)
        {
            _splitColumns = columns;
            _tileSize = size;
            return Divide(total, size);
        }

        public override void RunTile(int index)
        {
            int start = index * _tileSize;
            if (_splitColumns)
            {
                int count = Math.Min(_tileSize, _cols - start);
                if (_path == Path.Dot)
                    GemmSmall.DotRows(_a, _b + (nint)start * _depth, _c + start, _cRowStride, _rows, _depth, count, _accumulate);
                else
                    RunSerial(_path, _a, _aRowStride, _aKStride, _b + start * _bColStride, _bKStride, _bColStride,
                        _c + start * _cColStride, _cRowStride, _cColStride, _rows, _depth, count, _accumulate, _kcBlock);
            }
            else
            {
                int count = Math.Min(_tileSize, _rows - start);
                RunSerial(_path, _a + start * _aRowStride, _aRowStride, _aKStride, _b, _bKStride, _bColStride,
                    _c + start * _cRowStride, _cRowStride, _cColStride, count, _depth, _cols, _accumulate, _kcBlock);
            }
        }

        private static void RunSerial(Path path, float* a, nint aRowStride, nint aKStride, float* b, nint bKStride, nint bColStride,
            float* c, nint cRowStride, nint cColStride, int rows, int depth, int cols, bool accumulate, int kcBlock)
        {
            switch (path)
            {
                case Path.Engine:
                    GemmEngine.Run(a, aRowStride, aKStride, b, bKStride, bColStride, c, cRowStride, cColStride, rows, depth, cols, accumulate, kcBlock);
                    break;
                case Path.Stream:
                    GemmSmall.StreamRows(a, aRowStride, aKStride, b, bKStride, c, cRowStride, rows, depth, cols, accumulate);
                    break;
                default:
                    GemmSmall.DotRows(a, b, c, cRowStride, rows, depth, cols, accumulate);
                    break;
            }
        }

        private static int Divide(int value, int divisor) => (value + divisor - 1) / divisor;

        private static int RoundUp(int value, int multiple) => Divide(value, multiple) * multiple;
    }
}
