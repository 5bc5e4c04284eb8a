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

    /// <summary>The denoiser (the default, <c>--model unet</c>): a small U-Net with a learned time embedding added to
    /// every level. Down: 3×3 convolutions at 28×28 (32 channels), 14×14 (64, two convolutions) and 7×7 (128, two); up:
    /// a 3×3 convolution to 64 channels at 7×7, nearest <c>Upsample</c> ×2, skip <c>Concat</c> with the 14×14 features, a 3×3
    /// convolution, a 3×3 convolution to 32 channels, <c>Upsample</c> ×2, <c>Concat</c> with the 28×28 features, two 3×3
    /// convolutions and a 3×3 convolution to ε̂ [1, 28, 28].</summary>
    /// <remarks>Time: the input is x_t followed by the <see cref="Program.EmbeddingSize"/> constant channels of t's sinusoidal
    /// embedding (TimeEmbedding.AppendAsChannels). Averaging the input over the whole image (<c>AvgPool2D(28)</c>) gives the
    /// embedding as a [17, 1, 1] vector (and the image's mean value); two 1×1 convolutions on it are DDPM's time MLP
    /// (<c>time</c>, 128 units, ReLU), and for each level a 1×1 convolution projects it to that level's channels, which
    /// <c>Upsample</c> spreads into constant planes that <c>Add</c> puts on the level's first convolution before its ReLU —
    /// a learned per-channel time bias, as DDPM's residual blocks add their time projection.</remarks>
    [Network(Loss = Loss.MeanSquaredError, Seed = 3)]
    [Input(1 + Program.EmbeddingSize, 28, 28)]
    // The time MLP and its per-level projections, spread to constant planes.
    [AvgPool2D(28, Name = "tpool")]                                                             // [17, 1, 1]
    [Conv2D(128, 1, Activation = Activation.ReLU, Name = "time1")]                              // [128, 1, 1]
    [Conv2D(128, 1, Activation = Activation.ReLU, Name = "time")]
    [Conv2D(32, 1, From = "time", Name = "t28proj")] [Upsample(28, Name = "t28")]              // [32, 28, 28]
    [Conv2D(64, 1, From = "time", Name = "t14proj")] [Upsample(14, Name = "t14")]              // [64, 14, 14]
    [Conv2D(128, 1, From = "time", Name = "t7proj")] [Upsample(7, Name = "t7")]                // [128, 7, 7]
    [Conv2D(64, 1, From = "time", Name = "t14upproj")] [Upsample(14, Name = "t14up")]          // [64, 14, 14]
    [Conv2D(32, 1, From = "time", Name = "t28upproj")] [Upsample(28, Name = "t28up")]          // [32, 28, 28]
    // Down.
    [Conv2D(32, 3, Padding = 1, From = "input", Name = "down1conv")] [Add("t28")] [ReLU(Name = "down1")]           // [32, 28, 28]
    [Conv2D(64, 3, Stride = 2, Padding = 1, Name = "down2conv")] [Add("t14")] [ReLU]                               // [64, 14, 14]
    [Conv2D(64, 3, Padding = 1, Activation = Activation.ReLU, Name = "down2")]
    [Conv2D(128, 3, Stride = 2, Padding = 1, Name = "down3conv")] [Add("t7")] [ReLU]                               // [128, 7, 7]
    [Conv2D(128, 3, Padding = 1, Activation = Activation.ReLU, Name = "mid")]
    [Conv2D(64, 3, Padding = 1, Activation = Activation.ReLU, Name = "mid2")]                                      // [64, 7, 7]
    // Up.
    [Upsample(2)] [Concat("down2")]                                                                                // [128, 14, 14]
    [Conv2D(64, 3, Padding = 1, Name = "up2conv")] [Add("t14up")] [ReLU]                                           // [64, 14, 14]
    [Conv2D(32, 3, Padding = 1, Activation = Activation.ReLU, Name = "up2")]                                       // [32, 14, 14]
    [Upsample(2)] [Concat("down1")]                                                                                // [64, 28, 28]
    [Conv2D(32, 3, Padding = 1, Name = "up1conv")] [Add("t28up")] [ReLU]                                           // [32, 28, 28]
    [Conv2D(32, 3, Padding = 1, Activation = Activation.ReLU, Name = "up1")]
    [Conv2D(1, 3, Padding = 1, Name = "out")]                                                                      // [1, 28, 28]
    [Adam(LearningRate = 1e-3f)]
    public partial class UNetDenoiser;

    /// <summary>The first U-Net (<c>--model small-unet</c>, kept for comparison; it scored 5.85 after 70 epochs): a 3×3 convolution at full resolution, two
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
    public partial class SmallUNetDenoiser;
}
