using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics.Tensors;
using TensorForge.Data;
using TensorForge.Samples.Pictures;

namespace TensorForge.Samples
{
    /// <summary>Trains a GAN on the 8,000 training digits (pixels scaled to [−1, 1]), writes a grid of 64 samples (the same
    /// latent vectors every epoch) after each epoch, the loss curves and the weights under <c>--out</c>, then prints the MNIST
    /// score of the 2,000 real test digits and of 2,000 generated ones, and fails (exit 1) below the bar.</summary>
    internal static class Program
    {
        private const int LatentSize = 64, GridCount = 64, ScoreSamples = 2_000;

        /// <summary>The MLP GAN's bar: below PyTorch's 4.2–4.9 for the same recipe (30 epochs), a guard against regressions.</summary>
        private const double MlpRequiredScore = 4.0;

        /// <summary>The DCGAN's bar (issue 9): MNIST score of 2,000 generated digits at least 6.0.</summary>
        private const double DcganRequiredScore = 6.0;

        /// <summary>Default epochs of each model (full run).</summary>
        private const int MlpEpochs = 30, DcganEpochs = 25;

        private static readonly string Usage =
            "usage: Gan [--model dcgan|mlp] [--epochs N] [--batch N] [--seed N] [--out DIR] [--data DIR] [--classifier PATH] [--required SCORE] [--quick]\n" +
            "  --model NAME          dcgan (default): Dense+BN -> [128,7,7] -> two 4x4/2 transposed convs, tanh; conv 4x4/2 x2 -> logit\n" +
            "                        mlp: 64-256-512-784 generator, 784-512-256-1 discriminator\n" +
            "  --epochs N            epochs over the 8,000 training digits (default 25 for dcgan, 30 for mlp)\n" +
            "  --batch N             batch size (default 64)\n" +
            "  --seed N              seed of the latent draws and the shuffling (default 42)\n" +
            "  --out DIR             where the PNGs and weights go (default artifacts/gan)\n" +
            "  --data DIR            folder with the MNIST IDX files (default data/mnist-10k of the repository)\n" +
            "  --classifier PATH     LeNet-5 weights for the MNIST score (default artifacts/lenet5.safetensors of the repository;\n" +
            "                        trained on the training digits and saved there if missing)\n" +
            "  --required SCORE      the generated images' MNIST score bar (default 6.0 for dcgan, 4.0 for mlp)\n" +
            "  --quick               CI: 3 epochs of 100 steps; checks the losses are finite, the generator's loss falls and the PNGs decode, no score bar\n" +
            "  --version             print the version and exit";

        private static int Main(string[] args) =>
            CommandLine.Run(args, "Gan", Usage, ["--model", "--epochs", "--batch", "--seed", "--out", "--data", "--classifier", "--required"],
                ["--quick"], allowPositional: false, Run);

