using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace TensorForge.Samples
{
    /// <summary>The words of <c>data/english-words/words.txt</c> and the split every model and baseline uses: the word at
    /// 0-based line <c>i</c> is held out when <c>i % 10 == 9</c>, the rest train.</summary>
    internal sealed class WordList
    {
        public const string FileName = "words.txt";
        public const string DataFolder = "data/english-words";

        /// <summary>Line <c>i</c> is held out when <c>i % HeldOutEvery == HeldOutEvery - 1</c>.</summary>
        public const int HeldOutEvery = 10;

        private readonly HashSet<string> _all;

        private WordList(List<string> all, List<string> train, List<string> heldOut)
        {
            All = all;
            Train = train;
            HeldOut = heldOut;
            _all = new HashSet<string>(all, StringComparer.Ordinal);
            TrainPredictions = Predictions(train);
            HeldOutPredictions = Predictions(heldOut);
        }

        /// <summary>Every word, in file order.</summary>
        public IReadOnlyList<string> All { get; }

        public IReadOnlyList<string> Train { get; }

        public IReadOnlyList<string> HeldOut { get; }

        /// <summary>The next-token predictions of the training words (letters + 1 per word).</summary>
        public long TrainPredictions { get; }

        /// <summary>The next-token predictions of the held-out words: the denominator of the nats/token metric.</summary>
        public long HeldOutPredictions { get; }

        /// <summary>Whether <paramref name="word"/> is in the list (training or held out).</summary>
        public bool Contains(string word) => _all.Contains(word);

        /// <summary>Reads <c>words.txt</c> from <paramref name="directory"/>.</summary>
        /// <exception cref="InvalidDataException">The file is missing, has fewer than 10 lines, or a line is not a word of 1 to 15 letters a–z
        /// (the message names the line).</exception>
        public static WordList Load(string directory)
        {
            string path = Path.Combine(directory, FileName);
            if (!File.Exists(path))
                throw new InvalidDataException($"'{directory}' has no {FileName}; pass the words folder with --data DIR");
            return Parse(File.ReadLines(path), path);
        }

        /// <summary>Splits and checks the lines of a word list; <paramref name="source"/> names it in messages. Lines may end
        /// in "\n" or "\r\n".</summary>
        /// <exception cref="InvalidDataException">There are fewer than 10 lines (no word would be held out), or a line is empty, longer than
        /// <see cref="WordTokens.MaxLetters"/>, or holds a character outside a–z; the message gives the 1-based line number.</exception>
        public static WordList Parse(IEnumerable<string> lines, string source)
        {
            var all = new List<string>();
            var train = new List<string>();
            var heldOut = new List<string>();
            foreach (string word in lines)
            {
                int index = all.Count;
                Check(word, index + 1, source);
                all.Add(word);
                (index % HeldOutEvery == HeldOutEvery - 1 ? heldOut : train).Add(word);
            }
            if (heldOut.Count == 0)
                throw new InvalidDataException(all.Count == 0 ? $"{source} holds no words" : string.Create(CultureInfo.InvariantCulture,
                    $"{source} holds {all.Count} words; it needs at least {HeldOutEvery} so that line {HeldOutEvery} is held out"));
            return new WordList(all, train, heldOut);
        }

        /// <summary>The next-token predictions of <paramref name="words"/>: letters + 1 each.</summary>
        public static long Predictions(IReadOnlyList<string> words)
        {
            long total = 0;
            foreach (string word in words)
                total += word.Length + 1;
            return total;
        }

        private static void Check(string word, int lineNumber, string source)
        {
            string line = lineNumber.ToString(CultureInfo.InvariantCulture);
            if (word.Length == 0)
                throw new InvalidDataException($"{source}, line {line}: the line is empty; every line must be one word of letters a–z");
            if (word.Length > WordTokens.MaxLetters)
                throw new InvalidDataException(
                    $"{source}, line {line}: '{word}' has {word.Length} letters but the networks take at most {WordTokens.MaxLetters}");
            for (int i = 0; i < word.Length; i++)
            {
                if (!WordTokens.IsLetter(word[i]))
                    throw new InvalidDataException(
                        $"{source}, line {line}: '{word}' holds {Describe(word[i])} at position {i + 1}; only the letters a–z are allowed");
            }
        }

        private static string Describe(char c) =>
            char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : $"'{c}' (U+{(int)c:X4})";
    }
}
