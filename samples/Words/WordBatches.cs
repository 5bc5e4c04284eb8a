using System;
using System.Collections.Generic;

namespace TensorForge.Samples
{
    /// <summary>One mini-batch of words as the networks take them: <see cref="Inputs"/> and <see cref="Labels"/> are
    /// <c>[Words, WordTokens.Length]</c>, row-major; <see cref="Predictions"/> counts the labels that are not
    /// <see cref="WordTokens.IgnoredLabel"/>.</summary>
    internal readonly ref struct WordBatch(ReadOnlySpan<int> inputs, ReadOnlySpan<int> labels, int words, int predictions)
    {
        public ReadOnlySpan<int> Inputs { get; } = inputs;
        public ReadOnlySpan<int> Labels { get; } = labels;
        public int Words { get; } = words;
        public int Predictions { get; } = predictions;
    }

    /// <summary>Cuts a list of words into mini-batches of <see cref="WordTokens.Length"/> tokens per word (see
    /// <see cref="WordTokens.Encode"/>), in file order or in a seeded shuffled order. Every word is in exactly one batch;
    /// the last batch may be smaller. The buffers are allocated once: a batch stays valid until the next <see cref="Get"/>.</summary>
    internal sealed class WordBatches
    {
        private readonly IReadOnlyList<string> _words;
        private readonly int[] _order;
        private readonly int[] _inputs;
        private readonly int[] _labels;

        /// <exception cref="ArgumentException">The list is empty or the batch size is not positive.</exception>
        public WordBatches(IReadOnlyList<string> words, int batchSize)
        {
            ArgumentNullException.ThrowIfNull(words);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
            if (words.Count == 0)
                throw new ArgumentException("there are no words to batch", nameof(words));
            _words = words;
            BatchSize = Math.Min(batchSize, words.Count);
            _order = new int[words.Count];
            _inputs = new int[BatchSize * WordTokens.Length];
            _labels = new int[BatchSize * WordTokens.Length];
            InFileOrder();
        }

        public int BatchSize { get; }

        public int Count => (_words.Count + BatchSize - 1) / BatchSize;

        /// <summary>Puts the words back in the order of the list.</summary>
        public void InFileOrder()
        {
            for (int i = 0; i < _order.Length; i++)
                _order[i] = i;
        }

        /// <summary>A Fisher–Yates shuffle of the list order seeded by <paramref name="seed"/>: the order depends only on the
        /// seed (the training loop passes seed + epoch, as <see cref="Training.Trainer"/> does).</summary>
        public void Shuffle(long seed)
        {
            InFileOrder();
            var random = new SeededRandom(seed);
            for (int i = _order.Length - 1; i > 0; i--)
            {
                int j = random.NextInt32(i + 1);
                (_order[i], _order[j]) = (_order[j], _order[i]);
            }
        }

        /// <summary>Batch <paramref name="index"/> (0 to <see cref="Count"/> − 1) of the current order.</summary>
        public WordBatch Get(int index)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            int start = index * BatchSize;
            int words = Math.Min(BatchSize, _words.Count - start);
            int predictions = 0;
            for (int i = 0; i < words; i++)
            {
                predictions += WordTokens.Encode(_words[_order[start + i]],
                    _inputs.AsSpan(i * WordTokens.Length, WordTokens.Length), _labels.AsSpan(i * WordTokens.Length, WordTokens.Length));
            }
            int length = words * WordTokens.Length;
            return new WordBatch(_inputs.AsSpan(0, length), _labels.AsSpan(0, length), words, predictions);
        }
    }
}
