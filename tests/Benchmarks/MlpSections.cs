using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using TensorForge.Optimizers;
using static TorchSharp.torch;

namespace TensorForge.Benchmarks
{
    /// <summary>Sections 3–7, all on <see cref="BenchMlp"/> and random data: train step and inference against the peers,
    /// heap allocation, long-run throughput and determinism.</summary>
    internal sealed class MlpSections
    {
        private const int Seed = 42;
        private const int PoolSize = 64;

        private readonly Options _options;
        private readonly Batch[] _pool32, _pool1;

        /// <summary>One mini-batch of inputs uniform in [0, 1) and labels uniform over the classes.</summary>
        private sealed record Batch(float[] Input, int[] Labels);

        public MlpSections(Options options)
        {
            _options = options;
            var random = new SeededRandom(2024);
            _pool32 = MakePool(ref random, 32);
            _pool1 = MakePool(ref random, 1);
        }

        private static Batch[] MakePool(ref SeededRandom random, int batch)
        {
            var pool = new Batch[PoolSize];
            for (int b = 0; b < PoolSize; b++)
            {
                var input = new float[batch * BenchMlp.InputSize];
                var labels = new int[batch];
                for (int i = 0; i < input.Length; i++) input[i] = random.NextSingle();
                for (int i = 0; i < batch; i++) labels[i] = random.NextInt32(BenchMlp.OutputSize);
                pool[b] = new Batch(input, labels);
            }
            return pool;
        }

        private Batch[] Pool(int batch) => batch == 1 ? _pool1 : _pool32;

        // ---------------------------------------------------------------- 3. train step

        /// <summary>Section 4: one thread each (thread CPU time), then every framework on all cores (wall clock).</summary>
        public void TrainStep()
        {
            TrainStep(threads: 1);
            if (Environment.ProcessorCount > 1)
                TrainStep(threads: Environment.ProcessorCount);
        }

        private void TrainStep(int threads)
        {
            using var setting = new ThreadSetting(threads, _options.PauseMilliseconds);
            var table = new Table($"4{setting.Suffix}. MLP 784-128-64-10 train step (forward, loss, backward, Adam), {setting.Title}",
                "batch", "ours µs", "TorchSharp µs", "ours/torch time", "target", "verdict", "loss diff after 3 steps");
            foreach (var (batch, target) in new[] { (32, 0.20), (1, 0.10) })
            {
                Timing.Settle();
                Batch[] pool = Pool(batch);
                var ours = new BenchMlp(Seed);
                int next = 0;
                Action oursStep = () =>
                {
                    Batch b = pool[next++ & (PoolSize - 1)];
                    ours.TrainStep(b.Input, b.Labels);
                };

                TorchTrainer? torchTrainer = TorchPeer.Available ? new TorchTrainer(ours.Parameters, pool) : null;
                string lossDiff = "—";
                if (torchTrainer is not null)
                {
                    // Same start, same data: the first losses must agree (up to float summation order).
                    var check = new BenchMlp(Seed);
                    double worst = 0;
                    for (int s = 0; s < 3; s++)
                        worst = Math.Max(worst, Math.Abs(check.TrainStep(pool[s].Input, pool[s].Labels) - torchTrainer.CheckStep(s)));
                    lossDiff = Report.Number(worst, "E1");
                }

                double[][] samples = Timing.Samples(_options, setting.QuietMilliseconds,
                    new Contender("ours", oursStep), new Contender("torch", torchTrainer is null ? null : torchTrainer.Step));
                torchTrainer?.Dispose();

                double[] seconds = { Timing.Median(samples[0]), Timing.Median(samples[1]) };
                double ratio = Timing.PairedRatio(samples[0], samples[1]);
                table.Row(batch.ToString(), Report.Micros(seconds[0]), Report.Micros(seconds[1]), Report.Ratio(ratio),
                    "≤" + target.ToString("F2") + "×", setting.Verdict($"train step batch {batch} ≤ {target:F2}× TorchSharp", ratio, target), lossDiff);
            }
            table.Note($"Median of {_options.Repetitions} interleaved repetitions; each call takes the next of {PoolSize} random batches. Ratios are");
            table.Note("medians of per-repetition ratios (ours and the peer timed back to back). Loss diff: |our loss − torch's| over the first");
            table.Note("3 steps of both from the same weights and batches (it checks that the twin trains the same model).");
            table.Note("TorchSharp twin: nn.Sequential(Linear, ReLU, Linear, ReLU, Linear), CrossEntropyLoss, optim.Adam(lr 1e-3), starting");
            table.Note("from our weights; a step is zero_grad, forward, loss, backward, step inside a dispose scope.");
            setting.Notes(table);
            NoteTorch(table);
            table.Print();
        }

