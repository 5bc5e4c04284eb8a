namespace TensorForge.Samples
{
    /// <summary>The ResNet basic block with an identity shortcut (He et al. 2016, as torchvision's <c>BasicBlock</c>):
    /// conv 3×3 → BN → ReLU → conv 3×3 → BN, plus the block's input, then ReLU. Its width is set by each use.</summary>
    [Block]
    [Conv2D(BlockArguments.Width, 3, Padding = 1, Bias = false, Name = "conv1")]
    [BatchNorm(Activation = Activation.ReLU, Name = "bn1")]
    [Conv2D(BlockArguments.Width, 3, Padding = 1, Bias = false, Name = "conv2")]
    [BatchNorm(Name = "bn2")]
    [Add("input")]
    [ReLU]
    public partial class BasicBlock;

    /// <summary>The basic block that changes width and resolution: the first convolution is strided and the shortcut is a
    /// strided 1×1 projection with its own BN (torchvision's <c>downsample.0</c>/<c>downsample.1</c>).</summary>
    [Block]
    [Conv2D(BlockArguments.Width, 3, Stride = BlockArguments.Stride, Padding = 1, Bias = false, Name = "conv1")]
    [BatchNorm(Activation = Activation.ReLU, Name = "bn1")]
    [Conv2D(BlockArguments.Width, 3, Padding = 1, Bias = false, Name = "conv2")]
    [BatchNorm(Name = "bn2")]
    [Conv2D(BlockArguments.Width, 1, Stride = BlockArguments.Stride, Bias = false, From = "input", Name = "downsample.0")]
    [BatchNorm(Name = "downsample.1")]
    [Add("bn2")]
    [ReLU]
    public partial class DownsampleBlock;

    /// <summary>A small ResNet for 28×28 digits: a 16-channel stem, three stages of two basic blocks (16, 32, 64 channels,
    /// the last two stages halving the resolution), global average pooling and a linear classifier — 174,970 parameters,
    /// named as torchvision names them (<c>layer2.0.downsample.0.weight</c>). AdamW with a cosine schedule over 20 epochs of
    /// 250 steps.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 42)]
    [Input(1, 28, 28)]
    [Conv2D(16, 3, Padding = 1, Bias = false, Name = "conv1")]
    [BatchNorm(Activation = Activation.ReLU, Name = "bn1")]
    [Use(typeof(BasicBlock), Width = 16, Name = "layer1.0")]
    [Use(typeof(BasicBlock), Width = 16, Name = "layer1.1")]
    [Use(typeof(DownsampleBlock), Width = 32, Stride = 2, Name = "layer2.0")]
    [Use(typeof(BasicBlock), Width = 32, Name = "layer2.1")]
    [Use(typeof(DownsampleBlock), Width = 64, Stride = 2, Name = "layer3.0")]
    [Use(typeof(BasicBlock), Width = 64, Name = "layer3.1")]
    [GlobalAvgPool(Name = "avgpool")]
    [Dense(10, Name = "fc")]
    [AdamW(LearningRate = 2e-3f, WeightDecay = 0.01f)]
    [CosineAnnealing(TMax = 5000)]
    public partial class SmallResNet;

    /// <summary>A VGG-style stack (Simonyan and Zisserman 2015): two 3×3 convolutions of 32 channels with BN and ReLU, max
    /// pooling, two of 64, max pooling, then a dense layer of 128 with dropout 0.5 and the classifier.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 42)]
    [Input(1, 28, 28)]
    [Conv2D(32, 3, Padding = 1, Bias = false, Name = "features.0")]
    [BatchNorm(Activation = Activation.ReLU, Name = "features.1")]
    [Conv2D(32, 3, Padding = 1, Bias = false, Name = "features.3")]
    [BatchNorm(Activation = Activation.ReLU, Name = "features.4")]
    [MaxPool2D(2)]
    [Conv2D(64, 3, Padding = 1, Bias = false, Name = "features.7")]
    [BatchNorm(Activation = Activation.ReLU, Name = "features.8")]
    [Conv2D(64, 3, Padding = 1, Bias = false, Name = "features.10")]
    [BatchNorm(Activation = Activation.ReLU, Name = "features.11")]
    [MaxPool2D(2)]
    [Flatten]
    [Dense(128, Activation = Activation.ReLU, Name = "classifier.0")]
    [Dropout(0.5f)]
    [Dense(10, Name = "classifier.3")]
    [AdamW(LearningRate = 1e-3f, WeightDecay = 0.01f)]
    [CosineAnnealing(TMax = 5000)]
    public partial class VggNet;
}
