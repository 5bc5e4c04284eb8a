using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace TensorForge.Benchmarks
{
    /// <summary>Section 12: agreement with PyTorch (TorchSharp 0.107, libtorch 2.x) to 1e-4, for LeNet-5 and for a residual
    /// network with BatchNorm, both starting from the same weights (the twin loads our Save output by name). Two checks:
    /// <list type="number">
    /// <item>One step, against PyTorch float32 (the same arithmetic width as ours): the inference output, the training-mode
    /// output (batch statistics), the loss and every gradient of the first step, and every parameter and buffer after that
    /// one Adam step.</item>
    /// <item>The trajectory of several steps, against the same twin run in float64 (PyTorch's double-precision arithmetic,
    /// same start and batches): the loss of every step, the gradients of the last step, every parameter and buffer after the
    /// last step, and the inference output then. Not against float32: with BatchNorm over a small batch, float32 rounding is
    /// amplified step by step (Adam divides each gradient element by its own running magnitude), so that PyTorch's float32
    /// run drifts from its own float64 run — and from itself when only its thread count changes — by ~1e-3 within ten steps.
    /// The diagnosis rows (no verdict) show those float32-against-float32 figures.</item>
    /// </list></summary>
    /// <remarks>An element agrees when |ours − reference| ≤ 1e-4 · max(1, |reference|): absolute below magnitude 1, relative
    /// above. Any disagreement fails the section, and the benchmark's exit code is 1.</remarks>
    internal static class AgreeSection
    {
        public const double Tolerance = 1e-4;
        public const int Batch = 32;

        /// <summary>Runs every check and prints the table; false when anything disagrees (or the twin is unavailable).</summary>
        public static bool Run(Options options)
        {
            int steps = options.Quick ? 5 : 10;
            var table = new Table($"12. Agreement with PyTorch (TorchSharp {TorchPeer.Version}), one thread, batch {Batch}: step 1 against PyTorch float32, " +
                $"{steps} Adam steps against PyTorch float64",
                "network", "compared", "reference", "shape", "max |Δ|", "max |Δ|/|ref|, |ref| > 1", "‖Δ‖/‖ref‖", "verdict");
            if (!TorchPeer.Available)
            {
                table.Note("TorchSharp unavailable: " + TorchPeer.UnavailableReason + ". Nothing was compared.");
                table.Print();
                Report.Check("agreement with PyTorch to 1e-4 (TorchSharp unavailable)", null);
                return false;
            }

            bool all = true;
            all &= Compare(table, "LeNet-5", new BenchLeNet5(), Twins.LeNet, batchNorm: false, steps);
            all &= Compare(table, "residual + BN", new AgreeResidual(), Twins.Residual, batchNorm: true, steps);

            table.Note($"Both networks start from the same weights (the twin loads our Save output by state_dict name: the \"loaded\" row) and take the");
            table.Note($"same {steps} batches of {Batch} {DigitBatches.Shared.Source} (samples 0–{steps * Batch - 1}); inference rows use samples 8,000–8,031.");
            table.Note("An element agrees when |ours − ref| ≤ 1e-4 · max(1, |ref|). max |Δ|/|ref| is over elements with |ref| > 1 (— when none);");
            table.Note("‖Δ‖/‖ref‖ is the ratio of Euclidean norms over the tensor. Gradient rows cover every parameter of the step (worst tensor named).");
            table.Note("The definition: (1) one step against PyTorch float32, the same arithmetic width — forward (inference and, with BatchNorm, training");
            table.Note($"mode), loss, every gradient, and every parameter and buffer after one Adam step; (2) the {steps}-step trajectory against the same");
            table.Note("twin run in float64 (same start and batches) — every loss, the last step's gradients, every parameter and buffer after the last step,");
            table.Note("and inference then. Over several steps float32 against float32 is no test of semantics: Adam divides each gradient element by its own");
            table.Note("running magnitude, so rounding differences in near-zero gradient elements become weight differences of up to the learning rate, and");
            table.Note("BatchNorm over a batch of 32 amplifies them from step to step. The diagnosis rows (no verdict) show it: PyTorch float32 against its own");
            table.Note("float64 run, against itself with 2 threads instead of 1 (only its summation order differs), and ours against PyTorch float32.");
            table.Note("Twin: nn.Conv2d / MaxPool2d / BatchNorm2d / Linear (PyTorch defaults: BN eps 1e-5, momentum 0.1, running_var updated with the");
            table.Note("unbiased batch variance), CrossEntropyLoss (mean), optim.Adam(lr 1e-3, betas (0.9, 0.999), eps 1e-8); train mode for the steps and");
            table.Note("the training-mode forward, eval mode (running statistics) for inference. Ours: Gemm.MaxThreads = 1; TorchSharp: set_num_threads(1).");
            table.Note("Residual widths are 16 and 32 (multiples of oneDNN's 16-channel block): TorchSharp 0.107's oneDNN (v3.7.1, jit:avx512_core) returns");
            table.Note("wrong conv2d input gradients when the output channels are not a multiple of its block (8 → rel err ~1, 4 → also NaN) — see");
            table.Note("section 9's \"torch rel err\" on LeNet conv1 (1→6), where our kernel matches a double-precision reference to 1e-7.");
            table.Print();
            return all;
        }

        /// <summary>The twins (TorchSharp types only behind these methods).</summary>
        private static class Twins
        {
            [MethodImpl(MethodImplOptions.NoInlining)]
            public static nn.Module<Tensor, Tensor> LeNet() => TorchLeNet.Create();

            [MethodImpl(MethodImplOptions.NoInlining)]
            public static nn.Module<Tensor, Tensor> Residual() => new TorchResNet(16, new (long, int, long)[] { (16, 1, 1), (32, 1, 2) }, 10);
        }

        /// <summary>What one run records: inference output before and after the steps, the training-mode output (BatchNorm
        /// networks), the gradients of the first and last step, the losses, and the state_dict after the first and the last step.</summary>
        private sealed record Trace(float[] ForwardBefore, float[]? ForwardTrain, Dictionary<string, NamedTensor> FirstGradients,
            Dictionary<string, NamedTensor> LastGradients, float[] Losses, Dictionary<string, NamedTensor> StateAfterFirst,
            Dictionary<string, NamedTensor> State, float[] ForwardAfter);

        private static bool Compare(Table table, string network, IClassifierNetwork ours, Func<nn.Module<Tensor, Tensor>> twinFactory, bool batchNorm, int steps)
        {
            bool all = true;
            void Row(string compared, string reference, string shape, Comparison c, bool judged = true)
            {
                if (judged)
                    all &= c.Pass;
                string verdict = judged ? (c.Pass ? "PASS" : "FAIL") : (c.Pass ? "(within 1e-4)" : "(beyond 1e-4)");
                table.Row(network, compared, reference, shape, Report.Number(c.MaxAbs, "E1"), Report.Number(c.MaxRelLarge, "E1"), Report.Number(c.NormRatio, "E1"),
                    verdict + (c.Worst.Length > 0 && c.MaxScaled > 0 ? $" (worst: {c.Worst})" : ""));
            }
            const string Float32 = "PyTorch float32", Float64 = "PyTorch float64";

            List<NamedTensor> start = StateDict.Of(ours.Save);
            DigitBatches.Batch[] batches = DigitBatches.Shared.Pool(Batch, first: 0, count: steps);
            DigitBatches.Batch held = DigitBatches.Shared.Pool(Batch, first: 8000, count: 1)[0];

            Trace theirs;
            List<(string Name, long[] Shape)> parameters;
            using (var twin = Twin(twinFactory, start, ScalarType.Float32))
            {
                // The twin's parameter order must be our Parameters' order (DESIGN.md §2): checked on the loaded values.
                parameters = twin.ParameterShapes();
                Row("loaded: twin state_dict vs our Save", Float32, $"{start.Count} tensors", CompareStates(start, twin.State()));
                Row("Parameters layout = twin's named_parameters order", Float32, $"[{ours.ParameterCount}]", Compare(Slices(ours.Parameters, parameters), twin.State()));
                theirs = RunTwin(twin, batches, held, batchNorm);
            }
            Trace mine = RunOurs(ours, parameters, batches, held, batchNorm);
            Trace exact = NativeStderr.Silenced(() =>
            {
                using var twin = Twin(twinFactory, start, ScalarType.Float64);
                return RunTwin(twin, batches, held, batchNorm);
            });

            // (1) One step, float32 against float32.
            Row("Forward (inference), initial weights", Float32, $"[{Batch}, 10]", Compare(mine.ForwardBefore, theirs.ForwardBefore));
            if (batchNorm)
                Row("ForwardTrain (batch statistics), batch 1", Float32, $"[{Batch}, 10]", Compare(mine.ForwardTrain!, theirs.ForwardTrain!));
            Row("loss of step 1", Float32, "[1]", Compare(mine.Losses[..1], theirs.Losses[..1]));
            Row("gradients of step 1", Float32, $"[{ours.ParameterCount}]", Compare(mine.FirstGradients, theirs.FirstGradients));
            Row($"all {(batchNorm ? "parameters and buffers" : "parameters")} after step 1", Float32, $"{mine.StateAfterFirst.Count} tensors",
                Compare(mine.StateAfterFirst, theirs.StateAfterFirst));

            // (2) The trajectory, float32 against float64.
            Row($"loss of steps 1–{steps}", Float64, $"[{steps}]", Compare(mine.Losses, exact.Losses));
            Row($"gradients of step {steps}", Float64, $"[{ours.ParameterCount}]", Compare(mine.LastGradients, exact.LastGradients));
            foreach (var (name, tensor) in mine.State)
            {
                string kind = name.EndsWith("running_mean", StringComparison.Ordinal) || name.EndsWith("running_var", StringComparison.Ordinal)
                    || name.EndsWith("num_batches_tracked", StringComparison.Ordinal) ? "buffer" : "weights";
                Row($"{name} after {steps} steps ({kind})", Float64, tensor.ShapeText, Compare(tensor.Values, exact.State[name].Values, ""));
            }
            Row($"Forward (inference{(batchNorm ? ", running statistics" : "")}) after {steps} steps", Float64, $"[{Batch}, 10]", Compare(mine.ForwardAfter, exact.ForwardAfter));

            // Diagnosis, outside the verdict: the float32 trajectories against each other and against float64.
            Row($"diagnosis: ours, all tensors after {steps} steps", Float32, $"{mine.State.Count} tensors", Compare(mine.State, theirs.State), judged: false);
            Row($"diagnosis: ours, gradients of step {steps}", Float32, $"[{ours.ParameterCount}]", Compare(mine.LastGradients, theirs.LastGradients), judged: false);
            Row($"diagnosis: PyTorch float32, all tensors after {steps} steps", Float64, $"{theirs.State.Count} tensors", Compare(theirs.State, exact.State), judged: false);
            Row($"diagnosis: PyTorch float32, gradients of step {steps}", Float64, $"[{ours.ParameterCount}]", Compare(theirs.LastGradients, exact.LastGradients), judged: false);
            if (Environment.ProcessorCount > 1)
            {
                Trace twoThreads;
                TorchPeer.SetThreads(2);
                try
                {
                    using var twin = Twin(twinFactory, start, ScalarType.Float32);
                    twoThreads = RunTwin(twin, batches, held, batchNorm);
                }
                finally
                {
                    TorchPeer.SetThreads(1);
                }
                Row($"diagnosis: PyTorch float32 on 2 threads, all tensors after {steps} steps", "… on 1 thread", $"{theirs.State.Count} tensors",
                    Compare(twoThreads.State, theirs.State), judged: false);
            }

            Report.Check($"agreement with PyTorch to 1e-4: {network} (step 1 against float32: forward, loss, gradients, weights{(batchNorm ? ", BN buffers" : "")}; " +
                $"{steps} Adam steps against float64: losses, gradients, weights{(batchNorm ? ", BN buffers" : "")}, forward)", all);
            return all;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static TorchClassifier Twin(Func<nn.Module<Tensor, Tensor>> factory, List<NamedTensor> start, ScalarType dtype)
            => new(factory(), start, TorchClassifier.Optimizer.Adam, dtype);

        private static Trace RunOurs(IClassifierNetwork ours, List<(string Name, long[] Shape)> parameters, DigitBatches.Batch[] batches,
            DigitBatches.Batch held, bool batchNorm)
        {
            var output = new float[Batch * 10];
            ours.Forward(held.Images, output);
            float[] before = (float[])output.Clone();
            float[]? train = null;
            if (batchNorm)
            {
                ours.ForwardTrain(batches[0].Images, output);
                train = (float[])output.Clone();
            }
            var losses = new float[batches.Length];
            Dictionary<string, NamedTensor>? first = null, last = null, afterFirst = null;
            for (int s = 0; s < batches.Length; s++)
            {
                losses[s] = ours.TrainStep(batches[s].Images, batches[s].Labels);
                if (s == 0) first = Slices(ours.Gradients, parameters);
                if (s == 0) afterFirst = StateDict.Of(ours.Save).ToDictionary(t => t.Name);
                if (s == batches.Length - 1) last = Slices(ours.Gradients, parameters);
            }
            Dictionary<string, NamedTensor> state = StateDict.Of(ours.Save).ToDictionary(t => t.Name);
            ours.Forward(held.Images, output);
            return new Trace(before, train, first!, last!, losses, afterFirst!, state, output);
        }

        private static Trace RunTwin(TorchClassifier twin, DigitBatches.Batch[] batches, DigitBatches.Batch held, bool batchNorm)
        {
            using Tensor heldInput = TorchClassifier.Images(held.Images, Batch);
            float[] before = twin.InferToArray(heldInput);
            float[]? train = null;
            if (batchNorm)
            {
                using Tensor first = TorchClassifier.Images(batches[0].Images, Batch);
                train = twin.ForwardTrainToArray(first);
            }
            var losses = new float[batches.Length];
            Dictionary<string, NamedTensor>? firstGradients = null, lastGradients = null, afterFirst = null;
            for (int s = 0; s < batches.Length; s++)
            {
                using Tensor input = TorchClassifier.Images(batches[s].Images, Batch);
                using Tensor labels = TorchClassifier.Labels(batches[s].Labels);
                losses[s] = twin.TrainStepWithLoss(input, labels);
                if (s == 0) firstGradients = twin.Gradients();
                if (s == 0) afterFirst = twin.State();
                if (s == batches.Length - 1) lastGradients = twin.Gradients();
            }
            return new Trace(before, train, firstGradients!, lastGradients!, losses, afterFirst!, twin.State(), twin.InferToArray(heldInput));
        }

        /// <summary>Our flat span cut into the twin's parameters, by name.</summary>
        private static Dictionary<string, NamedTensor> Slices(ReadOnlySpan<float> flat, List<(string Name, long[] Shape)> parameters)
        {
            var result = new Dictionary<string, NamedTensor>();
            int offset = 0;
            foreach (var (name, shape) in parameters)
            {
                int count = (int)shape.Aggregate(1L, (a, b) => a * b);
                var values = new double[count];
                for (int i = 0; i < count; i++)
                    values[i] = flat[offset + i];
                result[name] = new NamedTensor(name, shape, values);
                offset += count;
            }
            if (offset != flat.Length)
                throw new InvalidOperationException($"the twin's parameters hold {offset} values, ours {flat.Length}");
            return result;
        }

        private static Comparison CompareStates(List<NamedTensor> ours, Dictionary<string, NamedTensor> torch)
            => Compare(ours.ToDictionary(t => t.Name), torch);

        // The statistics are Agreement's (shared with section 14); these overloads sit beside this class's own Compare.
        private static Comparison Compare(Dictionary<string, NamedTensor> ours, Dictionary<string, NamedTensor> torch) => Agreement.Compare(ours, torch);
        private static Comparison Compare(float[] ours, float[] torch) => Agreement.Compare(ours, torch);
        private static Comparison Compare(double[] ours, double[] torch, string name) => Agreement.Compare(ours, torch, name);
    }
}
