using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using TensorForge.Kernels;

namespace TensorForge.Benchmarks
{
    /// <summary>Section 3: GEMM with <see cref="Gemm.MaxThreads"/> = all cores against 1, by the wall clock (the worker
    /// pool's threads are invisible to the calling thread's CPU time). The two settings are timed interleaved, and the
    /// speed-up is the median of per-repetition ratios. Because the result is meaningless when another process holds the
    /// other cores, the section reports the load average and the CPU time other processes used while it ran.</summary>
    internal static class GemmThreadsSection
    {
        /// <summary>Small problems may not be slower with all cores than with one; below 1.0× by less than this much is
        /// within the run-to-run noise of two interleaved wall-clock medians on this VM.</summary>
        public const double NotSlowerTolerance = 0.95;

        /// <summary>All cores against one thread at 1024³.</summary>
        public const double LargeTarget = 1.8;

        /// <summary>Shapes (A·Bᵀ, the Dense forward) and whether each is held to the large-problem target.</summary>
        private static readonly (GemmSection.Case Case, bool Large)[] Cases =
        {
            (new(GemmSection.Layout.TransposedB, 1024, 1024, 1024, double.NaN), true),
            (new(GemmSection.Layout.TransposedB, 256, 1024, 1024, double.NaN), false),
            (new(GemmSection.Layout.TransposedB, 32, 784, 128, double.NaN), false),
            (new(GemmSection.Layout.TransposedB, 32, 128, 64, double.NaN), false),
            (new(GemmSection.Layout.TransposedB, 1, 784, 128, double.NaN), false),
        };

        public static void Run(Options options)
        {
            int cores = Environment.ProcessorCount;
            var table = new Table($"3. GEMM, all cores: Gemm.MaxThreads = {cores} vs 1, wall clock",
                "layout", "m×k×n", "1 thread µs", $"{cores} threads µs", "1 thread GFLOP/s", $"{cores} threads GFLOP/s",
                "speed-up", "range over reps", "target", "verdict", "C bit-identical");

            bool wasThreadCpu = Clock.UseThreadCpuTime;
            Clock.UseThreadCpuTime = false;
            string startLoad = MachineLoad.LoadAverage();
            var before = MachineLoad.Sample();
            try
            {
                foreach (var (test, large) in Cases)
                {
                    Timing.Settle();
                    var operands = new GemmSection.Operands(test);
                    string shape = $"{test.M}×{test.K}×{test.N}";
                    string label = GemmSection.LayoutName(test.Layout);

                    // Same operands, both settings: C must be the same bits.
                    KernelThreads.Set(1);
                    operands.Ours();
                    float[] serial = operands.C.Span.ToArray();
                    KernelThreads.Set(cores);
                    operands.C.Span.Clear();
                    operands.Ours();
                    int differing = 0;
                    ReadOnlySpan<float> parallel = operands.C.Span;
                    for (int i = 0; i < serial.Length; i++)
                        if (BitConverter.SingleToInt32Bits(serial[i]) != BitConverter.SingleToInt32Bits(parallel[i])) differing++;

                    double[][] samples = Timing.Samples(options,
                        new Contender("all cores", () => { Gemm.MaxThreads = cores; operands.Ours(); }),
                        new Contender("one thread", () => { Gemm.MaxThreads = 1; operands.Ours(); }));
                    KernelThreads.Set(1);

                    double flops = 2.0 * test.M * test.K * test.N;
                    double allSeconds = Timing.Median(samples[0]), oneSeconds = Timing.Median(samples[1]);
                    double speedup = cores > 1 ? Timing.PairedRatio(samples[1], samples[0]) : double.NaN;
                    double target = large ? LargeTarget : NotSlowerTolerance;
                    string what = large
                        ? $"GEMM {label} {shape}, all cores ≥ {LargeTarget:F1}× one thread (wall)"
                        : $"GEMM {label} {shape}, all cores not slower than one thread (≥ {NotSlowerTolerance:F2}×, wall)";
                    table.Row(label, shape, Report.Micros(oneSeconds), Report.Micros(allSeconds),
                        Report.Number(flops / oneSeconds / 1e9, "F1"), Report.Number(flops / allSeconds / 1e9, "F1"),
                        Report.Ratio(speedup), RatioRange(samples[1], samples[0]), "≥" + target.ToString(large ? "F1" : "F2", CultureInfo.InvariantCulture) + "×",
                        Report.AtLeast(what, speedup, target),
                        differing == 0 ? "yes" : $"NO ({differing:N0} differ)");
                }
            }
            finally
            {
                KernelThreads.Set(1);
                Clock.UseThreadCpuTime = wasThreadCpu;
            }
            var after = MachineLoad.Sample();
            string endLoad = MachineLoad.LoadAverage();

            table.Note($"Wall clock (Stopwatch) whatever --clock says: thread CPU time would count only the calling thread. Medians of {options.Repetitions} repetitions;");
            table.Note("each repetition times both settings back to back, in alternating order. speed-up = one-thread time / all-cores time, the median");
            table.Note("of per-repetition ratios. Targets: ≥ 1.8× at 1024³; every other shape not slower than one thread, where ≥ 0.95× is accepted as");
            table.Note("run-to-run noise (multiplies under 2^20 multiply-adds, here 32×128×64 and 1×784×128, are split only while the pool's workers are awake).");
            table.Note("C bit-identical: C computed once with each setting from the same operands, compared bit for bit.");
            table.Note($"Load average (1, 5, 15 min) at the start of this section: {startLoad}; at the end: {endLoad} ({cores} cores).");
            if (MachineLoad.Between(before, after) is { } usage)
            {
                table.Note(usage.Describe("section"));
                if (usage.Contended)
                    table.Note("WARNING: other work held part of the cores while this section ran; the all-cores speed-ups understate what an idle machine gives.");
            }
            if (cores == 1)
                table.Note("One logical core: there is nothing to compare, so the speed-ups are not measurable here.");
            table.Print();
        }

