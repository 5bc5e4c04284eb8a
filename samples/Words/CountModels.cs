using System;
using System.Collections.Generic;
using System.Linq;

namespace TensorForge.Samples
{
    /// <summary>An n-gram count model of next tokens with add-k smoothing: P(t | c) = (count(c, t) + k) / (count(c) + 27k),
    /// where the context c is the n − 1 tokens before t, boundaries before the word's start (so the trigram's context of
    /// the first letter is two boundary tokens).</summary>
    internal sealed class NGramCounts
    {
        private readonly int _contexts;
        private readonly int[] _counts;       // [context, next]
        private readonly int[] _totals;       // [context]

        /// <summary>Counts the transitions of <paramref name="words"/> (each <c>[0, w…, 0]</c>).</summary>
        /// <param name="order">2 (bigram) or 3 (trigram); 1 (unigram) works too.</param>
        public NGramCounts(int order, IReadOnlyList<string> words)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(order, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(order, 4);
            Order = order;
            _contexts = 1;
            for (int i = 1; i < order; i++)
                _contexts *= WordTokens.VocabularySize;
            _counts = new int[_contexts * WordTokens.VocabularySize];
            _totals = new int[_contexts];
            foreach (string word in words)
            {
                int context = 0; // all boundaries
                for (int i = 0; i <= word.Length; i++)
                {
                    int next = i < word.Length ? WordTokens.Token(word[i]) : WordTokens.Boundary;
                    _counts[context * WordTokens.VocabularySize + next]++;
                    _totals[context]++;
                    context = Advance(context, next);
                }
            }
        }

        public int Order { get; }

        /// <summary>P(<paramref name="next"/> | the context of <paramref name="prefix"/>), with add-<paramref name="k"/>
        /// smoothing; <paramref name="prefix"/> is the tokens so far, <c>[0, letters…]</c> (the leading boundary may be left out).</summary>
        public double Probability(ReadOnlySpan<int> prefix, int next, double k)
        {
            CheckK(k);
            return Probability(Context(prefix), next, k);
        }

        /// <summary>Mean negative log-likelihood, in nats per predicted token, of <paramref name="words"/> (letters + 1
        /// predictions each).</summary>
        public double NatsPerToken(IReadOnlyList<string> words, double k)
        {
            CheckK(k);
            double sum = 0;
            long predictions = 0;
            foreach (string word in words)
            {
                int context = 0;
                for (int i = 0; i <= word.Length; i++)
                {
                    int next = i < word.Length ? WordTokens.Token(word[i]) : WordTokens.Boundary;
                    sum -= Math.Log(Probability(context, next, k));
                    predictions++;
                    context = Advance(context, next);
                }
            }
            return sum / predictions;
        }

        /// <summary>The model as a next-token distribution for <see cref="WordSampler"/>.</summary>
        public NextTokenDistribution Distribution(double k)
        {
            CheckK(k);
            return (prefix, probabilities) =>
            {
                if (probabilities.Length != WordTokens.VocabularySize)
                    throw new ArgumentException($"expected {WordTokens.VocabularySize} probabilities but got room for {probabilities.Length}", nameof(probabilities));
                int context = Context(prefix);
                for (int t = 0; t < WordTokens.VocabularySize; t++)
                    probabilities[t] = (float)Probability(context, t, k);
            };
        }

        private double Probability(int context, int next, double k) =>
            (_counts[context * WordTokens.VocabularySize + next] + k) / (_totals[context] + WordTokens.VocabularySize * k);

        private int Context(ReadOnlySpan<int> prefix)
        {
            int context = 0;
            foreach (int token in prefix)
            {
                if ((uint)token >= WordTokens.VocabularySize)
                    throw new ArgumentException($"token {token} is outside 0–{WordTokens.VocabularySize - 1}", nameof(prefix));
                context = Advance(context, token);
            }
            return context;
        }

        // The context of the token after `next`: drop the oldest of the n − 1 tokens, append `next`.
        private int Advance(int context, int next) => _contexts == 1 ? 0 : (context * WordTokens.VocabularySize + next) % _contexts;

        private static void CheckK(double k)
        {
            if (!(k > 0) || !double.IsFinite(k))
                throw new ArgumentOutOfRangeException(nameof(k), k, "k must be positive (k = 0 gives unseen transitions probability 0)");
        }
    }

    /// <summary>A count baseline: the add-k model of one order whose k (among <see cref="Baselines.Ks"/>) gives the lowest
    /// held-out nats/token, with every candidate's figure.</summary>
    internal sealed record CountBaseline(string Name, NGramCounts Counts, double K, double NatsPerToken,
        IReadOnlyList<(double K, double NatsPerToken)> Candidates);

    /// <summary>The reference points every model is compared with, computed from the split.</summary>
    internal static class Baselines
    {
        /// <summary>The smoothing constants tried for the count models.</summary>
        public static readonly IReadOnlyList<double> Ks = [0.01, 0.1, 0.5, 1];

        /// <summary>Every token equally likely: ln 27 ≈ 3.2958 nats.</summary>
        public static double Uniform { get; } = Math.Log(WordTokens.VocabularySize);

        /// <summary>Fits <see cref="NGramCounts"/> of <paramref name="order"/> on the training words and picks the k with the
        /// lowest held-out nats/token (the first of equals).</summary>
        public static CountBaseline Best(string name, int order, WordList words)
        {
            var counts = new NGramCounts(order, words.Train);
            var candidates = Ks.Select(k => (k, counts.NatsPerToken(words.HeldOut, k))).ToList();
            (double bestK, double best) = candidates[0];
            foreach ((double k, double nats) in candidates)
            {
                if (nats < best)
                    (bestK, best) = (k, nats);
            }
            return new CountBaseline(name, counts, bestK, best, candidates);
        }
    }
}
