using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using TensorForge.Data;
using TensorForge.Training;

namespace TensorForge.Samples
{
    /// <summary>Trains <see cref="MnistMlp"/> on 8,000 MNIST digits, tests it on 2,000 after every epoch, saves the weights
    /// and fails (exit code 1) below 94% so that CI catches a regression.</summary>
    internal static class Program
    {
        private const string Usage =
            "usage: Mnist [--epochs N] [--out PATH] [--data DIR] [--accuracy-file PATH]\n" +
            "  --epochs N            epochs to train (default 10)\n" +
            "  --out PATH            where to save the weights (default ./mnist-mlp.safetensors)\n" +
            "  --data DIR            folder with the MNIST IDX files (default data/mnist-10k of the repository)\n" +
            "  --accuracy-file PATH  also write the final test accuracy (percent, e.g. 94.85) to this file\n" +
            "  --version             print the version and exit";

        private static int Main(string[] args) =>
            CommandLine.Run(args, "Mnist", Usage, new[] { "--epochs", "--out", "--data", "--accuracy-file" }, allowPositional: false, Run);

        private static int Run(CommandLine options)
        {
            int epochs = options.PositiveInt("--epochs", 10);
            string outPath = Path.GetFullPath(options.Value("--out") ?? "mnist-mlp.safetensors");

            Console.WriteLine(MnistMlp.Summary);
            (Dataset train, Dataset test, string directory) = MnistData.Load(options.Value("--data"));
            Console.WriteLine($"data: {directory}: training on the first {MnistData.Count(train.Count)} digits, " +
                $"testing on the last {MnistData.Count(test.Count)}; {epochs} epochs, batch 32");

            var network = new MnistMlp();
            IReadOnlyList<EpochResult> results = Trainer.Fit(network, train, test,
                new TrainerOptions { Epochs = epochs, BatchSize = 32, Seed = 42 });

            double accuracy = MnistData.Percent(results[^1].TestAccuracy!.Value, test.Count);
            double secondsPerEpoch = results.Average(r => r.Elapsed.TotalSeconds);
            double samplesPerSecond = results.Average(r => r.SamplesPerSecond);
            Console.WriteLine($"final test accuracy: {MnistData.FormatPercent(accuracy)}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"mean time per epoch: {secondsPerEpoch:F2} s (training {samplesPerSecond:N0} samples/s; evaluation of both sets included)"));

            Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
            network.Save(outPath);
            Console.WriteLine($"saved {MnistData.Count(MnistMlp.ParameterCount)} parameters to {outPath}");
            if (options.Value("--accuracy-file") is string accuracyFile)
            {
                accuracyFile = Path.GetFullPath(accuracyFile);
                Directory.CreateDirectory(Path.GetDirectoryName(accuracyFile)!);
                File.WriteAllText(accuracyFile, accuracy.ToString("F2", CultureInfo.InvariantCulture) + "\n");
            }

            if (accuracy < MnistData.RequiredAccuracyPercent)
            {
                Console.Error.WriteLine($"Mnist: FAILED: the test accuracy {MnistData.FormatPercent(accuracy)} is below " +
                    $"the required {MnistData.FormatPercent(MnistData.RequiredAccuracyPercent)}");
                return 1;
            }
            return 0;
        }
    }
}
