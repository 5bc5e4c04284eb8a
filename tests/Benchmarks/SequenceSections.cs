using System;
using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace TensorForge.Benchmarks
{
    /// <summary>Section 15 (<c>--only seq</c>): samples/Words' sequence models against TorchSharp twins with the same weights,
    /// one thread each and then all cores each — the LSTM model's train step (batch 64, T = 16, embedding 32, hidden 128;
    /// ≤ 0.5× TorchSharp), the causal Transformer's (d = 64, 4 heads, feed-forward 256, 2 layers; ≤ 0.6×), and inference
    /// of one sequence of each (≤ 0.3×). Issue 8's targets.</summary>
    internal sealed partial class SequenceSections
    {
        private const int TrainBatch = 64;
        private const int PoolSize = 64;
        private readonly Options _options;

        public SequenceSections(Options options) => _options = options;

        /// <summary>One model and its twin; <paramref name="Labels"/> relabels a batch of words for a model that does not
        /// predict the next tokens.</summary>
        private sealed record Contestants(string Name, Func<ITokenNetwork> Ours, Func<nn.Module<Tensor, Tensor>> Twin,
            TorchLanguageModel.Recipe Recipe, bool Dropout, Func<WordData.Batch, WordData.Batch>? Labels = null)
        {
            public WordData.Batch[] Batches(WordData.Batch[] words) => Labels is null ? words : Array.ConvertAll(words, b => Labels(b));
        }

        private static Contestants Lstm => new("LSTM", () => new BenchWordsLstm(), Twins.Lstm, TorchLanguageModel.LstmRecipe, Dropout: false);
        private static Contestants Transformer => new("Transformer", () => new BenchWordsTransformer(), Twins.Transformer, TorchLanguageModel.TransformerRecipe, Dropout: true);

        private static class Twins
        {
            [MethodImpl(MethodImplOptions.NoInlining)]
            public static nn.Module<Tensor, Tensor> Lstm() => new TorchCharRnn(lstm: true, 32, 128);

            [MethodImpl(MethodImplOptions.NoInlining)]
            public static nn.Module<Tensor, Tensor> Transformer() => new TorchCharTransformer(64, 4, 256, 0.1, 2);
        }

        public void Run()
        {
            foreach (int threads in Environment.ProcessorCount > 1 ? new[] { 1, Environment.ProcessorCount } : new[] { 1 })
            {
                using var setting = new ThreadSetting(threads, _options.PauseMilliseconds, judgeOneThread: true);
                var table = new Table($"15{setting.Suffix}. Words sequence models (T = 16 tokens, vocabulary 27), {setting.Title}",
                    "network", "call", "batch", "ours µs", "TorchSharp µs", "ours/torch time", "target", "verdict", "check");
                TrainRow(table, setting, Lstm, 0.5);
                InferenceRow(table, setting, Lstm, 1, 0.3);
                InferenceRow(table, setting, Lstm, TrainBatch, double.NaN);
                TrainRow(table, setting, Transformer, 0.6);
                InferenceRow(table, setting, Transformer, 1, 0.3);
                InferenceRow(table, setting, Transformer, TrainBatch, double.NaN);
                AttentionRows(table, setting);
                table.Note($"Median of {_options.Repetitions} interleaved repetitions; each call takes the next of {PoolSize} batches of words ({WordData.Shared.Source},");
                table.Note("the sample's tokens: [batch, 16] ids, labels −100 at padded positions). Ratios are medians of per-repetition ratios. Both start");
                table.Note("from the same weights (the twin loads our Save output by state_dict name).");
                table.Note($"LSTM: embedding 32 → LSTM 128 → Dense 27 per step ({BenchWordsLstm.ParameterCount:N0} parameters); Transformer: embedding 64 + sinusoidal");
                table.Note($"positions → 2 causal post-norm encoder layers (4 heads, feed-forward 256, dropout 0.1) → Dense 27 ({BenchWordsTransformer.ParameterCount:N0} parameters).");
                table.Note("Both: SoftmaxCrossEntropy per step (ignore −100), Adam with gradient clipping 1.0 and cosine annealing, as samples/Words.");
                AttentionNotes(table);
                table.Note("Train step = ours: TrainStep; torch: zero_grad, forward, CrossEntropyLoss, backward, clip_grad_norm_, Adam step, CosineAnnealingLR");
                table.Note("step, in a dispose scope. Inference = our Forward against the twin's forward in eval mode under no_grad.");
                table.Note("Twins: nn.Embedding, nn.LSTM(batch_first), nn.Linear; nn.TransformerEncoderLayer ×2 (sequence-first in TorchSharp 0.107:");
                table.Note("transposed around the stack) with the causal float mask. check: train step — max |Δ loss| over the first 3 steps from the same");
                table.Note("weights and batches (— for the Transformer: its dropout masks differ); inference — max |Δ| of the logits (no_grad twin).");
                setting.Notes(table, onnxRuntime: false);
                if (!TorchPeer.Available)
                    table.Note("TorchSharp unavailable: " + TorchPeer.UnavailableReason);
                table.Print();
            }
            Split(Lstm);
            Split(Transformer);
        }

        private void TrainRow(Table table, ThreadSetting setting, Contestants contestants, double target)
        {
            Timing.Settle();
            WordData.Batch[] pool = contestants.Batches(WordData.Shared.Pool(TrainBatch, PoolSize));
            ITokenNetwork ours = contestants.Ours();
            int next = 0;
            Action oursStep = () =>
            {
                WordData.Batch b = pool[next++ & (PoolSize - 1)];
                ours.TrainStep(b.Tokens, b.Labels);
            };

            TwinTrainer? twin = TorchPeer.Available ? new TwinTrainer(contestants, ours, pool) : null;
            string check = "—";
            if (twin is not null && !contestants.Dropout)
            {
                ITokenNetwork fresh = contestants.Ours();
                double worst = 0;
                for (int s = 0; s < 3; s++)
                    worst = Math.Max(worst, Math.Abs(fresh.TrainStep(pool[s].Tokens, pool[s].Labels) - twin.CheckStep(s)));
                twin.Restart();
                check = "loss Δ " + Report.Number(worst, "E1");
            }
            double[][] samples = Timing.Samples(_options, setting.QuietMilliseconds,
                new Contender("ours", oursStep), new Contender("torch", twin is null ? null : twin.Step));
            twin?.Dispose();
            AddRow(table, setting, contestants.Name, "train step", TrainBatch, samples, target, check);
        }

        private void InferenceRow(Table table, ThreadSetting setting, Contestants contestants, int batch, double target)
        {
            Timing.Settle();
            WordData.Batch input = WordData.Shared.HeldOutPool(batch, 1)[0];
            ITokenNetwork ours = contestants.Ours();
            var output = new float[batch * ours.OutputSize];
            ours.Forward(input.Tokens, output);
            TwinInference? twin = TorchPeer.Available ? new TwinInference(contestants, ours, input) : null;
            string check = twin is null ? "—" : "logits Δ " + Report.Number(ConvNetSections.MaxAbsDiff(output, twin.Output()), "E1");
            double[][] samples = Timing.Samples(_options, setting.QuietMilliseconds,
                new Contender("ours", () => ours.Forward(input.Tokens, output)), new Contender("torch", twin is null ? null : twin.Run));
            twin?.Dispose();
            AddRow(table, setting, contestants.Name, "inference", batch, samples, target, check);
        }

        private static void AddRow(Table table, ThreadSetting setting, string network, string call, int batch, double[][] samples, double target, string check)
        {
            double ratio = Timing.PairedRatio(samples[0], samples[1]);
            bool judged = !double.IsNaN(target);
            table.Row(network, call, batch.ToString(), Report.Micros(Timing.Median(samples[0])), Report.Micros(Timing.Median(samples[1])), Report.Ratio(ratio),
                judged ? "≤" + target.ToString("F1") + "×" : "—",
                judged ? setting.Verdict($"Words {network} {call} batch {batch} ≤ {target:F1}× TorchSharp", ratio, target) : "—", check);
        }

        /// <summary>Our train step and its public pieces, each timed alone, one thread.</summary>
        private void Split(Contestants contestants)
        {
            KernelThreads.Set(1);
            Timing.Settle();
            WordData.Batch b = WordData.Shared.Pool(TrainBatch, 1)[0];
            ITokenNetwork network = contestants.Ours();
            int outputs = TrainBatch * WordData.Length * WordData.Vocabulary;
            var logits = new float[outputs];
            var gradient = new float[outputs];
            var random = new SeededRandom(5);
            for (int i = 0; i < gradient.Length; i++) gradient[i] = (random.NextSingle() - 0.5f) / outputs;
            network.TrainStep(b.Tokens, b.Labels);
            var calls = new (string Name, Action Call)[]
            {
                ("TrainStep", () => network.TrainStep(b.Tokens, b.Labels)),
                ("ForwardTrain", () => network.ForwardTrain(b.Tokens, logits)),
                ("ZeroGradients + Backward", () => { network.ZeroGradients(); network.Backward(gradient, default); }),
                ("Step (clipping, Adam, schedule)", network.Step),
                ("Forward (inference)", () => network.Forward(b.Tokens, logits)),
            };
            double[][] samples = Timing.Samples(_options, Array.ConvertAll(calls, c => new Contender(c.Name, c.Call)));
            double step = Timing.Median(samples[0]);
            var table = new Table($"15c. Where our Words {contestants.Name} train step goes (batch {TrainBatch}, one thread)", "call", "µs", "of TrainStep");
            for (int i = 0; i < calls.Length; i++)
                table.Row(calls[i].Name, Report.Micros(Timing.Median(samples[i])), Report.Percent(Timing.Median(samples[i]) / step));
            table.Note($"Medians of {_options.Repetitions} interleaved repetitions; the generated network's public members.");
            table.Print();
        }

        /// <summary>The twin with the batches already turned into tensors.</summary>
        private sealed class TwinTrainer : IDisposable
        {
            private readonly Contestants _contestants;
            private readonly System.Collections.Generic.List<NamedTensor> _start;
            private readonly Tensor[] _tokens, _labels;
            private TorchLanguageModel _model;
            private int _next;

            [MethodImpl(MethodImplOptions.NoInlining)]
            public TwinTrainer(Contestants contestants, ITokenNetwork ours, WordData.Batch[] pool)
            {
                _contestants = contestants;
                _start = StateDict.Of(ours.Save);
                _model = new TorchLanguageModel(contestants.Twin(), _start, contestants.Recipe);
                _tokens = new Tensor[pool.Length];
                _labels = new Tensor[pool.Length];
                for (int i = 0; i < pool.Length; i++)
                {
                    _tokens[i] = TorchLanguageModel.Tokens(pool[i].Tokens, pool[i].Words);
                    _labels[i] = TorchLanguageModel.Labels(pool[i].Labels);
                }
            }

            public float CheckStep(int index) => _model.TrainStep(_tokens[index], _labels[index], wantLoss: true);

            [MethodImpl(MethodImplOptions.NoInlining)]
            public void Restart()
            {
                _model.Dispose();
                _model = new TorchLanguageModel(_contestants.Twin(), _start, _contestants.Recipe);
                _next = 0;
            }

            public void Step()
            {
                int i = _next++ & (PoolSize - 1);
                _model.TrainStep(_tokens[i], _labels[i]);
            }

            public void Dispose()
            {
                foreach (Tensor t in _tokens) t.Dispose();
                foreach (Tensor t in _labels) t.Dispose();
                _model.Dispose();
            }
        }

        private sealed class TwinInference : IDisposable
        {
            private readonly TorchLanguageModel _model;
            private readonly Tensor _tokens;

            [MethodImpl(MethodImplOptions.NoInlining)]
            public TwinInference(Contestants contestants, ITokenNetwork ours, WordData.Batch input)
            {
                _model = new TorchLanguageModel(contestants.Twin(), StateDict.Of(ours.Save), contestants.Recipe);
                _tokens = TorchLanguageModel.Tokens(input.Tokens, input.Words);
                _model.Eval();
            }

            public void Run() => _model.Infer(_tokens, noGrad: true);

            public float[] Output() => _model.InferToArray(_tokens, noGrad: true);

            public void Dispose()
            {
                _tokens.Dispose();
                _model.Dispose();
            }
        }
    }
}
