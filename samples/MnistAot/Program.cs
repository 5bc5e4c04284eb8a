using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Numerics.Tensors;
using TensorForge.Data;
using TensorForge.Training;

namespace TensorForge.Samples
{
    /// <summary>Runs trained MNIST weights inside a Native AOT binary: classifies the 2,000 test digits with the inference
    /// twin (accuracy, µs per digit at batch 1 and batched), then loads the same weights into the training twin and trains
    /// it for one more epoch without a JIT.</summary>
    internal static class Program
    {
        private const string Usage =
            "usage: MnistAot [WEIGHTS] [--expect ACC] [--lenet PATH [--lenet-expect ACC]] [--data DIR]\n" +
            "  WEIGHTS       safetensors file written by samples/Mnist (default ./mnist-mlp.safetensors)\n" +
            "  --expect ACC  fail unless the accuracy of the loaded weights is ACC percent (±0.05, one digit of 2,000)\n" +
            "  --lenet PATH  also classify with LeNet-5 weights written by samples/LeNet (fails below 94.0%)\n" +
            "  --lenet-expect ACC  fail unless the LeNet accuracy is ACC percent (±0.05)\n" +
            "  --data DIR    folder with the MNIST IDX files (default data/mnist-10k of the repository)\n" +
            "  --version     print the version and exit (a start-up measurement)";

        /// <summary>One test digit of 2,000 is 0.05 percentage points; allow exactly that (JIT and AOT kernels may use different
        /// vector widths, so a digit on the decision boundary may flip), plus rounding slack.</summary>
        private const double ExpectTolerancePercent = 0.05 + 1e-9;

        private const int BatchedRepetitions = 20;

        private static int Main(string[] args) =>
            CommandLine.Run(args, "MnistAot", Usage, new[] { "--expect", "--data", "--lenet", "--lenet-expect" }, allowPositional: true, Run);

        private static int Run(CommandLine options)
        {
            string weights = Path.GetFullPath(options.Positional ?? "mnist-mlp.safetensors");
            double? expected = options.Double("--expect");
            (Dataset train, Dataset test, string directory) = MnistData.Load(options.Value("--data"));
            Console.WriteLine($"data: {directory}; weights: {weights}");

            var inference = new MnistMlpInference();
            inference.Load(weights);
            double accuracy = MnistData.Percent(Trainer.Evaluate(inference, test), test.Count);
            Console.WriteLine($"inference twin, loaded weights: test accuracy {MnistData.FormatPercent(accuracy)} " +
                $"on {MnistData.Count(test.Count)} digits");
            MeasureLatency(inference, test);

            var failures = new List<string>();
            if (accuracy < MnistData.RequiredAccuracyPercent)
                failures.Add($"the accuracy {MnistData.FormatPercent(accuracy)} is below the required " +
                    MnistData.FormatPercent(MnistData.RequiredAccuracyPercent));
            if (expected is double expect && Math.Abs(accuracy - expect) > ExpectTolerancePercent)
                failures.Add($"the accuracy {MnistData.FormatPercent(accuracy)} differs from the expected " +
                    $"{MnistData.FormatPercent(expect)} by more than 0.05 percentage points");

            // The training twin has the same parameter layout; Load leaves its (fresh) optimizer state alone.
            var trainable = new MnistMlp();
            trainable.Load(weights);
            double trainableAccuracy = MnistData.Percent(Trainer.Evaluate(trainable, test), test.Count);
            Console.WriteLine($"training twin, loaded weights: test accuracy {MnistData.FormatPercent(trainableAccuracy)}");
            if (trainableAccuracy != accuracy)
                failures.Add($"the training twin scores {MnistData.FormatPercent(trainableAccuracy)} with the same weights " +
                    $"as the inference twin's {MnistData.FormatPercent(accuracy)}");

            // Not gated: a fresh Adam state and schedule restart at the full learning rate, which can cost a little accuracy.
            Console.WriteLine($"training the training twin for one more epoch on {MnistData.Count(train.Count)} digits " +
                "(batch 32, fresh Adam state, learning rate restarts at 1e-3):");
            IReadOnlyList<EpochResult> results = Trainer.Fit(trainable, train, test,
                new TrainerOptions { Epochs = 1, BatchSize = 32, Seed = 42 });
            double trainedAccuracy = MnistData.Percent(results[^1].TestAccuracy!.Value, test.Count);
            Console.WriteLine($"after one epoch in the AOT binary: test accuracy {MnistData.FormatPercent(trainedAccuracy)}");

            if (options.Value("--lenet") is string lenetPath)
                ClassifyWithLeNet(Path.GetFullPath(lenetPath), options.Double("--lenet-expect"), test, failures);

            foreach (string failure in failures)
                Console.Error.WriteLine($"MnistAot: FAILED: {failure}");
            return failures.Count == 0 ? 0 : 1;
        }

