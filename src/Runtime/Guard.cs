using System;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;

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

        /// <summary>Checks that a state snapshot named <paramref name="name"/> (<see cref="INetwork.CopyStateTo"/>) holds exactly
        /// <paramref name="stateSize"/> floats.</summary>
        public static void StateLength(int length, int stateSize, string name)
        {
            if (length != stateSize)
                throw new ArgumentException(
                    $"{name} has {Elements(length)} but the network's state (parameters and buffers) has {Elements(stateSize)}", name);
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

        /// <summary>Checks that every token id lies in [0, vocabulary); the message names the first bad id and its position.</summary>
        public static void Tokens(ReadOnlySpan<int> tokens, int vocabulary, string name = "tokens")
        {
            for (int i = 0; i < tokens.Length; i++)
            {
                if ((uint)tokens[i] >= (uint)vocabulary)
                    throw new ArgumentException($"{name}[{Format(i)}] is the token id {Format(tokens[i])} but ids must lie in [0, {Format(vocabulary)}) (the vocabulary)", name);
            }
        }

        /// <summary>Converts float-coded token ids (as a <c>Dataset</c> holds them) to ids, checking that each is a whole number
        /// in [0, vocabulary); nothing is written when one is not.</summary>
        public static void Tokens(ReadOnlySpan<float> values, Span<int> tokens, int vocabulary, string name = "input")
        {
            for (int i = 0; i < values.Length; i++)
            {
                float value = values[i];
                if (!(value >= 0f && value < vocabulary) || value != MathF.Floor(value))
                    throw new ArgumentException($"{name}[{Format(i)}] is {value.ToString("R", CultureInfo.InvariantCulture)} but a token network's input holds whole token ids in [0, {Format(vocabulary)})", name);
            }
            for (int i = 0; i < values.Length; i++)
                tokens[i] = (int)values[i];
        }

        /// <summary>The label that PyTorch's <c>CrossEntropyLoss</c> skips (its default <c>ignore_index</c>).</summary>
        public const int IgnoredLabel = -100;

        /// <summary>Checks that every label lies in [0, classes) (or, with <paramref name="allowIgnored"/>, is
        /// <see cref="IgnoredLabel"/>) and that there are batch × perSample of them.</summary>
        public static void Labels(ReadOnlySpan<int> labels, int batch, int perSample, int classes, string name = "labels", bool allowIgnored = false)
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
                if ((uint)labels[i] >= (uint)classes && !(allowIgnored && labels[i] == IgnoredLabel))
                    throw new ArgumentException($"{name}[{Format(i)}] is {Format(labels[i])} but must lie in [0, {Format(classes)})" +
                        (allowIgnored ? $" or be {IgnoredLabel} (ignored)" : ""), name);
            }
        }

        /// <summary>Checks that every value of <paramref name="values"/> is finite (no NaN, no ±Infinity); the message names the
        /// first offending index and value. One vectorised pass: x − x is 0 for a finite x and NaN otherwise.</summary>
        public static void Finite(ReadOnlySpan<float> values, string name)
        {
            if (AllFinite(values))
                return;
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                    throw new ArgumentException(
                        $"{name}[{Format(i)}] is {values[i].ToString(CultureInfo.InvariantCulture)}; expected finite values " +
                        "(CheckFinite is on)", name);
            }
        }

        /// <summary>True when no value is NaN or infinite.</summary>
        public static bool AllFinite(ReadOnlySpan<float> values)
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
            {
                ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
                Vector<float> sum = Vector<float>.Zero;
                foreach (Vector<float> v in vectors)
                    sum += v - v;
                // NaN stays NaN through the additions; NaN != NaN.
                if (!Vector.EqualsAll(sum, sum))
                    return false;
                i = vectors.Length * Vector<float>.Count;
            }
            float tail = 0f;
            for (; i < values.Length; i++)
                tail += values[i] - values[i];
            return !float.IsNaN(tail);
        }

        /// <summary>Checks that a caller's span <paramref name="name"/> shares no memory with <paramref name="buffer"/>, one of the
        /// network's own buffers (named <paramref name="bufferName"/>): reading or writing it while the network writes its buffers
        /// would corrupt the model or the result.</summary>
        public static void NotAliased(ReadOnlySpan<float> span, string name, ReadOnlySpan<float> buffer, string bufferName)
        {
            if (!span.Overlaps(buffer, out int bufferOffset))
                return;
            // Overlaps reports where the buffer starts relative to the span; the message says where the span starts in the buffer.
            long start = -(long)bufferOffset;
            string where = start >= 0
                ? $"starting at element {Format(start)} of {bufferName}"
                : $"starting {Format(-start)} elements before {bufferName}";
            throw new ArgumentException(
                $"{name} ({Elements(span.Length)}) shares memory with the network's {bufferName} ({Elements(buffer.Length)}), {where}; " +
                "expected a separate buffer (copy the values first)", name);
        }

        private static string Elements(long count) => count == 1 ? "1 element" : $"{Format(count)} elements";

        private static string Samples(long count) => count == 1 ? "1 sample" : $"{Format(count)} samples";

        private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Process-wide defaults of the optional checks of generated networks.</summary>
    public static class Validation
    {
        /// <summary>The initial value of every new network's <c>CheckFinite</c> property (default false). When a network's
        /// <c>CheckFinite</c> is true, <c>Forward</c>, <c>ForwardTrain</c>, <c>Backward</c> and <c>TrainStep</c> reject NaN and
        /// infinite values in their inputs, gradients and targets with an <see cref="ArgumentException"/> before changing anything;
        /// the cost is one vectorised pass over those spans. When false, the cost is one test of a bool per call.</summary>
        /// <remarks>Read once, by the network's constructor: changing it does not affect existing instances. Set it at start-up
        /// (e.g. in debug builds); tests that run in parallel should set the instance property instead.</remarks>
        public static bool CheckFinite { get; set; }
    }
}
