using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using TensorForge.Data;
using TensorForge.Samples.Pictures;
using TensorForge.Training;

namespace TensorForge.Samples
{
    /// <summary>What the MNIST classifier samples share: train on the bundled split with <see cref="Trainer.Fit"/>, print the
    /// summary, one line per epoch, the final accuracy and the time per epoch, save the weights, optionally write the accuracy
    /// to a file, optionally plot the loss curve (<c>--plot</c>), and return 1 below the sample's bar.</summary>
    /// <remarks>Linked only by the classifier samples (it draws with the Pictures library, which the Native AOT sample does
    /// not take).</remarks>
    internal static class ClassifierSample
    {
        /// <summary>The options every classifier sample takes; append the sample's own.</summary>
        public static readonly string[] ValueOptions = { "--epochs", "--out", "--data", "--accuracy-file", "--plot" };

        public const string OptionsUsage =
            "  --epochs N            epochs to train (default {0})\n" +
            "  --out PATH            where to save the weights (default ./{1})\n" +
            "  --data DIR            folder with the MNIST IDX files (default data/mnist-10k of the repository)\n" +
            "  --accuracy-file PATH  also write the final test accuracy (percent, e.g. 97.35) to this file\n" +
            "  --plot PATH           also write the training loss curve (per step and per-epoch mean) as a PNG, e.g. artifacts/x-loss.png\n" +
            "  --version             print the version and exit";

        public static int Run(CommandLine options, IClassifierNetwork network, string name, string summary, int defaultEpochs,
            string defaultOut, double requiredPercent, TrainerOptions trainerOptions, string recipe)
        {
            int epochs = options.PositiveInt("--epochs", defaultEpochs);
            string outPath = Path.GetFullPath(options.Value("--out") ?? defaultOut);
            Console.WriteLine(summary);
            (Dataset train, Dataset test, string directory) = MnistData.Load(options.Value("--data"));
            Console.WriteLine($"data: {directory}: training on the first {MnistData.Count(train.Count)} digits, " +
                $"testing on the last {MnistData.Count(test.Count)}; {epochs} epochs, {recipe}");

            trainerOptions.Epochs = epochs;
            string? plotPath = options.Value("--plot") is string plot ? Path.GetFullPath(plot) : null;
            if (plotPath is not null)
                trainerOptions.StepLosses = new List<float>();
            IReadOnlyList<EpochResult> results = Trainer.Fit(network, train, test, trainerOptions);

            double accuracy = MnistData.Percent(results[^1].TestAccuracy!.Value, test.Count);
            double secondsPerEpoch = results.Average(r => r.Elapsed.TotalSeconds);
            double samplesPerSecond = results.Average(r => r.SamplesPerSecond);
            Console.WriteLine($"final test accuracy: {MnistData.FormatPercent(accuracy)}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"mean time per epoch: {secondsPerEpoch:F2} s (training {samplesPerSecond:N0} samples/s; evaluation included); " +
                $"total {results.Sum(r => r.Elapsed.TotalSeconds):F1} s"));

            Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
            network.Save(outPath);
            Console.WriteLine($"saved {MnistData.Count(network.ParameterCount)} parameters to {outPath}");
            if (options.Value("--accuracy-file") is string accuracyFile)
            {
                accuracyFile = Path.GetFullPath(accuracyFile);
                Directory.CreateDirectory(Path.GetDirectoryName(accuracyFile)!);
                File.WriteAllText(accuracyFile, accuracy.ToString("F2", CultureInfo.InvariantCulture) + "\n");
            }

            if (plotPath is not null)
            {
                WriteLossPlot(plotPath, name, trainerOptions.StepLosses!, results);
                Console.WriteLine($"loss curve: {plotPath}");
            }

            if (accuracy < requiredPercent)
            {
                Console.Error.WriteLine($"{name}: FAILED: the test accuracy {MnistData.FormatPercent(accuracy)} is below " +
                    $"the required {MnistData.FormatPercent(requiredPercent)}");
                return 1;
            }
            return 0;
        }

        /// <summary>The per-step losses (faint) and each epoch's mean, drawn at the epoch's last step.</summary>
        private static void WriteLossPlot(string path, string name, List<float> stepLosses, IReadOnlyList<EpochResult> results)
        {
            int stepsPerEpoch = stepLosses.Count / results.Count;
            double[] epochEnds = results.Select(r => (double)r.Epoch * stepsPerEpoch).ToArray();
            double[] epochLosses = results.Select(r => (double)r.Loss).ToArray();
            LossPlot.WritePng(path, $"{name}: training loss", "step", "cross-entropy loss",
                [LossCurve.FromSteps("per step", stepLosses, faint: true), new LossCurve("epoch mean", epochEnds, epochLosses)]);
        }
    }
}
