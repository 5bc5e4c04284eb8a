namespace TensorForge.Samples
{
    /// <summary>A small convolutional ε-predictor, the skeleton kept as
    /// <c>--model simple</c> (no down-sampling, so an 11×11 receptive field): four 3×3 convolutions of 32 channels at full resolution and a 3×3 convolution to the one output channel. Its input is the
    /// noisy image x_t followed by the <see cref="Program.EmbeddingSize"/> channels of t's sinusoidal embedding, each a constant
    /// plane (TimeEmbedding.AppendAsChannels); its output is ε̂ [1, 28, 28]. Trained with the mean squared error to ε.</summary>
    [Network(Loss = Loss.MeanSquaredError, Seed = 3)]
    [Input(1 + Program.EmbeddingSize, 28, 28)]
    [Conv2D(32, 3, Padding = 1, Activation = Activation.ReLU, Name = "conv1")]
    [Conv2D(32, 3, Padding = 1, Activation = Activation.ReLU, Name = "conv2")]
    [Conv2D(32, 3, Padding = 1, Activation = Activation.ReLU, Name = "conv3")]
    [Conv2D(32, 3, Padding = 1, Activation = Activation.ReLU, Name = "conv4")]
    [Conv2D(1, 3, Padding = 1, Name = "out")]
    [Adam(LearningRate = 1e-3f)]
    public partial class ConvDenoiser;

    /// <summary>The denoiser, a small U-Net (the default, <c>--model unet</c>): a 3×3 convolution at full resolution, two
    /// stride-2 convolutions down to [64, 7, 7], a middle convolution, then nearest-neighbour <c>Upsample</c> ×2 with a skip
    /// <c>Concat</c> of the same-resolution down-sampling output at 14×14 and 28×28, and a 3×3 convolution to ε̂ [1, 28, 28]. Its
    /// input is x_t followed by the <see cref="Program.EmbeddingSize"/> constant channels of t's sinusoidal embedding, as for
    /// <see cref="ConvDenoiser"/>. Trained with the mean squared error to ε.</summary>
    [Network(Loss = Loss.MeanSquaredError, Seed = 3)]
    [Input(1 + Program.EmbeddingSize, 28, 28)]
    [Conv2D(32, 3, Padding = 1, Activation = Activation.ReLU, Name = "down1")]            // [32, 28, 28]
    [Conv2D(64, 3, Stride = 2, Padding = 1, Activation = Activation.ReLU, Name = "down2")] // [64, 14, 14]
    [Conv2D(64, 3, Stride = 2, Padding = 1, Activation = Activation.ReLU, Name = "down3")] // [64, 7, 7]
    [Conv2D(64, 3, Padding = 1, Activation = Activation.ReLU, Name = "mid")]
    [Upsample(2, Name = "up3")]                                                            // [64, 14, 14]
    [Concat("down2")]                                                                      // [128, 14, 14]
    [Conv2D(64, 3, Padding = 1, Activation = Activation.ReLU, Name = "up2conv")]
    [Upsample(2, Name = "up2")]                                                            // [64, 28, 28]
    [Concat("down1")]                                                                      // [96, 28, 28]
    [Conv2D(32, 3, Padding = 1, Activation = Activation.ReLU, Name = "up1conv")]
    [Conv2D(1, 3, Padding = 1, Name = "out")]
    [Adam(LearningRate = 1e-3f)]
    public partial class UNetDenoiser;
}
