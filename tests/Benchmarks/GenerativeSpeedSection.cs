using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using TensorForge.Generative;
using TensorForge.Samples;
using TorchSharp;
using static TorchSharp.torch;

namespace TensorForge.Benchmarks
{
    /// <summary>Section 16: one training step of each generative sample's model — the VAE, the DCGAN and the MLP GAN (both
    /// networks' steps, as samples/Gan's <see cref="GanTraining"/> does them) and the diffusion U-Net denoiser — against
    /// TorchSharp twins with the same shapes, weights (copied from ours by state_dict name) and optimizers, one thread each
    /// and all cores each; with the time per epoch each step time gives (the samples' steps per epoch on the 8,000 training
    /// digits). The networks are the samples' own declarations, linked into this project, so the benchmark follows them.</summary>
    internal static class GenerativeSpeedSection
    {
        /// <summary>The samples' training split (issue 9): the first 8,000 digits.</summary>
        private const int TrainingDigits = 8_000;

        /// <summary>Batches each contender cycles through (the timings do not depend on the pixel values).</summary>
        private const int PoolCount = 8;

        /// <summary>One model's two contenders. <see cref="OursStep"/> and <see cref="TorchStep"/> run one training step and
        /// return its loss when asked to (reading torch's loss synchronises nothing on a CPU, but costs a little: the
        /// timed calls do not ask).</summary>
        private sealed class Contest : IDisposable
        {
            public required string Name { get; init; }
            public required int Batch { get; init; }
            public required Func<bool, float> OursStep { get; init; }
            public Func<bool, float>? TorchStep { get; init; }
            public required string LossName { get; init; }
            /// <summary>The first loss of the twin run in float64, where it is deterministic (see the diffusion note).</summary>
            public double Reference { get; init; } = double.NaN;
            /// <summary>Why there is no twin although TorchSharp loaded (the twin no longer matches the sample's network).</summary>
            public string? TwinProblem { get; init; }
            public List<IDisposable> Resources { get; } = new();

            public int StepsPerEpoch => TrainingDigits / Batch;

            public void Dispose()
            {
                foreach (IDisposable resource in Resources)
                    resource.Dispose();
            }
        }

        public static void Run(Options options)
        {
            var makers = new (string Name, Func<Contest> Make)[]
            {
                ("VAE", Vae), ("DCGAN", () => Gan("DCGAN", new DcganGenerator(), new DcganDiscriminator(),
                    TorchGenerativeNets.DcganGenerator, TorchGenerativeNets.DcganDiscriminator)),
                ("MLP GAN", () => Gan("MLP GAN", new MlpGenerator(), new MlpDiscriminator(),
                    TorchGenerativeNets.MlpGenerator, TorchGenerativeNets.MlpDiscriminator)),
                ("diffusion U-Net", Diffusion),
            };
            int[] threadCounts = Environment.ProcessorCount > 1 ? new[] { 1, Environment.ProcessorCount } : new[] { 1 };
            foreach (int threads in threadCounts)
            {
                using var setting = new ThreadSetting(threads, options.PauseMilliseconds, judgeOneThread: true);
                var table = new Table($"16{setting.Suffix}. Generative samples' training step against TorchSharp {TorchPeer.Version}, {setting.Title}",
                    "model (sample)", "batch", "steps/epoch", "ours ms/step", "torch ms/step", "ours/torch time", "ours s/epoch", "torch s/epoch",
                    "bar: ratio < 1", "first loss ours / torch");
                foreach (var (name, make) in makers)
                {
                    Timing.Settle();
                    using Contest contest = make();
                    string check = contest.TorchStep is null ? "—"
                        : $"{contest.LossName} {Report.Number(contest.OursStep(true), "F4")} / {Report.Number(contest.TorchStep(true), "F4")}" +
                          (double.IsNaN(contest.Reference) ? "" : $" (float64 twin {Report.Number(contest.Reference, "F4")})");
                    Action ours = () => contest.OursStep(false);
                    Action? torchStep = contest.TorchStep is { } t ? () => t(false) : null;
                    double[][] samples = Timing.Samples(options, setting.QuietMilliseconds, new Contender("ours", ours), new Contender("torch", torchStep));
                    double oursStep = Timing.Median(samples[0]), torchTime = Timing.Median(samples[1]);
                    double ratio = Timing.PairedRatio(samples[0], samples[1]);
                    string verdict = Report.Check($"{contest.Name} train step faster than TorchSharp's ({(setting.AllCores ? $"all cores, {threads} threads each" : "one thread each")})",
                        double.IsNaN(ratio) ? null : ratio < 1);
                    if (contest.TwinProblem is { } problem)
                        table.Note($"{contest.Name}: no PyTorch figure: {problem}");
                    table.Row(contest.Name, contest.Batch.ToString(), contest.StepsPerEpoch.ToString(), Milliseconds(oursStep), Milliseconds(torchTime),
                        Report.Ratio(ratio), Seconds(oursStep * contest.StepsPerEpoch), Seconds(torchTime * contest.StepsPerEpoch), verdict, check);
                }
                Notes(table, options, setting);
                table.Print();
            }
            DcganSplit(options);
        }

