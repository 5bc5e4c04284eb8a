using System;
using System.Diagnostics;
using System.Threading;

namespace TensorForge.Kernels
{
    /// <summary>A piece of work split into independent tiles, run by <see cref="WorkerPool"/>. A job object is reused for
    /// every call (its fields are set, then it is run), so that a parallel kernel allocates nothing after its first call.</summary>
    internal abstract class ParallelJob
    {
        /// <summary>Computes tile <paramref name="index"/>. Tiles write disjoint outputs and may run on any thread in any
        /// order, so a tile's result must not depend on which thread runs it or on the other tiles.</summary>
        public abstract void RunTile(int index);

        /// <summary>The calling thread's <see cref="SimdWidth.t_maxBytes"/> (a test hook), applied by the workers while they
        /// run this job's tiles, so that a width limit covers the whole of a parallel call.</summary>
        internal int MaxBytes;
    }

    /// <summary>A tiny persistent pool for the kernels: one background thread per extra core, woken per job, taking tiles
    /// from a shared counter alongside the calling thread.</summary>
    /// <remarks>
    /// <para>Why not <c>Parallel.For</c>: it allocates per call (delegates, tasks), and its scheduling costs tens of
    /// microseconds, as much as a whole small layer. Here a job is a reused object, tiles are claimed with one
    /// compare-and-swap each, and the caller works too: if a worker is slow to wake (a shared machine), the caller simply
    /// takes its tiles, so a parallel call is never much slower than a serial one.</para>
    /// <para>Determinism is the kernels' business: a tile computes the same bits whichever thread runs it.</para>
    /// <para>One job at a time: a second thread that calls in while a job runs gets no workers and runs its tiles itself.</para>
    /// </remarks>
    internal static class WorkerPool
    {
        private static readonly object s_startLock = new();
        private static SemaphoreSlim? s_wake;
        private static int s_workers;
        /// <summary>Workers blocked (or about to block) on <see cref="s_wake"/>.</summary>
        private static int s_sleeping;

        /// <summary>1 while a job owns the workers.</summary>
        private static int s_busy;
        /// <summary>The running job; published before <see cref="s_ticket"/>.</summary>
        private static ParallelJob? s_job;
        private static int s_tileCount;
        /// <summary>Workers with an index below this take part in the running job.</summary>
        private static int s_helpers;
        /// <summary>(generation &lt;&lt; 32) | next tile. A worker claims a tile with a compare-and-swap that also checks the
        /// generation, so a late worker from an earlier job can never claim (or skip) a tile of a later one.</summary>
        private static long s_ticket;
        private static int s_completed;

        /// <summary>Threads a job may plan its tiles for: <see cref="Gemm.MaxThreads"/> (at most 64), even beyond the core
        /// count — the pool never starts more workers than cores, and other tilings must give the same bits, which is how
        /// a test on a small machine checks them — or 1 on a one-core machine.</summary>
        public static int PlannedThreads => Environment.ProcessorCount <= 1 ? 1 : Math.Min(Gemm.MaxThreads, 64);

        /// <summary><paramref name="threads"/>, reduced to one thread per <paramref name="unit"/> of
        /// <paramref name="work"/> (at least two): on a machine with many cores, handing out more tiles than that would
        /// cost more than computing them.</summary>
        public static int LimitByWork(int threads, long work, long unit) => (int)Math.Min(threads, Math.Max(2, work / unit));

