using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics.Tensors;
using TensorForge.Data;
using TensorForge.Kernels;
using TensorForge.Samples.Pictures;

namespace TensorForge.Samples
{
    /// <summary>Trains <see cref="Vae"/> on the 8,000 training digits (Adam 1e-3, batch 128, 20 epochs), prints the training
    /// and held-out negative ELBO per epoch, writes 64 digits decoded from the same z ~ N(0, I) after every epoch, the loss
    /// curves and the weights under <c>--out</c>, then the MNIST score of the real test digits and of 2,000 decoded prior
    /// samples and the held-out −ELBO; exit 1 above the −ELBO bar.</summary>
    internal static class Program
    {
        private const int Latents = 20, GridCount = 64, ScoreSamples = 2_000;

        /// <summary>Held-out negative ELBO bar in nats per image (PyTorch's recipe on this split: 112.6–113.5).</summary>
        private const double RequiredNegativeElbo = 114.5;

        private static readonly string Usage =
            "usage: Vae [--epochs N] [--batch N] [--seed N] [--out DIR] [--data DIR] [--classifier PATH] [--required NATS] [--quick]\n" +
            "  --epochs N            epochs over the 8,000 training digits (default 20)\n" +
            "  --batch N             batch size (default 128)\n" +
            "  --seed N              seed of the initialisation, the shuffling and the prior samples (default 42)\n" +
            "  --out DIR             where the PNGs and weights go (default artifacts/vae)\n" +
            "  --data DIR            folder with the MNIST IDX files (default data/mnist-10k of the repository)\n" +
            "  --classifier PATH     LeNet-5 weights for the MNIST score (default artifacts/lenet5.safetensors of the repository;\n" +
            "                        trained on the training digits and saved there if missing)\n" +
            "  --required NATS       the held-out -ELBO bar in nats per image (default 114.5)\n" +
            "  --quick               CI: 3 epochs of 20 steps; checks the loss falls and the PNGs decode, no bar\n" +
            "  --version             print the version and exit";

        private static int Main(string[] args) =>
            CommandLine.Run(args, "Vae", Usage, ["--epochs", "--batch", "--seed", "--out", "--data", "--classifier", "--required"],
                ["--quick"], allowPositional: false, Run);

        private static int Run(CommandLine options)
        {
            bool quick = options.Flag("--quick");
            int epochs = options.PositiveInt("--epochs", quick ? 3 : 20);
            int batchSize = options.PositiveInt("--batch", 128);
            int seed = options.PositiveInt("--seed", 42);
            double required = options.Double("--required") ?? RequiredNegativeElbo;
            string outDir = Path.GetFullPath(options.Value("--out") ?? Path.Combine("artifacts", "vae"));
            string classifierPath = options.Value("--classifier") is string c ? Path.GetFullPath(c)
                : RepositoryFolder.Find(MnistScore.DefaultClassifierPath, "the classifier weights");

            (Dataset train, Dataset test, string dataDirectory) = MnistData.Load(options.Value("--data"));
            var lenet = new LeNet5();
            MnistScore.LoadOrTrainClassifier(lenet, classifierPath, train, test, Console.Out);
            var vae = new Vae(seed);
            var decoder = new Decoder();
            Console.WriteLine(Vae.Summary);
            int stepsPerEpoch = train.Count / batchSize;
            if (quick)
                stepsPerEpoch = Math.Min(stepsPerEpoch, 20);
            Console.WriteLine($"data: {dataDirectory}: {MnistData.Count(train.Count)} training digits, {MnistData.Count(test.Count)} test digits; " +
                $"{epochs} epochs of {stepsPerEpoch} steps, batch {batchSize}, Adam 1e-3, seed {seed}; loss = -ELBO in nats per image " +
                "(BCE summed over the pixels + KL summed over z)");

            var batch = new float[batchSize * train.SampleSize];
            var order = Enumerable.Range(0, train.Count).ToArray();
            var gridLatent = new float[GridCount * Latents];
            var gridRandom = new SeededRandom(seed + 1_000_003L);
            Initializers.StandardNormal(gridLatent, ref gridRandom);
            var gridImages = new float[GridCount * train.SampleSize];
            var stepLosses = new List<float>(epochs * stepsPerEpoch);
            var heldOut = new List<double>(epochs);
            var pngs = new List<string>();
            var clock = Stopwatch.StartNew();
            double trainingSeconds = 0;

            for (int epoch = 1; epoch <= epochs; epoch++)
            {
                var epochClock = Stopwatch.StartNew();
                Shuffle(order, seed + (long)epoch);
                double sum = 0;
                for (int step = 0; step < stepsPerEpoch; step++)
                {
                    for (int i = 0; i < batchSize; i++)
                        train.Inputs.AsSpan(order[step * batchSize + i] * train.SampleSize, train.SampleSize).CopyTo(batch.AsSpan(i * train.SampleSize));
                    float loss = vae.TrainStep(batch, batch);
                    stepLosses.Add(loss);
                    sum += loss;
                }
                double seconds = epochClock.Elapsed.TotalSeconds;
                trainingSeconds += seconds;
                double testElbo = NegativeElbo(vae, test.Inputs, test.Count);
                heldOut.Add(testElbo);

                CopyDecoder(vae, decoder);
                Decode(decoder, gridLatent, gridImages);
                string png = Path.Combine(outDir, $"epoch-{epoch:D2}.png");
                ImageGrid.WritePng(png, gridImages, GridCount, 28, 28);
                pngs.Add(png);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {epoch.ToString().PadLeft(epochs.ToString().Length)}/{epochs}  train -ELBO {sum / stepsPerEpoch:F2}  " +
                    $"held-out -ELBO {testElbo:F2} nats/image  {stepsPerEpoch * batchSize / seconds:N0} images/s  {seconds:F2} s"));
            }

