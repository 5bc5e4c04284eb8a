using TensorForge.Training;

namespace TensorForge.Samples
{
    /// <summary>Trains <see cref="MnistMlp"/> on 8,000 MNIST digits, tests it on 2,000 after every epoch, saves the weights
    /// and fails (exit code 1) below 94% so that CI catches a regression.</summary>
    internal static class Program
    {
        private static readonly string Usage =
            "usage: Mnist [--epochs N] [--out PATH] [--data DIR] [--accuracy-file PATH] [--plot PATH]\n" +
            string.Format(System.Globalization.CultureInfo.InvariantCulture, ClassifierSample.OptionsUsage, 10, "mnist-mlp.safetensors");

        private static int Main(string[] args) =>
            CommandLine.Run(args, "Mnist", Usage, ClassifierSample.ValueOptions, allowPositional: false, Run);

        private static int Run(CommandLine options) =>
            ClassifierSample.Run(options, new MnistMlp(), "Mnist", MnistMlp.Summary, defaultEpochs: 10, "mnist-mlp.safetensors",
                MnistData.RequiredAccuracyPercent, new TrainerOptions { BatchSize = 32, Seed = 42 }, "batch 32");
    }
}
