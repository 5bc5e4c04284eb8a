using TensorForge;

namespace TensorForge.EndToEnd.Tests.Networks;

// Small networks with the generative layers for the finite-difference checks: transposed convolutions with stride, padding,
// output padding, dilation, groups, rectangular kernels, bias on and off and smooth fused activations; nearest upsampling by
// 2 and 3; Unflatten to an image; the VAE's Reparameterize with its KL term; and the three loss reductions.

/// <summary>A decoder-like chain: transposed convolutions with every geometry option, an upsample, and a head.</summary>
[Network(Seed = 7)]
[Input(2, 3, 3)]
[ConvTranspose2D(3, 3, Stride = 2, Padding = 1, OutputPadding = 1, Activation = Activation.Tanh)]
[ConvTranspose2D(4, 2, Bias = false, Dilation = 2, Activation = Activation.Gelu)]
[ConvTranspose2D(4, 3, 2, Groups = 2, Padding = 1, Activation = Activation.Sigmoid)]
[Upsample(2)]
[AvgPool2D(4)]
[Flatten]
[Dense(3)]
[Sgd(LearningRate = 1f)]
public partial class TransposedConvolutionNet;

/// <summary>A generator head: a vector unflattened to an image, upsampled by 3, convolved.</summary>
[Network(Seed = 8)]
[Input(12)]
[Dense(18, Activation = Activation.Tanh)]
[Unflatten(2, 3, 3)]
[Upsample(3)]
[Conv2D(2, 3, Stride = 2, Activation = Activation.Gelu)]
[Flatten]
[Dense(2)]
[Sgd(LearningRate = 1f)]
public partial class UnflattenUpsampleNet;

/// <summary>A tiny VAE: encoder to (μ, log σ²) of 3 latents, reparameterisation, decoder; BCE summed per image.</summary>
[Network(Loss = Loss.BinaryCrossEntropyWithLogits, Reduction = Reduction.SumPerSample, Seed = 9)]
[Input(6)]
[Dense(8, Activation = Activation.Tanh)]
[Dense(6, Name = "moments")]
[Reparameterize(Name = "z")]
[Dense(8, Activation = Activation.Tanh)]
[Dense(6)]
[Sgd(LearningRate = 1f)]
public partial class TinyVae;

/// <summary>The same VAE under PyTorch's reduction='sum' (reconstruction and KL summed over the batch too).</summary>
[Network(Loss = Loss.BinaryCrossEntropyWithLogits, Reduction = Reduction.Sum, Seed = 9)]
[Input(6)]
[Dense(8, Activation = Activation.Tanh)]
[Dense(6, Name = "moments")]
[Reparameterize(Name = "z")]
[Dense(8, Activation = Activation.Tanh)]
[Dense(6)]
[Sgd(LearningRate = 1f)]
public partial class TinySummedVae;

/// <summary>The same VAE under the default mean reduction (BCE averaged over batch × pixels, KL averaged over the batch).</summary>
[Network(Loss = Loss.BinaryCrossEntropyWithLogits, Seed = 9)]
[Input(6)]
[Dense(8, Activation = Activation.Tanh)]
[Dense(6, Name = "moments")]
[Reparameterize(Name = "z")]
[Dense(8, Activation = Activation.Tanh)]
[Dense(6)]
[Sgd(LearningRate = 1f)]
public partial class TinyMeanVae;

/// <summary>Reparameterize right after a linear layer whose weights a test sets, so μ and log σ² are known.</summary>
[Network(Seed = 10)]
[Input(4)]
[Dense(4)]
[Reparameterize]
[Sgd(LearningRate = 1f)]
public partial class ReparameterizeProbeNet;

/// <summary>MSE under reduction='sum'.</summary>
[Network(Loss = Loss.MeanSquaredError, Reduction = Reduction.Sum, Seed = 11)]
[Input(5)]
[Dense(4, Activation = Activation.Tanh)]
[Dense(3)]
[Sgd(LearningRate = 1f)]
public partial class SummedMseNet;

/// <summary>Cross-entropy over 3 time steps per sample, summed per sample and averaged over the batch.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy, Reduction = Reduction.SumPerSample, Seed = 12)]
[Input(3, 4)]
[Dense(5)]
[Sgd(LearningRate = 1f)]
public partial class PerSampleCrossEntropyNet;