        /// <summary>The TorchSharp twin with its batches already turned into tensors (kept in a class of its own so that
        /// nothing touches TorchSharp when its native library did not load).</summary>
        private sealed class TorchTrainer : IDisposable
        {
            private readonly TorchMlp _model;
            private readonly Tensor[] _inputs, _labels;
            private int _next;

            [MethodImpl(MethodImplOptions.NoInlining)]
            public TorchTrainer(ReadOnlySpan<float> parameters, Batch[] pool)
            {
                _model = new TorchMlp(parameters);
                _inputs = new Tensor[pool.Length];
                _labels = new Tensor[pool.Length];
                for (int i = 0; i < pool.Length; i++)
                {
                    _inputs[i] = TorchMlp.Floats(pool[i].Input, pool[i].Labels.Length, BenchMlp.InputSize);
                    _labels[i] = TorchMlp.Labels(pool[i].Labels);
                }
            }

            public float CheckStep(int index) => _model.TrainStepWithLoss(_inputs[index], _labels[index]);

            public void Step()
            {
                int i = _next++ & (PoolSize - 1);
                _model.TrainStep(_inputs[i], _labels[i]);
            }

            public void Dispose()
            {
                foreach (Tensor t in _inputs) t.Dispose();
                foreach (Tensor t in _labels) t.Dispose();
                _model.Dispose();
            }
        }

        // ---------------------------------------------------------------- 4. inference

        /// <summary>Section 5: one thread each (thread CPU time), then every framework on all cores (wall clock).</summary>
        public void Inference()
        {
            Inference(threads: 1);
            if (Environment.ProcessorCount > 1)
                Inference(threads: Environment.ProcessorCount);
        }

        private void Inference(int threads)
        {
            using var setting = new ThreadSetting(threads, _options.PauseMilliseconds);
            var table = new Table($"5{setting.Suffix}. MLP inference (Forward), {setting.Title}: ours vs TorchSharp (no_grad) vs ONNX Runtime",
                "batch", "ours µs", "TorchSharp µs", "ORT µs", "ours/ORT time", "target", "verdict", "ours/torch time", "max abs Δ ORT", "max abs Δ torch");
            var ours = new BenchMlp(Seed);
            byte[] onnx = OnnxModelWriter.Write(OnnxLayers(ours), OrtPeer.InputName, OrtPeer.OutputName);
            string ortError = "";

            foreach (var (batch, target) in new[] { (1, 0.5), (32, 1.0) })
            {
                Timing.Settle();
                float[] input = Pool(batch)[0].Input;
                var output = new float[batch * BenchMlp.OutputSize];
                ours.Forward(input, output);

                OrtPeer? ort = null;
                double ortDiff = double.NaN;
                try
                {
                    ort = new OrtPeer(onnx, batch, BenchMlp.InputSize, BenchMlp.OutputSize, threads);
                    input.CopyTo(ort.Input, 0);
                    ort.Run();
                    ortDiff = MaxAbsDiff(output, ort.Output);
                    if (!(ortDiff < 1e-4))
                    {
                        ortError = $"ONNX twin disagrees with our Forward at batch {batch}: max |Δ| = {ortDiff:E2} ≥ 1e-4, so it was not timed.";
                        ort.Dispose();
                        ort = null;
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    ortError = "ONNX Runtime unavailable: " + e.GetBaseException().Message;
                    ort?.Dispose();
                    ort = null;
                }

                TorchInference? torchInference = TorchPeer.Available ? new TorchInference(ours.Parameters, input, batch) : null;
                double torchDiff = torchInference is null ? double.NaN : MaxAbsDiff(output, torchInference.Output());

                double[][] samples = Timing.Samples(_options, setting.QuietMilliseconds,
                    new Contender("ours", () => ours.Forward(input, output)),
                    new Contender("torch", torchInference is null ? null : torchInference.Run),
                    new Contender("ort", ort is null ? null : ort.Run));
                ort?.Dispose();
                torchInference?.Dispose();

                double[] seconds = { Timing.Median(samples[0]), Timing.Median(samples[1]), Timing.Median(samples[2]) };
                double ratio = Timing.PairedRatio(samples[0], samples[2]);
                table.Row(batch.ToString(), Report.Micros(seconds[0]), Report.Micros(seconds[1]), Report.Micros(seconds[2]), Report.Ratio(ratio),
                    "≤" + target.ToString("F1") + "×", setting.Verdict($"inference batch {batch} ≤ {target:F1}× ORT", ratio, target),
                    Report.Ratio(Timing.PairedRatio(samples[0], samples[1])), Report.Number(ortDiff, "E1"), Report.Number(torchDiff, "E1"));
            }
            table.Note($"Median of {_options.Repetitions} interleaved repetitions; ratios are medians of per-repetition ratios. The ONNX twin is written from our Parameters (Gemm transB=1 + Relu,");
            table.Note($"opset 17, dynamic batch, {onnx.Length:N0} bytes) and must match our Forward to max |Δ| < 1e-4 before it is timed.");
            table.Note($"ORT: {threads} intra-op thread{(threads == 1 ? "" : "s")}, sequential, all graph optimisations, I/O binding over pinned pre-allocated buffers.");
            if (ortError.Length > 0)
                table.Note(ortError);
            setting.Notes(table);
            NoteTorch(table);
            table.Print();
        }

        private static OnnxModelWriter.Layer[] OnnxLayers(BenchMlp network)
        {
            var layers = new OnnxModelWriter.Layer[BenchMlpLayout.Layers.Length];
            for (int i = 0; i < layers.Length; i++)
            {
                var (input, output) = BenchMlpLayout.Layers[i];
                layers[i] = new OnnxModelWriter.Layer(input, output,
                    network.Parameters.Slice(BenchMlpLayout.WeightOffset(i), output * input).ToArray(),
                    network.Parameters.Slice(BenchMlpLayout.BiasOffset(i), output).ToArray(),
                    ReLU: i < layers.Length - 1);
            }
            return layers;
        }

        private sealed class TorchInference : IDisposable
        {
            private readonly TorchMlp _model;
            private readonly Tensor _input;

            [MethodImpl(MethodImplOptions.NoInlining)]
            public TorchInference(ReadOnlySpan<float> parameters, float[] input, int batch)
            {
                _model = new TorchMlp(parameters);
                _input = TorchMlp.Floats(input, batch, BenchMlp.InputSize);
            }

            public void Run() => _model.Infer(_input);

            public float[] Output() => _model.InferToArray(_input);

            public void Dispose()
            {
                _input.Dispose();
                _model.Dispose();
            }
        }

        private static double MaxAbsDiff(float[] expected, float[] actual)
        {
            if (expected.Length != actual.Length) return double.PositiveInfinity;
            double worst = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                double diff = Math.Abs((double)expected[i] - actual[i]);
                if (!(diff <= worst)) worst = double.IsNaN(diff) ? double.PositiveInfinity : diff;
            }
            return worst;
        }

