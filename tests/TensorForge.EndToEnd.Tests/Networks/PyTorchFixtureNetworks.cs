using TensorForge;

namespace TensorForge.EndToEnd.Tests.Networks;

// The networks whose PyTorch twins are in tests/Fixtures/pytorch/make_fixtures.py (one per layer kind, with the options that
// change a layer's tensors: bias on and off, groups, stacked and bidirectional recurrent layers, affine or not, blocks).
// Parameter-free layers (activations, Dropout, poolings, Add, Concat, Flatten, Unflatten, Upsample, PositionalEncoding,
// Reparameterize, LastStep, MeanOverTime, Softmax) sit between them: a file must load into the network around them.
// Each has an optimizer and a loss only so that PyTorchFixtureTests can move its state off the initial values (two training
// steps) before it writes the file the twin loads.

/// <summary>Dense with and without bias; fused and standalone activations, Dropout, Reparameterize, Softmax.</summary>
[Network(Loss = Loss.MeanSquaredError, Seed = 21)]
[Input(6)]
[Dense(8, Activation = Activation.ReLU, Name = "fc1")]
[Dropout(0.3f)]
[Dense(8, Activation = Activation.Gelu, Name = "fc2")]
[Tanh]
[LeakyReLU(0.2f)]
[Dense(6, Bias = false, Name = "fc3")]
[Reparameterize]
[Softmax]
[Sgd(LearningRate = 0.02f)]
public partial class DenseFixtureNet;

/// <summary>Conv2D with and without bias, groups 2 and depthwise, stride, padding, dilation, a rectangular kernel; Add, From,
/// Concat, MaxPool2D, AvgPool2D, Flatten.</summary>
[Network(Loss = Loss.MeanSquaredError, Seed = 22)]
[Input(2, 8, 8)]
[Conv2D(4, 3, Padding = 1, Activation = Activation.ReLU, Name = "conv1")]
[Conv2D(4, 3, Padding = 1, Groups = 2, Bias = false, Name = "conv2")]
[Add("conv1", Name = "res")]
[Conv2D(4, 3, Stride = 2, Padding = 2, Dilation = 2, Groups = 4, Name = "dw")]
[Conv2D(4, 1, Stride = 2, From = "res", Name = "skip")]
[Concat("dw")]
[Conv2D(4, 2, 3, Padding = 1, Name = "rect")]
[MaxPool2D(2, Stride = 1)]
[AvgPool2D(2, Stride = 1)]
[Flatten]
[Dense(3, Name = "fc")]
[Sgd(LearningRate = 0.02f)]
public partial class Conv2DFixtureNet;

/// <summary>ConvTranspose2D with stride, padding, output padding, groups, dilation, bias and none; Unflatten, Upsample.</summary>
[Network(Loss = Loss.MeanSquaredError, Seed = 23)]
[Input(12)]
[Unflatten(3, 2, 2)]
[ConvTranspose2D(4, 3, Stride = 2, Padding = 1, OutputPadding = 1, Activation = Activation.ReLU, Name = "up1")]
[Upsample(2)]
[ConvTranspose2D(2, 3, Groups = 2, Dilation = 2, Bias = false, Activation = Activation.Sigmoid, Name = "up2")]
[Sgd(LearningRate = 0.02f)]
public partial class ConvTranspose2DFixtureNet;

/// <summary>BatchNorm2d (affine with a fused ReLU; not affine with ε 1e-3) and BatchNorm1d, with GlobalAvgPool.</summary>
[Network(Loss = Loss.MeanSquaredError, Seed = 24)]
[Input(3, 5, 5)]
[Conv2D(4, 3, Padding = 1, Bias = false, Name = "conv")]
[BatchNorm(Activation = Activation.ReLU, Name = "bn1")]
[BatchNorm(Affine = false, Epsilon = 1e-3f, Name = "bn2")]
[GlobalAvgPool]
[Dense(6, Name = "fc")]
[BatchNorm(Name = "bn3")]
[Dense(2, Name = "head")]
[Sgd(LearningRate = 0.02f)]
public partial class BatchNormFixtureNet;

/// <summary>LayerNorm on a sequence (affine; not affine with ε 1e-3), Dense on every time step, MeanOverTime.</summary>
[Network(Loss = Loss.MeanSquaredError, Seed = 25)]
[Input(4, 6)]
[LayerNorm(Name = "norm")]
[Dense(5, Name = "fc")]
[LayerNorm(Affine = false, Epsilon = 1e-3f, Name = "norm2")]
[MeanOverTime]
[Dense(3, Name = "head")]
[Sgd(LearningRate = 0.02f)]
public partial class LayerNormFixtureNet;

/// <summary>Embedding of token ids, PositionalEncoding, LastStep.</summary>
[Network(Loss = Loss.MeanSquaredError, Seed = 26)]
[Input(5)]
[Embedding(11, 4, Name = "embed")]
[PositionalEncoding(4)]
[LastStep]
[Dense(3, Name = "fc")]
[Sgd(LearningRate = 0.02f)]
public partial class EmbeddingFixtureNet;

