using TensorForge;

namespace TensorForge.EndToEnd.Tests.Networks;

// Small sequence networks for the finite-difference checks: every recurrent cell over several time steps, stacked and
// bidirectional, with and without biases, sequence and last-step outputs, LayerNorm, Dense on every time step, mean over
// time, and an embedding whose ids repeat.

/// <summary>RNN (ReLU) → 2-layer bidirectional LSTM → LayerNorm → GRU without bias, last step → Dense.</summary>
[Network(Seed = 9)]
[Input(4, 3)]
[Rnn(3, Nonlinearity = Activation.ReLU)]
[Lstm(5, NumLayers = 2, Bidirectional = true)]
[LayerNorm]
[Gru(4, ReturnSequences = false, Bias = false)]
[Dense(2)]
[Sgd(LearningRate = 1f)]
public partial class RecurrentStackNet;

/// <summary>Bidirectional GRU → Dense on every step (tanh) → mean over time; a tanh RNN, last step, beside it via From.</summary>
[Network(Seed = 10)]
[Input(5, 2)]
[Gru(3, Bidirectional = true, Name = "gru")]
[Dense(4, Activation = Activation.Tanh)]
[MeanOverTime(Name = "mean")]
[Rnn(4, ReturnSequences = false, From = "input", Name = "rnn")]
[Add("mean")]
[Dense(2)]
[Sgd(LearningRate = 1f)]
public partial class RecurrentGraphNet;

/// <summary>Token ids → embedding → LSTM → next-token logits at every step, with per-step cross-entropy.</summary>
[Network(Seed = 11, Loss = Loss.SoftmaxCrossEntropy)]
[Input(5)]
[Embedding(6, 4, Name = "embed")]
[Lstm(3, Name = "lstm")]
[LayerNorm(Name = "norm")]
[Dense(6, Name = "head")]
[Adam(LearningRate = 1e-2f, MaxGradientNorm = 0.5f)]
public partial class TokenLstmNet;

/// <summary>Positional encoding, a causal post-norm encoder layer, a pre-norm one, plain multi-head attention, mean over time.</summary>
[Network(Seed = 12)]
[Input(4, 8)]
[PositionalEncoding(8)]
[TransformerEncoderLayer(2, FeedForward = 16, Dropout = 0f, Activation = Activation.Gelu, Causal = true, Name = "enc0")]
[TransformerEncoderLayer(4, FeedForward = 12, Dropout = 0f, Activation = Activation.Gelu, NormFirst = true, Name = "enc1")]
[MultiHeadAttention(4, Name = "attn")]
[MeanOverTime]
[Dense(2)]
[Sgd(LearningRate = 1f)]
public partial class TransformerNet;

/// <summary>The Words transformer's shape, small: tokens, embedding, positional encoding, two causal layers with dropout.</summary>
[Network(Seed = 13, Loss = Loss.SoftmaxCrossEntropy)]
[Input(6)]
[Embedding(7, 8, Name = "embed")]
[PositionalEncoding(8)]
[TransformerEncoderLayer(2, FeedForward = 16, Dropout = 0.1f, Causal = true, Name = "layers.0")]
[TransformerEncoderLayer(2, FeedForward = 16, Dropout = 0.1f, Causal = true, Name = "layers.1")]
[Dense(7, Name = "head")]
[Adam(LearningRate = 1e-2f)]
public partial class TinyCausalTransformer;
