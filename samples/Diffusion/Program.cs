using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics.Tensors;
using TensorForge.Data;
using TensorForge.Generative;
using TensorForge.Samples.Pictures;

namespace TensorForge.Samples
{
    /// <summary>A denoising diffusion model (DDPM) on the 8,000 training digits: trains the ε-predicting
    /// <see cref="UNetDenoiser"/> (or, with <c>--model small-unet|simple</c>, <see cref="SmallUNetDenoiser"/> or
    /// <see cref="ConvDenoiser"/>) with the runtime's <see cref="DiffusionSchedule"/>, keeps an exponential moving average of
    /// its weights (<see cref="ExponentialMovingAverage"/>) and samples with it, draws a grid of 64 digits with DDIM after every
    /// epoch, times DDPM and DDIM sampling per image, and prints the MNIST score of the real test digits and of generated ones
    /// (DDIM). The time step reaches the denoiser as extra constant input channels (<see cref="TimeEmbedding"/>).</summary>
    internal static class Program
    {
        /// <summary>Channels of the sinusoidal time embedding appended to the noisy image.</summary>
        public const int EmbeddingSize = 16;

        private const int Pixels = 784, GridCount = 64;

        /// <summary>The U-Net's bar (issue 9): MNIST score of 1,000 generated (DDIM) digits at least 7.0.</summary>
        private const double UNetRequiredScore = 7.0;

        /// <summary>The U-Net's default epochs (issue 9: under 30 minutes of training on a quiet 2-core machine).</summary>
        private const int UNetEpochs = 80;

        /// <summary>Decay of the weights' moving average the samples are drawn with.</summary>
        private const double EmaDecay = 0.999;

        /// <summary>Seed offset of the scored DDIM samples (also used for the checkpoint scores of <c>--score-every</c>).</summary>
        private const long ScoreSeedOffset = 2_000_003L;

        private static readonly string Usage =
            "usage: Diffusion [--model unet|small-unet|simple] [--epochs N] [--steps T] [--ddim N] [--batch N] [--samples N] [--ddpm-images N]\n" +
            "                 [--ema DECAY] [--score-every N] [--load PATH] [--seed N] [--out DIR] [--data DIR] [--classifier PATH]\n" +
            "                 [--required SCORE] [--quick]\n" +
            "  --model NAME          unet (default): the U-Net of Denoisers.cs with a learned time embedding at every level;\n" +
            "                        small-unet: the first U-Net (time only as input channels); simple: five 3x3 convolutions\n" +
            "  --epochs N            epochs over the 8,000 training digits (default 80 for unet, 70 for small-unet, 10 for simple)\n" +
            "  --steps T             diffusion steps T of the linear schedule 1e-4 → 0.02 (default 1000)\n" +
            "  --ddim N              DDIM sampling steps (default 50)\n" +
            "  --batch N             batch size (default 64)\n" +
            "  --samples N           generated images for the MNIST score, drawn with DDIM (default 1000)\n" +
            "  --ddpm-images N       images drawn with the full ancestral sampler, to time it (default 16; scored too from 100 on)\n" +
            "  --ema DECAY           decay of the weights' moving average that samples (default 0.999; 0: sample with the last weights)\n" +
            "  --score-every N       also score --samples DDIM samples every N epochs and save those weights (default: only at the end)\n" +
            "  --load PATH           skip training: load the sampling weights (a saved denoiser.safetensors) and only sample and score\n" +
            "  --seed N              seed of the draws and the shuffling (default 42)\n" +
            "  --out DIR             where the PNGs and weights go (default artifacts/diffusion)\n" +
            "  --data DIR            folder with the MNIST IDX files (default data/mnist-10k of the repository)\n" +
            "  --classifier PATH     LeNet-5 weights for the MNIST score (default artifacts/lenet5.safetensors of the repository)\n" +
            "  --required SCORE      fail below this MNIST score of the generated images (default 7.0 for unet, none for simple;\n" +
            "                        never with --quick)\n" +
            "  --quick               CI: 2 epochs of 75 steps, T = 200, 10 DDIM steps, 200 scored samples; checks finite losses, that\n" +
            "                        the loss falls (last quarter of the steps below the first) and the PNGs\n" +
            "  --version             print the version and exit";

        private static int Main(string[] args) =>
            CommandLine.Run(args, "Diffusion", Usage,
                ["--model", "--epochs", "--steps", "--ddim", "--batch", "--samples", "--ddpm-images", "--ema", "--score-every", "--load", "--seed", "--out",
                 "--data", "--classifier", "--required"],
                ["--quick"], allowPositional: false, Run);