        /// <summary>The convolutional twin: loads LeNet-5 weights, checks the accuracy and prints µs per digit at batch 1.</summary>
        private static void ClassifyWithLeNet(string weights, double? expected, Dataset test, List<string> failures)
        {
            var lenet = new LeNet5Inference();
            lenet.Load(weights);
            double accuracy = MnistData.Percent(Trainer.Evaluate(lenet, test), test.Count);
            Console.WriteLine($"LeNet-5 inference twin, weights {weights}: test accuracy {MnistData.FormatPercent(accuracy)}");
            Span<float> output = stackalloc float[LeNet5Inference.OutputSize];
            for (int pass = 0; pass < 2; pass++)
            {
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < test.Count; i++)
                    lenet.Forward(test.Sample(i), output);
                if (pass == 1)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"LeNet-5 batch 1: {clock.Elapsed.TotalMicroseconds / test.Count:F2} µs per digit"));
            }
            if (accuracy < MnistData.RequiredAccuracyPercent)
                failures.Add($"the LeNet-5 accuracy {MnistData.FormatPercent(accuracy)} is below the required {MnistData.FormatPercent(MnistData.RequiredAccuracyPercent)}");
            if (expected is double expect && Math.Abs(accuracy - expect) > ExpectTolerancePercent)
                failures.Add($"the LeNet-5 accuracy {MnistData.FormatPercent(accuracy)} differs from the expected {MnistData.FormatPercent(expect)} by more than 0.05 percentage points");
        }

        /// <summary>Prints µs per digit one digit at a time and all 2,000 at once, each after a warm-up run that also sizes the
        /// network's buffers (later calls with the same batch size allocate nothing).</summary>
        private static void MeasureLatency(MnistMlpInference network, Dataset test)
        {
            Span<float> output = stackalloc float[MnistMlpInference.OutputSize];
            int correct = 0;
            for (int pass = 0; pass < 2; pass++)
            {
                var clock = Stopwatch.StartNew();
                correct = 0;
                for (int i = 0; i < test.Count; i++)
                {
                    network.Forward(test.Sample(i), output);
                    if (TensorPrimitives.IndexOfMax(output) == test.Labels[i])
                        correct++;
                }
                if (pass == 1)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"batch 1: {clock.Elapsed.TotalMicroseconds / test.Count:F2} µs per digit ({MnistData.Count(correct)} of {MnistData.Count(test.Count)} correct)"));
            }

            var outputs = new float[test.Count * MnistMlpInference.OutputSize];
            network.Forward(test.Inputs, outputs);
            var batchClock = Stopwatch.StartNew();
            for (int repetition = 0; repetition < BatchedRepetitions; repetition++)
                network.Forward(test.Inputs, outputs);
            double microseconds = batchClock.Elapsed.TotalMicroseconds / ((double)BatchedRepetitions * test.Count);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"batch {test.Count}: {microseconds:F2} µs per digit (mean of {BatchedRepetitions} runs)"));
        }
    }
}