        private static int Run(CommandLine options)
        {
            string model = options.Value("--model") ?? "dcgan";
            (ITrainableNetwork generator, ITrainableNetwork discriminator, string summaries, int defaultEpochs, double defaultRequired) = model switch
            {
                "dcgan" => ((ITrainableNetwork)new DcganGenerator(), (ITrainableNetwork)new DcganDiscriminator(),
                    DcganGenerator.Summary + "\n" + DcganDiscriminator.Summary, DcganEpochs, DcganRequiredScore),
                "mlp" => ((ITrainableNetwork)new MlpGenerator(), (ITrainableNetwork)new MlpDiscriminator(),
                    MlpGenerator.Summary + "\n" + MlpDiscriminator.Summary, MlpEpochs, MlpRequiredScore),
                _ => throw new InvalidDataException($"--model must be dcgan or mlp but is '{model}'"),
            };
            bool quick = options.Flag("--quick");
            int epochs = options.PositiveInt("--epochs", quick ? 3 : defaultEpochs);
            int batchSize = options.PositiveInt("--batch", 64);
            int seed = options.PositiveInt("--seed", 42);
            double required = options.Double("--required") ?? defaultRequired;
            string outDir = Path.GetFullPath(options.Value("--out") ?? Path.Combine("artifacts", "gan"));
            string classifierPath = options.Value("--classifier") is string c ? Path.GetFullPath(c)
                : RepositoryFolder.Find(MnistScore.DefaultClassifierPath, "the classifier weights");

            (Dataset train, Dataset test, string dataDirectory) = MnistData.Load(options.Value("--data"));
            var lenet = new LeNet5();
            MnistScore.LoadOrTrainClassifier(lenet, classifierPath, train, test, Console.Out);
            Console.WriteLine(summaries);
            int stepsPerEpoch = train.Count / batchSize;
            if (quick)
                stepsPerEpoch = Math.Min(stepsPerEpoch, 100);
            Console.WriteLine($"data: {dataDirectory}: {MnistData.Count(train.Count)} training digits scaled to [-1, 1]; model {model}, " +
                $"{epochs} epochs of {stepsPerEpoch} steps, batch {batchSize}, Adam 2e-4 (beta1 0.5), non-saturating loss, seed {seed}");

            float[] real = ToSymmetric(train.Inputs);
            var gan = new GanTraining(generator, discriminator, batchSize, seed);
            var batch = new float[batchSize * train.SampleSize];
            var order = Enumerable.Range(0, train.Count).ToArray();
            var gridLatent = new float[GridCount * LatentSize];
            var gridRandom = new SeededRandom(seed + 1_000_003L);
            Initializers.StandardNormal(gridLatent, ref gridRandom);
            var gridImages = new float[GridCount * train.SampleSize];
            var gridOptions = new ImageGridOptions { Black = -1f, White = 1f };
            var dLosses = new List<float>(epochs * stepsPerEpoch);
            var gLosses = new List<float>(epochs * stepsPerEpoch);
            var pngs = new List<string>();
            var clock = Stopwatch.StartNew();

            for (int epoch = 1; epoch <= epochs; epoch++)
            {
                var epochClock = Stopwatch.StartNew();
                Shuffle(order, seed + (long)epoch);
                double dSum = 0, gSum = 0, realScore = 0, fakeScore = 0;
                for (int step = 0; step < stepsPerEpoch; step++)
                {
                    for (int i = 0; i < batchSize; i++)
                        real.AsSpan(order[step * batchSize + i] * train.SampleSize, train.SampleSize).CopyTo(batch.AsSpan(i * train.SampleSize));
                    (float dLoss, float gLoss, float dReal, float dFake) = gan.Step(batch);
                    dLosses.Add(dLoss);
                    gLosses.Add(gLoss);
                    (dSum, gSum, realScore, fakeScore) = (dSum + dLoss, gSum + gLoss, realScore + dReal, fakeScore + dFake);
                }
                generator.Forward(gridLatent, gridImages);
                string png = Path.Combine(outDir, $"epoch-{epoch:D2}.png");
                ImageGrid.WritePng(png, gridImages, GridCount, 28, 28, gridOptions);
                pngs.Add(png);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {epoch.ToString().PadLeft(epochs.ToString().Length)}/{epochs}  D loss {dSum / stepsPerEpoch:F4}  " +
                    $"G loss {gSum / stepsPerEpoch:F4}  D(x) {realScore / stepsPerEpoch:F3}  D(G(z)) {fakeScore / stepsPerEpoch:F3}  " +
                    $"{stepsPerEpoch * batchSize / epochClock.Elapsed.TotalSeconds:N0} images/s  {epochClock.Elapsed.TotalSeconds:F2} s"));
            }
            double trainingSeconds = clock.Elapsed.TotalSeconds;

            string lossPng = Path.Combine(outDir, "loss.png");
            WriteLossPlot(lossPng, model, dLosses, gLosses, stepsPerEpoch);
            pngs.Add(lossPng);
            generator.Save(Path.Combine(outDir, "generator.safetensors"));
            discriminator.Save(Path.Combine(outDir, "discriminator.safetensors"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"training: {trainingSeconds:F1} s, {trainingSeconds / epochs:F2} s per epoch; samples {pngs[^2]}, loss curves {lossPng}, weights in {outDir}"));

