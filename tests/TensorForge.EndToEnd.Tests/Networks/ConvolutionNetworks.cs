using TensorForge;

namespace TensorForge.EndToEnd.Tests.Networks;

// Small convolutional networks for the finite-difference checks: together they cover stride, padding (explicit and
// "same"), dilation, groups (depthwise too), rectangular kernels, bias on and off, every fused activation, both poolings
// with overlapping windows and padding, global average pooling, BatchNorm 1d and 2d in training mode, From, Add, Concat,
// fan-out (one output read by three layers) and reusable blocks with Width and Stride. Activations after batch norm are
// smooth (GELU, tanh): with a batch of 3, normalised values sit close to 0, and a ReLU kink inside ±ε breaks the finite
// difference by tens of per cent (seen: 0.067 against 0.090), while the same networks with GELU agree to 1e-3.

/// <summary>A chain of convolutions and poolings with every geometry option.</summary>
[Network(Seed = 5)]
[Input(2, 7, 7)]
[Conv2D(3, 3, Padding = 1, Activation = Activation.Tanh)]
[Conv2D(4, 3, Stride = 2, Bias = false, Activation = Activation.Gelu)]
[Conv2D(4, 2, 3, Groups = 2, Padding = 1, Activation = Activation.LeakyReLU)]
[Conv2D(4, 3, Groups = 4, PaddingMode = PaddingMode.Same, Dilation = 2, Activation = Activation.Sigmoid)]
[MaxPool2D(2, Stride = 1)]
[AvgPool2D(3, Stride = 2, Padding = 1)]
[Flatten]
[Dense(3)]
[Sgd(LearningRate = 1f)]
public partial class ConvolutionChainNet;

/// <summary>A residual graph with batch norm: a projection shortcut from the input, an Add, a Concat with an earlier layer
/// (conv c1 feeds bn1, the Concat and nothing else; the input feeds c1 and proj), global pooling and a BatchNorm1d.</summary>
[Network(Seed = 6)]
[Input(3, 6, 6)]
[Conv2D(4, 3, Padding = 1, Bias = false, Name = "c1")]
[BatchNorm(Activation = Activation.Gelu, Name = "bn1")]
[Conv2D(4, 3, Padding = 1, Name = "c2")]
[BatchNorm(Name = "bn2")]
[Conv2D(4, 1, From = "input", Name = "proj")]
[Add("bn2")]
[ReLU]
[Concat("c1")]
[GlobalAvgPool]
[BatchNorm(Name = "bn3")]
[Dense(2)]
[Sgd(LearningRate = 1f)]
public partial class ResidualBatchNormNet;

/// <summary>One output (c0's) read by three layers, one of them a view's reader, and a non-affine BatchNorm.</summary>
[Network(Seed = 7)]
[Input(2, 5, 5)]
[Conv2D(3, 3, Padding = 1, Name = "c0")]
[Conv2D(3, 3, Padding = 1, Activation = Activation.Tanh, Name = "a")]
[Add("c0", Name = "sum")]
[BatchNorm(Affine = false, Momentum = 0.3f, Name = "bn")]
[Add("c0")]
[MaxPool2D(3, Stride = 2, Padding = 1)]
[Flatten]
[Dense(2)]
[Sgd(LearningRate = 1f)]
public partial class FanOutNet;

/// <summary>A test block: conv → BN+ReLU → conv → BN, plus a strided 1×1 projection of the block's input.</summary>
[Block]
[Conv2D(BlockArguments.Width, 3, Stride = BlockArguments.Stride, Padding = 1, Bias = false, Name = "conv1")]
[BatchNorm(Activation = Activation.Gelu, Name = "bn1")]
[Conv2D(BlockArguments.Width, 3, Padding = 1, Bias = false, Name = "conv2")]
[BatchNorm(Name = "bn2")]
[Conv2D(BlockArguments.Width, 1, Stride = BlockArguments.Stride, Bias = false, From = "input", Name = "downsample.0")]
[Add("bn2")]
[Tanh]
public partial class ProjectionBlock;

/// <summary>An identity block that itself uses a block (nesting).</summary>
[Block]
[Conv2D(BlockArguments.Width, 3, Padding = 1, Name = "conv")]
[Use(typeof(ProjectionBlock), Width = BlockArguments.Width, Name = "inner")]
[Add("input")]
public partial class NestedBlock;

/// <summary>Two block kinds used three times with different widths and strides.</summary>
[Network(Seed = 8, Loss = Loss.SoftmaxCrossEntropy)]
[Input(2, 6, 6)]
[Use(typeof(ProjectionBlock), Width = 3, Stride = 2, Name = "layer1")]
[Use(typeof(NestedBlock), Width = 3, Name = "layer2")]
[Use(typeof(ProjectionBlock), Width = 4, Name = "layer3")]
[GlobalAvgPool]
[Dense(3, Name = "fc")]
[Sgd(LearningRate = 1f)]
public partial class BlockNet;

/// <summary><see cref="ResidualBatchNormNet"/> with the same names but 5 channels in c1 (so c1.weight, bn1.* differ in shape).</summary>
[Network(Seed = 6)]
[Input(3, 6, 6)]
[Conv2D(5, 3, Padding = 1, Bias = false, Name = "c1")]
[BatchNorm(Activation = Activation.ReLU, Name = "bn1")]
[Conv2D(4, 3, Padding = 1, Name = "c2")]
[BatchNorm(Name = "bn2")]
[Conv2D(4, 1, From = "input", Name = "proj")]
[Add("bn2")]
[ReLU]
[Concat("c1")]
[GlobalAvgPool]
[BatchNorm(Name = "bn3")]
[Dense(2)]
[Sgd(LearningRate = 1f)]
public partial class WiderResidualBatchNormNet;

/// <summary><see cref="ResidualBatchNormNet"/> without running statistics in its file: every BatchNorm replaced by nothing,
/// so loading it into the original misses the buffers.</summary>
[Network(Seed = 6)]
[Input(3, 6, 6)]
[Conv2D(4, 3, Padding = 1, Bias = false, Name = "c1")]
[Conv2D(4, 3, Padding = 1, Name = "c2")]
[Conv2D(4, 1, From = "input", Name = "proj")]
[Add("c2")]
[Concat("c1")]
[GlobalAvgPool]
[Dense(2)]
[Sgd(LearningRate = 1f)]
public partial class NoBatchNormNet;
