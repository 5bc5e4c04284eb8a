using System;
using System.Globalization;

namespace TensorForge
{
    /// <summary>Argument checks used by generated code. Every message names the expected and the actual shape.</summary>
    /// <remarks>Every failure is an <see cref="ArgumentException"/> whose <see cref="ArgumentException.ParamName"/> is the
    /// name passed in. Sizes are multiplied in 64 bits, so no check can be fooled by overflow.</remarks>
    public static class Guard
    {
        /// <summary>Returns the batch size implied by <paramref name="inputLength"/> (inputLength / inputSize) and checks that
        /// the input is a non-empty whole number of samples and that <paramref name="outputLength"/> is batch × outputSize.
        /// <paramref name="inputShape"/> and <paramref name="outputShape"/> are the per-sample shapes as text, e.g. "[1, 28, 28]".</summary>
        public static int Batch(int inputLength, int inputSize, string inputShape, int outputLength, int outputSize, string outputShape,
            string inputName = "input", string outputName = "output")
        {
            int batch = Batch(inputLength, inputSize, inputShape, inputName);
            Length(outputLength, batch, outputSize, outputShape, outputName);
            return batch;
        }

        /// <summary>Returns the batch size implied by <paramref name="inputLength"/> and checks that the input is a non-empty
        /// whole number of samples of shape <paramref name="inputShape"/>.</summary>
        public static int Batch(int inputLength, int inputSize, string inputShape, string inputName = "input")
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
            if (inputLength == 0)
                throw new ArgumentException(
                    $"{inputName} is empty; expected a batch of one or more samples of shape {inputShape} ({Elements(inputSize)} each)",
                    inputName);
            if (inputLength % inputSize != 0)
                throw new ArgumentException(
                    $"{inputName} has {Elements(inputLength)}, which is not a whole number of samples of shape {inputShape} ({Elements(inputSize)} each)",
                    inputName);
            return inputLength / inputSize;
        }

        /// <summary>Checks that a span named <paramref name="name"/> holds exactly batch × size elements.</summary>
        public static void Length(int length, int batch, int size, string shape, string name)
        {
            long expected = (long)batch * size;
            if (length != expected)
                throw new ArgumentException(
                    $"{name} has {Elements(length)} but a batch of {Samples(batch)} of shape {shape} needs {Format(expected)}",
                    name);
        }

        /// <summary>Checks that every label lies in [0, classes) and that there are batch × perSample of them.</summary>
        public static void Labels(ReadOnlySpan<int> labels, int batch, int perSample, int classes, string name = "labels")
        {
            long expected = (long)batch * perSample;
            if (labels.Length != expected)
            {
                string each = perSample == 1 ? "one label" : $"{Format(perSample)} labels";
                throw new ArgumentException(
                    $"{name} has {Elements(labels.Length)} but a batch of {Samples(batch)} needs {Format(expected)} ({each} per sample)",
                    name);
            }
            for (int i = 0; i < labels.Length; i++)
            {
                // One unsigned comparison catches negative labels too.
                if ((uint)labels[i] >= (uint)classes)
                    throw new ArgumentException($"{name}[{Format(i)}] is {Format(labels[i])} but must lie in [0, {Format(classes)})", name);
            }
        }

        private static string Elements(long count) => count == 1 ? "1 element" : $"{Format(count)} elements";

        private static string Samples(long count) => count == 1 ? "1 sample" : $"{Format(count)} samples";

        private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
