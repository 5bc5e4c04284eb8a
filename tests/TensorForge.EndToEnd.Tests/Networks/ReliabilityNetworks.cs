using TensorForge;

namespace TensorForge.EndToEnd.Tests.Networks;

// Networks of the reliability tests: one per entry-point family (class labels, float targets, 0/1 labels, inference only),
// with optimizers that keep state (Adam moments, SGD momentum), and one that diverges.

[Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 11)]
[Input(6)]
[Dense(8, Activation = Activation.ReLU)]
[Dropout(0.25f)]
[Dense(3)]
[Adam(LearningRate = 1e-2f)]
public partial class GuardedClassifier;

[Network(Loss = Loss.MeanSquaredError, Seed = 12)]
[Input(2, 3)]
[Flatten]
[Dense(4, Activation = Activation.Tanh)]
[Dense(2)]
[Sgd(LearningRate = 0.05f, Momentum = 0.9f)]
public partial class GuardedRegressor;

[Network(Loss = Loss.BinaryCrossEntropyWithLogits, Seed = 13)]
[Input(4)]
[Dense(3)]
[AdamW(LearningRate = 1e-2f, WeightDecay = 0.01f)]
public partial class GuardedBinary;

[Network(Seed = 14)]
[Input(5)]
[Dense(4, Activation = Activation.Sigmoid)]
public partial class GuardedInference;

/// <summary>SGD with a learning rate so large that the loss overflows within a few steps.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 15)]
[Input(4)]
[Dense(16, Activation = Activation.ReLU)]
[Dense(3)]
[Sgd(LearningRate = 1e6f, Momentum = 0.9f)]
public partial class DivergingNet;

/// <summary>DivergingNet with a BatchNorm: its running statistics (buffers) move in every training step, the bad one included.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 15)]
[Input(4)]
[Dense(16, Activation = Activation.ReLU)]
[BatchNorm]
[Dense(3)]
[Sgd(LearningRate = 1e6f, Momentum = 0.9f)]
public partial class DivergingBatchNormNet;
