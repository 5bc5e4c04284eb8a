namespace TensorForge.Samples
{
    /// <summary>LeNet-5 (LeCun et al. 1998) as it is usually written today: two 5×5 convolutions with ReLU and 2×2 max
    /// pooling, then three dense layers. 61,706 parameters; PyTorch names conv1.weight [6, 1, 5, 5] … fc3.bias [10].
    /// Initialised as PyTorch initialises its twin (weights and biases U(±1/√fan_in)). Adam 1e-3 annealed to 0 by a cosine
    /// over the 2,500 steps of 10 epochs of 250 batches of 32; the sample also shifts the training digits by up to 1 pixel.
    /// That recipe gave 97.00–97.60% over seeds 1–10 (median 97.18%) where the bare recipe (<see cref="LeNet5Plain"/>:
    /// constant Adam 1e-3, no shifts) gave 96.00–97.30% (median 96.93%, PyTorch's) — see samples/LeNet/README.md.</summary>
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
    [CosineAnnealing(TMax = 2500)]
    public partial class LeNet5;
}
