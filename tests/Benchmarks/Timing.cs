using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace TensorForge.Benchmarks
{
    /// <summary>One thing to time: a name and one call of it. <see cref="Run"/> is null when the peer is unavailable.</summary>
    internal sealed record Contender(string Name, Action? Run);

    /// <summary>Times contenders interleaved: every contender is warmed up, its calls per repetition are calibrated to
    /// <see cref="Options.SampleMilliseconds"/>, then each repetition times every contender once, in an order that rotates
    /// from one repetition to the next, so that a frequency change or a noisy neighbour hits all of them alike.</summary>
    internal static class Timing
    {
        /// <summary>Median over repetitions of x[rep] / y[rep], where x and y are samples of two contenders from the same
        /// repetitions: each pair was timed back to back, so a clock change between repetitions cancels out.</summary>
        public static double PairedRatio(double[] x, double[] y)
        {
            if (x.Length == 0 || x.Length != y.Length)
                return double.NaN;
            var ratios = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
                ratios[i] = x[i] / y[i];
            return Median(ratios);
        }

        /// <summary>Seconds per call of each contender, one sample per repetition (empty for one without a run).</summary>
        public static double[][] Samples(Options options, params Contender[] contenders) => Samples(options, 0, contenders);

        /// <summary>As <see cref="Samples(Options, Contender[])"/>, with a pause of <paramref name="quietMilliseconds"/> before
        /// each contender's warm-up and sample. Multi-threaded runtimes keep their worker threads spinning for a while after
        /// a call (OpenMP, ONNX Runtime's pool, our own pool for 50 µs); without the pause, a contender timed right after
        /// another would share the cores with the other's spinning workers.</summary>
        public static double[][] Samples(Options options, int quietMilliseconds, params Contender[] contenders)
        {
            int count = contenders.Length;
            var iterations = new int[count];
            var samples = new List<double>[count];
            for (int c = 0; c < count; c++)
            {
                samples[c] = new List<double>(options.Repetitions);
                if (contenders[c].Run is { } run)
                {
                    Quiet(quietMilliseconds);
                    iterations[c] = WarmUpAndCalibrate(run, options);
                }
            }

            for (int rep = 0; rep < options.Repetitions; rep++)
            {
                for (int j = 0; j < count; j++)
                {
                    int c = (rep + j) % count;
                    if (contenders[c].Run is not { } run)
                        continue;
                    Quiet(quietMilliseconds);
                    samples[c].Add(TimeCalls(run, iterations[c]) / iterations[c]);
                }
            }

            var result = new double[count][];
            for (int c = 0; c < count; c++)
                result[c] = samples[c].ToArray();
            return result;
        }

        private static void Quiet(int milliseconds)
        {
            if (milliseconds > 0)
                System.Threading.Thread.Sleep(milliseconds);
        }

        /// <summary>The median, or NaN for no values.</summary>
        public static double Median(double[] values)
        {
            if (values.Length == 0)
                return double.NaN;
            var sorted = (double[])values.Clone();
            Array.Sort(sorted);
            int n = sorted.Length;
            return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
        }

        /// <summary>Runs <paramref name="run"/> for the warm-up time (at least 20 calls, so that the JIT tiers up and
        /// instrumented PGO has something to see), then returns the call count that fills one sample.</summary>
        private static int WarmUpAndCalibrate(Action run, Options options)
        {
            var watch = Stopwatch.StartNew();
            int calls = 0;
            while (calls < 20 || watch.Elapsed.TotalMilliseconds < options.WarmupMilliseconds)
            {
                run();
                calls++;
            }
            double perCall = TimeCalls(run, Math.Max(1, calls / 10)) / Math.Max(1, calls / 10);
            return (int)Math.Clamp(options.SampleMilliseconds * 1e-3 / perCall, 1, 10_000_000);
        }

        private static double TimeCalls(Action run, int iterations)
        {
            double start = Clock.Now();
            for (int i = 0; i < iterations; i++)
                run();
            return Clock.Now() - start;
        }

        /// <summary>Collects garbage left by setup so that a collection does not land inside a timed sample.</summary>
        public static void Settle()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
    }
}
