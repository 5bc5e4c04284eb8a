using System;

namespace TensorForge
{
    /// <summary>Transposed 2-D convolution over <c>[channels, height, width]</c> images, PyTorch <c>nn.ConvTranspose2d</c>: weight
    /// <c>[inChannels, outChannels/groups, kernelHeight, kernelWidth]</c>, bias <c>[outChannels]</c>. Output size per axis
    /// <c>(in − 1)·stride − 2·padding + dilation·(kernel − 1) + outputPadding + 1</c>.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class ConvTranspose2DAttribute : LayerAttribute
    {
        /// <summary>A square <paramref name="kernelSize"/>×<paramref name="kernelSize"/> transposed convolution with <paramref name="outChannels"/> output channels.</summary>
        public ConvTranspose2DAttribute(int outChannels, int kernelSize) { OutChannels = outChannels; KernelHeight = kernelSize; KernelWidth = kernelSize; }
        /// <summary>A rectangular <paramref name="kernelHeight"/>×<paramref name="kernelWidth"/> transposed convolution.</summary>
        public ConvTranspose2DAttribute(int outChannels, int kernelHeight, int kernelWidth) { OutChannels = outChannels; KernelHeight = kernelHeight; KernelWidth = kernelWidth; }
        /// <summary>Output channels.</summary>
        public int OutChannels { get; }
        /// <summary>Kernel height.</summary>
        public int KernelHeight { get; }
        /// <summary>Kernel width.</summary>
        public int KernelWidth { get; }
        /// <summary>Spacing of the input pixels in the output (≥ 1). Default 1.</summary>
        public int Stride { get; set; } = 1;
        /// <summary>Rows and columns cropped from each side of the full output (≥ 0; PyTorch's <c>padding</c>). Default 0.</summary>
        public int Padding { get; set; }
        /// <summary>Rows and columns added at the bottom and right of the output (PyTorch's <c>output_padding</c>): smaller than
        /// the stride or the dilation, and at most <c>Padding + Stride − 1</c>. Default 0.</summary>
        public int OutputPadding { get; set; }
        /// <summary>Spacing between kernel elements (≥ 1). Default 1.</summary>
        public int Dilation { get; set; } = 1;
        /// <summary>Groups (divides both channel counts). Default 1.</summary>
        public int Groups { get; set; } = 1;
        /// <summary>Whether the layer has a bias. Default true.</summary>
        public bool Bias { get; set; } = true;
        /// <summary>Activation fused after the transposed convolution. Default none.</summary>
        public Activation Activation { get; set; }
    }

    /// <summary>Nearest-neighbour upsampling of <c>[channels, height, width]</c> images by an integer factor, PyTorch
    /// <c>nn.Upsample(scale_factor=scale, mode='nearest')</c>: <c>[C, H, W]</c> → <c>[C, H·scale, W·scale]</c>. No parameters.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class UpsampleAttribute : LayerAttribute
    {
        /// <summary>Repeats every pixel <paramref name="scale"/>×<paramref name="scale"/> times (scale ≥ 1).</summary>
        public UpsampleAttribute(int scale) { Scale = scale; }
        /// <summary>The integer scale factor of both height and width.</summary>
        public int Scale { get; }
    }

    /// <summary>Reads a vector as a tensor of the given shape, PyTorch <c>nn.Unflatten(1, shape)</c>: e.g.
    /// <c>[Unflatten(64, 7, 7)]</c> turns <c>[3136]</c> into the image <c>[64, 7, 7]</c>. A view: no copy, no parameters.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class UnflattenAttribute : LayerAttribute
    {
        /// <summary>The per-sample output shape: <c>(channels, height, width)</c> or <c>(time, features)</c>; its product must
        /// equal the input vector's length.</summary>
        public UnflattenAttribute(params int[] shape) { Shape = shape; }
        /// <summary>The per-sample output shape.</summary>
        public int[] Shape { get; }
    }

    /// <summary>The variational autoencoder's reparameterisation: reads a vector <c>[2·d]</c> as the mean μ (first d) and the
    /// log-variance log σ² (last d) of a diagonal Gaussian and outputs <c>[d]</c>: in training (<c>ForwardTrain</c>,
    /// <c>TrainStep</c>) the sample z = μ + exp(½·log σ²) ⊙ ε with ε ~ N(0, I) drawn from the network's seeded random stream,
    /// in inference (<c>Forward</c>) the mean μ. In training its KL divergence to N(0, I),
    /// −½·Σ(1 + log σ² − μ² − σ²) summed over the d latents, is added to the network's loss (reduced over the batch as
    /// <see cref="NetworkAttribute.Reduction"/> says) and its gradient to μ and log σ² in <c>Backward</c>. No parameters.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class ReparameterizeAttribute : LayerAttribute { }
}
