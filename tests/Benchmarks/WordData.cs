using System;
using System.Collections.Generic;
using System.IO;

namespace TensorForge.Benchmarks
{
    /// <summary>The words of samples/Words (data/english-words/words.txt) with the sample's split, tokens and batches, so that
    /// the sequence sections and the TorchSharp Words trainer use exactly its data without depending on the sample project:
    /// the word at 0-based line i is held out when i % 10 == 9; token 0 is the word boundary, 1–26 are a–z; a word of n
    /// letters is the row of inputs [0, w…] padded with 0 and labels [w…, 0] padded with −100, T = 16.</summary>
    internal sealed class WordData
    {
        public const int Length = 16;
        public const int Vocabulary = 27;
        public const int Ignored = -100;

        /// <summary>One mini-batch: token ids and labels, both [Words, 16] row-major, and the labels that count.</summary>
        public sealed record Batch(int[] Tokens, int[] Labels, int Words, int Predictions);

        public IReadOnlyList<string> Train { get; }
        public IReadOnlyList<string> HeldOut { get; }
        public string Source { get; }

        private WordData(List<string> train, List<string> heldOut, string source)
        {
            Train = train;
            HeldOut = heldOut;
            Source = source;
        }

        private static WordData? s_shared;

        /// <summary>The word list, read once per process from data/english-words above the working folder or the binary.</summary>
        /// <exception cref="FileNotFoundException">No data/english-words/words.txt was found.</exception>
        public static WordData Shared => s_shared ??= Load();

        private static WordData Load()
        {
            foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            {
                for (DirectoryInfo? folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
                {
                    string path = Path.Combine(folder.FullName, "data", "english-words", "words.txt");
                    if (!File.Exists(path))
                        continue;
                    var train = new List<string>();
                    var heldOut = new List<string>();
                    int line = 0;
                    foreach (string word in File.ReadLines(path))
                    {
                        if (word.Length is 0 or >= Length || word.AsSpan().IndexOfAnyExceptInRange('a', 'z') >= 0)
                            throw new InvalidDataException($"{path}, line {line + 1}: '{word}' is not a word of 1 to {Length - 1} letters a–z");
                        (line % 10 == 9 ? heldOut : train).Add(word);
                        line++;
                    }
                    return new WordData(train, heldOut, Path.GetRelativePath(Directory.GetCurrentDirectory(), path));
                }
            }
            throw new FileNotFoundException("data/english-words/words.txt was not found above the working folder or the benchmark binary");
        }

        /// <summary>Predicted tokens of a list of words (letters + 1 each).</summary>
        public static long Predictions(IReadOnlyList<string> words)
        {
            long total = 0;
            foreach (string word in words)
                total += word.Length + 1;
            return total;
        }

        /// <summary>The order of epoch <c>seed + epoch</c> as samples/Words shuffles it: Fisher–Yates with <see cref="SeededRandom"/>.</summary>
        public static int[] ShuffledOrder(int count, long seed)
        {
            var order = new int[count];
            for (int i = 0; i < count; i++)
                order[i] = i;
            var random = new SeededRandom(seed);
            for (int i = count - 1; i > 0; i--)
            {
                int j = random.NextInt32(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
            return order;
        }

        /// <summary>The words <paramref name="order"/>[start…start + size) (fewer at the end) as one batch.</summary>
        public static Batch Encode(IReadOnlyList<string> words, int[]? order, int start, int size)
        {
            int count = Math.Min(size, words.Count - start);
            var tokens = new int[count * Length];
            var labels = new int[count * Length];
            int predictions = 0;
            for (int w = 0; w < count; w++)
            {
                string word = words[order is null ? start + w : order[start + w]];
                Span<int> input = tokens.AsSpan(w * Length, Length), label = labels.AsSpan(w * Length, Length);
                label.Fill(Ignored);
                for (int i = 0; i < word.Length; i++)
                {
                    input[i + 1] = word[i] - 'a' + 1;
                    label[i] = word[i] - 'a' + 1;
                }
                label[word.Length] = 0;
                predictions += word.Length + 1;
            }
            return new Batch(tokens, labels, count, predictions);
        }

        /// <summary><paramref name="count"/> consecutive batches of <paramref name="size"/> training words in the order of
        /// epoch 1 with seed 42 (as the sample's first epoch), from batch <paramref name="first"/> on.</summary>
        public Batch[] Pool(int size, int count, int first = 0)
        {
            int[] order = ShuffledOrder(Train.Count, 43);
            var pool = new Batch[count];
            for (int b = 0; b < count; b++)
                pool[b] = Encode(Train, order, ((first + b) * size) % (Train.Count - size), size);
            return pool;
        }

        /// <summary><paramref name="count"/> batches of <paramref name="size"/> held-out words in file order.</summary>
        public Batch[] HeldOutPool(int size, int count)
        {
            var pool = new Batch[count];
            for (int b = 0; b < count; b++)
                pool[b] = Encode(HeldOut, null, (b * size) % (HeldOut.Count - size), size);
            return pool;
        }
    }
}
