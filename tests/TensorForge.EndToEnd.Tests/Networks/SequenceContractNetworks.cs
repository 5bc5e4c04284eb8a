using TensorForge;

namespace TensorForge.EndToEnd.Tests.Networks;

// Sequence networks for the additive-attention gradient checks and the zero-allocation and bad-input contracts: the issue's
// model families (a character LSTM, a GRU, a bidirectional stacked LSTM, a small causal Transformer) at test sizes large
// enough that their GEMMs are split across threads.

/// <summary>A bidirectional GRU read by additive attention pooling, then a Dense head.</summary>
[Network(Seed = 21)]
[Input(5, 3)]
[Gru(4, Bidirectional = true, Name = "gru")]
[AdditiveAttention(3, Name = "pool")]
[Dense(2, Name = "head")]
[Sgd(LearningRate = 1f)]
public partial class AttentionPoolNet;

/// <summary>Additive attention straight on the input (its input gradient is the network's), beside a mean over time via From.</summary>
[Network(Seed = 22)]
[Input(4, 3)]
[AdditiveAttention(5, Name = "pool")]
[MeanOverTime(From = "input", Name = "mean")]
[Add("pool")]
[Dense(2)]
[Sgd(LearningRate = 1f)]
public partial class AttentionOnInputNet;

/// <summary>The Words LSTM's shape, small: tokens, embedding, LSTM, next-token logits, clipping.</summary>
[Network(Seed = 23, Loss = Loss.SoftmaxCrossEntropy)]
[Input(16)]
[Embedding(27, 16, Name = "embed")]
[Lstm(32, Name = "lstm")]
[Dense(27, Name = "head")]
[Adam(LearningRate = 2e-3f, MaxGradientNorm = 1f)]
public partial class CharacterLstm;

/// <summary>The Words GRU's shape, small.</summary>
[Network(Seed = 24, Loss = Loss.SoftmaxCrossEntropy)]
[Input(16)]
[Embedding(27, 16, Name = "embed")]
[Gru(32, Name = "gru")]
[Dense(27, Name = "head")]
[Adam(LearningRate = 2e-3f, MaxGradientNorm = 1f)]
public partial class CharacterGru;

/// <summary>A float-sequence classifier: a two-layer bidirectional LSTM, additive attention pooling, dropout, a Dense head.</summary>
[Network(Seed = 25, Loss = Loss.SoftmaxCrossEntropy)]
[Input(12, 6)]
[Lstm(24, NumLayers = 2, Bidirectional = true, Name = "lstm")]
[AdditiveAttention(16, Name = "pool")]
[Dropout(0.1f)]
[Dense(4, Name = "head")]
[AdamW(LearningRate = 1e-3f)]
public partial class BidirectionalStackedLstm;

/// <summary>The Words Transformer's shape, small: tokens, embedding, positional encoding, two causal encoder layers with dropout.</summary>
[Network(Seed = 26, Loss = Loss.SoftmaxCrossEntropy)]
[Input(16)]
[Embedding(27, 32, Name = "embed")]
[PositionalEncoding(32)]
[TransformerEncoderLayer(4, FeedForward = 64, Dropout = 0.1f, Causal = true, Name = "layers.0")]
[TransformerEncoderLayer(4, FeedForward = 64, Dropout = 0.1f, Causal = true, Name = "layers.1")]
[Dense(27, Name = "head")]
[Adam(LearningRate = 1e-3f)]
public partial class CharacterTransformer;

/// <summary>Additive attention alone, inference only: its Forward against a reference computed from Parameters in PyTorch's layout.</summary>
[Network]
[Input(4, 3)]
[AdditiveAttention(2, Name = "pool")]
public partial class AttentionOnlyNet;