        private static int Run(CommandLine options)
        {
            string model = options.Value("--model") ?? "unet";
            (Func<ISupervisedNetwork> create, string summary, double? defaultRequired) = model switch
            {
                "unet" => (() => new UNetDenoiser(), UNetDenoiser.Summary, UNetRequiredScore),
                "small-unet" => (() => new SmallUNetDenoiser(), SmallUNetDenoiser.Summary, (double?)null),
                "simple" => ((Func<ISupervisedNetwork>)(() => new ConvDenoiser()), ConvDenoiser.Summary, (double?)null),
                _ => throw new InvalidDataException($"--model must be unet, small-unet or simple but is '{model}'"),
            };
            ISupervisedNetwork denoiser = create();
            bool quick = options.Flag("--quick");
            string? loadPath = options.Value("--load") is string l ? Path.GetFullPath(l) : null;
            int epochs = loadPath is not null ? 0 : options.PositiveInt("--epochs", quick ? 2 : model switch { "simple" => 10, "small-unet" => 70, _ => UNetEpochs });
            double emaDecay = options.Double("--ema") ?? EmaDecay;
            if (!(emaDecay >= 0 && emaDecay < 1))
                throw new InvalidDataException($"--ema must be in [0, 1) but is {emaDecay}");
            int scoreEvery = options.PositiveInt("--score-every", int.MaxValue);
            int steps = options.PositiveInt("--steps", quick ? 200 : 1000);
            int ddimSteps = Math.Min(options.PositiveInt("--ddim", quick ? 10 : 50), steps);
            int batchSize = options.PositiveInt("--batch", 64);
            int sampleCount = options.PositiveInt("--samples", quick ? 200 : 1000);
            int ddpmImages = options.PositiveInt("--ddpm-images", quick ? 4 : 16);
            int seed = options.PositiveInt("--seed", 42);
            double? required = options.Double("--required") ?? (quick ? null : defaultRequired);
            string outDir = Path.GetFullPath(options.Value("--out") ?? Path.Combine("artifacts", "diffusion"));
            string classifierPath = options.Value("--classifier") is string c ? Path.GetFullPath(c)
                : RepositoryFolder.Find(MnistScore.DefaultClassifierPath, "the classifier weights");

            (Dataset train, Dataset test, string dataDirectory) = MnistData.Load(options.Value("--data"));
            var lenet = new LeNet5();
            MnistScore.LoadOrTrainClassifier(lenet, classifierPath, train, test, Console.Out);
            var schedule = new DiffusionSchedule(steps);
            Console.WriteLine(summary);
            // The network the samples come from: a second instance holding the moving average of the weights (or, with
            // --ema 0, the trained network itself).
            ExponentialMovingAverage? ema = emaDecay > 0 ? new ExponentialMovingAverage(denoiser.Parameters, (float)emaDecay) : null;
            ISupervisedNetwork sampling = ema is null ? denoiser : create();
            if (loadPath is not null)
            {
                sampling.Load(loadPath);
                Console.WriteLine($"weights: loaded from {loadPath}; no training");
            }
            int stepsPerEpoch = train.Count / batchSize;
            if (quick)
                stepsPerEpoch = Math.Min(stepsPerEpoch, 75);
            Console.WriteLine($"data: {dataDirectory}: {MnistData.Count(train.Count)} training digits scaled to [-1, 1]; model {model}, T = {steps} " +
                $"(linear beta 1e-4 to 0.02), {epochs} epochs of {stepsPerEpoch} steps, batch {batchSize}, Adam 1e-3, seed {seed}; " +
                $"time as {EmbeddingSize} sinusoidal channels; " + (ema is null ? "sampling with the last weights" : string.Create(CultureInfo.InvariantCulture, $"sampling with the EMA of the weights (decay {emaDecay})")));

            float[] data = train.Inputs.ToArray();
            TensorPrimitives.Multiply(data, 2f, data);
            TensorPrimitives.Add(data, -1f, data);
            var x0 = new float[batchSize * Pixels];
            var xt = new float[batchSize * Pixels];
            var noise = new float[batchSize * Pixels];
            var timesteps = new int[batchSize];
            var conditioned = new float[batchSize * (1 + EmbeddingSize) * Pixels];
            var order = Enumerable.Range(0, train.Count).ToArray();
            var random = new SeededRandom(seed);
            var losses = new List<float>(epochs * stepsPerEpoch);
            var sampler = new Sampler(sampling, schedule);
            var gridOptions = new ImageGridOptions { Black = -1f, White = 1f };
            var pngs = new List<string>();
            double trainingSeconds = 0, gridSeconds = 0;

            for (int epoch = 1; epoch <= epochs; epoch++)
            {
                var epochClock = Stopwatch.StartNew();
                Shuffle(order, seed + (long)epoch);
                double lossSum = 0;
                for (int step = 0; step < stepsPerEpoch; step++)
                {
                    for (int i = 0; i < batchSize; i++)
                        data.AsSpan(order[step * batchSize + i] * Pixels, Pixels).CopyTo(x0.AsSpan(i * Pixels));
                    schedule.DrawTrainingBatch(x0, timesteps, noise, xt, ref random);      // t ~ U[0, T), ε ~ N(0, I), x_t
                    TimeEmbedding.AppendAsChannels(xt, timesteps, 1, Pixels, EmbeddingSize, conditioned);
                    float loss = denoiser.TrainStep(conditioned, noise);                     // ‖ε − ε̂(x_t, t)‖² (mean)
                    ema?.Update(denoiser.Parameters);
                    losses.Add(loss);
                    lossSum += loss;
                }
                TimeSpan trainingTime = epochClock.Elapsed;
                trainingSeconds += trainingTime.TotalSeconds;
                ema?.CopyTo(sampling.Parameters);
                float[] grid = sampler.Ddim(GridCount, ddimSteps, seed + 1_000_003L);
                string png = Path.Combine(outDir, $"epoch-{epoch:D2}.png");
                ImageGrid.WritePng(png, grid, GridCount, 28, 28, gridOptions);
                pngs.Add(png);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {epoch.ToString().PadLeft(epochs.ToString().Length)}/{epochs}  loss {lossSum / stepsPerEpoch:F4}  " +
                    $"{stepsPerEpoch * batchSize / trainingTime.TotalSeconds:N0} images/s  training {trainingTime.TotalSeconds:F2} s  " +
                    $"(+ {(epochClock.Elapsed - trainingTime).TotalSeconds:F2} s for the {ddimSteps}-step DDIM grid)"));
                gridSeconds += (epochClock.Elapsed - trainingTime).TotalSeconds;
                if (epoch % scoreEvery == 0 && epoch < epochs)
                {
                    double checkpointScore = ScoreOf(lenet, sampler.Ddim(sampleCount, ddimSteps, seed + ScoreSeedOffset));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"epoch {epoch}: MNIST score of {sampleCount} DDIM samples ({ddimSteps} steps) {checkpointScore:F2}"));
                    sampling.Save(Path.Combine(outDir, $"denoiser-epoch-{epoch:D2}.safetensors"));
                }
            }

            if (epochs > 0)
            {
                string lossPng = Path.Combine(outDir, "loss.png");
                LossPlot.WritePng(lossPng, $"Diffusion ({model} denoiser): training loss", "step", "MSE of the predicted noise",
                    [LossCurve.FromSteps("per step", losses, faint: true, color: 0), EpochMeans(losses, stepsPerEpoch)]);
                pngs.Add(lossPng);
                sampling.Save(Path.Combine(outDir, "denoiser.safetensors"));              // the weights the samples come from
                if (ema is not null)
                    denoiser.Save(Path.Combine(outDir, "denoiser-last.safetensors"));
            }

            var ddpmClock = Stopwatch.StartNew();
            float[] ddpm = sampler.Ddpm(ddpmImages, seed + 3_000_017L);
            double ddpmPerImage = ddpmClock.Elapsed.TotalSeconds / ddpmImages;
            string ddpmPng = Path.Combine(outDir, "ddpm-samples.png");
            ImageGrid.WritePng(ddpmPng, ddpm, Math.Min(GridCount, ddpmImages), 28, 28, gridOptions);
            pngs.Add(ddpmPng);
            var ddimClock = Stopwatch.StartNew();
            float[] generated = sampler.Ddim(sampleCount, ddimSteps, seed + ScoreSeedOffset);
            double ddimPerImage = ddimClock.Elapsed.TotalSeconds / sampleCount;
            string ddimPng = Path.Combine(outDir, "ddim-samples.png");
            ImageGrid.WritePng(ddimPng, generated, Math.Min(GridCount, sampleCount), 28, 28, gridOptions);
            pngs.Add(ddimPng);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"training: {trainingSeconds:F1} s (+ {gridSeconds:F1} s for the epoch grids); sampling per image: DDPM ({steps} steps, batch {ddpmImages}) {ddpmPerImage * 1000:F0} ms, " +
                $"DDIM ({ddimSteps} steps, batch {Sampler.Batch}) {ddimPerImage * 1000:F1} ms; PNGs and weights in {outDir}"));

            var failures = new List<string>();
            if (!losses.All(float.IsFinite))
                failures.Add("a loss was NaN or infinite");
            if (quick && losses.Count >= 4)
            {
                int quarter = losses.Count / 4;
                double first = losses.Take(quarter).Average(x => (double)x), last = losses.Skip(losses.Count - quarter).Average(x => (double)x);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"loss: mean {first:F4} over the first {quarter} steps, {last:F4} over the last {quarter}"));
                if (!(last < first))
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"the loss did not fall: mean {last:F4} over the last quarter of the steps, {first:F4} over the first"));
            }
            foreach (string png in pngs)
            {
                try { ImageGrid.ReadPngSize(png); }
                catch (InvalidDataException e) { failures.Add(e.Message); }
            }
            if (ddpmImages >= 100)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"DDPM ({steps} steps): MNIST score of {ddpmImages} samples {ScoreOf(lenet, ddpm):F2}"));
            double realScore = MnistScore.Measure(lenet, test.Inputs.AsSpan(0, Math.Min(test.Inputs.Length, 2_000 * Pixels)));
            double generatedScore = ScoreOf(lenet, generated);
            if (required is double bar && generatedScore < bar)
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"the generated images' MNIST score {generatedScore:F2} is below the required {bar:F2}"));
            foreach (string failure in failures)
                Console.Error.WriteLine($"Diffusion: FAILED: {failure}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MNIST score: real {realScore:F2}, generated {generatedScore:F2}"));
            return failures.Count == 0 ? 0 : 1;
        }

        /// <summary>The MNIST score of generated images in [−1, 1], mapped to the classifier's [0, 1] (in place).</summary>
        private static double ScoreOf(INetwork classifier, float[] images)
        {
            TensorPrimitives.Multiply(images, 0.5f, images);
            TensorPrimitives.Add(images, 0.5f, images);
            TensorPrimitives.Clamp(images, 0f, 1f, images);
            return MnistScore.Measure(classifier, images);
        }

        private static LossCurve EpochMeans(List<float> losses, int stepsPerEpoch)
        {
            int epochs = losses.Count / stepsPerEpoch;
            double[] ends = [.. Enumerable.Range(1, epochs).Select(e => (double)e * stepsPerEpoch)];
            double[] means = [.. Enumerable.Range(0, epochs).Select(e => losses.Skip(e * stepsPerEpoch).Take(stepsPerEpoch).Average(x => (double)x))];
            return new LossCurve("epoch mean", ends, means, Color: 0);
        }

        private static void Shuffle(int[] order, long seed)
        {
            var random = new SeededRandom(seed);
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = random.NextInt32(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
    }

    /// <summary>Draws images with the trained denoiser, in batches of <see cref="Batch"/>: DDPM's ancestral sampler over all T
    /// steps, or DDIM (η = 0) over an even subsequence. Both clip the estimate of x₀ to [−1, 1] as DDPM's reference code does.</summary>
    internal sealed class Sampler(INetwork denoiser, DiffusionSchedule schedule)
    {
        public const int Batch = 100;
        private const int Pixels = 784;

        private readonly float[] _x = new float[Batch * Pixels], _next = new float[Batch * Pixels], _epsilon = new float[Batch * Pixels];
        private readonly float[] _z = new float[Batch * Pixels];
        private readonly float[] _conditioned = new float[Batch * (1 + Program.EmbeddingSize) * Pixels];
        private readonly int[] _timesteps = new int[Batch];

        public float[] Ddpm(int count, long seed) => Draw(count, seed, ddimSteps: null);

        public float[] Ddim(int count, int steps, long seed) => Draw(count, seed, schedule.DdimTimesteps(steps));

        private float[] Draw(int count, long seed, int[]? ddimSteps)
        {
            var random = new SeededRandom(seed);
            var images = new float[count * Pixels];
            for (int start = 0; start < count; start += Batch)
            {
                int n = Math.Min(Batch, count - start);
                Span<float> x = _x.AsSpan(0, n * Pixels), next = _next.AsSpan(0, n * Pixels), epsilon = _epsilon.AsSpan(0, n * Pixels);
                Initializers.StandardNormal(x, ref random);                                   // x_T ~ N(0, I)
                int stepCount = ddimSteps?.Length ?? schedule.Steps;
                for (int k = 0; k < stepCount; k++)
                {
                    int t = ddimSteps is null ? schedule.Steps - 1 - k : ddimSteps[k];
                    _timesteps.AsSpan(0, n).Fill(t);
                    TimeEmbedding.AppendAsChannels(x, _timesteps.AsSpan(0, n), 1, Pixels, Program.EmbeddingSize,
                        _conditioned.AsSpan(0, n * (1 + Program.EmbeddingSize) * Pixels));
                    denoiser.Forward(_conditioned.AsSpan(0, n * (1 + Program.EmbeddingSize) * Pixels), epsilon);
                    if (ddimSteps is null)
                    {
                        Initializers.StandardNormal(_z.AsSpan(0, n * Pixels), ref random);
                        schedule.AncestralStep(x, epsilon, t, _z.AsSpan(0, n * Pixels), next, clipDenoised: true);
                    }
                    else
                    {
                        schedule.DdimStep(x, epsilon, t, k + 1 < ddimSteps.Length ? ddimSteps[k + 1] : -1, next, clipDenoised: true);
                    }
                    next.CopyTo(x);
                }
                x.CopyTo(images.AsSpan(start * Pixels));
            }
            return images;
        }
    }
}
