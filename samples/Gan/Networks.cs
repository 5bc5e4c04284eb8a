namespace TensorForge.Samples
{
    // The MLP GAN of the issue (and of PyTorch's classic examples): z [64] → 256 → 512 → 784 with tanh, and 784 → 512 → 256 → 1
    // logit, LeakyReLU(0.2) between, both trained by Adam 2e-4 with β₁ 0.5. Neither declares a loss: the training loop computes
    // the non-saturating GAN loss itself (GanTraining), and the generator's gradient comes through the discriminator's Backward.

    /// <summary>The MLP generator: 64 latent values → a 28×28 image in [−1, 1] (flattened). 550,416 parameters.</summary>
    [Network(Seed = 1)]
    [Input(64)]
    [Dense(256, Name = "fc1")]
    [LeakyReLU(0.2f)]
    [Dense(512, Name = "fc2")]
    [LeakyReLU(0.2f)]
    [Dense(784, Activation = Activation.Tanh, Name = "fc3")]
    [Adam(LearningRate = 2e-4f, Beta1 = 0.5f)]
    public partial class MlpGenerator;

    /// <summary>The MLP discriminator: a flattened image in [−1, 1] → one logit (real if positive). 533,505 parameters.</summary>
    [Network(Seed = 2)]
    [Input(784)]
    [Dense(512, Name = "fc1")]
    [LeakyReLU(0.2f)]
    [Dense(256, Name = "fc2")]
    [LeakyReLU(0.2f)]
    [Dense(1, Name = "fc3")]
    [Adam(LearningRate = 2e-4f, Beta1 = 0.5f)]
    public partial class MlpDiscriminator;

    // The DCGAN-style pair (the default, --model dcgan): a Dense + BatchNorm stem unflattened to [128, 7, 7] and two 4×4/2
    // transposed convolutions up to [1, 28, 28] with tanh; the discriminator mirrors it with two 4×4/2 convolutions.

    /// <summary>DCGAN-style generator: z [64] → 128·7·7 → [128, 7, 7] → ConvT 4×4/2 → [64, 14, 14] → ConvT 4×4/2 → [1, 28, 28], tanh.</summary>
    [Network(Seed = 1)]
    [Input(64)]
    [Dense(6272, Bias = false, Name = "fc")]
    [BatchNorm(Name = "bn0")]
    [ReLU]
    [Unflatten(128, 7, 7)]
    [ConvTranspose2D(64, 4, Stride = 2, Padding = 1, Bias = false, Name = "deconv1")]
    [BatchNorm(Name = "bn1")]
    [ReLU]
    [ConvTranspose2D(1, 4, Stride = 2, Padding = 1, Activation = Activation.Tanh, Name = "deconv2")]
    [Flatten]
    [Adam(LearningRate = 2e-4f, Beta1 = 0.5f)]
    public partial class DcganGenerator;

    /// <summary>Convolutional discriminator: [1, 28, 28] → conv 4×4/2 → [64, 14, 14] → conv 4×4/2 + BN → [128, 7, 7] → logit.</summary>
    [Network(Seed = 2)]
    [Input(784)]
    [Unflatten(1, 28, 28)]
    [Conv2D(64, 4, Stride = 2, Padding = 1, Name = "conv1")]
    [LeakyReLU(0.2f)]
    [Conv2D(128, 4, Stride = 2, Padding = 1, Bias = false, Name = "conv2")]
    [BatchNorm(Name = "bn2")]
    [LeakyReLU(0.2f)]
    [Flatten]
    [Dense(1, Name = "fc")]
    [Adam(LearningRate = 2e-4f, Beta1 = 0.5f)]
    public partial class DcganDiscriminator;
}