        /// <summary>Table 16c: the public pieces of our DCGAN step, each timed alone on one thread, and how often the step
        /// calls each (GanTraining.Step: G forward once; D forward on real, fake and fake again; D backward three times, the
        /// last with the input gradient; G backward once; one optimizer step each).</summary>
        private static void DcganSplit(Options options)
        {
            KernelThreads.Set(1);
            Timing.Settle();
            const int batch = 64;
            var generator = new DcganGenerator();
            var discriminator = new DcganDiscriminator();
            float[] real = DigitBatches.Shared.Pool(batch, count: 1)[0].Images.Select(v => 2 * v - 1).ToArray();
            var z = new float[batch * DcganGenerator.InputSize];
            var random = new SeededRandom(3);
            Initializers.StandardNormal(z, ref random);
            var fake = new float[batch * DcganGenerator.OutputSize];
            var fakeGradient = new float[fake.Length];
            var logits = new float[batch];
            var logitGradient = new float[batch];
            for (int i = 0; i < batch; i++) logitGradient[i] = (i % 2 == 0 ? 0.5f : -0.5f) / batch;
            var gan = new GanTraining(new DcganGenerator(), new DcganDiscriminator(), batch, seed: 42);
            generator.ForwardTrain(z, fake);
            discriminator.ForwardTrain(real, logits);
            var calls = new (string Name, int PerStep, Action Call)[]
            {
                ("GanTraining.Step (the whole step)", 1, () => gan.Step(real)),
                ("generator.ForwardTrain", 1, () => generator.ForwardTrain(z, fake)),
                ("generator.Backward (no input gradient)", 1, () => generator.Backward(fakeGradient, default)),
                ("generator.Step (Adam)", 1, generator.Step),
                ("discriminator.ForwardTrain", 3, () => discriminator.ForwardTrain(real, logits)),
                ("discriminator.Backward (no input gradient)", 2, () => discriminator.Backward(logitGradient, default)),
                ("discriminator.Backward (with input gradient)", 1, () => discriminator.Backward(logitGradient, fakeGradient)),
                ("discriminator.Step (Adam)", 1, discriminator.Step),
                ("ZeroGradients of both", 1, () => { generator.ZeroGradients(); discriminator.ZeroGradients(); }),
            };
            double[][] samples = Timing.Samples(options, Array.ConvertAll(calls, c => new Contender(c.Name, c.Call)));
            double step = Timing.Median(samples[0]);
            var table = new Table("16c. Where our DCGAN step goes (batch 64, one thread, each call timed alone)", "call", "ms per call", "calls per step", "ms per step", "of the step");
            double sum = 0;
            for (int i = 0; i < calls.Length; i++)
            {
                double perCall = Timing.Median(samples[i]);
                double perStep = i == 0 ? perCall : perCall * calls[i].PerStep;
                if (i > 0) sum += perStep;
                table.Row(calls[i].Name, Milliseconds(perCall), calls[i].PerStep.ToString(), Milliseconds(perStep), Report.Percent(perStep / step));
            }
            table.Row("sum of the pieces", "", "", Milliseconds(sum), Report.Percent(sum / step));
            table.Note($"Medians of {options.Repetitions} interleaved repetitions of the generated networks' public members (samples/Gan/Networks.cs).");
            table.Note("Backward is timed on the cache of the last ForwardTrain; the step's other work (latent draw, BCE, mean scores) is the rest.");
            table.Print();
        }

