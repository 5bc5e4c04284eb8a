using System;
using TensorForge;

namespace TensorForge.Benchmarks
{
    /// <summary>A generated network over token ids: the members the sequence sections call.</summary>
    internal interface ITokenNetwork : IClassifierNetwork
    {
        float TrainStep(ReadOnlySpan<int> tokens, ReadOnlySpan<int> labels);
        void Forward(ReadOnlySpan<int> tokens, Span<float> output);
        void ForwardTrain(ReadOnlySpan<int> tokens, Span<float> output);
    }

    /// <summary>samples/Words' character LSTM at issue 8's benchmark size: embedding 32 → LSTM 128 → next-token logits at each
    /// of 16 steps; Adam 2e-3 with gradient clipping 1.0 and cosine annealing to 1e-4 over 20 epochs of 895 steps, as the
    /// sample declares it (which uses LSTM 256).</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 1)]
    [Input(WordData.Length)]
    [Embedding(WordData.Vocabulary, 32, Name = "embed")]
    [Lstm(128, Name = "lstm")]
    [Dense(WordData.Vocabulary, Name = "head")]
    [Adam(LearningRate = 2e-3f, MaxGradientNorm = 1f)]
    [CosineAnnealing(TMax = 20 * 895, MinLearningRate = 1e-4f)]
    public partial class BenchWordsLstm : ITokenNetwork;

    /// <summary>The same recipe with a GRU of 128 (the agreement section's GRU).</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 1)]
    [Input(WordData.Length)]
    [Embedding(WordData.Vocabulary, 32, Name = "embed")]
    [Gru(128, Name = "gru")]
    [Dense(WordData.Vocabulary, Name = "head")]
    [Adam(LearningRate = 2e-3f, MaxGradientNorm = 1f)]
    [CosineAnnealing(TMax = 20 * 895, MinLearningRate = 1e-4f)]
    public partial class BenchWordsGru : ITokenNetwork;

    /// <summary>samples/Words' small causal Transformer, layer for layer: embedding 64 + sinusoidal positions → two causal
    /// post-norm encoder layers (4 heads, feed-forward 256, dropout 0.1) → next-token logits; Adam 1e-3 with clipping 1.0 and
    /// cosine annealing to 5e-5 over 20 epochs of 895 steps.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 1)]
    [Input(WordData.Length)]
    [Embedding(WordData.Vocabulary, 64, Name = "embed")]
    [PositionalEncoding(64)]
    [TransformerEncoderLayer(4, FeedForward = 256, Dropout = 0.1f, Causal = true, Name = "layers.0")]
    [TransformerEncoderLayer(4, FeedForward = 256, Dropout = 0.1f, Causal = true, Name = "layers.1")]
    [Dense(WordData.Vocabulary, Name = "head")]
    [Adam(LearningRate = 1e-3f, MaxGradientNorm = 1f)]
    [CosineAnnealing(TMax = 20 * 895, MinLearningRate = 5e-5f)]
    public partial class BenchWordsTransformer : ITokenNetwork;

    /// <summary><see cref="BenchWordsTransformer"/> without dropout, so that a twin can follow it step for step (the
    /// agreement section's Transformer).</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 1)]
    [Input(WordData.Length)]
    [Embedding(WordData.Vocabulary, 64, Name = "embed")]
    [PositionalEncoding(64)]
    [TransformerEncoderLayer(4, FeedForward = 256, Dropout = 0f, Causal = true, Name = "layers.0")]
    [TransformerEncoderLayer(4, FeedForward = 256, Dropout = 0f, Causal = true, Name = "layers.1")]
    [Dense(WordData.Vocabulary, Name = "head")]
    [Adam(LearningRate = 1e-3f, MaxGradientNorm = 1f)]
    [CosineAnnealing(TMax = 20 * 895, MinLearningRate = 5e-5f)]
    public partial class AgreeWordsTransformer : ITokenNetwork;
}
