using TensorForge;

namespace TensorForge.Benchmarks
{
    /// <summary>LeNet-5 exactly as samples/LeNet declares it (conv 6@5×5 pad 2, ReLU, max-pool 2; conv 16@5×5, ReLU, max-pool 2;
    /// 120, 84, 10; Adam 1e-3), copied here so that the benchmark measures the sample's network without depending on the
    /// sample project. 61,706 parameters named as the PyTorch twin names them (conv1.weight … fc3.bias).</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 42)]
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
    public partial class BenchLeNet5;
}
