using System.Globalization;
using TensorForge.Training;

namespace TensorForge.Samples
{
    /// <summary>Trains <see cref="SmallResNet"/> (default) or <see cref="VggNet"/> (<c>--model vgg</c>) on the 8,000 training
    /// digits with random shifts of up to 2 pixels, AdamW and a cosine schedule, batch 32; tests on the last 2,000 after every
    /// epoch, saves the weights and fails (exit code 1) below 98.9%.</summary>
    internal static class Program
    {
        public const double RequiredAccuracyPercent = 98.9;
        private const int MaxShift = 2;

        private static readonly string Usage =
            "usage: ResNet [--model resnet|vgg] [--epochs N] [--out PATH] [--data DIR] [--accuracy-file PATH] [--plot PATH] [--required ACC]\n" +
            "  --model NAME          resnet (default: 3 stages of 2 basic blocks, 174,970 parameters) or vgg (2×32, 2×64 conv + BN, 128, dropout)\n" +
            "  --required ACC        the accuracy bar in percent (default 98.9; CI's short runs lower it)\n" +
            string.Format(CultureInfo.InvariantCulture, ClassifierSample.OptionsUsage, 20, "<model>.safetensors");

        private static int Main(string[] args) =>
            CommandLine.Run(args, "ResNet", Usage, [.. ClassifierSample.ValueOptions, "--model", "--required"], allowPositional: false, Run);

        private static int Run(CommandLine options)
        {
            string model = options.Value("--model") ?? "resnet";
            double required = options.Double("--required") ?? RequiredAccuracyPercent;
            var trainer = new TrainerOptions
            {
                BatchSize = 32,
                Seed = 42,
                EvaluateTrainingSet = false,
                Augment = MnistData.RandomShifts(MaxShift),
            };
            const string recipe = "batch 32, random shifts of up to 2 pixels, AdamW with cosine annealing over 5,000 steps (20 epochs)";
            return model switch
            {
                "resnet" => ClassifierSample.Run(options, new SmallResNet(), "ResNet", SmallResNet.Summary, 20, "resnet.safetensors", required, trainer, recipe),
                "vgg" => ClassifierSample.Run(options, new VggNet(), "ResNet --model vgg", VggNet.Summary, 20, "vgg.safetensors", required, trainer, recipe),
                _ => throw new System.IO.InvalidDataException($"--model must be resnet or vgg but is '{model}'"),
            };
        }
    }
}
