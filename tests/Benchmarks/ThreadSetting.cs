using System;

namespace TensorForge.Benchmarks
{
    /// <summary>The thread count every framework gets in one table, and the clock that can time it: one thread each on
    /// the calling thread's CPU time (the default), or all cores each on the wall clock (CPU time of the calling thread
    /// would leave out the other threads' work). Restores one thread and the clock when disposed.</summary>
    /// <remarks>The issue's MLP targets do not fix a thread count (its GEMM targets say "one thread" and "all cores"
    /// where they mean it), so the verdicts are taken where every framework runs as a user gets it by default — on all
    /// cores; the one-thread table compares like with like on one core and is reported alongside, without a verdict.
    /// On a one-core machine the one-thread table carries the verdicts. The convolutional-network targets say "one thread
    /// each and all cores each", so their tables are made with <c>judgeOneThread</c> and both settings carry verdicts.</remarks>
    internal sealed class ThreadSetting : IDisposable
    {
        private readonly int _threads;
        private readonly bool _wasThreadCpu = Clock.UseThreadCpuTime;
        private readonly MachineLoad.Snapshot? _before;
        private readonly string _startLoad;

        private readonly int _pauseMilliseconds;
        private readonly bool _judgeOneThread;

        public ThreadSetting(int threads, int pauseMilliseconds, bool judgeOneThread = false)
        {
            _threads = threads;
            _pauseMilliseconds = pauseMilliseconds;
            _judgeOneThread = judgeOneThread;
            KernelThreads.Set(threads);
            if (TorchPeer.Available)
                TorchPeer.SetThreads(threads);
            if (AllCores)
                Clock.UseThreadCpuTime = false;
            _startLoad = MachineLoad.LoadAverage();
            _before = MachineLoad.Sample();
        }

        public bool AllCores => _threads > 1;

        public int Threads => _threads;

        /// <summary>Whether this table's rows carry the verdicts (see the remarks).</summary>
        private bool Judged => AllCores || _judgeOneThread || Environment.ProcessorCount == 1;

        public string Suffix => AllCores ? "b" : "a";

        /// <summary>Pause before each contender's sample on all cores (<c>--pause</c>), so that no runtime's spinning
        /// workers still hold a core when the next one starts: on this VM a 20 ms pause left ours at one-thread speed
        /// behind TorchSharp's OpenMP threads, 50 ms and more did not.</summary>
        public int QuietMilliseconds => AllCores ? _pauseMilliseconds : 0;

        public string Title => AllCores
            ? $"all cores: {_threads} threads for each framework, wall clock"
            : "one thread for each framework";

        public string Verdict(string what, double ratio, double target)
            => Judged ? Report.AtMost($"{what} ({(AllCores ? $"all cores, {_threads} threads each" : "one thread each")})", ratio, target)
                      : (ratio <= target ? "(met)" : "(not met)");

        public void Notes(Table table, bool onnxRuntime = true)
        {
            if (AllCores)
            {
                table.Note($"All cores: Gemm.MaxThreads = {_threads} for ours (multiplies, convolutions and the optimizer pass split over the worker");
                table.Note($"pool; bit-identical to one thread), torch.set_num_threads({_threads}){(onnxRuntime ? $", ORT intra-op threads {_threads}" : "")}. Wall clock (Stopwatch) whatever --clock says.");
                table.Note($"A {QuietMilliseconds} ms pause precedes each contender's sample, so that no framework's spinning worker threads hold a core then.");
                if (MachineLoad.Between(_before, MachineLoad.Sample()) is { } usage)
                {
                    table.Note(usage.Describe("table") + $" Load average {_startLoad} → {MachineLoad.LoadAverage()}.");
                    if (usage.Contended)
                        table.Note("WARNING: other work held part of the cores while this table ran; all-cores times are wall times and suffer from it.");
                }
            }
            else if (!Judged)
            {
                table.Note("One thread each, for the record: the verdicts are taken on all cores, each framework's default (table b). In brackets:");
                table.Note("whether this one-thread ratio would also meet the target.");
            }
        }

        public void Dispose()
        {
            KernelThreads.Set(1);
            if (TorchPeer.Available)
                TorchPeer.SetThreads(1);
            Clock.UseThreadCpuTime = _wasThreadCpu;
        }
    }
}
