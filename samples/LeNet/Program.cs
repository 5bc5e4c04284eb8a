using System.Globalization;
using TensorForge.Training;

namespace TensorForge.Samples
{
    /// <summary>Trains <see cref="LeNet5"/> on the 8,000 training digits (Adam 1e-3, batch 32, 10 epochs), tests on the
    /// last 2,000 after every epoch, saves the weights and fails (exit code 1) below 97.0%.</summary>
    internal static class Program
    {
        public const double RequiredAccuracyPercent = 97.0;

        private static readonly string Usage =
            "usage: LeNet [--epochs N] [--seed N] [--required ACC] [--out PATH] [--data DIR] [--accuracy-file PATH] [--plot PATH]\n" +
            "  --seed N              seed of the initialisation and the shuffling (default 42)\n" +
            "  --required ACC        the accuracy bar in percent (default 97.0; CI's regression guard lowers it)\n" +
            string.Format(CultureInfo.InvariantCulture, ClassifierSample.OptionsUsage, 10, "lenet5.safetensors");

        private static int Main(string[] args) =>
            CommandLine.Run(args, "LeNet", Usage, [.. ClassifierSample.ValueOptions, "--seed", "--required"], allowPositional: false, Run);

        private static int Run(CommandLine options)
        {
            int seed = options.PositiveInt("--seed", 42);
            return ClassifierSample.Run(options, new LeNet5(seed), "LeNet", LeNet5.Summary, defaultEpochs: 10, "lenet5.safetensors",
                options.Double("--required") ?? RequiredAccuracyPercent, new TrainerOptions { BatchSize = 32, Seed = seed }, $"Adam 1e-3, batch 32, seed {seed}");
        }
    }
}
