using System;
using System.Runtime.CompilerServices;
using TensorForge.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace TensorForge.Benchmarks
{
    /// <summary>Section 2: our three GEMM layouts against torch.mm in the same layout, as GFLOP/s, fraction of the measured
    /// peak and speed relative to torch. Shapes are written m×k×n: C is m×n and the sum runs over k.</summary>
    internal static class GemmSection
    {
        internal enum Layout { TransposedB, Plain, TransposedA }

        internal sealed record Case(Layout Layout, int M, int K, int N, double PeakTarget);

        private static readonly Case[] Cases =
        {
            new(Layout.TransposedB, 32, 784, 128, 0.90),
            new(Layout.TransposedB, 32, 128, 64, 0.90),
            new(Layout.TransposedB, 1, 784, 128, double.NaN),
            new(Layout.TransposedB, 256, 1024, 1024, 0.85),
            new(Layout.TransposedB, 1024, 1024, 1024, 0.85),
            new(Layout.Plain, 32, 784, 128, double.NaN),
            new(Layout.Plain, 32, 128, 64, double.NaN),
            new(Layout.Plain, 1, 784, 128, double.NaN),
            new(Layout.TransposedA, 32, 784, 128, double.NaN),
            new(Layout.TransposedA, 32, 128, 64, double.NaN),
            new(Layout.TransposedA, 1, 784, 128, double.NaN),
        };

        public static void Run(Options options)
        {
            var table = new Table("2. GEMM, one thread: ours vs torch.mm (TorchSharp " + TorchPeer.Version + ")",
                "layout", "m×k×n", "ours µs", "ours GFLOP/s", "peak GFLOP/s", "of peak", "target", "verdict",
                "torch µs", "torch GFLOP/s", "ours/torch speed", "target", "verdict", "max rel err");
            bool torchAvailable = TorchPeer.Available;

            foreach (Case test in Cases)
            {
                Timing.Settle();
                var operands = new Operands(test);
                string shape = $"{test.M}×{test.K}×{test.N}";
                string label = LayoutName(test.Layout);

                Action? ours = operands.Ours;
                string error = "";
                try
                {
                    ours();
                    error = Report.Number(operands.MaxRelativeError(), "E1");
                }
                catch (NotImplementedException)
                {
                    ours = null;
                    error = "not implemented";
                }

                TorchOperands? torchOperands = torchAvailable ? TorchOperands.Create(test, operands) : null;
                double[][] samples = Timing.Samples(options, new Contender("ours", ours),
                    new Contender("torch", torchOperands is null ? null : torchOperands.Run), new Contender("peak probe", PeakProbe.ShortProbe));
                torchOperands?.Dispose();

                double flops = 2.0 * test.M * test.K * test.N;
                double oursSeconds = Timing.Median(samples[0]), torchSeconds = Timing.Median(samples[1]);
                double oursGflops = flops / oursSeconds / 1e9, torchGflops = flops / torchSeconds / 1e9;
                double peakGflops = PeakProbe.ShortProbeFlops / Timing.Median(samples[2]) / 1e9;
                double ofPeak = Timing.PairedRatio(samples[2], samples[0]) * flops / PeakProbe.ShortProbeFlops;
                double speed = Timing.PairedRatio(samples[1], samples[0]);
                string what = $"GEMM {label} {shape}";
                table.Row(label, shape, Report.Micros(oursSeconds), Report.Number(oursGflops, "F1"), Report.Number(peakGflops, "F1"), Report.Percent(ofPeak),
                    double.IsNaN(test.PeakTarget) ? "—" : "≥" + Report.Percent(test.PeakTarget),
                    double.IsNaN(test.PeakTarget) ? "—" : Report.AtLeast(what + " of peak ≥ " + Report.Percent(test.PeakTarget), ofPeak, test.PeakTarget),
                    Report.Micros(torchSeconds), Report.Number(torchGflops, "F1"), Report.Ratio(speed), "≥1.0×",
                    Report.AtLeast(what + " speed vs torch.mm ≥ 1.0×", speed, 1.0), error);
            }

            table.Note($"Medians of {options.Repetitions} interleaved repetitions after warm-up. Each repetition times ours, torch and a ~1 ms run of the");
            table.Note("Vector512 FMA probe back to back; \"of peak\" and \"ours/torch speed\" are medians of the per-repetition ratios, so the VM's");
            table.Note("clock drift cancels. \"peak GFLOP/s\" is the probe's median in the same repetitions.");
            table.Note("A·Bᵀ: C[m,n] = A[m,k]·B[n,k]ᵀ (Dense forward; torch: nn.functional.linear(A, B)).");
            table.Note("A·B: C[m,n] = A[m,k]·B[k,n] (input gradient; torch.mm(A, B)). Aᵀ·B: C[m,n] = A[k,m]ᵀ·B[k,n] (weight gradient; torch.mm(A.t(), B)).");
            table.Note("ours/torch speed = torch time / our time. max rel err: 256 sampled elements of our C against a double-precision dot product, relative to Σ|a·b|.");
            if (!torchAvailable)
                table.Note("TorchSharp unavailable: " + TorchPeer.UnavailableReason);
            table.Print();
        }

        internal static string LayoutName(Layout layout) => layout switch
        {
            Layout.TransposedB => "A·Bᵀ",
            Layout.Plain => "A·B",
            _ => "Aᵀ·B",
        };

        /// <summary>Random operands in 64-byte aligned buffers, as the generated networks keep theirs.</summary>
        internal sealed class Operands
        {
            private readonly Case _case;
            public readonly AlignedBuffer A, B, C;

            public Operands(Case test)
            {
                _case = test;
                A = new AlignedBuffer(test.M * test.K);
                B = new AlignedBuffer(test.K * test.N);
                C = new AlignedBuffer(test.M * test.N);
                var random = new SeededRandom(test.M * 1_000_003L + test.K * 1009L + test.N);
                foreach (ref float x in A.Span) x = random.NextSingle() * 2 - 1;
                foreach (ref float x in B.Span) x = random.NextSingle() * 2 - 1;
            }

            public void Ours()
            {
                switch (_case.Layout)
                {
                    case Layout.TransposedB: Gemm.MultiplyTransposedB(A.Span, B.Span, C.Span, _case.M, _case.K, _case.N); break;
                    case Layout.Plain: Gemm.Multiply(A.Span, B.Span, C.Span, _case.M, _case.K, _case.N); break;
                    default: Gemm.MultiplyTransposedA(A.Span, B.Span, C.Span, _case.M, _case.K, _case.N); break;
                }
            }

            public float ElementA(int row, int p) => _case.Layout == Layout.TransposedA ? A.Span[p * _case.M + row] : A.Span[row * _case.K + p];

            public float ElementB(int p, int column) => _case.Layout == Layout.TransposedB ? B.Span[column * _case.K + p] : B.Span[p * _case.N + column];

            /// <summary>Largest |C − exact| / Σ|a·b| over 256 sampled elements: float rounding stays near k·2⁻²⁴ by this
            /// measure, while a wrong element is off by order 1.</summary>
            public double MaxRelativeError()
            {
                var random = new SeededRandom(7);
                double worst = 0;
                for (int s = 0; s < 256; s++)
                {
                    int row = random.NextInt32(_case.M), column = random.NextInt32(_case.N);
                    double exact = 0, magnitude = 0;
                    for (int p = 0; p < _case.K; p++)
                    {
                        double term = (double)ElementA(row, p) * ElementB(p, column);
                        exact += term;
                        magnitude += Math.Abs(term);
                    }
                    worst = Math.Max(worst, Math.Abs(C.Span[row * _case.N + column] - exact) / Math.Max(magnitude, 1e-30));
                }
                return worst;
            }
        }

        /// <summary>The same operands as torch tensors, in the same layouts (no transposed copy is made: B.t() is a view).</summary>
        private sealed class TorchOperands : IDisposable
        {
            private readonly Tensor _a, _b, _aTransposed;
            private readonly Layout _layout;

            private TorchOperands(Tensor a, Tensor b, Layout layout)
            {
                _a = a;
                _b = b;
                _aTransposed = a.t();
                _layout = layout;
            }

            [MethodImpl(MethodImplOptions.NoInlining)]
            public static TorchOperands Create(Case test, Operands operands)
            {
                long[] aShape = test.Layout == Layout.TransposedA ? new long[] { test.K, test.M } : new long[] { test.M, test.K };
                long[] bShape = test.Layout == Layout.TransposedB ? new long[] { test.N, test.K } : new long[] { test.K, test.N };
                return new TorchOperands(tensor(operands.A.Span.ToArray(), aShape), tensor(operands.B.Span.ToArray(), bShape), test.Layout);
            }

            public void Run()
            {
                using Tensor c = _layout switch
                {
                    Layout.TransposedB => nn.functional.linear(_a, _b),
                    Layout.Plain => mm(_a, _b),
                    _ => mm(_aTransposed, _b),
                };
            }

            public void Dispose()
            {
                _aTransposed.Dispose();
                _a.Dispose();
                _b.Dispose();
            }
        }
    }
}