        // ---------------------------------------------------------------- 5. allocation

        public void Allocation()
        {
            int calls = _options.Quick ? 200 : 2_000;
            var table = new Table("6. Heap allocation after the first call (GC.GetAllocatedBytesForCurrentThread)",
                "call", "batch", "bytes over " + calls.ToString("N0") + " calls", "bytes/call", "target", "verdict");
            foreach (int batch in new[] { 1, 32 })
            {
                Batch[] pool = Pool(batch);
                var network = new BenchMlp(Seed);
                var output = new float[batch * BenchMlp.OutputSize];

                long forward = AllocatedBytes(calls, i => network.Forward(pool[i & (PoolSize - 1)].Input, output));
                table.Row("Forward", batch.ToString(), forward.ToString("N0"), Report.Number((double)forward / calls, "F1"), "0",
                    Report.AtMost($"Forward batch {batch} allocates 0 bytes", forward, 0));

                long train = AllocatedBytes(calls, i => network.TrainStep(pool[i & (PoolSize - 1)].Input, pool[i & (PoolSize - 1)].Labels));
                table.Row("TrainStep", batch.ToString(), train.ToString("N0"), Report.Number((double)train / calls, "F1"), "0",
                    Report.AtMost($"TrainStep batch {batch} allocates 0 bytes", train, 0));
            }
            table.Note("Each call is made once first (buffers for a new batch size may be allocated then), then counted over the calls shown.");
            table.Print();
        }

        private static long AllocatedBytes(int calls, Action<int> call)
        {
            call(0);
            call(1);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++)
                call(i);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        // ---------------------------------------------------------------- 6. long run

        public void LongRun()
        {
            const int Steps = 20_000, Block = 1_000, Batch = 32;
            Timing.Settle();
            var network = new BenchMlp(Seed);
            Batch[] pool = Pool(Batch);
            var blockSeconds = new double[Steps / Block];
            float lastLoss = 0;
            for (int block = 0; block < blockSeconds.Length; block++)
            {
                double start = Clock.Now();
                for (int s = 0; s < Block; s++)
                {
                    Batch b = pool[(block * Block + s) & (PoolSize - 1)];
                    lastLoss = network.TrainStep(b.Input, b.Labels);
                }
                blockSeconds[block] = Clock.Now() - start;
            }

            double early = blockSeconds[1] / Block, late = blockSeconds[^1] / Block;
            double ratio = early / late;
            int slowest = Array.IndexOf(blockSeconds, Max(blockSeconds));
            var table = new Table("7. Long-run throughput: one run of 20,000 train steps, batch 32, random data",
                "steps", "µs/step", "throughput vs steps 1,001–2,000", "target", "verdict");
            table.Row("1,001–2,000", Report.Micros(early), "1.000×", "", "");
            table.Row("19,001–20,000", Report.Micros(late), Report.Ratio(ratio), "≥0.90×", Report.AtLeast("long-run throughput (steps 19,001–20,000 vs 1,001–2,000) ≥ 0.90×", ratio, 0.9));
            table.Note($"Slowest block of 1,000: steps {slowest * Block + 1:N0}–{(slowest + 1) * Block:N0} at {Report.Micros(blockSeconds[slowest] / Block)} µs/step. " +
                $"Loss at the end: {lastLoss:F3} (the {PoolSize} random batches are memorised, so gradients shrink as they would late in training).");
            table.Note("Subnormal floats at the end: " + SubnormalCounts(network) + ".");
            table.Print();
        }

