using System;
using System.Globalization;

namespace TensorForge.Data
{
    /// <summary>An in-memory labelled dataset: <c>Count</c> samples of <c>SampleSize</c> floats each, and one label per sample.</summary>
    /// <remarks>The constructor keeps the arrays it is given (no copy); sample i is <c>Inputs[i·SampleSize .. (i+1)·SampleSize)</c>.</remarks>
    public sealed class Dataset
    {
        /// <exception cref="ArgumentException"><c>inputs.Length</c> is not <c>labels.Length × sampleSize</c>.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleSize"/> is not positive.</exception>
        public Dataset(float[] inputs, int[] labels, int sampleSize)
        {
            ArgumentNullException.ThrowIfNull(inputs);
            ArgumentNullException.ThrowIfNull(labels);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleSize);
            long expected = (long)labels.Length * sampleSize;
            if (inputs.Length != expected)
                throw new ArgumentException(
                    $"inputs has {Format(inputs.Length)} elements but {Format(labels.Length)} labels with samples of " +
                    $"{Format(sampleSize)} elements need {Format(expected)}", nameof(inputs));
            Inputs = inputs;
            Labels = labels;
            SampleSize = sampleSize;
        }

        public float[] Inputs { get; }

        public int[] Labels { get; }

        public int SampleSize { get; }

        public int Count => Labels.Length;

        /// <summary>Sample <paramref name="index"/>'s inputs.</summary>
        public ReadOnlySpan<float> Sample(int index) => Inputs.AsSpan(checked(index * SampleSize), SampleSize);

        /// <summary>Samples [start, start+count) as a new dataset (copies).</summary>
        /// <exception cref="ArgumentOutOfRangeException">The range does not lie within the dataset.</exception>
        public Dataset Slice(int start, int count)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(start);
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            if ((long)start + count > Count)
                throw new ArgumentOutOfRangeException(nameof(count),
                    $"samples [{Format(start)}, {Format((long)start + count)}) do not lie within a dataset of {Format(Count)}");
            return new Dataset(
                Inputs.AsSpan(start * SampleSize, count * SampleSize).ToArray(),
                Labels.AsSpan(start, count).ToArray(),
                SampleSize);
        }

        private static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
    }
}