        /// <summary>Runs tiles [0, <paramref name="tileCount"/>) of <paramref name="job"/> on up to <paramref name="threads"/>
        /// threads (the caller included) and returns when all are done.</summary>
        /// <param name="job">The work; its tiles may run on any of the threads, in any order.</param>
        /// <param name="tileCount">Number of tiles.</param>
        /// <param name="threads">Most threads to use, the caller included (no more workers are started than there are
        /// other cores).</param>
        /// <param name="small">A job of a few microseconds. Waking a blocked worker costs the caller a system call of about
        /// that much and the worker tens of microseconds, so a small job only uses workers that are still polling after an
        /// earlier job — or, when the calls come back to back (the previous small job ended less than the polling time ago),
        /// wakes them for the calls that follow. Small jobs that come one at a time stay on the calling thread.</param>
        public static void Run(ParallelJob job, int tileCount, int threads, bool small = false)
        {
            // Workers are started before the busy check: a first call that finds the pool busy (another thread's multiply)
            // must still pay the one-time thread creation, or a later call would allocate it (the zero-allocation promise).
            int workers = threads <= 1 || tileCount <= 1 ? 0 : EnsureWorkers(threads - 1);
            if (workers == 0 || (small && !WorthWaking(workers)) || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
            {
                for (int i = 0; i < tileCount; i++)
                    job.RunTile(i);
                return;
            }
            try
            {
                int helpers = Math.Min(Math.Min(threads, tileCount) - 1, workers);
                long generation = (Volatile.Read(ref s_ticket) >> 32) + 1;
                job.MaxBytes = SimdWidth.t_maxBytes;
                s_job = job;
                s_tileCount = tileCount;
                s_helpers = helpers;
                Volatile.Write(ref s_completed, 0);
                // Tile 0 is the caller's: the ticket starts at 1, so workers begin at tile 1. Each core then tends to get
                // the same tiles call after call (with two threads and two tiles, always), and finds its part of the
                // operands — a half of a weight matrix, of the optimizer's moments — still in its own L2.
                Volatile.Write(ref s_ticket, (generation << 32) | 1);
                // Workers still polling from the previous job see the new generation themselves; only sleepers need a
                // signal (and releasing only for them keeps the semaphore's count from piling up).
                int sleeping = Math.Min(helpers, Volatile.Read(ref s_sleeping));
                if (sleeping > 0)
                    s_wake!.Release(sleeping);

                job.RunTile(0);
                int done = 1 + RunTiles(generation);
                // Tiles claimed by workers may still be running.
                var spinner = new SpinWait();
                while (Volatile.Read(ref s_completed) + done < tileCount)
                    spinner.SpinOnce(sleep1Threshold: -1);
                s_job = null;
            }
            finally
            {
                Volatile.Write(ref s_busy, 0);
            }
        }

        /// <summary>Timestamp of the last small job that found every worker blocked.</summary>
        private static long s_lastIdleSmallJob;

        /// <summary>For a small job: whether a worker is polling, or the previous small job that found them all blocked was
        /// recent enough that the calls are coming back to back (then this one wakes them for the next).</summary>
        private static bool WorthWaking(int workers)
        {
            if (Volatile.Read(ref s_sleeping) < workers)
                return true;
            long now = Stopwatch.GetTimestamp();
            long last = Interlocked.Exchange(ref s_lastIdleSmallJob, now);
            return now - last < s_spinTicks;
        }

        /// <summary>Claims and runs tiles of the job of <paramref name="generation"/> until none is left; returns how many this
        /// thread ran. Tiles run by the caller are counted by the return value, tiles run by workers in s_completed.</summary>
        private static int RunTiles(long generation)
        {
            int done = 0;
            while (TryClaim(generation, out int tile))
            {
                s_job!.RunTile(tile);
                done++;
            }
            return done;
        }

        private static bool TryClaim(long generation, out int tile)
        {
            while (true)
            {
                long ticket = Volatile.Read(ref s_ticket);
                tile = (int)(ticket & 0xFFFF_FFFF);
                if (ticket >> 32 != generation || tile >= Volatile.Read(ref s_tileCount))
                    return false;
                if (Interlocked.CompareExchange(ref s_ticket, ticket + 1, ticket) == ticket)
                    return true;
            }
        }

        /// <summary>Starts workers up to <paramref name="wanted"/> (at most one per extra core); returns how many exist.</summary>
        private static int EnsureWorkers(int wanted)
        {
            wanted = Math.Min(wanted, Environment.ProcessorCount - 1);
            if (Volatile.Read(ref s_workers) >= wanted)
                return Volatile.Read(ref s_workers);
            lock (s_startLock)
            {
                s_wake ??= new SemaphoreSlim(0);
                while (s_workers < wanted)
                {
                    var thread = new Thread(WorkerLoop) { IsBackground = true, Name = $"TensorForge kernel worker {s_workers + 1}" };
                    thread.Start(s_workers);
                    s_workers++;
                }
                return s_workers;
            }
        }

        /// <summary>How long a worker keeps polling for the next job before it blocks: the layers of a network call the
        /// kernels back to back, and waking a blocked thread costs tens of microseconds.</summary>
        private static readonly long s_spinTicks = Stopwatch.Frequency / 20_000; // 50 µs

        private static void WorkerLoop(object? state)
        {
            int index = (int)state!;
            long seen = 0;
            while (true)
            {
                long generation = Volatile.Read(ref s_ticket) >> 32;
                if (generation == seen)
                {
                    long until = Stopwatch.GetTimestamp() + s_spinTicks;
                    while (generation == seen && Stopwatch.GetTimestamp() < until)
                    {
                        Thread.SpinWait(4);
                        generation = Volatile.Read(ref s_ticket) >> 32;
                    }
                    if (generation == seen)
                    {
                        // Announce the sleep, then look once more: a job published before the announcement was seen
                        // by no one who would wake us. A wake-up that arrives after the look only costs one empty round.
                        Interlocked.Increment(ref s_sleeping);
                        if (Volatile.Read(ref s_ticket) >> 32 == seen)
                            s_wake!.Wait();
                        Interlocked.Decrement(ref s_sleeping);
                        continue;
                    }
                }
                seen = generation;
                // s_helpers was written before the ticket that carried this generation was published.
                while (index < Volatile.Read(ref s_helpers) && TryClaim(generation, out int tile))
                {
                    // The claim succeeded for this generation, so s_job is this generation's job until its tiles complete.
                    ParallelJob job = s_job!;
                    SimdWidth.t_maxBytes = job.MaxBytes;
                    job.RunTile(tile);
                    Interlocked.Increment(ref s_completed);
                }
            }
        }
    }
}
