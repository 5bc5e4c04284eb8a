using System;
using System.IO;
using TensorForge.Data;

namespace TensorForge.Benchmarks
{
    /// <summary>Mini-batches of 28×28 digits for the convolutional sections: the repository's data/mnist-10k (pixels in
    /// [0, 1], as the samples read them) when it can be found above the working folder or the binary, else uniform random
    /// images with random labels (the timings do not depend on the pixel values; the agreement check reports which).</summary>
    internal sealed class DigitBatches
    {
        public const int PoolSize = 64;
        public const int Pixels = 28 * 28;

        /// <summary>One mini-batch of images [batch, 1, 28, 28] and class labels.</summary>
        public sealed record Batch(float[] Images, int[] Labels)
        {
            public int Size => Labels.Length;
        }

        private readonly float[] _images;
        private readonly int[] _labels;

        public string Source { get; }

        private DigitBatches(float[] images, int[] labels, string source)
        {
            _images = images;
            _labels = labels;
            Source = source;
        }

        private static DigitBatches? s_shared;

        /// <summary>The digits, read once per process.</summary>
        public static DigitBatches Shared => s_shared ??= Load();

        private static DigitBatches Load()
        {
            foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            {
                for (DirectoryInfo? folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
                {
                    string images = Path.Combine(folder.FullName, "data", "mnist-10k", "images-idx3-ubyte.gz");
                    string labels = Path.Combine(folder.FullName, "data", "mnist-10k", "labels-idx1-ubyte.gz");
                    if (File.Exists(images) && File.Exists(labels))
                    {
                        Dataset data = Idx.LoadDataset(images, labels);
                        return new DigitBatches(data.Inputs, data.Labels, $"MNIST digits from {Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.Combine(folder.FullName, "data", "mnist-10k"))}");
                    }
                }
            }
            var random = new SeededRandom(2024);
            const int Count = 4096;
            var pixels = new float[Count * Pixels];
            var classes = new int[Count];
            for (int i = 0; i < pixels.Length; i++) pixels[i] = random.NextSingle();
            for (int i = 0; i < Count; i++) classes[i] = random.NextInt32(10);
            return new DigitBatches(pixels, classes, "uniform random images (data/mnist-10k not found)");
        }

        /// <summary><see cref="PoolSize"/> consecutive batches of <paramref name="batch"/> samples, from sample
        /// <paramref name="first"/> on (wrapping around).</summary>
        public Batch[] Pool(int batch, int first = 0, int count = PoolSize)
        {
            var pool = new Batch[count];
            int samples = _labels.Length;
            for (int b = 0; b < count; b++)
            {
                var images = new float[batch * Pixels];
                var labels = new int[batch];
                for (int i = 0; i < batch; i++)
                {
                    int index = (first + b * batch + i) % samples;
                    _images.AsSpan(index * Pixels, Pixels).CopyTo(images.AsSpan(i * Pixels));
                    labels[i] = _labels[index];
                }
                pool[b] = new Batch(images, labels);
            }
            return pool;
        }
    }
}
