using System;

namespace TensorForge.Samples
{
    /// <summary>The character LSTM: embedding 32 → LSTM 256 → next-token logits at every step; Adam 2e-3 with clipping
    /// 1.0 and cosine annealing over the full run (20 epochs of 895 steps).</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 1)]
    [Input(WordTokens.Length)]
    [Embedding(WordTokens.VocabularySize, 32, Name = "embed")]
    [Lstm(256, Name = "lstm")]
    [Dense(WordTokens.VocabularySize, Name = "head")]
    [Adam(LearningRate = 2e-3f, MaxGradientNorm = 1f)]
    [CosineAnnealing(TMax = 20 * 895, MinLearningRate = 1e-4f)]
    public partial class CharLstm;

    /// <summary>The character GRU: the same shape with a GRU of 256.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 1)]
    [Input(WordTokens.Length)]
    [Embedding(WordTokens.VocabularySize, 32, Name = "embed")]
    [Gru(256, Name = "gru")]
    [Dense(WordTokens.VocabularySize, Name = "head")]
    [Adam(LearningRate = 2e-3f, MaxGradientNorm = 1f)]
    [CosineAnnealing(TMax = 20 * 895, MinLearningRate = 1e-4f)]
    public partial class CharGru;

    internal sealed class LstmModel(int seed) : ICharacterModel
    {
        private readonly CharLstm _network = new(seed);
        public string Name => "lstm";
        public string Summary => CharLstm.Summary;
        public string Recipe => "embedding 32, LSTM 256, Adam 2e-3 with clipping 1.0 and cosine annealing to 1e-4 over 20 epochs, batch 64";
        public double Bar => 1.70;
        public int Epochs => 20;
        public int QuickEpochs => 1;
        public int BatchSize => 64;
        public float TrainStep(ReadOnlySpan<int> inputs, ReadOnlySpan<int> labels) => _network.TrainStep(inputs, labels);
        public void Forward(ReadOnlySpan<int> inputs, Span<float> logits) => _network.Forward(inputs, logits);
    }

    internal sealed class GruModel(int seed) : ICharacterModel
    {
        private readonly CharGru _network = new(seed);
        public string Name => "gru";
        public string Summary => CharGru.Summary;
        public string Recipe => "embedding 32, GRU 256, Adam 2e-3 with clipping 1.0 and cosine annealing to 1e-4 over 20 epochs, batch 64";
        public double Bar => 1.75;
        public int Epochs => 20;
        public int QuickEpochs => 1;
        public int BatchSize => 64;
        public float TrainStep(ReadOnlySpan<int> inputs, ReadOnlySpan<int> labels) => _network.TrainStep(inputs, labels);
        public void Forward(ReadOnlySpan<int> inputs, Span<float> logits) => _network.Forward(inputs, logits);
    }
}
