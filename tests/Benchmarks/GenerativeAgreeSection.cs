using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace TensorForge.Benchmarks
{
    /// <summary>A decoder: Dense → Unflatten → ConvTranspose2D (stride 2) → Upsample ×2 → ConvTranspose2D, MSE summed per sample.</summary>
    [Network(Loss = Loss.MeanSquaredError, Reduction = Reduction.SumPerSample, Seed = 21)]
    [Input(16)]
    [Dense(392, Activation = Activation.ReLU)]
    [Unflatten(8, 7, 7)]
    [ConvTranspose2D(8, 4, Stride = 2, Padding = 1, Activation = Activation.ReLU)]
    [Upsample(2)]
    [ConvTranspose2D(1, 3, Padding = 1)]
    [Sgd(LearningRate = 0.01f)]
    public partial class AgreeDecoder;

    /// <summary>The other transposed-convolution options: output padding, groups, dilation, no bias, a fused tanh; MSE summed over the batch.</summary>
    [Network(Loss = Loss.MeanSquaredError, Reduction = Reduction.Sum, Seed = 22)]
    [Input(4, 5, 5)]
    [ConvTranspose2D(6, 3, Stride = 2, Padding = 1, OutputPadding = 1, Groups = 2, Activation = Activation.Tanh)]
    [ConvTranspose2D(2, 2, 3, Dilation = 2, Bias = false)]
    [Upsample(3)]
    [Sgd(LearningRate = 0.01f)]
    public partial class AgreeTransposedOptions;

    /// <summary>A small MLP VAE: encoder to (μ, log σ²) of 8 latents, Reparameterize, decoder; BCE with logits summed per image.</summary>
    [Network(Loss = Loss.BinaryCrossEntropyWithLogits, Reduction = Reduction.SumPerSample, Seed = 23)]
    [Input(784)]
    [Dense(64, Activation = Activation.ReLU, Name = "fc1")]
    [Dense(16, Name = "fc2")]
    [Reparameterize(Name = "z")]
    [Dense(64, Activation = Activation.ReLU, Name = "fc3")]
    [Dense(784, Name = "fc4")]
    [Sgd(LearningRate = 0.01f)]
    public partial class AgreeVae;

    /// <summary>Section 13: agreement of the generative layers with PyTorch (TorchSharp) to 1e-4 — ConvTranspose2d, Upsample
    /// (nearest), Unflatten and a VAE's reparameterisation with its KL term — in inference and over one SGD step under the
    /// sum and per-sample-sum reductions: the loss, every gradient and every weight afterwards. Both start from the same
    /// weights (the twin loads our Save output by name); the VAE's ε is replayed from the network's seeded stream.
    /// The twin runs in float64: TorchSharp 0.107's float32 transposed convolutions go through oneDNN, whose results are
    /// wrong when the channel counts are not multiples of its 16-channel block (section 12's note on conv2d input gradients;
    /// conv_transpose2d is the same operation) — a decoder's last layer has 1 channel. The float32 twin's inference is shown
    /// as a diagnosis row.</summary>
    internal static class GenerativeAgreeSection
    {
        private const int Batch = 8;

        public static bool Run(Options options)
        {
            var table = new Table($"13. Generative layers against PyTorch (TorchSharp {TorchPeer.Version}), one thread, batch {Batch}, one SGD step (lr 0.01)",
                "network", "compared", "shape", "max |Δ|", "max |Δ|/max(1, |ref|)", "verdict");
            if (!TorchPeer.Available)
            {
                table.Note("TorchSharp unavailable: " + TorchPeer.UnavailableReason + ". Nothing was compared.");
                table.Print();
                Report.Check("generative layers agree with PyTorch to 1e-4 (TorchSharp unavailable)", null);
                return false;
            }
            int savedThreads = Kernels.Gemm.MaxThreads;
            Kernels.Gemm.MaxThreads = 1;
            try
            {
                bool all = true;
                all &= Decoder(table);
                all &= TransposedOptions(table);
                all &= Vae(table);
                table.Note("An element agrees when |ours − torch| ≤ 1e-4 · max(1, |torch|). Twins: nn.Linear, nn.ReLU, nn.Unflatten(1, (8, 7, 7)),");
                table.Note("nn.ConvTranspose2d (weight [in, out/groups, kh, kw]), nn.Upsample(scale_factor, mode='nearest'), nn.Tanh; losses");
                table.Note("F.mse_loss / F.binary_cross_entropy_with_logits with reduction='sum' (divided by the batch for SumPerSample); the VAE's");
                table.Note("z = mu + exp(0.5·logvar)·eps and KL = −0.5·Σ(1 + logvar − mu² − exp(logvar)) as in PyTorch's examples/vae, eps the");
                table.Note("batch × 8 standard normals our network draws (SeededRandom(~seed).NextGaussian, row-major). One SGD step: p − 0.01·∇.");
                table.Note("The twin runs in float64 (same weights, inputs and ε): TorchSharp 0.107's float32 conv_transpose2d goes through oneDNN, which is");
                table.Note("wrong when the channels are not multiples of 16 (see section 12's note; here 8 and 1 channels). The diagnosis row compares our");
                table.Note("inference with the float32 twin; our results match the float64 twin to ~1e-7.");
                table.Print();
                Report.Check("generative layers agree with PyTorch to 1e-4 (ConvTranspose2D, Upsample, Unflatten, Reparameterize + KL; Sum and SumPerSample)", all);
                return all;
            }
            finally
            {
                Kernels.Gemm.MaxThreads = savedThreads;
            }
        }

        private static (double MaxAbs, double MaxScaled) Difference(float[] ours, float[] theirs)
        {
            if (ours.Length != theirs.Length)
                return (double.PositiveInfinity, double.PositiveInfinity);
            double maxAbs = 0, maxScaled = 0;
            for (int i = 0; i < ours.Length; i++)
            {
                double d = Math.Abs((double)ours[i] - theirs[i]);
                if (!(d <= maxAbs)) maxAbs = double.IsNaN(d) ? double.PositiveInfinity : d;
                double scaled = d / Math.Max(1.0, Math.Abs(theirs[i]));
                if (!(scaled <= maxScaled)) maxScaled = double.IsNaN(scaled) ? double.PositiveInfinity : scaled;
            }
            return (maxAbs, maxScaled);
        }

        private static bool Row(Table table, string network, string compared, float[] ours, float[] theirs)
        {
            var (maxAbs, maxScaled) = Difference(ours, theirs);
            bool pass = maxScaled <= AgreeSection.Tolerance;
            table.Row(network, compared, $"[{ours.Length}]", Report.Number(maxAbs, "E1"), Report.Number(maxScaled, "E1"), pass ? "PASS" : "FAIL");
            return pass;
        }

        private static float[] Values(Tensor t) => t.detach().to(ScalarType.Float32).contiguous().data<float>().ToArray();

        /// <summary>The twin's parameters in our Parameters order (the twin's named_parameters order, which our layout follows).</summary>
        private static float[] Flat(IEnumerable<Tensor> tensors) => tensors.SelectMany(Values).ToArray();

        private static Tensor Double(float[] values, long[] shape) => torch.tensor(values.Select(v => (double)v).ToArray(), shape, ScalarType.Float64);

        /// <summary>Inference, the loss of one TrainStep, its gradients and the weights after it, against the twin run in float64
        /// (PyTorch's semantics in exact-enough arithmetic), plus a diagnosis row for the twin's float32 inference.</summary>
        private static bool Step<T>(Table table, string network, T ours, nn.Module<Tensor, Tensor> twin, float[] input, float[] targets,
            Func<T, float> trainStep, Func<Tensor, Tensor, Tensor> loss, long[] inputShape) where T : ITrainableNetwork
        {
            List<NamedTensor> start = StateDict.Of(ours.Save);
            bool all = true;
            var output = new float[targets.Length];
            ours.Forward(input, output);

            // Diagnosis (no verdict): the twin in float32, where libtorch's oneDNN computes transposed convolutions.
            TorchClassifier.Load(twin, start);
            twin.eval();
            using (no_grad())
            using (Tensor x32 = torch.tensor(input, inputShape))
            using (Tensor inferred = twin.forward(x32))
            {
                var (maxAbs, maxScaled) = Difference(output, Values(inferred.reshape(Batch, -1)));
                table.Row(network, "diagnosis: Forward vs PyTorch float32", $"[{output.Length}]", Report.Number(maxAbs, "E1"), Report.Number(maxScaled, "E1"),
                    maxScaled <= AgreeSection.Tolerance ? "(within 1e-4)" : "(beyond 1e-4)");
            }

            twin.to(ScalarType.Float64);
            TorchClassifier.Load(twin, start);
            using Tensor x = Double(input, inputShape);
            using Tensor target = Double(targets, new long[] { Batch, targets.Length / Batch });
            using (no_grad())
            using (Tensor inferred = twin.forward(x))
                all &= Row(table, network, "Forward (inference)", output, Values(inferred.reshape(Batch, -1)));

            twin.train();
            twin.zero_grad();
            using Tensor y = twin.forward(x).reshape(Batch, -1);
            using Tensor l = loss(y, target);
            l.backward();
            float ourLoss = trainStep(ours);
            all &= Row(table, network, "loss of the step", new[] { ourLoss }, new[] { (float)l.item<double>() });
            var parameters = twin.parameters().ToList();
            all &= Row(table, network, "gradients", ours.Gradients.ToArray(), Flat(parameters.Select(p => p.grad!)));
            float[] stepped;
            using (no_grad())
                stepped = Flat(parameters.Select(p => p - 0.01 * p.grad!));
            all &= Row(table, network, "weights after the step", ours.Parameters.ToArray(), stepped);
            return all;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static bool Decoder(Table table)
        {
            var ours = new AgreeDecoder();
            float[] latents = Random(Batch * 16, 1, -1f, 1f);
            float[] images = Random(Batch * 784, 2, 0f, 1f);
            using var twin = nn.Sequential(
                ("dense1", nn.Linear(16, 392)), ("relu1", nn.ReLU()), ("unflatten1", nn.Unflatten(1, new long[] { 8, 7, 7 })),
                ("convtranspose2d1", nn.ConvTranspose2d(8, 8, 4, stride: 2, padding: 1)), ("relu2", nn.ReLU()),
                ("upsample1", nn.Upsample(scale_factor: new double[] { 2, 2 }, mode: UpsampleMode.Nearest)),
                ("convtranspose2d2", nn.ConvTranspose2d(8, 1, 3, padding: 1)));
            return Step(table, "decoder (SumPerSample)", ours, twin, latents, images, n => n.TrainStep(latents, images),
                (y, t) => nn.functional.mse_loss(y, t, reduction: nn.Reduction.Sum) / Batch, new long[] { Batch, 16 });
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static bool TransposedOptions(Table table)
        {
            var ours = new AgreeTransposedOptions();
            float[] input = Random(Batch * AgreeTransposedOptions.InputSize, 3, -1f, 1f);
            float[] targets = Random(Batch * AgreeTransposedOptions.OutputSize, 4, -1f, 1f);
            using var twin = nn.Sequential(
                ("convtranspose2d1", nn.ConvTranspose2d(4, 6, 3, stride: 2, padding: 1, output_padding: 1, groups: 2)), ("tanh", nn.Tanh()),
                ("convtranspose2d2", nn.ConvTranspose2d(6, 2, (2, 3), dilation: (2, 2), bias: false)),
                ("upsample1", nn.Upsample(scale_factor: new double[] { 3, 3 }, mode: UpsampleMode.Nearest)));
            return Step(table, "output padding, groups, dilation (Sum)", ours, twin, input, targets, n => n.TrainStep(input, targets),
                (y, t) => nn.functional.mse_loss(y, t, reduction: nn.Reduction.Sum), new long[] { Batch, 4, 5, 5 });
        }

        /// <summary>The VAE's twin: encoder, z = μ + exp(½ log σ²)·ε with the given ε in training (μ in eval), decoder.</summary>
        private sealed class TorchVae : nn.Module<Tensor, Tensor>
        {
            private readonly nn.Module<Tensor, Tensor> fc1 = nn.Linear(784, 64), fc2 = nn.Linear(64, 16), fc3 = nn.Linear(8, 64), fc4 = nn.Linear(64, 784);
            public Tensor? Noise { get; set; }
            public Tensor? Kl { get; private set; }

            public TorchVae() : base("vae") => RegisterComponents();

            public override Tensor forward(Tensor x)
            {
                Tensor h = fc2.forward(nn.functional.relu(fc1.forward(x)));
                Tensor mu = h.narrow(1, 0, 8), logVariance = h.narrow(1, 8, 8);
                Tensor z = training ? mu + (0.5 * logVariance).exp() * Noise! : mu;
                Kl = -0.5 * (1 + logVariance - mu.pow(2) - logVariance.exp()).sum();
                return fc4.forward(nn.functional.relu(fc3.forward(z)));
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static bool Vae(Table table)
        {
            var ours = new AgreeVae();
            DigitBatches.Batch batch = DigitBatches.Shared.Pool(Batch, first: 0, count: 1)[0];
            float[] images = batch.Images.Select(v => Math.Clamp(v, 0f, 1f)).ToArray();
            // ε as our network draws it: one standard normal per latent of each sample, from SeededRandom(~seed), in order.
            var random = new SeededRandom(~(long)23);
            float[] noise = Enumerable.Range(0, Batch * 8).Select(_ => random.NextGaussian()).ToArray();
            using var twin = new TorchVae();
            using Tensor epsilon = Double(noise, new long[] { Batch, 8 });
            twin.Noise = epsilon;
            bool all = Step(table, "VAE 784-64-16|8-64-784 (SumPerSample)", ours, twin, images, images, n => n.TrainStep(images, images),
                (y, t) => nn.functional.binary_cross_entropy_with_logits(y, t, reduction: nn.Reduction.Sum) / Batch + twin.Kl! / Batch,
                new long[] { Batch, 784 });
            return all;
        }

        private static float[] Random(int count, int seed, float low, float high)
        {
            var random = new SeededRandom(seed);
            return Enumerable.Range(0, count).Select(_ => low + (high - low) * random.NextSingle()).ToArray();
        }
    }
}