        private static string Milliseconds(double seconds) => Report.Number(seconds * 1e3, seconds < 0.01 ? "F3" : "F2");

        private static string Seconds(double seconds) => Report.Number(seconds, "F2");

        private static void Notes(Table table, Options options, ThreadSetting setting)
        {
            table.Note($"Median of {options.Repetitions} interleaved repetitions (ratios: median of per-repetition ratios). Per epoch = steps per epoch × the");
            table.Note($"median step time, steps per epoch = {TrainingDigits:N0} training digits / batch (the samples' loops; data shuffling and the");
            table.Note("per-epoch PNG are left out). Networks: the samples' declarations (samples/Vae/Networks.cs, samples/Gan/Networks.cs,");
            table.Note("samples/Diffusion/Denoisers.cs, linked into this project); twins: tests/Benchmarks/TorchGenerativeNets.cs, loaded with our");
            table.Note("initial weights by state_dict name. VAE: our TrainStep(x, x) against zero_grad, forward (ε = randn_like), BCE with logits");
            table.Note("summed / batch + KL summed / batch, backward, Adam(1e-3). GANs: our samples/Gan GanTraining.Step against PyTorch's DCGAN");
            table.Note("example loop — z = randn, fake = G(z); D: zero_grad, BCE(D(x), 1).backward, BCE(D(fake.detach()), 0).backward, step; G:");
            table.Note("zero_grad, BCE(D(fake), 1).backward, step — Adam(2e-4, β (0.5, 0.999)), all in train mode (BatchNorm on batch statistics).");
            table.Note("Diffusion: the denoiser's TrainStep on prepared (x_t ‖ sinusoidal time channels, ε) batches against zero_grad, forward,");
            table.Note("mse_loss, backward, Adam(1e-3); q_sample and the time embedding are left out of both. First loss: each side's first step");
            table.Note("from the same weights and batch (the VAE's ε and the GANs' z are each side's own draws, so only the diffusion loss must match).");
            table.Note("The diffusion twin's float32 loss does not match ours (in some runs it is NaN): its convolutions go through TorchSharp");
            table.Note("0.107's oneDNN, whose results are wrong when channels are not multiples of its 16-channel block (section 12's note; here 17");
            table.Note("input and 1 output channels). The same twin in float64 (no oneDNN) gives our loss; it is shown in brackets. The times are");
            table.Note("of PyTorch as a user gets it (oneDNN on).");
            setting.Notes(table, onnxRuntime: false);
            if (!TorchPeer.Available)
                table.Note("TorchSharp unavailable: " + TorchPeer.UnavailableReason);
        }

        private static Tensor Floats(float[] values, params long[] shape) => torch.tensor(values, shape);

        /// <summary>samples/Vae: <see cref="Samples.Vae"/> at batch 128 on digits in [0, 1].</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Contest Vae()
        {
            const int batch = 128;
            DigitBatches.Batch[] pool = DigitBatches.Shared.Pool(batch, count: PoolCount);
            var vae = new Samples.Vae();
            int next = 0;
            Func<bool, float> ours = _ =>
            {
                float[] x = pool[next++ % PoolCount].Images;
                return vae.TrainStep(x, x);
            };
            if (!TorchPeer.Available)
                return new Contest { Name = "VAE 784-400-20 (samples/Vae)", Batch = batch, OursStep = ours, LossName = "-ELBO" };

            var twin = new TorchVae();
            TorchClassifier.Load(twin, StateDict.Of(vae.Save));
            twin.train();
            var optimizer = optim.Adam(twin.parameters(), lr: 1e-3);
            Tensor[] inputs = pool.Select(b => Floats(b.Images, batch, 784)).ToArray();
            int torchNext = 0;
            Func<bool, float> torchStep = read =>
            {
                using var scope = NewDisposeScope();
                Tensor x = inputs[torchNext++ % PoolCount];
                optimizer.zero_grad();
                Tensor logits = twin.forward(x);
                Tensor loss = (nn.functional.binary_cross_entropy_with_logits(logits, x, reduction: nn.Reduction.Sum) + twin.Kl!) / batch;
                loss.backward();
                optimizer.step();
                return read ? loss.item<float>() : float.NaN;
            };
            var contest = new Contest { Name = "VAE 784-400-20 (samples/Vae)", Batch = batch, OursStep = ours, TorchStep = torchStep, LossName = "-ELBO" };
            contest.Resources.AddRange(inputs);
            contest.Resources.Add(optimizer);
            contest.Resources.Add(twin);
            return contest;
        }

