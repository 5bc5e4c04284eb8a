using TensorForge;

namespace TensorForge.Samples
{
    /// <summary>The decoder, z [20] → logits of the 784 pixels: a block, so that the VAE and the standalone
    /// <see cref="Decoder"/> declare it once and share its parameter names (<c>decoder.fc3.weight</c>, …).</summary>
    [Block]
    [Input(20)]
    [Dense(400, Activation = Activation.ReLU, Name = "fc3")]
    [Dense(784, Name = "fc4")]
    public partial class VaeDecoder;

    /// <summary>PyTorch's classic MLP VAE (examples/vae): encoder 784 → 400 (ReLU) → 40 = (μ, log σ²) of 20 latents,
    /// reparameterisation (its KL to N(0, I) is added to the loss), the decoder block, and the reconstruction's BCE with
    /// logits summed over the pixels: TrainStep returns the negative ELBO in nats per image, averaged over the batch.</summary>
    [Network(Loss = Loss.BinaryCrossEntropyWithLogits, Reduction = Reduction.SumPerSample, Seed = 42)]
    [Input(784)]
    [Dense(400, Activation = Activation.ReLU, Name = "fc1")]
    [Dense(40, Name = "fc2")]
    [Reparameterize(Name = "z")]
    [Use(typeof(VaeDecoder), Name = "decoder")]
    [Adam(LearningRate = 1e-3f)]
    public partial class Vae;

    /// <summary>The decoder alone, for drawing digits from z ~ N(0, I): inference only. Its parameters are the VAE's last
    /// <see cref="ParameterCount"/> parameters, in the same order (the block's layers come last in the VAE).</summary>
    [Network]
    [Input(20)]
    [Use(typeof(VaeDecoder), Name = "decoder")]
    public partial class Decoder;
}