            string lossPng = Path.Combine(outDir, "loss.png");
            double[] ends = [.. Enumerable.Range(1, epochs).Select(e => (double)e * stepsPerEpoch)];
            LossPlot.WritePng(lossPng, "VAE: negative ELBO", "step", "-ELBO (nats per image)",
            [
                LossCurve.FromSteps("training, per step", stepLosses, faint: true, color: 0),
                new LossCurve("held-out, after each epoch", ends, heldOut, Color: 1),
            ]);
            pngs.Add(lossPng);
            vae.Save(Path.Combine(outDir, "vae.safetensors"));
            decoder.Save(Path.Combine(outDir, "decoder.safetensors"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"training: {trainingSeconds:F1} s, {trainingSeconds / epochs:F2} s per epoch ({clock.Elapsed.TotalSeconds:F1} s with evaluation); " +
                $"samples {pngs[^2]}, loss curves {lossPng}, weights in {outDir}"));

            var failures = new List<string>();
            if (!stepLosses.All(float.IsFinite))
                failures.Add("a loss was NaN or infinite");
            if (stepLosses.Count >= 2 * stepsPerEpoch && !(stepLosses.TakeLast(stepsPerEpoch).Average() < stepLosses.Take(stepsPerEpoch).Average()))
                failures.Add("the training loss did not fall from the first epoch to the last");
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

            double finalElbo = heldOut[^1];
            double realScore = MnistScore.Measure(lenet, test.Inputs);
            double generatedScore = MnistScore.Measure(lenet, Generate(decoder, ScoreSamples, seed));
            if (!quick && !(finalElbo <= required))
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"the held-out -ELBO {finalElbo:F2} nats/image is above the required {required:F2}"));
            foreach (string failure in failures)
                Console.Error.WriteLine($"Vae: FAILED: {failure}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"MNIST score: real {realScore:F2}, generated {generatedScore:F2}, held-out -ELBO {finalElbo:F2} nats/image"));
            return failures.Count == 0 ? 0 : 1;
        }

        /// <summary>The negative ELBO of <paramref name="images"/> with one z sample per image: the reconstruction's BCE summed
        /// over the pixels plus the KL summed over z, averaged over the images (a training-mode pass, which draws z; nothing is learnt).</summary>
        private static double NegativeElbo(Vae vae, float[] images, int count)
        {
            const int chunk = 250;
            var logits = new float[chunk * Vae.OutputSize];
            double total = 0;
            for (int start = 0; start < count; start += chunk)
            {
                int n = Math.Min(chunk, count - start);
                ReadOnlySpan<float> x = images.AsSpan(start * Vae.InputSize, n * Vae.InputSize);
                Span<float> y = logits.AsSpan(0, n * Vae.OutputSize);
                vae.ForwardTrain(x, y);
                float reconstruction = Losses.BinaryCrossEntropyWithLogits(y, x, Span<float>.Empty, Reduction.Sum, n);
                total += reconstruction + (double)vae.AuxiliaryLoss * n;
            }
            return total / count;
        }

        /// <summary>The decoder block's weights are the VAE's last parameters, in the standalone decoder's order.</summary>
        private static void CopyDecoder(Vae vae, Decoder decoder)
            => vae.Parameters.Slice(Vae.ParameterCount - Decoder.ParameterCount).CopyTo(decoder.Parameters);

        /// <summary>Pixel probabilities σ(logits) of the decoded latents.</summary>
        private static void Decode(Decoder decoder, ReadOnlySpan<float> latents, Span<float> images)
        {
            decoder.Forward(latents, images);
            TensorPrimitives.Sigmoid(images, images);
        }

        /// <summary><paramref name="count"/> digits decoded from fresh z ~ N(0, I).</summary>
        private static float[] Generate(Decoder decoder, int count, int seed)
        {
            var random = new SeededRandom(seed + 2_000_003L);
            var latents = new float[count * Latents];
            Initializers.StandardNormal(latents, ref random);
            var images = new float[count * Decoder.OutputSize];
            Decode(decoder, latents, images);
            return images;
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
