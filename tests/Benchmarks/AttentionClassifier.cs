using System;
using TensorForge;

namespace TensorForge.Benchmarks
{
    /// <summary>A word classifier that reads the whole sequence through additive attention: embedding 32 → LSTM 128 (every
    /// step) → AdditiveAttention(64) pooling the 16 steps to one vector → Dense to the word's last letter (26 classes), with
    /// the LSTM model's optimizer (Adam 2e-3, clipping 1.0, cosine annealing to 1e-4). Padded steps (token 0) take part in
    /// the softmax, as the layer has no mask; the last letter is the one a pooling must find among them.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 1)]
    [Input(WordData.Length)]
    [Embedding(WordData.Vocabulary, 32, Name = "embed")]
    [Lstm(128, Name = "lstm")]
    [AdditiveAttention(64, Name = "pool")]
    [Dense(WordEndings.Classes, Name = "head")]
    [Adam(LearningRate = 2e-3f, MaxGradientNorm = 1f)]
    [CosineAnnealing(TMax = 20 * 895, MinLearningRate = 1e-4f)]
    public partial class BenchWordsAttention : ITokenNetwork;

    /// <summary>The classification task of <see cref="BenchWordsAttention"/>: one label per word, its last letter (a–z as
    /// 0–25), from the same token rows as the Words models.</summary>
    internal static class WordEndings
    {
        public const int Classes = 26;

        /// <summary>The twin's recipe: the LSTM model's optimizer, cross-entropy over 26 classes.</summary>
        public static TorchLanguageModel.Recipe Recipe => TorchLanguageModel.LstmRecipe with { Classes = Classes };

        /// <summary><paramref name="batch"/> with one label per word, the last letter of its token row.</summary>
        public static WordData.Batch Label(WordData.Batch batch)
        {
            var labels = new int[batch.Words];
            for (int w = 0; w < batch.Words; w++)
            {
                ReadOnlySpan<int> row = batch.Tokens.AsSpan(w * WordData.Length, WordData.Length);
                int last = row.LastIndexOfAnyExcept(0);
                if (last < 0)
                    throw new ArgumentException($"word {w} of the batch has no letters", nameof(batch));
                labels[w] = row[last] - 1;
            }
            return batch with { Labels = labels, Predictions = batch.Words };
        }
    }
}
