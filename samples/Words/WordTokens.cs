using System;

namespace TensorForge.Samples
{
    /// <summary>The tokens of the words sample: 0 is the word boundary, 1–26 are a–z. A word <c>w</c> of n letters is the
    /// sequence <c>[0, w…, 0]</c> and every next token is predicted, n + 1 predictions; as a row of the networks' compile-time
    /// length <see cref="Length"/>, the inputs are <c>[0, w…]</c> padded with 0 and the labels <c>[w…, 0]</c> padded with
    /// <see cref="IgnoredLabel"/>.</summary>
    internal static class WordTokens
    {
        /// <summary>The word boundary, before the first letter and after the last.</summary>
        public const int Boundary = 0;

        /// <summary>Boundary plus a–z.</summary>
        public const int VocabularySize = 27;

        /// <summary>The longest word of the list (and the most a sampled word may have).</summary>
        public const int MaxLetters = 15;

        /// <summary>The networks' time steps: the predictions of the longest word.</summary>
        public const int Length = MaxLetters + 1;

        /// <summary>The label of a padded position, which the loss ignores (PyTorch's <c>ignore_index</c> default).</summary>
        public const int IgnoredLabel = -100;

        /// <summary>The token of a letter a–z (1–26).</summary>
        public static int Token(char letter) => letter - 'a' + 1;

        /// <summary>The letter of a token 1–26.</summary>
        public static char Letter(int token) => (char)('a' + token - 1);

        /// <summary>Whether <paramref name="c"/> is one of the letters the tokens cover.</summary>
        public static bool IsLetter(char c) => c is >= 'a' and <= 'z';

        /// <summary>Writes one word as a row of inputs and labels, each of <see cref="Length"/> tokens; returns its
        /// predictions (letters + 1).</summary>
        /// <exception cref="ArgumentException">The word is empty, longer than <see cref="MaxLetters"/>, holds a character
        /// outside a–z, or a row is not <see cref="Length"/> long.</exception>
        public static int Encode(string word, Span<int> inputs, Span<int> labels)
        {
            if (inputs.Length != Length || labels.Length != Length)
                throw new ArgumentException($"the rows must be {Length} tokens long but are {inputs.Length} (inputs) and {labels.Length} (labels)");
            if (word.Length is 0 or > MaxLetters)
                throw new ArgumentException($"a word must have 1 to {MaxLetters} letters but '{word}' has {word.Length}", nameof(word));
            foreach (char c in word)
            {
                if (!IsLetter(c))
                    throw new ArgumentException($"'{word}' holds '{c}'; only a–z are allowed", nameof(word));
            }

            inputs[0] = Boundary;
            for (int i = 0; i < word.Length; i++)
            {
                int token = Token(word[i]);
                inputs[i + 1] = token;
                labels[i] = token;
            }
            labels[word.Length] = Boundary;
            inputs[(word.Length + 1)..].Fill(Boundary);
            labels[(word.Length + 1)..].Fill(IgnoredLabel);
            return word.Length + 1;
        }
    }
}
