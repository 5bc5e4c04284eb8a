using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TensorForge.Benchmarks
{
    /// <summary>The single-core FMA ceiling, measured: 12 independent FMA chains (more than latency × issue width on any
    /// x64 core, so the loop is bound by FMA throughput alone), one iteration = 12 FMAs. Each chain converges to
    /// b / (1 − a) = 1, so no value ever overflows or becomes denormal.</summary>
    internal static class PeakProbe
    {
        public sealed record Result(double Gflops512, double Gflops256)
        {
            /// <summary>The ceiling GEMM is held against: the faster of the two widths.</summary>
            public double Peak => Math.Max(double.IsNaN(Gflops512) ? 0 : Gflops512, Gflops256);
        }

        /// <summary>Iterations of one short probe run (≈1 ms), timed as a contender beside each GEMM so that the fraction of
        /// peak compares two measurements taken back to back (a boost clock changes with temperature and load).</summary>
        public const long ShortIterations = 100_000;

        /// <summary>FLOPs of one <see cref="ShortProbe"/> call.</summary>
        public static double ShortProbeFlops => ShortIterations * 12.0 * (Vector512.IsHardwareAccelerated ? 16 : 8) * 2;

        /// <summary>One short run of the widest probe, as a timing contender.</summary>
        public static void ShortProbe()
        {
            float sink = Vector512.IsHardwareAccelerated ? Chains512(ShortIterations) : Chains256(ShortIterations);
            if (!(sink > 0)) throw new InvalidOperationException("FMA probe diverged");
        }

        public static Result Run(Options options)
        {
            long iterations = options.Quick ? 4_000_000 : 20_000_000;
            var table = new Table("1. Peak FMA probe (one core, 12 independent FMA chains)",
                "width", "best GFLOP/s", "median", "worst", "best FLOP/cycle at nominal clock");
            double ghz = NominalGhz();
            double g512 = double.NaN, g256;
            if (Vector512.IsHardwareAccelerated)
            {
                List<double> runs512 = Runs(() => Chains512(iterations), iterations * 12 * 16 * 2, options);
                g512 = runs512[^1];
                AddRow(table, "Vector512", runs512, ghz);
            }
            List<double> runs256 = Runs(() => Chains256(iterations), iterations * 12 * 8 * 2, options);
            g256 = runs256[^1];
            AddRow(table, "Vector256", runs256, ghz);
            var result = new Result(g512, g256);

            table.Note($"{options.Repetitions} runs of {iterations:N0} iterations each." +
                (double.IsNaN(ghz) ? "" : $" Nominal clock from /proc/cpuinfo: {ghz:F2} GHz; Zen 4 retires at most 32 FP32 FLOP/cycle"));
            table.Note("(two 256-bit FMA pipes), so more than 32 here means the core ran above its nominal clock (boost). Section 2 re-measures");
            table.Note("the peak beside every GEMM, so that a clock change between sections cancels out of its fractions of peak.");
            table.Print();
            return result;
        }

        private static void AddRow(Table table, string width, List<double> runs, double ghz)
            => table.Row(width, Report.Number(runs[^1], "F1"), Report.Number(runs[runs.Count / 2], "F1"), Report.Number(runs[0], "F1"),
                double.IsNaN(ghz) ? "—" : Report.Number(runs[^1] / ghz, "F1"));

        /// <summary>GFLOP/s of each repetition, sorted.</summary>
        private static List<double> Runs(Func<float> probe, long flops, Options options)
        {
            probe(); // compile
            var runs = new List<double>();
            for (int i = 0; i < options.Repetitions; i++)
            {
                double start = Clock.Now();
                float sink = probe();
                double seconds = Clock.Now() - start;
                if (!(sink > 0)) throw new InvalidOperationException("FMA probe diverged");
                runs.Add(flops / seconds / 1e9);
            }
            runs.Sort();
            return runs;
        }

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static float Chains512(long iterations)
        {
            Vector512<float> a = Vector512.Create(0.999f), b = Vector512.Create(0.001f);
            Vector512<float> x0 = Vector512.Create(0.10f), x1 = Vector512.Create(0.11f), x2 = Vector512.Create(0.12f), x3 = Vector512.Create(0.13f);
            Vector512<float> x4 = Vector512.Create(0.14f), x5 = Vector512.Create(0.15f), x6 = Vector512.Create(0.16f), x7 = Vector512.Create(0.17f);
            Vector512<float> x8 = Vector512.Create(0.18f), x9 = Vector512.Create(0.19f), x10 = Vector512.Create(0.20f), x11 = Vector512.Create(0.21f);
            for (long i = 0; i < iterations; i++)
            {
                x0 = Vector512.FusedMultiplyAdd(x0, a, b); x1 = Vector512.FusedMultiplyAdd(x1, a, b);
                x2 = Vector512.FusedMultiplyAdd(x2, a, b); x3 = Vector512.FusedMultiplyAdd(x3, a, b);
                x4 = Vector512.FusedMultiplyAdd(x4, a, b); x5 = Vector512.FusedMultiplyAdd(x5, a, b);
                x6 = Vector512.FusedMultiplyAdd(x6, a, b); x7 = Vector512.FusedMultiplyAdd(x7, a, b);
                x8 = Vector512.FusedMultiplyAdd(x8, a, b); x9 = Vector512.FusedMultiplyAdd(x9, a, b);
                x10 = Vector512.FusedMultiplyAdd(x10, a, b); x11 = Vector512.FusedMultiplyAdd(x11, a, b);
            }
            return Vector512.Sum(((x0 + x1) + (x2 + x3)) + ((x4 + x5) + (x6 + x7)) + ((x8 + x9) + (x10 + x11)));
        }

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static float Chains256(long iterations)
        {
            Vector256<float> a = Vector256.Create(0.999f), b = Vector256.Create(0.001f);
            Vector256<float> x0 = Vector256.Create(0.10f), x1 = Vector256.Create(0.11f), x2 = Vector256.Create(0.12f), x3 = Vector256.Create(0.13f);
            Vector256<float> x4 = Vector256.Create(0.14f), x5 = Vector256.Create(0.15f), x6 = Vector256.Create(0.16f), x7 = Vector256.Create(0.17f);
            Vector256<float> x8 = Vector256.Create(0.18f), x9 = Vector256.Create(0.19f), x10 = Vector256.Create(0.20f), x11 = Vector256.Create(0.21f);
            for (long i = 0; i < iterations; i++)
            {
                x0 = Vector256.FusedMultiplyAdd(x0, a, b); x1 = Vector256.FusedMultiplyAdd(x1, a, b);
                x2 = Vector256.FusedMultiplyAdd(x2, a, b); x3 = Vector256.FusedMultiplyAdd(x3, a, b);
                x4 = Vector256.FusedMultiplyAdd(x4, a, b); x5 = Vector256.FusedMultiplyAdd(x5, a, b);
                x6 = Vector256.FusedMultiplyAdd(x6, a, b); x7 = Vector256.FusedMultiplyAdd(x7, a, b);
                x8 = Vector256.FusedMultiplyAdd(x8, a, b); x9 = Vector256.FusedMultiplyAdd(x9, a, b);
                x10 = Vector256.FusedMultiplyAdd(x10, a, b); x11 = Vector256.FusedMultiplyAdd(x11, a, b);
            }
            return Vector256.Sum(((x0 + x1) + (x2 + x3)) + ((x4 + x5) + (x6 + x7)) + ((x8 + x9) + (x10 + x11)));
        }

        /// <summary>The clock /proc/cpuinfo reports (a VM often shows only the nominal one), or NaN.</summary>
        private static double NominalGhz()
        {
            try
            {
                foreach (string line in System.IO.File.ReadLines("/proc/cpuinfo"))
                {
                    if (line.StartsWith("cpu MHz", StringComparison.Ordinal))
                        return double.Parse(line[(line.IndexOf(':') + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture) / 1000;
                }
            }
            catch (System.IO.IOException) { }
            catch (UnauthorizedAccessException) { }
            return double.NaN;
        }
    }
}