        private static double Max(double[] values)
        {
            double max = double.MinValue;
            foreach (double v in values) max = Math.Max(max, v);
            return max;
        }

        [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_optimizer")]
        private static extern ref Adam OptimizerOf(BenchMlp network);

        /// <summary>Subnormals in the parameters, gradients and Adam moments: the usual cause of a slow-down late in training.</summary>
        private static string SubnormalCounts(BenchMlp network)
        {
            string text = $"parameters {CountSubnormals(network.Parameters)}, gradients {CountSubnormals(network.Gradients)}";
            try
            {
                Adam adam = OptimizerOf(network);
                text += $", Adam first moment {CountSubnormals(adam.FirstMoment)}, second moment {CountSubnormals(adam.SecondMoment)}";
            }
            catch (MissingFieldException)
            {
                text += " (Adam state not reachable: the generated field is no longer named _optimizer)";
            }
            return text + $" of {BenchMlp.ParameterCount:N0} each";
        }

        private static int CountSubnormals(ReadOnlySpan<float> values)
        {
            int count = 0;
            foreach (float v in values)
                if (float.IsSubnormal(v)) count++;
            return count;
        }

        // ---------------------------------------------------------------- 7. determinism

        public void Determinism()
        {
            int steps = _options.Quick ? 50 : 300;
            int allCores = Environment.ProcessorCount;
            var (parametersA, outputA) = TrainAndInfer(steps, threads: 1);
            var (parametersB, outputB) = TrainAndInfer(steps, threads: allCores);
            KernelThreads.Set(1);

            var table = new Table("8. Determinism: Gemm.MaxThreads = 1 vs all cores, same seed and data, compared bit for bit",
                "compared", "run A Gemm.MaxThreads", "run B Gemm.MaxThreads", "elements", "differing", "target", "verdict");
            int parameterDiff = BitDifferences(parametersA, parametersB), outputDiff = BitDifferences(outputA, outputB);
            string label = $"Gemm.MaxThreads 1 vs {allCores}";
            table.Row($"Parameters after {steps} TrainSteps (batch 32)", "1", allCores.ToString(), parametersA.Length.ToString("N0"), parameterDiff.ToString("N0"), "0",
                Report.AtMost($"determinism, parameters ({label})", parameterDiff, 0));
            table.Row("Forward logits, batch 32, after training", "1", allCores.ToString(), outputA.Length.ToString("N0"), outputDiff.ToString("N0"), "0",
                Report.AtMost($"determinism, Forward output ({label})", outputDiff, 0));
            table.Note($"Run A: Gemm.MaxThreads = 1 (every multiply on the calling thread). Run B: Gemm.MaxThreads = Environment.ProcessorCount = {allCores}");
            table.Note("(all cores: the 32×784×128 layer and its gradients, the smaller multiplies while the workers are awake, and the Adam pass");
            table.Note("are split over the worker pool).");
            table.Note("Each run builds a fresh network from the same seed, trains on the same batches, then runs Forward on batch 0.");
            if (allCores == 1)
                table.Note("This machine has one logical core, so both runs are single-threaded: this checks run-to-run determinism only.");
            table.Print();
        }

        private (float[] Parameters, float[] Output) TrainAndInfer(int steps, int threads)
        {
            KernelThreads.Set(threads);
            var network = new BenchMlp(Seed);
            for (int s = 0; s < steps; s++)
            {
                Batch b = _pool32[s & (PoolSize - 1)];
                network.TrainStep(b.Input, b.Labels);
            }
            var output = new float[32 * BenchMlp.OutputSize];
            network.Forward(_pool32[0].Input, output);
            return (network.Parameters.ToArray(), output);
        }

        private static int BitDifferences(float[] a, float[] b)
        {
            int count = 0;
            for (int i = 0; i < a.Length; i++)
                if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i])) count++;
            return count;
        }

        private static void NoteTorch(Table table)
        {
            if (!TorchPeer.Available)
                table.Note("TorchSharp unavailable: " + TorchPeer.UnavailableReason);
        }
    }
}
