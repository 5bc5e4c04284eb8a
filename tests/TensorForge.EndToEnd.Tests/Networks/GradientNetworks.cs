using TensorForge;

namespace TensorForge.EndToEnd.Tests.Networks;

// Small networks that together cover every layer kind, every activation (fused and standalone) and every loss,
// for the finite-difference gradient checks. SGD with learning rate 1 and no momentum makes a TrainStep's update
// exactly −gradient, which lets the loss tests read the gradient back from the parameters.

/// <summary>Every fused Dense activation, and a Dense without bias.</summary>
[Network(Seed = 1)]
[Input(6)]
[Dense(5, Activation = Activation.ReLU)]
[Dense(5, Activation = Activation.Sigmoid)]
[Dense(4, Activation = Activation.Tanh)]
[Dense(4, Activation = Activation.Gelu)]
[Dense(3, Activation = Activation.LeakyReLU)]
[Dense(2, Bias = false)]
[Sgd(LearningRate = 1f)]
public partial class FusedActivationNet;

/// <summary>Every standalone activation, on a matrix-shaped input and on vectors, ending in a standalone Softmax.</summary>
[Network(Seed = 2)]
[Input(2, 3)]
[Tanh]
[Flatten]
[Dense(8)]
[ReLU]
[Dense(8)]
[LeakyReLU(0.2f)]
[Dense(7)]
[Sigmoid]
[Dense(6)]
[Gelu]
[Dense(4)]
[Softmax]
[Sgd(LearningRate = 1f)]
public partial class StandaloneActivationNet;

/// <summary>Softmax over the last axis of a [3, 4] input: three independent rows.</summary>
[Network(Seed = 3)]
[Input(3, 4)]
[Softmax]
[Flatten]
[Dense(2)]
[Sgd(LearningRate = 1f)]
public partial class RowSoftmaxNet;

/// <summary>Dropout alone, so its mask can be read back from input and output.</summary>
[Network(Seed = 4)]
[Input(4, 25)]
[Dropout(0.3f)]
[Sgd(LearningRate = 1f)]
public partial class DropoutNet;

[Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 5)]
[Input(5)]
[Dense(4, Activation = Activation.Tanh)]
[Dense(3)]
[Sgd(LearningRate = 1f)]
public partial class CrossEntropyNet;

[Network(Loss = Loss.MeanSquaredError, Seed = 6)]
[Input(5)]
[Dense(4, Activation = Activation.Tanh)]
[Dense(3)]
[Sgd(LearningRate = 1f)]
public partial class MeanSquaredErrorNet;

[Network(Loss = Loss.BinaryCrossEntropyWithLogits, Seed = 7)]
[Input(5)]
[Dense(4, Activation = Activation.Tanh)]
[Dense(3)]
[Sgd(LearningRate = 1f)]
public partial class BinaryCrossEntropyNet;

/// <summary>Inference only: no optimizer, so no training members.</summary>
[Network(Seed = 42)]
[Input(1, 28, 28)]
[Flatten]
[Dense(128, Activation = Activation.ReLU, Name = "fc1")]
[Dense(64, Activation = Activation.ReLU, Name = "fc2")]
[Dense(10, Name = "fc3")]
public partial class MnistMlpInference;
