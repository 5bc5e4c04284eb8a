using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace TensorForge.Benchmarks
{
    /// <summary>Section 14 (<c>--only seqagree</c>): agreement with PyTorch (TorchSharp 0.107) to 1e-4 of the Words sequence
    /// models — an LSTM, a GRU and a two-layer causal Transformer encoder network — and of an LSTM word classifier with additive
    /// attention pooling, on real word batches with padded positions (labels −100; the classifier: each word's last letter):
    /// the inference logits, the losses and clipped gradients of several Adam steps (with clipping and the cosine schedule),
    /// and every parameter afterwards. Both start from the same weights (the twin loads our Save output by name).</summary>
    /// <remarks>Two comparisons, both float32 against float32. "Per step": before every step the twin is given our current
    /// weights, so the step's loss and gradients are compared at the same point and rounding cannot accumulate. "Trajectory":
    /// each side runs the steps from the same start with its own Adam state, and the weights are compared at the end; Adam
    /// divides every gradient element by its own running magnitude, so near-zero elements whose rounding differs can move
    /// weights by up to the learning rate — diagnosis rows measure both float32 runs against a float64 run of the twin.
    /// An element agrees when |ours − torch| ≤ 1e-4 · max(1, |torch|).</remarks>
    internal static class SequenceAgreeSection
    {
        public const double Tolerance = 1e-4;
        public const int Batch = 32;

        public static bool Run(Options options)
        {
            int steps = options.Quick ? 4 : 8;
            var table = new Table($"14. Sequence models: agreement with PyTorch (TorchSharp {TorchPeer.Version}), one thread, batch {Batch} words × 16 steps, {steps} Adam steps",
                "network", "compared", "shape", "max |Δ|", "max |Δ|/|ref|, |ref| > 1", "‖Δ‖/‖ref‖", "verdict");
            if (!TorchPeer.Available)
            {
                table.Note("TorchSharp unavailable: " + TorchPeer.UnavailableReason + ". Nothing was compared.");
                table.Print();
                Report.Check("sequence models agree with PyTorch to 1e-4 (TorchSharp unavailable)", null);
                return false;
            }
            KernelThreads.Set(1);
            bool all = true;
            all &= Compare(table, "LSTM 128", () => new BenchWordsLstm(), Twins.Lstm, steps);
            all &= Compare(table, "GRU 128", () => new BenchWordsGru(), Twins.Gru, steps);
            all &= Compare(table, "Transformer ×2", () => new AgreeWordsTransformer(), Twins.Transformer, steps);
            all &= Compare(table, "LSTM + attention", () => new BenchWordsAttention(), Twins.Attention, steps);
            table.Note($"Networks: the Words models of section 15 (embedding 32 → LSTM or GRU 128 → Dense 27; embedding 64 + sinusoidal positions → 2 causal");
            table.Note($"post-norm encoder layers, 4 heads, feed-forward 256, dropout 0 → Dense 27), Adam with clip_grad_norm_ 1.0 and CosineAnnealingLR.");
            table.Note("LSTM + attention: a word classifier, embedding 32 → LSTM 128 → AdditiveAttention(64) over all 16 steps → Dense 26, labelled with");
            table.Note("each word's last letter, same optimizer as the LSTM; its twin's pool is docs/generated-code.md's module (proj nn.Linear(128, 64),");
            table.Note("v nn.Linear(64, 1, bias=False), softmax over time of v(tanh(proj(x))), weighted sum).");
            table.Note($"Data: {WordData.Shared.Source}, training batches of {Batch} words in the sample's first-epoch order, tokens [32, 16] with labels −100 at");
            table.Note("padded positions (CrossEntropyLoss ignore_index, mean over counted labels); inference rows use 32 held-out words.");
            table.Note("Twins: nn.Embedding, nn.LSTM / nn.GRU (batch_first), nn.Linear; nn.TransformerEncoderLayer (post-norm, sequence-first in");
            table.Note("TorchSharp 0.107, so transposed around) with the causal mask of nn.Transformer.generate_square_subsequent_mask.");
            table.Note("Per-step rows: before each step the twin is loaded with our current weights, so loss and gradients (after clipping) are");
            table.Note("compared at the same point. Trajectory rows: each side runs all steps from the same start with its own optimizer state.");
            table.Note("An element agrees when |ours − torch| ≤ 1e-4 · max(1, |torch|). Diagnosis rows (no verdict): both float32 runs against the");
            table.Note("twin run in float64 from the same start and batches; and libtorch's no_grad inference against its grad-mode inference.");
            table.Note("Twin inference runs in eval mode with autograd on: on AMD EPYC (Zen) libtorch's float32 nn.LSTM under no_grad was seen to");
            table.Note("return wrong values (ONEDNN_MAX_CPU_ISA=AVX2 avoided it); the no_grad diagnosis rows show whether it happens at these sizes.");
            table.Print();
            return all;
        }

        /// <summary>The twins (TorchSharp types only behind these methods).</summary>
        private static class Twins
        {
            [MethodImpl(MethodImplOptions.NoInlining)]
            public static nn.Module<Tensor, Tensor> Lstm() => new TorchCharRnn(lstm: true, 32, 128);

            [MethodImpl(MethodImplOptions.NoInlining)]
            public static nn.Module<Tensor, Tensor> Gru() => new TorchCharRnn(lstm: false, 32, 128);

            [MethodImpl(MethodImplOptions.NoInlining)]
            public static nn.Module<Tensor, Tensor> Transformer() => new TorchCharTransformer(64, 4, 256, 0.0, 2);

            [MethodImpl(MethodImplOptions.NoInlining)]
            public static nn.Module<Tensor, Tensor> Lstm256() => new TorchCharRnn(lstm: true, 32, 256);

            [MethodImpl(MethodImplOptions.NoInlining)]
            public static nn.Module<Tensor, Tensor> Attention() => new TorchAttentionClassifier(32, 128, 64, WordEndings.Classes);
        }

        private static TorchLanguageModel.Recipe RecipeOf(ITokenNetwork ours) => ours switch
        {
            AgreeWordsTransformer => TorchLanguageModel.TransformerRecipe,
            BenchWordsAttention => WordEndings.Recipe,
            _ => TorchLanguageModel.LstmRecipe,
        };

        /// <summary>The batch with the labels <paramref name="ours"/> is trained on: next tokens, or one class per word.</summary>
        private static WordData.Batch LabelsOf(ITokenNetwork ours, WordData.Batch batch)
            => ours is BenchWordsAttention ? WordEndings.Label(batch) : batch;

        /// <summary>The shape of the logits of <paramref name="words"/> words.</summary>
        private static string OutputShape(ITokenNetwork ours, int words)
            => ours.OutputSize == WordData.Length * WordData.Vocabulary ? $"[{words}, {WordData.Length}, {WordData.Vocabulary}]" : $"[{words}, {ours.OutputSize}]";

        private sealed record Trace(float[] ForwardBefore, float[] Losses, Dictionary<string, NamedTensor> FirstGradients,
            Dictionary<string, NamedTensor> LastGradients, Dictionary<string, NamedTensor> State, float[] ForwardAfter);

        private static bool Compare(Table table, string network, Func<ITokenNetwork> fresh, Func<nn.Module<Tensor, Tensor>> factory, int steps)
        {
            bool all = true;
            void Row(string compared, string shape, Comparison c, bool judged = true)
            {
                if (judged)
                    all &= c.Pass;
                string verdict = judged ? (c.Pass ? "PASS" : "FAIL") : (c.Pass ? "(within 1e-4)" : "(beyond 1e-4)");
                table.Row(network, compared, shape, Report.Number(c.MaxAbs, "E1"), Report.Number(c.MaxRelLarge, "E1"), Report.Number(c.NormRatio, "E1"),
                    verdict + (c.Worst.Length > 0 && !c.Pass ? $" (worst: {c.Worst})" : ""));
            }

            ITokenNetwork ours = fresh();
            List<NamedTensor> start = StateDict.Of(ours.Save);
            Dictionary<string, (long[] Shape, int[] Index)> layout = ParameterMap(fresh());
            WordData.Batch[] batches = Array.ConvertAll(WordData.Shared.Pool(Batch, steps), b => LabelsOf(ours, b));
            WordData.Batch held = WordData.Shared.HeldOutPool(Batch, 1)[0];
            TorchLanguageModel.Recipe recipe = RecipeOf(ours);
            string logitsShape = OutputShape(ours, Batch);

            // Per step: the twin takes our weights before every step, so each step is compared from the same point.
            var stepLoss = new List<double>();
            Comparison? worstStep = null;
            int worstStepIndex = 0;
            Trace theirs, mine;
            Dictionary<string, NamedTensor> loaded;
            (float[] Grad, float[] NoGrad) modes, single;
            List<string> parameterOrder;
            using (var twin = Twin(factory, start, recipe, ScalarType.Float32))
            {
                loaded = twin.State();
                theirs = RunTwin(twin, batches, held);
                    modes = InferenceModes(factory, start, recipe, held);
                single = InferenceModes(factory, start, recipe, WordData.Shared.HeldOutPool(1, 1)[0]);
                parameterOrder = twin.Module.named_parameters().Select(p => p.name).ToList();
            }
            Row("loaded: twin state_dict vs our Save", $"{start.Count} tensors", Compare(start.ToDictionary(t => t.Name), loaded));
            Row("Parameters (mapped by loading 0, 1, 2, …) vs our Save", $"[{ours.ParameterCount}]", Compare(Slices(ours.Parameters, layout), start.ToDictionary(t => t.Name)));
            if (!Contiguous(layout, parameterOrder))
                table.Note($"{network}: Parameters is not in the twin's named_parameters order ({string.Join(", ", parameterOrder.Take(6))}, …); the rows map it by name.");

            mine = RunOurs(ours, layout, batches, held, perStep: (s, state, grads, loss) =>
            {
                using var twin = Twin(factory, state, recipe, ScalarType.Float32);
                using Tensor tokens = TorchLanguageModel.Tokens(batches[s].Tokens, batches[s].Words);
                using Tensor labels = TorchLanguageModel.Labels(batches[s].Labels);
                float torchLoss = twin.TrainStep(tokens, labels, wantLoss: true);
                stepLoss.Add(Math.Abs(loss - torchLoss) / Math.Max(1, Math.Abs(torchLoss)));
                Comparison c = Compare(grads, twin.Gradients());
                if (worstStep is null || c.MaxScaled > worstStep.MaxScaled)
                {
                    worstStep = c;
                    worstStepIndex = s + 1;
                }
            });

            Row("Forward (inference), initial weights", logitsShape, Compare(mine.ForwardBefore, theirs.ForwardBefore));
            Row($"per step: loss of steps 1–{steps}, each from our weights", $"[{steps}]",
                new Comparison(stepLoss.Max(), double.NaN, double.NaN, stepLoss.Max(), ""));
            Row($"per step: gradients after clipping, worst of steps 1–{steps} (step {worstStepIndex})", $"[{ours.ParameterCount}]", worstStep!);
            Row($"trajectory: loss of steps 1–{steps}", $"[{steps}]", Compare(mine.Losses, theirs.Losses));
            Row("trajectory: gradients of step 1", $"[{ours.ParameterCount}]", Compare(mine.FirstGradients, theirs.FirstGradients));
            Row($"trajectory: gradients of step {steps}", $"[{ours.ParameterCount}]", Compare(mine.LastGradients, theirs.LastGradients));
            foreach (var (name, tensor) in mine.State)
                Row($"trajectory: {name} after {steps} steps", tensor.ShapeText, Compare(tensor.Values, theirs.State[name].Values, ""));
            Row($"trajectory: Forward (inference) after {steps} steps", logitsShape, Compare(mine.ForwardAfter, theirs.ForwardAfter));

            Trace exact = NativeStderr.Silenced(() =>
            {
                using var twin = Twin(factory, start, recipe, ScalarType.Float64);
                return RunTwin(twin, batches, held);
            });
            foreach (var (label, trace) in new[] { ("ours", mine), ("PyTorch float32", theirs) })
            {
                Row($"diagnosis: {label} vs PyTorch float64, loss of steps 1–{steps}", $"[{steps}]", Compare(trace.Losses, exact.Losses), judged: false);
                Row($"diagnosis: {label} vs PyTorch float64, all tensors after {steps} steps", $"{trace.State.Count} tensors", Compare(trace.State, exact.State), judged: false);
                Row($"diagnosis: {label} vs PyTorch float64, Forward after {steps} steps", logitsShape, Compare(trace.ForwardAfter, exact.ForwardAfter), judged: false);
            }
            Row($"diagnosis: PyTorch float32 inference under no_grad vs grad mode, batch {Batch}", logitsShape, Compare(modes.NoGrad, modes.Grad), judged: false);
            Row("diagnosis: PyTorch float32 inference under no_grad vs grad mode, batch 1", OutputShape(ours, 1), Compare(single.NoGrad, single.Grad), judged: false);
            if (ours is BenchWordsLstm)
            {
                // The sample's width (LSTM 256), with PyTorch's own initialisation: where libtorch's no_grad LSTM path was seen to go wrong.
                foreach (int words in new[] { 1, 64 })
                {
                    var (grad, noGrad) = InferenceModes(Twins.Lstm256, null, recipe, WordData.Shared.HeldOutPool(words, 1)[0]);
                    Row($"diagnosis: PyTorch nn.LSTM(32, 256), its own init, no_grad vs grad mode, batch {words}", $"[{words}, 16, 27]", Compare(noGrad, grad), judged: false);
                }
            }
            Report.Check($"sequence agreement with PyTorch to 1e-4: {network} (forward, loss, gradients, weights after {steps} Adam steps)", all);
            return all;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static TorchLanguageModel Twin(Func<nn.Module<Tensor, Tensor>> factory, IReadOnlyList<NamedTensor>? state, TorchLanguageModel.Recipe recipe, ScalarType dtype)
            => new(factory(), state, recipe, dtype);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static (float[] Grad, float[] NoGrad) InferenceModes(Func<nn.Module<Tensor, Tensor>> factory, IReadOnlyList<NamedTensor>? state, TorchLanguageModel.Recipe recipe, WordData.Batch held)
        {
            using var twin = Twin(factory, state, recipe, ScalarType.Float32);
            using Tensor tokens = TorchLanguageModel.Tokens(held.Tokens, held.Words);
            return (twin.InferToArray(tokens), twin.InferToArray(tokens, noGrad: true));
        }

        private static Trace RunOurs(ITokenNetwork ours, Dictionary<string, (long[] Shape, int[] Index)> layout, WordData.Batch[] batches, WordData.Batch held,
            Action<int, List<NamedTensor>, Dictionary<string, NamedTensor>, float> perStep)
        {
            var output = new float[held.Words * ours.OutputSize];
            ours.Forward(held.Tokens, output);
            float[] before = (float[])output.Clone();
            var losses = new float[batches.Length];
            Dictionary<string, NamedTensor>? first = null, last = null;
            for (int s = 0; s < batches.Length; s++)
            {
                List<NamedTensor> state = StateDict.Of(ours.Save);
                losses[s] = ours.TrainStep(batches[s].Tokens, batches[s].Labels);
                Dictionary<string, NamedTensor> gradients = Slices(ours.Gradients, layout);
                perStep(s, state, gradients, losses[s]);
                if (s == 0) first = gradients;
                if (s == batches.Length - 1) last = gradients;
            }
            Dictionary<string, NamedTensor> after = StateDict.Of(ours.Save).ToDictionary(t => t.Name);
            ours.Forward(held.Tokens, output);
            return new Trace(before, losses, first!, last!, after, output);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Trace RunTwin(TorchLanguageModel twin, WordData.Batch[] batches, WordData.Batch held)
        {
            using Tensor heldTokens = TorchLanguageModel.Tokens(held.Tokens, held.Words);
            float[] before = twin.InferToArray(heldTokens);
            var losses = new float[batches.Length];
            Dictionary<string, NamedTensor>? first = null, last = null;
            for (int s = 0; s < batches.Length; s++)
            {
                using Tensor tokens = TorchLanguageModel.Tokens(batches[s].Tokens, batches[s].Words);
                using Tensor labels = TorchLanguageModel.Labels(batches[s].Labels);
                losses[s] = twin.TrainStep(tokens, labels, wantLoss: true);
                if (s == 0) first = twin.Gradients();
                if (s == batches.Length - 1) last = twin.Gradients();
            }
            return new Trace(before, losses, first!, last!, twin.State(), twin.InferToArray(heldTokens));
        }

        /// <summary>Where every element of every tensor of our Save lives in <c>Parameters</c>: a fresh network loads a copy of
        /// its own Save output whose float tensors hold 0, 1, 2, … in file order, and Parameters then names each position. (The
        /// file lists tensors by name, and an inlined TransformerEncoderLayer keeps its norm1 before linear1 in Parameters, so
        /// neither file order nor the twin's named_parameters order is Parameters' order.)</summary>
        private static Dictionary<string, (long[] Shape, int[] Index)> ParameterMap(ITokenNetwork fresh)
        {
            using var stream = new System.IO.MemoryStream();
            fresh.Save(stream);
            byte[] file = stream.ToArray();
            long headerLength = BitConverter.ToInt64(file, 0);
            int dataStart = 8 + (int)headerLength;
            using var header = System.Text.Json.JsonDocument.Parse(file.AsMemory(8, (int)headerLength));
            var tensors = new List<(string Name, long[] Shape, int Begin, int Count)>();
            foreach (var entry in header.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__" || entry.Value.GetProperty("dtype").GetString() != "F32")
                    continue;
                long[] offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                long[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                tensors.Add((entry.Name, shape, dataStart + (int)offsets[0], (int)(offsets[1] - offsets[0]) / 4));
            }
            int next = 0;
            foreach (var t in tensors.OrderBy(t => t.Begin))
            {
                for (int i = 0; i < t.Count; i++)
                    BitConverter.TryWriteBytes(file.AsSpan(t.Begin + 4 * i, 4), (float)next++);
            }
            fresh.Load(new System.IO.MemoryStream(file));
            ReadOnlySpan<float> parameters = fresh.Parameters;
            var map = new Dictionary<string, (long[] Shape, int[] Index)>();
            var position = new int[next];
            for (int k = 0; k < parameters.Length; k++)
                position[(int)parameters[k]] = k;
            next = 0;
            foreach (var t in tensors.OrderBy(t => t.Begin))
            {
                var index = new int[t.Count];
                for (int i = 0; i < t.Count; i++)
                    index[i] = position[next++];
                map[t.Name] = (t.Shape, index);
            }
            return map;
        }

        /// <summary>Our flat span (Parameters or Gradients) cut into named tensors by <paramref name="map"/>.</summary>
        private static Dictionary<string, NamedTensor> Slices(ReadOnlySpan<float> flat, Dictionary<string, (long[] Shape, int[] Index)> map)
        {
            var result = new Dictionary<string, NamedTensor>();
            int total = 0;
            foreach (var (name, (shape, index)) in map)
            {
                var values = new double[index.Length];
                for (int i = 0; i < index.Length; i++)
                    values[i] = flat[index[i]];
                result[name] = new NamedTensor(name, shape, values);
                total += index.Length;
            }
            if (total != flat.Length)
                throw new InvalidOperationException($"the Save tensors hold {total} values, Parameters {flat.Length}");
            return result;
        }

        /// <summary>Whether Parameters holds the tensors whole, one after another, in <paramref name="order"/>.</summary>
        private static bool Contiguous(Dictionary<string, (long[] Shape, int[] Index)> map, IEnumerable<string> order)
        {
            int expected = 0;
            foreach (string name in order)
            {
                foreach (int k in map[name].Index)
                {
                    if (k != expected++)
                        return false;
                }
            }
            return true;
        }

        // The statistics are Agreement's (shared with section 12); these overloads sit beside this class's own Compare.
        private static Comparison Compare(Dictionary<string, NamedTensor> ours, Dictionary<string, NamedTensor> torch) => Agreement.Compare(ours, torch);
        private static Comparison Compare(float[] ours, float[] torch) => Agreement.Compare(ours, torch);
        private static Comparison Compare(double[] ours, double[] torch, string name) => Agreement.Compare(ours, torch, name);
    }
}
