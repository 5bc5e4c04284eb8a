using System;
using System.Numerics.Tensors;

namespace TensorForge.Kernels
{
    /// <summary><c>nn.Embedding</c>: a lookup of rows of weight [vocabulary, dimension] by token id, and its gradient.</summary>
    /// <remarks>Token ids are [batch, steps] and the embeddings [batch, steps, dimension], row-major. Every id is checked
    /// before anything is written: one outside [0, vocabulary) throws <see cref="ArgumentException"/> naming the id, its
    /// sample and step, and the vocabulary. Spans may be longer than the sizes need; a shorter one throws
    /// <see cref="ArgumentException"/> naming the sizes. Nothing is allocated.</remarks>
    public static class Embedding
    {
        /// <summary>y[b, t, :] = weight[ids[b, t], :].</summary>
        /// <param name="ids">Token ids [batch, steps].</param>
        /// <param name="weight">weight [vocabulary, dimension].</param>
        /// <param name="y">Output [batch, steps, dimension].</param>
        /// <param name="batch">Samples.</param>
        /// <param name="steps">Ids per sample.</param>
        /// <param name="vocabulary">Rows of the weight (num_embeddings).</param>
        /// <param name="dimension">Columns of the weight (embedding_dim).</param>
        public static void Forward(ReadOnlySpan<int> ids, ReadOnlySpan<float> weight, Span<float> y, int batch, int steps, int vocabulary, int dimension)
        {
            CheckSizes(ids.Length, batch, steps, vocabulary, dimension);
            SequenceArguments.AtLeast(weight.Length, nameof(weight), vocabulary, dimension, nameof(vocabulary), nameof(dimension));
            SequenceArguments.AtLeast(y.Length, nameof(y), batch, steps, dimension, nameof(batch), nameof(steps), nameof(dimension));
            CheckIds(ids, batch, steps, vocabulary);
            int count = batch * steps;
            for (int n = 0; n < count; n++)
                weight.Slice(ids[n] * dimension, dimension).CopyTo(y.Slice(n * dimension, dimension));
        }

        /// <summary>weightGradient[ids[b, t], :] += dy[b, t, :] for every position in order (a repeated id adds each of its
        /// rows, always in the same order), after clearing the gradient unless <paramref name="accumulate"/>.</summary>
        /// <param name="ids">Token ids [batch, steps], as given to Forward.</param>
        /// <param name="dy">dL/dy [batch, steps, dimension].</param>
        /// <param name="weightGradient">dL/dweight [vocabulary, dimension].</param>
        /// <param name="batch">Samples.</param>
        /// <param name="steps">Ids per sample.</param>
        /// <param name="vocabulary">Rows of the weight.</param>
        /// <param name="dimension">Columns of the weight.</param>
        /// <param name="accumulate">Add to the gradient instead of overwriting it.</param>
        public static void Backward(ReadOnlySpan<int> ids, ReadOnlySpan<float> dy, Span<float> weightGradient, int batch, int steps,
            int vocabulary, int dimension, bool accumulate)
        {
            CheckSizes(ids.Length, batch, steps, vocabulary, dimension);
            SequenceArguments.AtLeast(dy.Length, nameof(dy), batch, steps, dimension, nameof(batch), nameof(steps), nameof(dimension));
            SequenceArguments.AtLeast(weightGradient.Length, nameof(weightGradient), vocabulary, dimension, nameof(vocabulary), nameof(dimension));
            CheckIds(ids, batch, steps, vocabulary);
            if (!accumulate)
                weightGradient.Slice(0, vocabulary * dimension).Clear();
            int count = batch * steps;
            for (int n = 0; n < count; n++)
            {
                Span<float> row = weightGradient.Slice(ids[n] * dimension, dimension);
                TensorPrimitives.Add(row, dy.Slice(n * dimension, dimension), row);
            }
        }

        /// <summary>Throws <see cref="ArgumentException"/> (parameter "ids") for the first id outside [0, vocabulary), naming
        /// it, its sample and step, and the vocabulary; generated code calls it before changing any state.</summary>
        public static void CheckIds(ReadOnlySpan<int> ids, int batch, int steps, int vocabulary)
        {
            CheckSizes(ids.Length, batch, steps, vocabulary, 0);
            int count = batch * steps;
            for (int n = 0; n < count; n++)
            {
                if ((uint)ids[n] >= (uint)vocabulary)
                    throw new ArgumentException(
                        $"Token id {ids[n]} at sample {n / steps}, step {n % steps} (ids[{n}]) is outside the vocabulary of {vocabulary}: ids must lie in [0, {vocabulary}).",
                        nameof(ids));
            }
        }

        private static void CheckSizes(int idsLength, int batch, int steps, int vocabulary, int dimension)
        {
            KernelArguments.NonNegative(batch, nameof(batch));
            KernelArguments.NonNegative(steps, nameof(steps));
            KernelArguments.NonNegative(vocabulary, nameof(vocabulary));
            KernelArguments.NonNegative(dimension, nameof(dimension));
            SequenceArguments.AtLeast(idsLength, "ids", batch, steps, nameof(batch), nameof(steps));
        }
    }
}
