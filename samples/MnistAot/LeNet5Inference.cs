namespace TensorForge.Samples
{
    /// <summary>The inference-only twin of samples/LeNet's <c>LeNet5</c>: the same layers and names (so it loads the file that
    /// sample saves), no loss and no optimizer.</summary>
    [Network(Seed = 42)]
    [Input(1, 28, 28)]
    [Conv2D(6, 5, Padding = 2, Activation = Activation.ReLU, Name = "conv1")]
    [MaxPool2D(2, Name = "pool1")]
    [Conv2D(16, 5, Activation = Activation.ReLU, Name = "conv2")]
    [MaxPool2D(2, Name = "pool2")]
    [Flatten]
    [Dense(120, Activation = Activation.ReLU, Name = "fc1")]
    [Dense(84, Activation = Activation.ReLU, Name = "fc2")]
    [Dense(10, Name = "fc3")]
    public partial class LeNet5Inference;
}
