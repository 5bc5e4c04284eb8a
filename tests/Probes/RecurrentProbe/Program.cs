using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TensorForge.Kernels;

// One-thread timing of the recurrent kernels at the LSTM model size (batch 64, T = 16, embedding 32, hidden 128):
// training forward, backward, and inference forward, in thread CPU time, with the GEMM FLOPs of each as a fraction of a
// Vector512 FMA probe's peak measured in the same run. Arguments: lstm | gru | rnn (default all); REPS=n (default 15);
// BATCH=n (default 64).
static partial class P
{
    [StructLayout(LayoutKind.Sequential)] struct TS { public long s, ns; }
    [LibraryImport("libc")] private static partial int clock_gettime(int id, out TS t);
    static double Now() { clock_gettime(3, out TS t); return t.s + t.ns * 1e-9; } // CLOCK_THREAD_CPUTIME_ID

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    static float Probe(long it)
    {
        var a = Vector512.Create(0.5f); var b = Vector512.Create(0.5f);
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (long i = 0; i < it; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, a, b); c1 = Vector512.FusedMultiplyAdd(c1, a, b); c2 = Vector512.FusedMultiplyAdd(c2, a, b);
            c3 = Vector512.FusedMultiplyAdd(c3, a, b); c4 = Vector512.FusedMultiplyAdd(c4, a, b); c5 = Vector512.FusedMultiplyAdd(c5, a, b);
            c6 = Vector512.FusedMultiplyAdd(c6, a, b); c7 = Vector512.FusedMultiplyAdd(c7, a, b); c8 = Vector512.FusedMultiplyAdd(c8, a, b);
            c9 = Vector512.FusedMultiplyAdd(c9, a, b); c10 = Vector512.FusedMultiplyAdd(c10, a, b); c11 = Vector512.FusedMultiplyAdd(c11, a, b);
        }
        return (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11).ToScalar();
    }

    static float[] Random(Random r, int n, float k) => Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1) * k).ToArray();

    static void Main(string[] args)
    {
        Gemm.MaxThreads = 1;
        int reps = int.TryParse(Environment.GetEnvironmentVariable("REPS"), out int rr) ? rr : 15;
        int B = int.TryParse(Environment.GetEnvironmentVariable("BATCH"), out int bb) ? bb : 64;
        const int T = 16, I = 32, H = 128;
        string[] kinds = args.Length > 0 ? args : ["lstm", "gru", "rnn"];
        var rng = new Random(1);
        var rows = new List<(string Name, double Flops, Action Run)>();
        foreach (string kind in kinds)
        {
            int g = kind switch { "lstm" => 4, "gru" => 3, _ => 1 } * H;
            float k = 1f / MathF.Sqrt(H);
            float[] x = Random(rng, B * T * I, 1), wih = Random(rng, g * I, k), whh = Random(rng, g * H, k), bih = Random(rng, g, k), bhh = Random(rng, g, k);
            float[] h = new float[B * T * H], dh = Random(rng, B * T * H, 1), dx = new float[B * T * I];
            float[] gwih = new float[g * I], gwhh = new float[g * H], gbih = new float[g], gbhh = new float[g];
            Func<bool, int> size = kind switch { "lstm" => t => Lstm.WorkspaceSize(B, T, I, H, t), "gru" => t => Gru.WorkspaceSize(B, T, I, H, t), _ => t => Rnn.WorkspaceSize(B, T, I, H, t) };
            float[] ws = new float[size(true)], wsInference = new float[size(false)];
            Action<float[], bool> forward = kind switch
            {
                "lstm" => (w, t) => Lstm.Forward(x, wih, whh, bih, bhh, h, w, B, T, I, H, false, t),
                "gru" => (w, t) => Gru.Forward(x, wih, whh, bih, bhh, h, w, B, T, I, H, false, t),
                _ => (w, t) => Rnn.Forward(x, wih, whh, bih, bhh, h, w, B, T, I, H, RnnNonlinearity.Tanh, false, t),
            };
            Action backward = kind switch
            {
                "lstm" => () => Lstm.Backward(dh, wih, whh, dx, gwih, gwhh, gbih, gbhh, ws, B, T, I, H, false, false, false),
                "gru" => () => Gru.Backward(dh, wih, whh, dx, gwih, gwhh, gbih, gbhh, ws, B, T, I, H, false, false, false),
                _ => () => Rnn.Backward(dh, wih, whh, dx, gwih, gwhh, gbih, gbhh, ws, B, T, I, H, RnnNonlinearity.Tanh, false, false, false),
            };
            // GEMM multiply-adds: forward x·W_ihᵀ and (T − 1) h·W_hhᵀ; backward (T − 1) dG·W_hh, dW_ih, dW_hh, dx.
            double fwd = 2.0 * (B * T * I * (double)g + (T - 1) * B * (double)H * g);
            double bwd = 2.0 * ((T - 1) * B * (double)g * H + g * (double)B * T * I + g * (double)(T - 1) * B * H + B * T * (double)g * I);
            forward(ws, true);
            rows.Add(($"{kind} forward (training)", fwd, () => forward(ws, true)));
            rows.Add(($"{kind} backward", bwd, backward));
            rows.Add(($"{kind} forward + backward", fwd + bwd, () => { forward(ws, true); backward(); }));
            rows.Add(($"{kind} forward (inference)", fwd, () => forward(wsInference, false)));
        }

        long[] calls = new long[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            double t0 = Now(); long n = 0;
            while (Now() - t0 < 0.3 || n < 5) { rows[i].Run(); n++; }
            calls[i] = Math.Max(1, (long)(0.05 / ((Now() - t0) / n)));
        }
        Probe(1000000);
        var us = rows.Select(_ => new List<double>()).ToArray();
        var frac = rows.Select(_ => new List<double>()).ToArray();
        var peaks = new List<double>();
        for (int r = 0; r < reps; r++)
            for (int i = 0; i < rows.Count; i++)
            {
                double t0 = Now(); Probe(100000); double peak = 100000.0 * 12 * 32 / (Now() - t0);
                t0 = Now(); for (long j = 0; j < calls[i]; j++) rows[i].Run(); double per = (Now() - t0) / calls[i];
                us[i].Add(per * 1e6); frac[i].Add(rows[i].Flops / per / peak); peaks.Add(peak);
            }
        peaks.Sort();
        Console.WriteLine($"one thread, batch {B}, T {T}, input {I}, hidden {H}; FMA peak {peaks[peaks.Count / 2] / 1e9:F1} GFLOP/s (median of {peaks.Count})");
        for (int i = 0; i < rows.Count; i++)
        {
            us[i].Sort(); frac[i].Sort();
            Console.WriteLine($"{rows[i].Name,-28} {us[i][reps / 2],9:F0} us  GEMM FLOPs {rows[i].Flops / 1e6,6:F1} M = {100 * frac[i][reps / 2],5:F1}% of peak (range {100 * frac[i][0]:F1}-{100 * frac[i][^1]:F1})");
        }
    }
}
