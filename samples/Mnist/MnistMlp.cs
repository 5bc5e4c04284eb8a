namespace TensorForge.Samples
{
    /// <summary>A 784-128-64-10 perceptron for MNIST; TensorForge generates the rest of the class at build time.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 42)]
    [Input(1, 28, 28)]
    [Flatten]
    [Dense(128, Activation = Activation.ReLU, Name = "fc1")]
    [Dropout(0.1f)]
    [Dense(64, Activation = Activation.ReLU, Name = "fc2")]
    [Dense(10, Name = "fc3")]
    [Adam(LearningRate = 1e-3f)]
    [CosineAnnealing(TMax = 2500)]
    public partial class MnistMlp;
}