/// <summary>Rnn stacked and bidirectional with ReLU; one without bias returning the last step.</summary>
[Network(Loss = Loss.MeanSquaredError, Seed = 27)]
[Input(5, 3)]
[Rnn(4, NumLayers = 2, Bidirectional = true, Nonlinearity = Activation.ReLU, Name = "rnn")]
[Rnn(3, Bias = false, ReturnSequences = false, Name = "rnn2")]
[Dense(2, Name = "fc")]
[Sgd(LearningRate = 0.02f)]
public partial class RnnFixtureNet;

/// <summary>Lstm stacked and bidirectional; a bidirectional one returning the last step.</summary>
[Network(Loss = Loss.MeanSquaredError, Seed = 28)]
[Input(5, 3)]
[Lstm(4, NumLayers = 2, Bidirectional = true, Name = "lstm")]
[Lstm(3, Bidirectional = true, ReturnSequences = false, Name = "lstm2")]
[Dense(2, Name = "fc")]
[Sgd(LearningRate = 0.02f)]
public partial class LstmFixtureNet;

/// <summary>Gru stacked and bidirectional; one stacked without bias returning the last step.</summary>
[Network(Loss = Loss.MeanSquaredError, Seed = 29)]
[Input(5, 3)]
[Gru(4, NumLayers = 2, Bidirectional = true, Name = "gru")]
[Gru(3, NumLayers = 2, Bias = false, ReturnSequences = false, Name = "gru2")]
[Dense(2, Name = "fc")]
[Sgd(LearningRate = 0.02f)]
public partial class GruFixtureNet;

/// <summary>MultiHeadAttention, plain (2 heads) and causal (4 heads), MeanOverTime.</summary>
[Network(Loss = Loss.MeanSquaredError, Seed = 30)]
[Input(5, 8)]
[MultiHeadAttention(2, Name = "attn")]
[MultiHeadAttention(4, Causal = true, Name = "causal")]
[MeanOverTime]
[Dense(3, Name = "fc")]
[Sgd(LearningRate = 0.02f)]
public partial class MultiHeadAttentionFixtureNet;

/// <summary>TransformerEncoderLayer post-norm with ReLU, then pre-norm with GELU, causal, ε 1e-4; LastStep.</summary>
[Network(Loss = Loss.MeanSquaredError, Seed = 31)]
[Input(5, 8)]
[TransformerEncoderLayer(2, FeedForward = 16, Name = "layers.0")]
[TransformerEncoderLayer(2, FeedForward = 16, NormFirst = true, Activation = Activation.Gelu, Causal = true, LayerNormEpsilon = 1e-4f, Name = "layers.1")]
[LastStep]
[Dense(3, Name = "head")]
[Sgd(LearningRate = 0.02f)]
public partial class TransformerFixtureNet;

/// <summary>AdditiveAttention pooling a sequence (the twin module of docs/generated-code.md).</summary>
[Network(Loss = Loss.MeanSquaredError, Seed = 32)]
[Input(5, 4)]
[Dense(6, Activation = Activation.Tanh, Name = "inp")]
[AdditiveAttention(3, Name = "pool")]
[Dense(2, Name = "fc")]
[Sgd(LearningRate = 0.02f)]
public partial class AdditiveAttentionFixtureNet;

/// <summary>torchvision's BasicBlock with a projection (<c>downsample.0</c>, <c>downsample.1</c>), as a block.</summary>
[Block]
[Conv2D(BlockArguments.Width, 3, Stride = BlockArguments.Stride, Padding = 1, Bias = false, Name = "conv1")]
[BatchNorm(Activation = Activation.ReLU, Name = "bn1")]
[Conv2D(BlockArguments.Width, 3, Padding = 1, Bias = false, Name = "conv2")]
[BatchNorm(Name = "bn2")]
[Conv2D(BlockArguments.Width, 1, Stride = BlockArguments.Stride, Bias = false, From = "input", Name = "downsample.0")]
[BatchNorm(Name = "downsample.1")]
[Add("bn2")]
[ReLU]
public partial class FixtureBasicBlock;

/// <summary>Two uses of a block with different widths and strides: nested PyTorch module names (<c>layer1.0.conv1.weight</c>).</summary>
[Network(Loss = Loss.MeanSquaredError, Seed = 33)]
[Input(2, 6, 6)]
[Use(typeof(FixtureBasicBlock), Width = 3, Stride = 2, Name = "layer1.0")]
[Use(typeof(FixtureBasicBlock), Width = 4, Name = "layer2.0")]
[GlobalAvgPool]
[Dense(3, Name = "fc")]
[Sgd(LearningRate = 0.02f)]
public partial class BlockFixtureNet;
