namespace TensorForge.Samples
{
    /// <summary>The inference-only twin of <see cref="MnistMlp"/>: the same layers and names (so it loads the same
    /// safetensors file), no loss and no optimizer, so the generator emits only <c>Forward</c>, save and load.
    /// Dropout is left out: it has no parameters and is the identity in inference.</summary>
    [Network(Seed = 42)]
    [Input(1, 28, 28)]
    [Flatten]
    [Dense(128, Activation = Activation.ReLU, Name = "fc1")]
    [Dense(64, Activation = Activation.ReLU, Name = "fc2")]
    [Dense(10, Name = "fc3")]
    public partial class MnistMlpInference;
}