        /// <summary>samples/Gan: one <see cref="GanTraining.Step"/> (a discriminator step and a generator step) at the sample's
        /// batch 64, on digits scaled to [−1, 1].</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Contest Gan(string name, ITrainableNetwork generator, ITrainableNetwork discriminator,
            Func<nn.Module<Tensor, Tensor>> generatorTwin, Func<nn.Module<Tensor, Tensor>> discriminatorTwin)
        {
            const int batch = 64;
            int latent = generator.InputSize;
            DigitBatches.Batch[] pool = DigitBatches.Shared.Pool(batch, count: PoolCount);
            float[][] real = pool.Select(b => b.Images.Select(v => 2 * v - 1).ToArray()).ToArray();
            var gan = new GanTraining(generator, discriminator, batch, seed: 42);
            int next = 0;
            Func<bool, float> ours = _ => gan.Step(real[next++ % PoolCount]).DiscriminatorLoss;
            string title = $"{name} (samples/Gan{(name == "DCGAN" ? "" : " --model mlp")})";
            if (!TorchPeer.Available)
                return new Contest { Name = title, Batch = batch, OursStep = ours, LossName = "D loss" };

            var g = generatorTwin();
            var d = discriminatorTwin();
            TorchClassifier.Load(g, StateDict.Of(generator.Save));
            TorchClassifier.Load(d, StateDict.Of(discriminator.Save));
            g.train();
            d.train();
            var gOptimizer = optim.Adam(g.parameters(), lr: 2e-4, beta1: 0.5, beta2: 0.999);
            var dOptimizer = optim.Adam(d.parameters(), lr: 2e-4, beta1: 0.5, beta2: 0.999);
            Tensor[] images = real.Select(x => Floats(x, batch, 784)).ToArray();
            Tensor ones = torch.ones(batch, 1), zeros = torch.zeros(batch, 1);
            int torchNext = 0;
            Func<bool, float> torchStep = read =>
            {
                using var scope = NewDisposeScope();
                Tensor x = images[torchNext++ % PoolCount];
                Tensor fake = g.forward(torch.randn(batch, latent));
                dOptimizer.zero_grad();
                Tensor dReal = nn.functional.binary_cross_entropy_with_logits(d.forward(x), ones);
                dReal.backward();
                Tensor dFake = nn.functional.binary_cross_entropy_with_logits(d.forward(fake.detach()), zeros);
                dFake.backward();
                dOptimizer.step();
                gOptimizer.zero_grad();
                Tensor gLoss = nn.functional.binary_cross_entropy_with_logits(d.forward(fake), ones);
                gLoss.backward();
                gOptimizer.step();
                return read ? dReal.item<float>() + dFake.item<float>() : float.NaN;
            };
            var contest = new Contest { Name = title, Batch = batch, OursStep = ours, TorchStep = torchStep, LossName = "D loss" };
            contest.Resources.AddRange(images);
            contest.Resources.AddRange(new IDisposable[] { ones, zeros, gOptimizer, dOptimizer, g, d });
            return contest;
        }

