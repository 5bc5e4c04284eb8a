using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TensorForge.Kernels;
using TorchSharp;

// One thread, thread CPU time: each convolution pass as a fraction of a Vector512 (else Vector256) FMA probe timed right
// before it, so that a clock change between shapes cancels out. See tests/Probes/README.md.
static partial class P
{
    [StructLayout(LayoutKind.Sequential)] struct TS { public long s, ns; }
    [LibraryImport("libc")] private static partial int clock_gettime(int id, out TS t);
    /// <summary>CLOCK_THREAD_CPUTIME_ID with one thread; CLOCK_MONOTONIC (wall clock) when THREADS asks for more.</summary>
    static int s_clock = 3;
    static double Now() { clock_gettime(s_clock, out TS t); return t.s + t.ns * 1e-9; }

    const long ProbeIterations = 100_000;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining | System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    static float Probe512(long it)
    {
        Vector512<float> a = Vector512.Create(0.999f), b = Vector512.Create(0.001f);
        Vector512<float> x0 = Vector512.Create(0.10f), x1 = Vector512.Create(0.11f), x2 = Vector512.Create(0.12f), x3 = Vector512.Create(0.13f);
        Vector512<float> x4 = Vector512.Create(0.14f), x5 = Vector512.Create(0.15f), x6 = Vector512.Create(0.16f), x7 = Vector512.Create(0.17f);
        Vector512<float> x8 = Vector512.Create(0.18f), x9 = Vector512.Create(0.19f), x10 = Vector512.Create(0.20f), x11 = Vector512.Create(0.21f);
        for (long i = 0; i < it; i++)
        {
            x0 = Vector512.FusedMultiplyAdd(x0, a, b); x1 = Vector512.FusedMultiplyAdd(x1, a, b); x2 = Vector512.FusedMultiplyAdd(x2, a, b);
            x3 = Vector512.FusedMultiplyAdd(x3, a, b); x4 = Vector512.FusedMultiplyAdd(x4, a, b); x5 = Vector512.FusedMultiplyAdd(x5, a, b);
            x6 = Vector512.FusedMultiplyAdd(x6, a, b); x7 = Vector512.FusedMultiplyAdd(x7, a, b); x8 = Vector512.FusedMultiplyAdd(x8, a, b);
            x9 = Vector512.FusedMultiplyAdd(x9, a, b); x10 = Vector512.FusedMultiplyAdd(x10, a, b); x11 = Vector512.FusedMultiplyAdd(x11, a, b);
        }
        return Vector512.Sum(((x0 + x1) + (x2 + x3)) + ((x4 + x5) + (x6 + x7)) + ((x8 + x9) + (x10 + x11)));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining | System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    static float Probe256(long it)
    {
        Vector256<float> a = Vector256.Create(0.999f), b = Vector256.Create(0.001f);
        Vector256<float> x0 = Vector256.Create(0.10f), x1 = Vector256.Create(0.11f), x2 = Vector256.Create(0.12f), x3 = Vector256.Create(0.13f);
        Vector256<float> x4 = Vector256.Create(0.14f), x5 = Vector256.Create(0.15f), x6 = Vector256.Create(0.16f), x7 = Vector256.Create(0.17f);
        Vector256<float> x8 = Vector256.Create(0.18f), x9 = Vector256.Create(0.19f), x10 = Vector256.Create(0.20f), x11 = Vector256.Create(0.21f);
        for (long i = 0; i < it; i++)
        {
            x0 = Vector256.FusedMultiplyAdd(x0, a, b); x1 = Vector256.FusedMultiplyAdd(x1, a, b); x2 = Vector256.FusedMultiplyAdd(x2, a, b);
            x3 = Vector256.FusedMultiplyAdd(x3, a, b); x4 = Vector256.FusedMultiplyAdd(x4, a, b); x5 = Vector256.FusedMultiplyAdd(x5, a, b);
            x6 = Vector256.FusedMultiplyAdd(x6, a, b); x7 = Vector256.FusedMultiplyAdd(x7, a, b); x8 = Vector256.FusedMultiplyAdd(x8, a, b);
            x9 = Vector256.FusedMultiplyAdd(x9, a, b); x10 = Vector256.FusedMultiplyAdd(x10, a, b); x11 = Vector256.FusedMultiplyAdd(x11, a, b);
        }
        return Vector256.Sum(((x0 + x1) + (x2 + x3)) + ((x4 + x5) + (x6 + x7)) + ((x8 + x9) + (x10 + x11)));
    }

    /// <summary>FLOP/s of one short probe run, timed now.</summary>
    static double Peak()
    {
        double t0 = Now();
        float sink = Vector512.IsHardwareAccelerated ? Probe512(ProbeIterations) : Probe256(ProbeIterations);
        double seconds = Now() - t0;
        if (!(sink > 0)) throw new InvalidOperationException("FMA probe diverged");
        return ProbeIterations * 12.0 * (Vector512.IsHardwareAccelerated ? 16 : 8) * 2 / seconds;
    }

    record Shape(string Name, int InC, int H, int W, int OutC, int K, int Stride, int Pad, int Batch, int Groups = 1)
    {
        public Conv2DGeometry G => new(InC, H, W, OutC, K, K, Stride, Stride, Pad, Pad, Pad, Pad, 1, 1, Groups);
    }

    static readonly Shape[] Shapes =
    [
        new("target 64>64 3x3 28 b32", 64, 28, 28, 64, 3, 1, 1, 32),
        new("lenet1 1>6 5x5p2 28 b32", 1, 28, 28, 6, 5, 1, 2, 32),
        new("lenet1 b1", 1, 28, 28, 6, 5, 1, 2, 1),
        new("lenet2 6>16 5x5 14 b32", 6, 14, 14, 16, 5, 1, 0, 32),
        new("lenet2 b1", 6, 14, 14, 16, 5, 1, 0, 1),
        new("res 16>16 3x3 28 b32", 16, 28, 28, 16, 3, 1, 1, 32),
        new("res 32>32 3x3 14 b32", 32, 14, 14, 32, 3, 1, 1, 32),
        new("res 64>64 3x3 7 b32", 64, 7, 7, 64, 3, 1, 1, 32),
        new("res 16>32 3x3s2 28 b32", 16, 28, 28, 32, 3, 2, 1, 32),
        new("res 32>64 3x3s2 14 b32", 32, 14, 14, 64, 3, 2, 1, 32),
        new("res 16>32 1x1s2 28 b32", 16, 28, 28, 32, 1, 2, 0, 32),
        new("res 32>64 1x1s2 14 b32", 32, 14, 14, 64, 1, 2, 0, 32),
        new("target b1", 64, 28, 28, 64, 3, 1, 1, 1),
        new("depthwise 32 3x3 28 b32", 32, 28, 28, 32, 3, 1, 1, 32, 32),
        new("depthwise 64 3x3s2 14 b32", 64, 14, 14, 64, 3, 2, 1, 32, 64),
    ];

    /// <summary>libtorch's conv2d (oneDNN on x64) on one thread for the same call. The backward passes are timed as
    /// forward + (y·dy).sum() + backward with only the input (bi) or only the weight and bias (bw) requiring a gradient,
    /// minus the same without the backward ("t-bi", "t-bw"); "t-f" is the forward under no_grad.</summary>
    static void AddTorchRows(List<(string name, string pass, double flops, Action run)> rows, Shape s, float[] x, float[] w, float[] bias,
        float[] dy, string[] passes, double flops)
    {
        Conv2DGeometry g = s.G;
        var tx = torch.tensor(x, new long[] { s.Batch, g.InChannels, g.InHeight, g.InWidth });
        var tw = torch.tensor(w, new long[] { g.OutChannels, g.GroupInChannels, g.KernelHeight, g.KernelWidth });
        var tb = torch.tensor(bias, new long[] { g.OutChannels });
        var tdy = torch.tensor(dy, new long[] { s.Batch, g.OutChannels, g.OutHeight, g.OutWidth });
        long[] stride = { g.StrideHeight, g.StrideWidth }, padding = { g.PadTop, g.PadLeft }, dilation = { 1, 1 };
        torch.Tensor Conv(torch.Tensor input, torch.Tensor weight, torch.Tensor b)
            => torch.nn.functional.conv2d(input, weight, b, stride, padding, dilation, g.Groups);
        foreach (string pass in passes)
        {
            if (pass == "f")
            {
                rows.Add((s.Name, "t-f", flops, () =>
                {
                    using var scope = torch.NewDisposeScope();
                    using var noGrad = torch.no_grad();
                    Conv(tx, tw, tb);
                }));
                continue;
            }
            bool inputGradient = pass == "bi";
            var gx = tx.detach().requires_grad_(inputGradient);
            var gw = tw.detach().requires_grad_(!inputGradient);
            var gb = tb.detach().requires_grad_(!inputGradient);
            Action forward = () =>
            {
                using var scope = torch.NewDisposeScope();
                (Conv(gx, gw, gb) * tdy).sum();
            };
            Action both = () =>
            {
                using var scope = torch.NewDisposeScope();
                (Conv(gx, gw, gb) * tdy).sum().backward();
                if (inputGradient) gx.grad.zero_(); else { gw.grad.zero_(); gb.grad.zero_(); }
            };
            rows.Add((s.Name, "t-" + pass, flops, both));
            rows.Add((s.Name, "t-" + pass + "-", -1, forward));
        }
    }

    static void Main(string[] args)
    {
        Gemm.MaxThreads = int.TryParse(Environment.GetEnvironmentVariable("THREADS"), out int threads) && threads > 1 ? threads : 1;
        if (Gemm.MaxThreads > 1 || Environment.GetEnvironmentVariable("CLOCK") == "wall")
            s_clock = 1;
        int reps = int.TryParse(Environment.GetEnvironmentVariable("REPS"), out int rr) ? rr : 11;
        string[] passes = (Environment.GetEnvironmentVariable("PASSES") ?? "f,bi,bw").Split(',');
        var shapes = args.Length == 0 ? Shapes : Shapes.Where(s => args.Any(a => s.Name.StartsWith(a, StringComparison.Ordinal))).ToArray();
        var rng = new Random(1);
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();

        bool withTorch = Environment.GetEnvironmentVariable("TORCH") == "1";
        if (withTorch)
        {
            torch.set_num_threads(1);
            torch.set_num_interop_threads(1);
        }
        var rows = new List<(string name, string pass, double flops, Action run)>();
        foreach (Shape s in shapes)
        {
            Conv2DGeometry g = s.G;
            int b = s.Batch;
            float[] x = R(b * g.InputSize), w = R(g.WeightSize), bias = R(g.OutChannels), y = new float[b * g.OutputSize];
            float[] dy = R(b * g.OutputSize), dx = new float[x.Length], dw = new float[w.Length], db = new float[bias.Length];
            float[] work = new float[Conv2D.WorkspaceSize(b, g)];
            double flops = 2.0 * b * g.MultiplyAddsPerSample;
            foreach (string pass in passes)
            {
                Action run = pass switch
                {
                    "f" => () => Conv2D.Forward(x, w, bias, y, work, b, g),
                    "bi" => () => Conv2D.BackwardInput(dy, w, dx, work, b, g),
                    _ => () => Conv2D.BackwardWeight(dy, x, dw, db, work, b, g, accumulate: false),
                };
                rows.Add((s.Name, pass, flops, run));
            }
            if (withTorch)
                AddTorchRows(rows, s, x, w, bias, dy, passes, flops);
        }

        // COUNT=n: only run every selected call n times, untimed (for valgrind's callgrind or cachegrind).
        if (int.TryParse(Environment.GetEnvironmentVariable("COUNT"), out int count))
        {
            foreach (var row in rows)
                for (int i = 0; i < count; i++)
                    row.run();
            return;
        }

        // Calls per sample: about 20 ms of work each.
        long[] calls = new long[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            double t0 = Now(); long n = 0;
            while (Now() - t0 < 0.2 || n < 5) { rows[i].run(); n++; }
            double t1 = Now(); for (int j = 0; j < 3; j++) rows[i].run(); double per = (Now() - t1) / 3;
            calls[i] = Math.Max(1, (long)(0.02 / per));
        }
        Peak();
        var fractions = rows.Select(_ => new List<double>()).ToArray();
        var micros = rows.Select(_ => new List<double>()).ToArray();
        var peaks = new List<double>();
        for (int r = 0; r < reps; r++)
            for (int i = 0; i < rows.Count; i++)
            {
                double peak = Peak();
                double t0 = Now();
                for (long j = 0; j < calls[i]; j++) rows[i].run();
                double per = (Now() - t0) / calls[i];
                fractions[i].Add(Math.Abs(rows[i].flops) / per / peak);
                micros[i].Add(per * 1e6);
                peaks.Add(peak);
            }
        peaks.Sort();
        Console.WriteLine($"peak {peaks[peaks.Count / 2] / 1e9:F1} GFLOP/s ({(Vector512.IsHardwareAccelerated ? "Vector512" : "Vector256")}, median of the probes), {Gemm.MaxThreads} thread(s), {(s_clock == 3 ? "thread CPU time" : "wall clock (% of one core's peak)")}, {reps} reps");
        Console.WriteLine($"{"shape",-28} {"pass",-4} {"µs/call",10} {"GFLOP/s",8} {"% peak",7}  range");
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].flops < 0)
                continue;
            if (i + 1 < rows.Count && rows[i + 1].flops < 0)
            {
                // A torch backward: the median difference of the two timings.
                var diffs = micros[i].Zip(micros[i + 1], (a, b) => a - b).OrderBy(v => v).ToList();
                var fr = diffs.Select((d, k) => rows[i].flops / (d * 1e-6) / peaks[k % peaks.Count]).OrderBy(v => v).ToList();
                double us = diffs[reps / 2];
                Console.WriteLine($"{rows[i].name,-28} {rows[i].pass,-4} {us,10:F1} {rows[i].flops / us / 1e3,8:F1} {100 * rows[i].flops / (us * 1e-6) / peaks[peaks.Count / 2],6:F1}%");
                continue;
            }
            fractions[i].Sort(); micros[i].Sort();
            double median = fractions[i][reps / 2];
            Console.WriteLine($"{rows[i].name,-28} {rows[i].pass,-4} {micros[i][reps / 2],10:F1} {rows[i].flops / micros[i][reps / 2] / 1e3,8:F1} {100 * median,6:F1}%  {100 * fractions[i][0]:F1}-{100 * fractions[i][^1]:F1}");
        }
    }
}
