using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace TensorForge.Benchmarks
{
    /// <summary>Sections 10 and 11: whole convolutional networks — LeNet-5 and the small ResNet — against TorchSharp twins with
    /// the same weights, on MNIST digits, one thread each and then all cores each.</summary>
    internal sealed class ConvNetSections
    {
        private readonly Options _options;

        public ConvNetSections(Options options) => _options = options;

        /// <summary>One network and its twin: how to make each, and the optimizer the twin mirrors.</summary>
        private sealed record Contestants(string Name, Func<IClassifierNetwork> Ours, Func<nn.Module<Tensor, Tensor>> Twin,
            TorchClassifier.Optimizer Optimizer);

        private static Contestants LeNetContestants => new("LeNet-5", () => new BenchLeNet5(), TorchLeNet.Create, TorchClassifier.Optimizer.Adam);

        /// <summary>Section 10: LeNet-5 train step at batch 32 (≤ 0.5× TorchSharp) and inference at batch 1 (≤ 0.3×); inference
        /// at batch 32 for the record.</summary>
        public void LeNet()
        {
            foreach (int threads in ThreadCounts())
            {
                using var setting = new ThreadSetting(threads, _options.PauseMilliseconds, judgeOneThread: true);
                var table = new Table($"10{setting.Suffix}. LeNet-5 (61,706 parameters), {setting.Title}",
                    "call", "batch", "ours µs", "TorchSharp µs", "ours/torch time", "target", "verdict", "check");
                TrainRow(table, setting, LeNetContestants, 32, 0.5);
                InferenceRow(table, setting, LeNetContestants, 1, 0.3);
                InferenceRow(table, setting, LeNetContestants, 32, double.NaN);
                NoteNetworkTable(table, setting,
                    "TorchSharp twin: nn.Sequential(conv1 Conv2d(1, 6, 5, padding 2), ReLU, pool1 MaxPool2d(2), conv2 Conv2d(6, 16, 5), ReLU, pool2,",
                    "Flatten, fc1 Linear(400, 120), ReLU, fc2 Linear(120, 84), ReLU, fc3 Linear(84, 10)), CrossEntropyLoss, optim.Adam(lr 1e-3).");
                table.Print();
            }
            LeNetBreakdown.Run(_options);
            AllocationAndDeterminism("10d", LeNetContestants, steps: _options.Quick ? 20 : 100);
        }

        private static Contestants ResNetContestants => new("small ResNet", () => new BenchResNet(),
            () => new TorchResNet(16, new (long, int, long)[] { (16, 2, 1), (32, 2, 2), (64, 2, 2) }, 10), TorchClassifier.Optimizer.AdamWCosine);

        /// <summary>Section 11: the small ResNet's train step at batch 32 (≤ 0.8× TorchSharp); inference at batch 32 for the record.</summary>
        public void ResNet()
        {
            foreach (int threads in ThreadCounts())
            {
                using var setting = new ThreadSetting(threads, _options.PauseMilliseconds, judgeOneThread: true);
                var table = new Table($"11{setting.Suffix}. Small ResNet (stem 16, stages 16/32/64 × 2 basic blocks, BatchNorm, {BenchResNet.ParameterCount:N0} parameters), {setting.Title}",
                    "call", "batch", "ours µs", "TorchSharp µs", "ours/torch time", "target", "verdict", "check");
                TrainRow(table, setting, ResNetContestants, 32, 0.8);
                InferenceRow(table, setting, ResNetContestants, 32, double.NaN);
                NoteNetworkTable(table, setting,
                    "TorchSharp twin: torchvision's ResNet layout (conv1, bn1, layer1–3 of BasicBlock with downsample.0/.1 projections, avgpool",
                    "AdaptiveAvgPool2d(1), fc), in-place add and ReLU as torchvision; CrossEntropyLoss, optim.AdamW(lr 2e-3, weight_decay 0.01) and",
                    "CosineAnnealingLR(T_max 2500) stepped after every optimizer step, as the sample and our network do. Train mode for the step, eval",
                    "mode (running statistics) for inference.");
                table.Print();
            }
            Split("11c. Where our small ResNet train step goes (batch 32, one thread)", ResNetContestants.Ours);
            AllocationAndDeterminism("11d", ResNetContestants, steps: _options.Quick ? 5 : 20);
        }

        /// <summary>The two standing guarantees on a convolutional network: no heap allocation per Forward/TrainStep
        /// after the first call at a batch size, and the same bits whatever Gemm.MaxThreads is (parameters, buffers and
        /// outputs after training with one thread and with all cores).</summary>
        private void AllocationAndDeterminism(string number, Contestants contestants, int steps)
        {
            int calls = _options.Quick ? 20 : 100;
            var table = new Table($"{number}. {contestants.Name}: heap allocation after the first call, and determinism across thread counts",
                "check", "measured", "target", "verdict");
            DigitBatches.Batch[] pool = DigitBatches.Shared.Pool(32, count: 4);
            float[] single = DigitBatches.Shared.Pool(1, first: 8000, count: 1)[0].Images;
            var logits32 = new float[32 * 10];
            var logits1 = new float[10];
            KernelThreads.Set(1);
            IClassifierNetwork network = contestants.Ours();
            foreach (var (call, run) in new (string, Action<int>)[]
            {
                ("Forward batch 1", i => network.Forward(single, logits1)),
                ("Forward batch 32", i => network.Forward(pool[i & 3].Images, logits32)),
                ("TrainStep batch 32", i => network.TrainStep(pool[i & 3].Images, pool[i & 3].Labels)),
            })
            {
                run(0);
                run(1);
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < calls; i++)
                    run(i);
                long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
                table.Row($"{call}: bytes over {calls} calls", bytes.ToString("N0"), "0",
                    Report.AtMost($"{contestants.Name} {call} allocates 0 bytes", bytes, 0));
            }

            int allCores = Environment.ProcessorCount;
            var (stateA, outputA) = TrainAndInfer(contestants, pool, steps, threads: 1);
            var (stateB, outputB) = TrainAndInfer(contestants, pool, steps, threads: allCores);
            KernelThreads.Set(1);
            int stateDiff = 0, outputDiff = 0;
            for (int i = 0; i < stateA.Length; i++) if (stateA[i] != stateB[i]) stateDiff++;
            for (int i = 0; i < outputA.Length; i++) if (BitConverter.SingleToInt32Bits(outputA[i]) != BitConverter.SingleToInt32Bits(outputB[i])) outputDiff++;
            table.Row($"Save bytes (parameters, buffers) after {steps} TrainSteps, Gemm.MaxThreads 1 vs {allCores}: differing bytes of {stateA.Length:N0}",
                stateDiff.ToString("N0"), "0", Report.AtMost($"{contestants.Name} determinism, parameters and buffers (Gemm.MaxThreads 1 vs {allCores})", stateDiff, 0));
            table.Row($"Forward logits (batch 32) after training, 1 vs {allCores} threads: differing of {outputA.Length}",
                outputDiff.ToString("N0"), "0", Report.AtMost($"{contestants.Name} determinism, Forward output (Gemm.MaxThreads 1 vs {allCores})", outputDiff, 0));
            table.Note("GC.GetAllocatedBytesForCurrentThread around the calls, after two calls at that batch size. Determinism: two fresh networks from the");
            table.Note($"same seed, trained on the same batches with Gemm.MaxThreads = 1 and = {allCores}, compared bit for bit (the whole Save output).");
            table.Print();
        }

        private static (byte[] State, float[] Output) TrainAndInfer(Contestants contestants, DigitBatches.Batch[] pool, int steps, int threads)
        {
            KernelThreads.Set(threads);
            IClassifierNetwork network = contestants.Ours();
            for (int s = 0; s < steps; s++)
                network.TrainStep(pool[s & 3].Images, pool[s & 3].Labels);
            var output = new float[32 * 10];
            network.Forward(pool[0].Images, output);
            using var stream = new System.IO.MemoryStream();
            network.Save(stream);
            return (stream.ToArray(), output);
        }

        /// <summary>Our train step and its public pieces, each timed alone, one thread (section 9 has the convolutions).</summary>
        private void Split(string title, Func<IClassifierNetwork> create)
        {
            KernelThreads.Set(1);
            Timing.Settle();
            DigitBatches.Batch b = DigitBatches.Shared.Pool(32, count: 1)[0];
            IClassifierNetwork network = create();
            var logits = new float[32 * 10];
            var gradient = new float[32 * 10];
            var random = new SeededRandom(5);
            for (int i = 0; i < gradient.Length; i++) gradient[i] = (random.NextSingle() - 0.5f) / 32;
            network.TrainStep(b.Images, b.Labels);
            var calls = new (string Name, Action Call)[]
            {
                ("TrainStep", () => network.TrainStep(b.Images, b.Labels)),
                ("ForwardTrain", () => network.ForwardTrain(b.Images, logits)),
                ("ZeroGradients + Backward (input gradient not asked)", () => { network.ZeroGradients(); network.Backward(gradient, default); }),
                ("Step (optimizer and schedule)", network.Step),
                ("Forward (inference)", () => network.Forward(b.Images, logits)),
            };
            double[][] samples = Timing.Samples(_options, Array.ConvertAll(calls, c => new Contender(c.Name, c.Call)));
            double step = Timing.Median(samples[0]);
            var table = new Table(title, "call", "µs", "of TrainStep");
            for (int i = 0; i < calls.Length; i++)
                table.Row(calls[i].Name, Report.Micros(Timing.Median(samples[i])), Report.Percent(Timing.Median(samples[i]) / step));
            table.Note($"Medians of {_options.Repetitions} interleaved repetitions; the generated network's public members. Table 9b has the share of the");
            table.Note("convolution kernels (their forward and both gradients at this network's shapes), measured alone.");
            table.Print();
        }

        private static int[] ThreadCounts() => Environment.ProcessorCount > 1 ? new[] { 1, Environment.ProcessorCount } : new[] { 1 };

        private void NoteNetworkTable(Table table, ThreadSetting setting, params string[] twin)
        {
            table.Note($"Median of {_options.Repetitions} interleaved repetitions; each call takes the next of {DigitBatches.PoolSize} batches ({DigitBatches.Shared.Source}).");
            table.Note("Ratios are medians of per-repetition ratios (ours and the peer timed back to back). Both start from the same weights: the");
            table.Note("twin loads our Save output by state_dict name. check: for the train step, max |our loss − torch's| over the first 3 steps of");
            table.Note("both from the same weights and batches; for inference, max |Δ| of the logits (so the twin computes the same model).");
            foreach (string line in twin)
                table.Note(line);
            table.Note("Train step = forward, loss, backward, optimizer step (ours: TrainStep; torch: zero_grad, forward, loss, backward, step in a dispose");
            table.Note("scope). Inference = our Forward against the twin's forward under no_grad in eval mode.");
            setting.Notes(table, onnxRuntime: false);
            if (!TorchPeer.Available)
                table.Note("TorchSharp unavailable: " + TorchPeer.UnavailableReason);
        }

        private void TrainRow(Table table, ThreadSetting setting, Contestants contestants, int batch, double target)
        {
            Timing.Settle();
            DigitBatches.Batch[] pool = DigitBatches.Shared.Pool(batch);
            IClassifierNetwork ours = contestants.Ours();
            int next = 0;
            Action oursStep = () =>
            {
                DigitBatches.Batch b = pool[next++ & (DigitBatches.PoolSize - 1)];
                ours.TrainStep(b.Images, b.Labels);
            };

            TwinTrainer? twin = TorchPeer.Available ? new TwinTrainer(contestants, ours, pool) : null;
            string lossDiff = "—";
            if (twin is not null)
            {
                // Same start, same data: the first losses must agree (up to float summation order).
                IClassifierNetwork check = contestants.Ours();
                double worst = 0;
                for (int s = 0; s < 3; s++)
                    worst = Math.Max(worst, Math.Abs(check.TrainStep(pool[s].Images, pool[s].Labels) - twin.CheckStep(s)));
                twin.Restart();
                lossDiff = "loss Δ " + Report.Number(worst, "E1");
            }

            double[][] samples = Timing.Samples(_options, setting.QuietMilliseconds,
                new Contender("ours", oursStep), new Contender("torch", twin is null ? null : twin.Step));
            twin?.Dispose();
            AddRow(table, setting, contestants.Name, "train step", batch, samples, target, lossDiff);
        }

        private void InferenceRow(Table table, ThreadSetting setting, Contestants contestants, int batch, double target)
        {
            Timing.Settle();
            float[] input = DigitBatches.Shared.Pool(batch, first: 8000, count: 1)[0].Images;
            IClassifierNetwork ours = contestants.Ours();
            var output = new float[batch * 10];
            ours.Forward(input, output);

            TwinInference? twin = TorchPeer.Available ? new TwinInference(contestants, ours, input, batch) : null;
            string diff = twin is null ? "—" : "logits Δ " + Report.Number(MaxAbsDiff(output, twin.Output()), "E1");
            double[][] samples = Timing.Samples(_options, setting.QuietMilliseconds,
                new Contender("ours", () => ours.Forward(input, output)), new Contender("torch", twin is null ? null : twin.Run));
            twin?.Dispose();
            AddRow(table, setting, contestants.Name, "inference", batch, samples, target, diff);
        }

        private static void AddRow(Table table, ThreadSetting setting, string network, string call, int batch, double[][] samples, double target, string check)
        {
            double ratio = Timing.PairedRatio(samples[0], samples[1]);
            bool judged = !double.IsNaN(target);
            table.Row(call, batch.ToString(), Report.Micros(Timing.Median(samples[0])), Report.Micros(Timing.Median(samples[1])), Report.Ratio(ratio),
                judged ? "≤" + target.ToString("F1") + "×" : "—",
                judged ? setting.Verdict($"{network} {call} batch {batch} ≤ {target:F1}× TorchSharp", ratio, target) : "—", check);
        }

        internal static double MaxAbsDiff(float[] expected, float[] actual)
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

        /// <summary>The twin with the batches already turned into tensors (a class of its own, so that nothing touches
        /// TorchSharp when its native library did not load).</summary>
        private sealed class TwinTrainer : IDisposable
        {
            private readonly Contestants _contestants;
            private readonly List<NamedTensor> _start;
            private readonly Tensor[] _inputs, _labels;
            private TorchClassifier _model;
            private int _next;

            [MethodImpl(MethodImplOptions.NoInlining)]
            public TwinTrainer(Contestants contestants, IClassifierNetwork ours, DigitBatches.Batch[] pool)
            {
                _contestants = contestants;
                _start = StateDict.Of(ours.Save);
                _model = new TorchClassifier(contestants.Twin(), _start, contestants.Optimizer);
                _inputs = new Tensor[pool.Length];
                _labels = new Tensor[pool.Length];
                for (int i = 0; i < pool.Length; i++)
                {
                    _inputs[i] = TorchClassifier.Images(pool[i].Images, pool[i].Size);
                    _labels[i] = TorchClassifier.Labels(pool[i].Labels);
                }
            }

            public float CheckStep(int index) => _model.TrainStepWithLoss(_inputs[index], _labels[index]);

            /// <summary>A fresh twin from the same start (the check steps moved the first one).</summary>
            [MethodImpl(MethodImplOptions.NoInlining)]
            public void Restart()
            {
                _model.Dispose();
                _model = new TorchClassifier(_contestants.Twin(), _start, _contestants.Optimizer);
                _next = 0;
            }

            public void Step()
            {
                int i = _next++ & (DigitBatches.PoolSize - 1);
                _model.TrainStep(_inputs[i], _labels[i]);
            }

            public void Dispose()
            {
                foreach (Tensor t in _inputs) t.Dispose();
                foreach (Tensor t in _labels) t.Dispose();
                _model.Dispose();
            }
        }

        private sealed class TwinInference : IDisposable
        {
            private readonly TorchClassifier _model;
            private readonly Tensor _input;

            [MethodImpl(MethodImplOptions.NoInlining)]
            public TwinInference(Contestants contestants, IClassifierNetwork ours, float[] input, int batch)
            {
                _model = new TorchClassifier(contestants.Twin(), StateDict.Of(ours.Save), contestants.Optimizer);
                _input = TorchClassifier.Images(input, batch);
                _model.Eval();
            }

            public void Run() => _model.Infer(_input);

            public float[] Output() => _model.InferToArray(_input);

            public void Dispose()
            {
                _input.Dispose();
                _model.Dispose();
            }
        }
    }
}
