namespace TensorForge.Samples
{
    /// <summary><see cref="LeNet5"/> without its schedule: the bare recipe, Adam at a constant 1e-3 (the sample's
    /// <c>--plain</c>, which also trains without shifts). The same layers, names and initialisation, so the two save and load
    /// the same files. A schedule is part of a network's declaration, hence the second class.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 42, Initialization = Initialization.PyTorch)]
    [Input(1, 28, 28)]
    [Conv2D(6, 5, Padding = 2, Activation = Activation.ReLU, Name = "conv1")]
    [MaxPool2D(2, Name = "pool1")]
    [Conv2D(16, 5, Activation = Activation.ReLU, Name = "conv2")]
    [MaxPool2D(2, Name = "pool2")]
    [Flatten]
    [Dense(120, Activation = Activation.ReLU, Name = "fc1")]
    [Dense(84, Activation = Activation.ReLU, Name = "fc2")]
    [Dense(10, Name = "fc3")]
    [Adam(LearningRate = 1e-3f)]
    public partial class LeNet5Plain;
}
