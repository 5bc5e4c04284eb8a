using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TensorForge.Kernels;

static partial class P
{
    [StructLayout(LayoutKind.Sequential)] struct TS { public long s, ns; }
    [LibraryImport("libc")] private static partial int clock_gettime(int id, out TS t);
    static double Now() { clock_gettime(3, out TS t); return t.s + t.ns * 1e-9; }

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

    static void Main(string[] args)
    {
        Gemm.MaxThreads = 1;
        int reps = int.TryParse(Environment.GetEnvironmentVariable("REPS"), out int rr) ? rr : 15;
        var shapes = new List<(string l, int m, int k, int n)>();
        foreach (var s in args)
        {
            var parts = s.Split(':'); var d = parts[1].Split('x').Select(int.Parse).ToArray();
            shapes.Add((parts[0], d[0], d[1], d[2]));
        }
        var rng = new Random(1);
        var data = shapes.Select(s => (a: Enumerable.Range(0, s.m * s.k).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray(),
            b: Enumerable.Range(0, s.k * s.n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray(), c: new float[s.m * s.n])).ToArray();
        Action[] run = new Action[shapes.Count];
        for (int i = 0; i < shapes.Count; i++)
        {
            var s = shapes[i]; var d = data[i];
            run[i] = s.l switch
            {
                "abt" => () => Gemm.MultiplyTransposedB(d.a, d.b, d.c, s.m, s.k, s.n),
                "ab" => () => Gemm.Multiply(d.a, d.b, d.c, s.m, s.k, s.n),
                _ => () => Gemm.MultiplyTransposedA(d.a, d.b, d.c, s.m, s.k, s.n),
            };
        }
        long[] calls = new long[shapes.Count];
        for (int i = 0; i < shapes.Count; i++)
        {
            double t0 = Now(); long n = 0;
            while (Now() - t0 < 0.4 || n < 20) { run[i](); n++; }
            double t1 = Now(); for (int j = 0; j < 5; j++) run[i](); double per = (Now() - t1) / 5;
            calls[i] = Math.Max(1, (long)(0.02 / per));
        }
        Probe(1000000);
        var frac = shapes.Select(_ => new List<double>()).ToArray();
        var us = shapes.Select(_ => new List<double>()).ToArray();
        var pk = new List<double>();
        for (int r = 0; r < reps; r++)
        {
            for (int i = 0; i < shapes.Count; i++)
            {
                int i0 = i; double t0 = Now(); Probe(100000); double pt = Now() - t0;
                double peak = 100000.0 * 12 * 32 / pt;
                t0 = Now(); for (long j = 0; j < calls[i]; j++) run[i](); double per = (Now() - t0) / calls[i];
                var s = shapes[i];
                double gf = 2.0 * s.m * s.k * s.n / per;
                frac[i].Add(gf / peak); pk.Add(peak); us[i].Add(per * 1e6);
            }
        }
        pk.Sort(); Console.WriteLine($"peak {pk[pk.Count/2]/1e9:F1} GFLOP/s");
        for (int i = 0; i < shapes.Count; i++)
        {
            frac[i].Sort(); us[i].Sort();
            Console.WriteLine($"{shapes[i].l,-20} {shapes[i].m}x{shapes[i].k}x{shapes[i].n,-6} {us[i][reps / 2],10:F2} us  {100 * frac[i][reps / 2],6:F1}% (range {100 * frac[i][0]:F1}-{100 * frac[i][^1]:F1})");
        }
    }
}
