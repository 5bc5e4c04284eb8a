using System;
using System.Collections.Generic;
using System.Text;

namespace TensorForge.Samples
{
    /// <summary>A model's distribution of the next token: given the tokens so far, <paramref name="prefix"/> =
    /// <c>[0, letters…]</c> (1 to <see cref="WordTokens.Length"/> − 1 tokens), writes the probabilities of the 27 tokens
    /// (index 0 is the boundary that ends the word) into <paramref name="probabilities"/>.</summary>
    internal delegate void NextTokenDistribution(ReadOnlySpan<int> prefix, Span<float> probabilities);

    /// <summary>Draws new words from a <see cref="NextTokenDistribution"/> at temperature 1 (each token with the probability
    /// the model gives it), seeded.</summary>
    internal static class WordSampler
    {
        /// <summary>Draws one word: starts from the boundary, draws tokens until the boundary comes again or the word has
        /// <see cref="WordTokens.MaxLetters"/> letters. The word may be empty (the model ended it at once).</summary>
        /// <exception cref="InvalidOperationException">The distribution has a negative or non-finite probability, or sums to 0.</exception>
        public static string Sample(NextTokenDistribution distribution, ref SeededRandom random)
        {
            ArgumentNullException.ThrowIfNull(distribution);
            Span<int> prefix = stackalloc int[WordTokens.Length];
            Span<float> probabilities = stackalloc float[WordTokens.VocabularySize];
            prefix[0] = WordTokens.Boundary;
            var word = new StringBuilder(WordTokens.MaxLetters);
            while (word.Length < WordTokens.MaxLetters)
            {
                ReadOnlySpan<int> soFar = prefix[..(word.Length + 1)];
                distribution(soFar, probabilities);
                int token = Draw(probabilities, random.NextSingle(), soFar);
                if (token == WordTokens.Boundary)
                    break;
                word.Append(WordTokens.Letter(token));
                prefix[word.Length] = token;
            }
            return word.ToString();
        }

        /// <summary>Draws <paramref name="count"/> words with one generator seeded by <paramref name="seed"/>: the same seed
        /// and distribution give the same words.</summary>
        public static IReadOnlyList<string> Sample(NextTokenDistribution distribution, int count, long seed)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            var random = new SeededRandom(seed);
            var words = new string[count];
            for (int i = 0; i < count; i++)
                words[i] = Sample(distribution, ref random);
            return words;
        }

        /// <summary>How many of <paramref name="words"/> are not in <paramref name="list"/> (an empty word never is).</summary>
        public static int CountNew(IEnumerable<string> words, WordList list)
        {
            int count = 0;
            foreach (string word in words)
            {
                if (!list.Contains(word))
                    count++;
            }
            return count;
        }

        /// <summary>The token whose cumulative probability first exceeds <paramref name="uniform"/> × the total (the total
        /// need not be exactly 1); rounding past the end picks the last token with a positive probability.</summary>
        internal static int Draw(ReadOnlySpan<float> probabilities, float uniform, ReadOnlySpan<int> prefix)
        {
            double total = 0;
            int last = -1;
            for (int t = 0; t < probabilities.Length; t++)
            {
                float p = probabilities[t];
                if (!(p >= 0) || !float.IsFinite(p))
                    throw new InvalidOperationException($"the probability of token {t} after [{string.Join(", ", prefix.ToArray())}] is {p}");
                total += p;
                if (p > 0)
                    last = t;
            }
            if (last < 0)
                throw new InvalidOperationException($"the probabilities after [{string.Join(", ", prefix.ToArray())}] are all 0");
            double threshold = uniform * total;
            double cumulative = 0;
            for (int t = 0; t < last; t++)
            {
                cumulative += probabilities[t];
                if (threshold < cumulative)
                    return t;
            }
            return last;
        }
    }
}
