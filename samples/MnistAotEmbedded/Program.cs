using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using TensorForge.Data;
using TensorForge.Training;

namespace TensorForge.Samples
{
    /// <summary>One Native AOT file that classifies MNIST digits with no weights path: the MLP and LeNet-5 weights are part of
    /// the binary (<c>FromEmbeddedWeights()</c>). Classifies the 2,000 test digits with each and checks the accuracies.</summary>
    internal static class Program
    {
        /// <summary>The accuracies of the committed weights (weights/README.md), which the binary must reproduce to one digit.</summary>
        private const double MlpAccuracy = 94.80;
        private const double LeNetAccuracy = 96.80;

        private const string Usage =
            "usage: MnistAotEmbedded [--expect ACC] [--lenet-expect ACC] [--data DIR]\n" +
            "  --expect ACC        the MLP's expected test accuracy in percent, ±0.05 (default: that of the committed weights)\n" +
            "  --lenet-expect ACC  the same for LeNet-5\n" +
            "  --data DIR          folder with the MNIST IDX files (default data/mnist-10k of the repository)";

        /// <summary>One test digit of 2,000 is 0.05 percentage points; allow exactly that (the JIT run that measured the
        /// committed accuracies and this binary may use different vector widths), plus rounding slack.</summary>
        private const double ExpectTolerancePercent = 0.05 + 1e-9;

        private static int Main(string[] args) =>
            CommandLine.Run(args, "MnistAotEmbedded", Usage, new[] { "--expect", "--lenet-expect", "--data" }, allowPositional: false, Run);

        private static int Run(CommandLine options)
        {
            var clock = Stopwatch.StartNew();
            MnistMlpInference mlp = MnistMlpInference.FromEmbeddedWeights();
            double mlpLoad = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            LeNet5Inference lenet = LeNet5Inference.FromEmbeddedWeights();
            double lenetLoad = clock.Elapsed.TotalMilliseconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"embedded weights loaded: MLP {MnistMlpInference.ParameterCount:N0} parameters in {mlpLoad:F2} ms, " +
                $"LeNet-5 {LeNet5Inference.ParameterCount:N0} parameters in {lenetLoad:F2} ms"));

            (_, Dataset test, string directory) = MnistData.Load(options.Value("--data"));
            Console.WriteLine($"data: {directory}");
            var failures = new List<string>();
            Check("MLP", MnistData.Percent(Trainer.Evaluate(mlp, test), test.Count), options.Double("--expect") ?? MlpAccuracy, failures);
            Check("LeNet-5", MnistData.Percent(Trainer.Evaluate(lenet, test), test.Count), options.Double("--lenet-expect") ?? LeNetAccuracy, failures);
            foreach (string failure in failures)
                Console.Error.WriteLine($"MnistAotEmbedded: FAILED: {failure}");
            return failures.Count == 0 ? 0 : 1;
        }

        private static void Check(string name, double accuracy, double expected, List<string> failures)
        {
            Console.WriteLine($"{name}, embedded weights: test accuracy {MnistData.FormatPercent(accuracy)} (expected {MnistData.FormatPercent(expected)})");
            if (accuracy < MnistData.RequiredAccuracyPercent)
                failures.Add($"the {name} accuracy {MnistData.FormatPercent(accuracy)} is below the required {MnistData.FormatPercent(MnistData.RequiredAccuracyPercent)}");
            if (Math.Abs(accuracy - expected) > ExpectTolerancePercent)
                failures.Add($"the {name} accuracy {MnistData.FormatPercent(accuracy)} differs from the expected {MnistData.FormatPercent(expected)} by more than 0.05 percentage points");
        }
    }
}
