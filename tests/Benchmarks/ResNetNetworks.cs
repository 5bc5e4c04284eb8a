using TensorForge;

namespace TensorForge.Benchmarks
{
    /// <summary>samples/ResNet's basic block with an identity shortcut (torchvision's <c>BasicBlock</c>).</summary>
    [Block]
    [Conv2D(BlockArguments.Width, 3, Padding = 1, Bias = false, Name = "conv1")]
    [BatchNorm(Activation = Activation.ReLU, Name = "bn1")]
    [Conv2D(BlockArguments.Width, 3, Padding = 1, Bias = false, Name = "conv2")]
    [BatchNorm(Name = "bn2")]
    [Add("input")]
    [ReLU]
    public partial class BenchBasicBlock;

    /// <summary>samples/ResNet's block with a strided first convolution and a strided 1×1 projection shortcut with its own
    /// BN (torchvision's <c>downsample.0</c>/<c>downsample.1</c>).</summary>
    [Block]
    [Conv2D(BlockArguments.Width, 3, Stride = BlockArguments.Stride, Padding = 1, Bias = false, Name = "conv1")]
    [BatchNorm(Activation = Activation.ReLU, Name = "bn1")]
    [Conv2D(BlockArguments.Width, 3, Padding = 1, Bias = false, Name = "conv2")]
    [BatchNorm(Name = "bn2")]
    [Conv2D(BlockArguments.Width, 1, Stride = BlockArguments.Stride, Bias = false, From = "input", Name = "downsample.0")]
    [BatchNorm(Name = "downsample.1")]
    [Add("bn2")]
    [ReLU]
    public partial class BenchDownsampleBlock;

    /// <summary>samples/ResNet's SmallResNet, layer for layer and with its optimizer and schedule (AdamW 2e-3, weight decay
    /// 0.01, cosine annealing over 2,500 steps): stem 16, stages 16/32/64 × 2 basic blocks, GAP, fc; 174,970 parameters.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 42)]
    [Input(1, 28, 28)]
    [Conv2D(16, 3, Padding = 1, Bias = false, Name = "conv1")]
    [BatchNorm(Activation = Activation.ReLU, Name = "bn1")]
    [Use(typeof(BenchBasicBlock), Width = 16, Name = "layer1.0")]
    [Use(typeof(BenchBasicBlock), Width = 16, Name = "layer1.1")]
    [Use(typeof(BenchDownsampleBlock), Width = 32, Stride = 2, Name = "layer2.0")]
    [Use(typeof(BenchBasicBlock), Width = 32, Name = "layer2.1")]
    [Use(typeof(BenchDownsampleBlock), Width = 64, Stride = 2, Name = "layer3.0")]
    [Use(typeof(BenchBasicBlock), Width = 64, Name = "layer3.1")]
    [GlobalAvgPool(Name = "avgpool")]
    [Dense(10, Name = "fc")]
    [AdamW(LearningRate = 2e-3f, WeightDecay = 0.01f)]
    [CosineAnnealing(TMax = 2500)]
    public partial class BenchResNet;

    /// <summary>The residual network the agreement check trains: a BN stem, one identity block and one strided projection
    /// block (each with two BatchNorms), GAP and a classifier; Adam 1e-3, as PyTorch's defaults. Widths 16 and 32, as the small
    /// ResNet's first stages: TorchSharp's oneDNN computes wrong input gradients for convolutions whose output channels are not a
    /// multiple of its channel block (16 with AVX-512), so narrower layers would compare us with a wrong reference (section 9's
    /// "torch rel err" column shows it on LeNet's conv1, 1→6).</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 7)]
    [Input(1, 28, 28)]
    [Conv2D(16, 3, Padding = 1, Bias = false, Name = "conv1")]
    [BatchNorm(Activation = Activation.ReLU, Name = "bn1")]
    [Use(typeof(BenchBasicBlock), Width = 16, Name = "layer1.0")]
    [Use(typeof(BenchDownsampleBlock), Width = 32, Stride = 2, Name = "layer2.0")]
    [GlobalAvgPool(Name = "avgpool")]
    [Dense(10, Name = "fc")]
    [Adam(LearningRate = 1e-3f)]
    public partial class AgreeResidual;
}