        /// <summary>samples/Diffusion: the U-Net denoiser's TrainStep at the sample's batch 64, on (x_t, t) batches drawn as the
        /// sample draws them (T = 1000, digits in [−1, 1], t's sinusoidal embedding as constant channels after x_t).</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Contest Diffusion()
        {
            const int batch = 64, pixels = DigitBatches.Pixels;
            int channels = UNetDenoiser.InputSize / pixels;
            var schedule = new DiffusionSchedule(1000);
            var random = new SeededRandom(42);
            var inputs = new float[PoolCount][];
            var targets = new float[PoolCount][];
            var timesteps = new int[batch];
            var xt = new float[batch * pixels];
            DigitBatches.Batch[] pool = DigitBatches.Shared.Pool(batch, count: PoolCount);
            for (int b = 0; b < PoolCount; b++)
            {
                float[] x0 = pool[b].Images.Select(v => 2 * v - 1).ToArray();
                targets[b] = new float[batch * pixels];
                inputs[b] = new float[batch * UNetDenoiser.InputSize];
                schedule.DrawTrainingBatch(x0, timesteps, targets[b], xt, ref random);
                TimeEmbedding.AppendAsChannels(xt, timesteps, 1, pixels, channels - 1, inputs[b]);
            }
            var denoiser = new UNetDenoiser();
            int next = 0;
            Func<bool, float> ours = _ =>
            {
                int i = next++ % PoolCount;
                return denoiser.TrainStep(inputs[i], targets[i]);
            };
            const string title = "diffusion U-Net denoiser (samples/Diffusion)";
            if (!TorchPeer.Available)
                return new Contest { Name = title, Batch = batch, OursStep = ours, LossName = "MSE" };

            List<NamedTensor> start = StateDict.Of(denoiser.Save);
            var twin = new TorchUNet(channels);
            try
            {
                TorchClassifier.Load(twin, start);
            }
            catch (InvalidOperationException e)
            {
                // The sample's denoiser changed and TorchUNet was not changed with it: time ours, say why torch is missing.
                twin.Dispose();
                return new Contest { Name = title, Batch = batch, OursStep = ours, LossName = "MSE",
                    TwinProblem = "TorchUNet (tests/Benchmarks/TorchGenerativeNets.cs) no longer matches samples/Diffusion's UNetDenoiser: " +
                        (e.Message.Length > 300 ? e.Message[..300] + "…" : e.Message) };
            }
            twin.train();
            var optimizer = optim.Adam(twin.parameters(), lr: 1e-3);
            Tensor[] x = inputs.Select(v => Floats(v, batch, channels, 28, 28)).ToArray();
            Tensor[] y = targets.Select(v => Floats(v, batch, 1, 28, 28)).ToArray();
            int torchNext = 0;
            Func<bool, float> torchStep = read =>
            {
                using var scope = NewDisposeScope();
                int i = torchNext++ % PoolCount;
                optimizer.zero_grad();
                Tensor loss = nn.functional.mse_loss(twin.forward(x[i]), y[i]);
                loss.backward();
                optimizer.step();
                return read ? loss.item<float>() : float.NaN;
            };
            var contest = new Contest { Name = title, Batch = batch, OursStep = ours, TorchStep = torchStep, LossName = "MSE",
                Reference = NativeStderr.Silenced(() => Float64Loss(channels, start, x[0], y[0])) };
            contest.Resources.AddRange(x);
            contest.Resources.AddRange(y);
            contest.Resources.Add(optimizer);
            contest.Resources.Add(twin);
            return contest;
        }

        /// <summary>The U-Net twin's loss on one batch in float64, from the given weights (libtorch's float64 convolutions do
        /// not use oneDNN; libtorch's NNPACK warnings on stderr are silenced around the call, as in section 12).</summary>
        private static double Float64Loss(long channels, List<NamedTensor> start, Tensor input, Tensor target)
        {
            using var twin = new TorchUNet(channels);
            TorchClassifier.Load(twin, start);
            twin.to(ScalarType.Float64);
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            return nn.functional.mse_loss(twin.forward(input.to_type(ScalarType.Float64)), target.to_type(ScalarType.Float64)).item<double>();
        }
    }
}
