using System;

namespace TensorForge
{
    /// <summary>How a convolution pads its input (PyTorch's <c>padding</c> argument).</summary>
    public enum PaddingMode
    {
        /// <summary>Zero padding of <see cref="Conv2DAttribute.Padding"/> on every side (PyTorch <c>padding=int</c>).</summary>
        Explicit = 0,
        /// <summary>No padding (PyTorch <c>padding="valid"</c>).</summary>
        Valid,
        /// <summary>The output has the input's height and width (PyTorch <c>padding="same"</c>, stride 1 only): the total padding
        /// <c>dilation·(kernel − 1)</c> is split with the smaller half before (top, left) and the larger after.</summary>
        Same,
    }

    /// <summary>2-D convolution over <c>[channels, height, width]</c> images, PyTorch <c>nn.Conv2d</c>: weight
    /// <c>[outChannels, inChannels/groups, kernelHeight, kernelWidth]</c>, bias <c>[outChannels]</c>.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class Conv2DAttribute : LayerAttribute
    {
        /// <summary>A square <paramref name="kernelSize"/>×<paramref name="kernelSize"/> convolution with <paramref name="outChannels"/> output channels.</summary>
        public Conv2DAttribute(int outChannels, int kernelSize) { OutChannels = outChannels; KernelHeight = kernelSize; KernelWidth = kernelSize; }
        /// <summary>A rectangular <paramref name="kernelHeight"/>×<paramref name="kernelWidth"/> convolution.</summary>
        public Conv2DAttribute(int outChannels, int kernelHeight, int kernelWidth) { OutChannels = outChannels; KernelHeight = kernelHeight; KernelWidth = kernelWidth; }
        /// <summary>Output channels.</summary>
        public int OutChannels { get; }
        /// <summary>Kernel height.</summary>
        public int KernelHeight { get; }
        /// <summary>Kernel width.</summary>
        public int KernelWidth { get; }
        /// <summary>Stride in both directions (≥ 1). Default 1.</summary>
        public int Stride { get; set; } = 1;
        /// <summary>Zero padding on every side (≥ 0) when <see cref="PaddingMode"/> is <see cref="TensorForge.PaddingMode.Explicit"/>. Default 0.</summary>
        public int Padding { get; set; }
        /// <summary>Explicit (default), valid or same padding.</summary>
        public PaddingMode PaddingMode { get; set; }
        /// <summary>Spacing between kernel elements (≥ 1). Default 1.</summary>
        public int Dilation { get; set; } = 1;
        /// <summary>Groups (divides both channel counts; <c>Groups = inChannels</c> is a depthwise convolution). Default 1.</summary>
        public int Groups { get; set; } = 1;
        /// <summary>Whether the layer has a bias. Default true.</summary>
        public bool Bias { get; set; } = true;
        /// <summary>Activation fused after the convolution. Default none.</summary>
        public Activation Activation { get; set; }
    }

    /// <summary>Max pooling over <c>[channels, height, width]</c>, PyTorch <c>nn.MaxPool2d</c> (padding counts as −∞; the first
    /// maximum of a window receives its gradient).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class MaxPool2DAttribute : LayerAttribute
    {
        /// <summary>A <paramref name="kernelSize"/>×<paramref name="kernelSize"/> window.</summary>
        public MaxPool2DAttribute(int kernelSize) { KernelSize = kernelSize; }
        /// <summary>Window height and width.</summary>
        public int KernelSize { get; }
        /// <summary>Stride (≥ 1). Default 0, which means the kernel size, as PyTorch's <c>stride=None</c>.</summary>
        public int Stride { get; set; }
        /// <summary>Implicit padding on every side (at most half the kernel). Default 0.</summary>
        public int Padding { get; set; }
    }

    /// <summary>Average pooling over <c>[channels, height, width]</c>, PyTorch <c>nn.AvgPool2d</c> with
    /// <c>count_include_pad=True</c> (zero padding counts in the divisor).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class AvgPool2DAttribute : LayerAttribute
    {
        /// <summary>A <paramref name="kernelSize"/>×<paramref name="kernelSize"/> window.</summary>
        public AvgPool2DAttribute(int kernelSize) { KernelSize = kernelSize; }
        /// <summary>Window height and width.</summary>
        public int KernelSize { get; }
        /// <summary>Stride (≥ 1). Default 0, which means the kernel size.</summary>
        public int Stride { get; set; }
        /// <summary>Implicit zero padding on every side (at most half the kernel). Default 0.</summary>
        public int Padding { get; set; }
    }

    /// <summary>Global average pooling: <c>[C, H, W]</c> → <c>[C]</c> (PyTorch <c>nn.AdaptiveAvgPool2d(1)</c> then
    /// <c>nn.Flatten()</c>).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class GlobalAvgPoolAttribute : LayerAttribute { }

    /// <summary>Batch normalisation, PyTorch <c>nn.BatchNorm2d</c> on <c>[C, H, W]</c> and <c>nn.BatchNorm1d</c> on <c>[F]</c>:
    /// batch statistics in training (updating <c>running_mean</c>/<c>running_var</c> with the unbiased variance), running
    /// statistics in inference. Parameters <c>weight</c>, <c>bias</c> [C] (when <see cref="Affine"/>); buffers
    /// <c>running_mean</c>, <c>running_var</c> [C] and <c>num_batches_tracked</c> (int64).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class BatchNormAttribute : LayerAttribute
    {
        /// <summary>Added to the variance (&gt; 0). Default 1e-5.</summary>
        public float Epsilon { get; set; } = 1e-5f;
        /// <summary>Weight of the new batch in the running statistics, in (0, 1]. Default 0.1.</summary>
        public float Momentum { get; set; } = 0.1f;
        /// <summary>Whether the layer learns a per-channel scale and shift. Default true.</summary>
        public bool Affine { get; set; } = true;
        /// <summary>Activation fused after the normalisation. Default none.</summary>
        public Activation Activation { get; set; }
    }
}
