using System;
using System.Globalization;
using System.IO;
using TensorForge.Data;
using TensorForge.Training;

namespace TensorForge.Samples
{
    /// <summary>The 10,000 MNIST digits of <c>data/mnist-10k</c>, split as every sample and test uses them:
    /// the first 8,000 for training, the last 2,000 for testing.</summary>
    internal static class MnistData
    {
        public const int TrainCount = 8_000;
        public const int TestCount = 2_000;

        /// <summary>The accuracy every sample insists on (a regression guard for CI), in percent.</summary>
        public const double RequiredAccuracyPercent = 94.0;

        private const string DataFolder = "data/mnist-10k";

        /// <summary>Loads the images and labels from <paramref name="directory"/>, or from <c>data/mnist-10k</c> of the
        /// repository this program was built in when it is null.</summary>
        /// <exception cref="DirectoryNotFoundException">No directory was given and no repository root was found.</exception>
        /// <exception cref="InvalidDataException">The files are missing, corrupt, or hold fewer than 10,000 digits.</exception>
        public static (Dataset Train, Dataset Test, string Directory) Load(string? directory)
        {
            directory ??= RepositoryFolder.Find(DataFolder, "the MNIST folder");
            string images = Path.Combine(directory, "images-idx3-ubyte.gz");
            string labels = Path.Combine(directory, "labels-idx1-ubyte.gz");
            foreach (string file in new[] { images, labels })
            {
                if (!File.Exists(file))
                    throw new InvalidDataException($"'{directory}' has no {Path.GetFileName(file)}; pass the MNIST folder with --data DIR");
            }
            Dataset all = Idx.LoadDataset(images, labels);
            if (all.Count < TrainCount + TestCount)
                throw new InvalidDataException(
                    $"'{directory}' holds {Count(all.Count)} digits but the samples need {Count(TrainCount + TestCount)}");
            return (all.Slice(0, TrainCount), all.Slice(all.Count - TestCount, TestCount), directory);
        }

        /// <summary>The augmentation of the samples that use one (<see cref="TrainerOptions.Augment"/>): every training digit
        /// moved by a random whole number of pixels in [−<paramref name="maxShift"/>, <paramref name="maxShift"/>] in each
        /// direction, zeros shifted in (<see cref="Augmentation.RandomShift"/> on [1, 28, 28] images).</summary>
        public static BatchTransform RandomShifts(int maxShift)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(maxShift);
            return (Span<float> images, int count, ref SeededRandom random) =>
                Augmentation.RandomShift(images, count, 1, 28, 28, maxShift, ref random);
        }

        /// <summary>Accuracy (a fraction of <paramref name="total"/> samples) as an exact percentage: with 2,000 test digits
        /// every value is a multiple of 0.05, so "%.2f" round-trips it.</summary>
        public static double Percent(float accuracy, int total) => 100.0 * Math.Round(accuracy * total) / total;

        public static string FormatPercent(double percent) => percent.ToString("F2", CultureInfo.InvariantCulture) + "%";

        public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
    }
}
