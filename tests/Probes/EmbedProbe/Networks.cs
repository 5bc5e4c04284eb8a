namespace TensorForge.Probes
{
    // The networks of samples/MnistAot (inference twins), with the committed weights of samples/MnistAotEmbedded.
    [Network(Seed = 42)]
    [Input(1, 28, 28)]
    [Flatten]
    [Dense(128, Activation = Activation.ReLU, Name = "fc1")]
    [Dense(64, Activation = Activation.ReLU, Name = "fc2")]
    [Dense(10, Name = "fc3")]
#if EMBED_RESOURCE
    [Weights("mnist-mlp.safetensors", Embed = true)]
#endif
    public partial class Mlp;

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
#if EMBED_RESOURCE
    [Weights("lenet5.safetensors", Embed = true)]
#endif
    public partial class LeNet;
}
