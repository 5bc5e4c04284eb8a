using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace TensorForge.Benchmarks
{
    /// <summary>Section 12: agreement with PyTorch (TorchSharp 0.107, libtorch 2.x) to 1e-4 — the inference output, the
    /// losses of several Adam steps on the same batches, the gradients, and every parameter and buffer afterwards — for
    /// LeNet-5 and for a residual network with BatchNorm (training mode with batch statistics, the running statistics after
    /// the steps, and inference with them). Both start from the same weights: the twin loads our Save output by name.</summary>
    /// <remarks>An element agrees when |ours − torch| ≤ 1e-4 · max(1, |torch|): absolute below magnitude 1, relative above.
    /// Any disagreement fails the section, and the benchmark's exit code is 1.</remarks>
    internal static class AgreeSection
    {
        public const double Tolerance = 1e-4;
        public const int Batch = 32;

        private sealed record Comparison(double MaxAbs, double MaxRelLarge, double NormRatio, double MaxScaled, string Worst)
        {
            public bool Pass => MaxScaled <= Tolerance;
        }

        /// <summary>Runs every check and prints the table; false when anything disagrees (or the twin is unavailable).</summary>
        public static bool Run(Options options)
        {
            int steps = options.Quick ? 5 : 10;
            var table = new Table($"12. Agreement with PyTorch (TorchSharp {TorchPeer.Version}), one thread, batch {Batch}, {steps} Adam steps: per tensor",
                "network", "compared", "shape", "max |Δ|", "max |Δ|/|ref|, |ref| > 1", "‖Δ‖/‖ref‖", "verdict");
            if (!TorchPeer.Available)
            {
                table.Note("TorchSharp unavailable: " + TorchPeer.UnavailableReason + ". Nothing was compared.");
                table.Print();
                Report.Check("agreement with PyTorch to 1e-4 (TorchSharp unavailable)", null);
                return false;
            }

            bool all = true;
            all &= Compare(table, "LeNet-5", new BenchLeNet5(), Twins.LeNet, batchNorm: false, steps);
#if TF_BATCHNORM
            all &= Compare(table, "residual + BN", new AgreeResidual(), Twins.Residual, batchNorm: true, steps);
#endif

            table.Note($"Both networks start from the same weights (the twin loads our Save output by state_dict name: the \"loaded\" row) and take the");
            table.Note($"same {steps} batches of {Batch} {DigitBatches.Shared.Source} (samples 0–{steps * Batch - 1}); inference rows use samples 8,000–8,031.");
            table.Note("An element agrees when |ours − torch| ≤ 1e-4 · max(1, |torch|). max |Δ|/|ref| is over elements with |torch| > 1 (— when none);");
            table.Note("‖Δ‖/‖ref‖ is the ratio of Euclidean norms over the tensor. Gradient rows cover every parameter of the step (worst tensor named).");
            table.Note("Twin: nn.Conv2d / MaxPool2d / BatchNorm2d / Linear (PyTorch defaults: BN eps 1e-5, momentum 0.1, running_var updated with the");
            table.Note("unbiased batch variance), CrossEntropyLoss (mean), optim.Adam(lr 1e-3, betas (0.9, 0.999), eps 1e-8); train mode for the steps and");
            table.Note("the training-mode forward, eval mode (running statistics) for inference. Ours: Gemm.MaxThreads = 1; TorchSharp: set_num_threads(1).");
#if !TF_BATCHNORM
            table.Note("The residual network with BatchNorm was not compared: this build has no BatchNorm kernel (src/Runtime/Kernels/Normalization).");
#endif
            table.Print();
            return all;
        }

        /// <summary>The twins (TorchSharp types only behind these methods).</summary>
        private static class Twins
        {
            [MethodImpl(MethodImplOptions.NoInlining)]
            public static nn.Module<Tensor, Tensor> LeNet() => TorchLeNet.Create();

            [MethodImpl(MethodImplOptions.NoInlining)]
            public static nn.Module<Tensor, Tensor> Residual() => new TorchResNet(8, new (long, int, long)[] { (8, 1, 1), (16, 1, 2) }, 10);
        }

        private static bool Compare(Table table, string network, IClassifierNetwork ours, Func<nn.Module<Tensor, Tensor>> twinFactory, bool batchNorm, int steps)
        {
            bool all = true;
            void Row(string compared, string shape, Comparison c)
            {
                all &= c.Pass;
                table.Row(network, compared, shape, Report.Number(c.MaxAbs, "E1"), Report.Number(c.MaxRelLarge, "E1"), Report.Number(c.NormRatio, "E1"),
                    (c.Pass ? "PASS" : "FAIL") + (c.Worst.Length > 0 && c.MaxScaled > 0 ? $" (worst: {c.Worst})" : ""));
            }

            List<NamedTensor> start = StateDict.Of(ours.Save);
            using var twin = new TorchClassifier(twinFactory(), start, TorchClassifier.Optimizer.Adam);
            List<(string Name, long[] Shape)> parameters = twin.ParameterShapes();

            // The twin's parameter order must be our Parameters' order (DESIGN.md §2): checked on the loaded values.
            Row("loaded: twin state_dict vs our Save", $"{start.Count} tensors", CompareStates(start, twin.State()));
            Row("Parameters layout = twin's named_parameters order", $"[{ours.ParameterCount}]",
                Compare(Slices(ours.Parameters, parameters), twin.State()));

            DigitBatches.Batch[] batches = DigitBatches.Shared.Pool(Batch, first: 0, count: steps);
            DigitBatches.Batch held = DigitBatches.Shared.Pool(Batch, first: 8000, count: 1)[0];
            using Tensor heldInput = TorchClassifier.Images(held.Images, Batch);
            var output = new float[Batch * 10];

            ours.Forward(held.Images, output);
            Row("Forward (inference), initial weights", $"[{Batch}, 10]", Compare(output, twin.InferToArray(heldInput)));

            if (batchNorm)
            {
                using Tensor first = TorchClassifier.Images(batches[0].Images, Batch);
                ours.ForwardTrain(batches[0].Images, output);
                Row("ForwardTrain (batch statistics), batch 1", $"[{Batch}, 10]", Compare(output, twin.ForwardTrainToArray(first)));
            }

            var oursLoss = new float[steps];
            var torchLoss = new float[steps];
            for (int s = 0; s < steps; s++)
            {
                using Tensor input = TorchClassifier.Images(batches[s].Images, Batch);
                using Tensor labels = TorchClassifier.Labels(batches[s].Labels);
                oursLoss[s] = ours.TrainStep(batches[s].Images, batches[s].Labels);
                torchLoss[s] = twin.TrainStepWithLoss(input, labels);
                if (s == 0 || s == steps - 1)
                    Row($"gradients of step {s + 1}", $"[{ours.ParameterCount}]", Compare(Slices(ours.Gradients, parameters), twin.Gradients()));
            }
            Row($"loss of steps 1–{steps}", $"[{steps}]", Compare(oursLoss, torchLoss));

            Dictionary<string, NamedTensor> torchState = twin.State();
            foreach (NamedTensor tensor in StateDict.Of(ours.Save))
            {
                string kind = tensor.Name.EndsWith("running_mean", StringComparison.Ordinal) || tensor.Name.EndsWith("running_var", StringComparison.Ordinal)
                    || tensor.Name.EndsWith("num_batches_tracked", StringComparison.Ordinal) ? "buffer" : "weights";
                Row($"{tensor.Name} after {steps} steps ({kind})", tensor.ShapeText, Compare(tensor.Values, torchState[tensor.Name].Values, ""));
            }

            ours.Forward(held.Images, output);
            Row($"Forward (inference{(batchNorm ? ", running statistics" : "")}) after {steps} steps", $"[{Batch}, 10]", Compare(output, twin.InferToArray(heldInput)));

            Report.Check($"agreement with PyTorch to 1e-4: {network} (forward, loss, gradients, weights{(batchNorm ? ", BN buffers" : "")} after {steps} Adam steps)", all);
            return all;
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

        /// <summary>Every tensor of <paramref name="ours"/> against the twin's tensor of the same name, as one comparison
        /// naming the worst tensor.</summary>
        private static Comparison Compare(Dictionary<string, NamedTensor> ours, Dictionary<string, NamedTensor> torch)
        {
            var accumulator = new Accumulator();
            foreach (var (name, tensor) in ours)
                accumulator.Add(tensor.Values, torch[name].Values, name);
            return accumulator.Result();
        }

        private static Comparison Compare(float[] ours, float[] torch)
            => Compare(Array.ConvertAll(ours, v => (double)v), Array.ConvertAll(torch, v => (double)v), "");

        private static Comparison Compare(double[] ours, double[] torch, string name)
        {
            var accumulator = new Accumulator();
            accumulator.Add(ours, torch, name);
            Comparison c = accumulator.Result();
            return c with { Worst = c.Pass ? "" : c.Worst.Length > 0 ? c.Worst : WorstElement(ours, torch) };
        }

        private static string WorstElement(double[] ours, double[] torch)
        {
            int worst = 0;
            double worstScaled = -1;
            for (int i = 0; i < ours.Length; i++)
            {
                double scaled = Math.Abs(ours[i] - torch[i]) / Math.Max(1, Math.Abs(torch[i]));
                if (scaled > worstScaled) { worstScaled = scaled; worst = i; }
            }
            return FormattableString.Invariant($"element {worst}: ours {ours[worst]:G9}, torch {torch[worst]:G9}");
        }

        private sealed class Accumulator
        {
            private double _maxAbs, _maxRelLarge = double.NaN, _maxScaled, _diffSquares, _refSquares, _worstTensorScaled = -1;
            private string _worst = "";

            public void Add(double[] ours, double[] torch, string name)
            {
                if (ours.Length != torch.Length)
                    throw new InvalidOperationException($"'{name}': ours has {ours.Length} values, torch {torch.Length}");
                double tensorScaled = 0;
                for (int i = 0; i < ours.Length; i++)
                {
                    double diff = Math.Abs(ours[i] - torch[i]);
                    if (double.IsNaN(diff)) diff = double.PositiveInfinity;
                    double magnitude = Math.Abs(torch[i]);
                    _maxAbs = Math.Max(_maxAbs, diff);
                    if (magnitude > 1)
                        _maxRelLarge = double.IsNaN(_maxRelLarge) ? diff / magnitude : Math.Max(_maxRelLarge, diff / magnitude);
                    tensorScaled = Math.Max(tensorScaled, diff / Math.Max(1, magnitude));
                    _diffSquares += diff * diff;
                    _refSquares += torch[i] * torch[i];
                }
                _maxScaled = Math.Max(_maxScaled, tensorScaled);
                if (tensorScaled > _worstTensorScaled)
                {
                    _worstTensorScaled = tensorScaled;
                    _worst = name;
                }
            }

            public Comparison Result() => new(_maxAbs, _maxRelLarge, _refSquares > 0 ? Math.Sqrt(_diffSquares / _refSquares) : Math.Sqrt(_diffSquares), _maxScaled, _worst);
        }
    }
}