        /// <summary>Smallest and largest per-repetition ratio x/y, as "a–b".</summary>
        private static string RatioRange(double[] x, double[] y)
        {
            if (x.Length == 0 || x.Length != y.Length)
                return "—";
            double low = double.MaxValue, high = double.MinValue;
            for (int i = 0; i < x.Length; i++)
            {
                low = Math.Min(low, x[i] / y[i]);
                high = Math.Max(high, x[i] / y[i]);
            }
            return low.ToString("F2", CultureInfo.InvariantCulture) + "–" + high.ToString("F2", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Machine-wide CPU use from /proc/stat against this process's own CPU time, and the load average.</summary>
    internal static class MachineLoad
    {
        public readonly record struct Snapshot(double Wall, double BusySeconds, double StealSeconds, double OurCpuSeconds);

        /// <summary>Average cores used between two snapshots: by this process, by other processes, and taken by the
        /// hypervisor (steal).</summary>
        public readonly record struct Usage(double OurCores, double OtherCores, double StealCores)
        {
            /// <summary>Other work held a quarter of a core or more: all-cores timings suffer from it.</summary>
            public bool Contended => OtherCores + StealCores > 0.25;

            public string Describe(string span) => FormattableString.Invariant(
                $"During this {span} (/proc/stat): this process used {OurCores:F2} cores on average, other processes {OtherCores:F2}, hypervisor steal {StealCores:F2}.");
        }

        /// <summary>The usage between two snapshots, or null when either is missing (off Linux).</summary>
        public static Usage? Between(Snapshot? before, Snapshot? after)
        {
            if (before is not { } b || after is not { } a)
                return null;
            double wall = a.Wall - b.Wall;
            double ours = a.OurCpuSeconds - b.OurCpuSeconds;
            return new Usage(ours / wall, Math.Max(0, (a.BusySeconds - b.BusySeconds) - ours) / wall, (a.StealSeconds - b.StealSeconds) / wall);
        }

        /// <summary>The first three fields of /proc/loadavg, or "unknown".</summary>
        public static string LoadAverage()
        {
            try
            {
                return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ')[..3]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return "unknown";
            }
        }

        /// <summary>Busy (user, nice, system, irq, softirq) and steal seconds of all CPUs so far, or null off Linux.</summary>
        public static Snapshot? Sample()
        {
            try
            {
                string line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
                long[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
                const double TicksPerSecond = 100; // USER_HZ on Linux x64
                double busy = (f[0] + f[1] + f[2] + f[5] + f[6]) / TicksPerSecond;
                double steal = f.Length > 7 ? f[7] / TicksPerSecond : 0;
                using var self = Process.GetCurrentProcess();
                return new Snapshot(Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency, busy, steal, self.TotalProcessorTime.TotalSeconds);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
            {
                return null;
            }
        }
    }
}