            var failures = new List<string>();
            if (!dLosses.Concat(gLosses).All(float.IsFinite))
                failures.Add("a loss was NaN or infinite");
            // "The loss falls", for a game (--quick, CI's run; a full run has the score bar): both losses start at chance (ln 2
            // for G, 2 ln 2 for D), the discriminator wins the first steps and the generator's loss −log D(G(z)) jumps up; from
            // then on a learning generator fools the (still learning) discriminator more and more, so its loss falls, while the
            // discriminator's rises back towards chance (it did in every quick run tried, MLP and DCGAN: no check). The mean
            // generator loss over the last quarter of the steps must be below the first quarter's.
            int quarter = gLosses.Count / 4;
            if (quarter > 0)
            {
                double QuarterMean(IEnumerable<float> losses) => losses.Average(x => (double)x);
                double gFirst = QuarterMean(gLosses.Take(quarter)), gLast = QuarterMean(gLosses.TakeLast(quarter));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"losses over the first and the last quarter of the steps: G {gFirst:F4} -> {gLast:F4}, " +
                    $"D {QuarterMean(dLosses.Take(quarter)):F4} -> {QuarterMean(dLosses.TakeLast(quarter)):F4}"));
                if (quick && !(gLast < gFirst))
                    failures.Add(string.Create(CultureInfo.InvariantCulture,
                        $"the generator's loss did not fall: mean {gFirst:F4} over the first quarter of the steps, {gLast:F4} over the last"));
            }
            foreach (string png in pngs)
            {
                try
                {
                    ImageGrid.ReadPngSize(png);
                }
                catch (InvalidDataException e)
                {
                    failures.Add(e.Message);
                }
            }

            double realScoreValue = MnistScore.Measure(lenet, test.Inputs);
            double generatedScore = MnistScore.Measure(lenet, Generate(generator, ScoreSamples, seed));
            if (!quick && generatedScore < required)
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"the generated images' MNIST score {generatedScore:F2} is below the required {required:F2}"));
            foreach (string failure in failures)
                Console.Error.WriteLine($"Gan: FAILED: {failure}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MNIST score: real {realScoreValue:F2}, generated {generatedScore:F2}"));
            return failures.Count == 0 ? 0 : 1;
        }

        /// <summary><paramref name="count"/> images from fresh latent vectors, in inference mode, mapped back to [0, 1] (what the
        /// score's classifier was trained on).</summary>
        private static float[] Generate(INetwork generator, int count, int seed)
        {
            var random = new SeededRandom(seed + 2_000_003L);
            var images = new float[count * generator.OutputSize];
            var latent = new float[250 * generator.InputSize];
            for (int start = 0; start < count; start += 250)
            {
                int n = Math.Min(250, count - start);
                Initializers.StandardNormal(latent.AsSpan(0, n * generator.InputSize), ref random);
                generator.Forward(latent.AsSpan(0, n * generator.InputSize), images.AsSpan(start * generator.OutputSize, n * generator.OutputSize));
            }
            TensorPrimitives.Multiply(images, 0.5f, images);
            TensorPrimitives.Add(images, 0.5f, images);
            return images;
        }

        private static void WriteLossPlot(string path, string model, List<float> dLosses, List<float> gLosses, int stepsPerEpoch)
        {
            int epochs = dLosses.Count / stepsPerEpoch;
            double[] ends = [.. Enumerable.Range(1, epochs).Select(e => (double)e * stepsPerEpoch)];
            double[] EpochMeans(List<float> losses) =>
                [.. Enumerable.Range(0, epochs).Select(e => losses.Skip(e * stepsPerEpoch).Take(stepsPerEpoch).Average(x => (double)x))];
            LossPlot.WritePng(path, $"GAN ({model}): losses", "step", "loss (BCE with logits)",
            [
                LossCurve.FromSteps("discriminator, per step", dLosses, faint: true, color: 0),
                LossCurve.FromSteps("generator, per step", gLosses, faint: true, color: 1),
                new LossCurve("discriminator, epoch mean", ends, EpochMeans(dLosses), Color: 0),
                new LossCurve("generator, epoch mean", ends, EpochMeans(gLosses), Color: 1),
            ]);
        }

        private static float[] ToSymmetric(float[] pixels)
        {
            var values = new float[pixels.Length];
            TensorPrimitives.Multiply(pixels, 2f, values);
            TensorPrimitives.Add(values, -1f, values);
            return values;
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
}
