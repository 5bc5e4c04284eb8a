using System;

namespace TensorForge.Kernels
{
    /// <summary>The geometry of one transposed 2-D convolution with PyTorch <c>nn.ConvTranspose2d</c> semantics (NCHW,
    /// float32): sizes per sample, without the batch dimension. The weight is laid out as PyTorch's
    /// <c>[in, out/groups, kh, kw]</c>.</summary>
    /// <remarks>
    /// <para>Output size: <c>(In − 1)·stride − 2·padding + dilation·(kernel − 1) + outputPadding + 1</c> per axis.</para>
    /// <para>A transposed convolution is the input gradient of the convolution that maps its output back to its input
    /// (<see cref="Adjoint"/>): that convolution has the transposed output as its input, the same kernel, stride, dilation and
    /// groups, padding <c>padding</c> before and <c>max(0, padding − outputPadding)</c> after, and its weight
    /// <c>[in, out/groups, kh, kw]</c> is this layer's weight, byte for byte.</para>
    /// </remarks>
    public readonly struct ConvTranspose2DGeometry : IEquatable<ConvTranspose2DGeometry>
    {
        /// <summary>Validates the layer and computes its output size.</summary>
        /// <exception cref="ArgumentException">A size is out of range (the exception names it and its value), the channels
        /// are not divisible by <paramref name="groups"/>, the output would be empty, or an output padding is not smaller
        /// than the stride or the dilation (PyTorch's rule) or exceeds padding + stride − 1 (which these kernels do not
        /// support).</exception>
        public ConvTranspose2DGeometry(int inChannels, int inHeight, int inWidth, int outChannels, int kernelHeight, int kernelWidth,
            int strideHeight, int strideWidth, int padHeight, int padWidth, int outputPadHeight, int outputPadWidth,
            int dilationHeight, int dilationWidth, int groups)
        {
            AtLeast(inChannels, 1, nameof(inChannels));
            AtLeast(inHeight, 1, nameof(inHeight));
            AtLeast(inWidth, 1, nameof(inWidth));
            AtLeast(outChannels, 1, nameof(outChannels));
            AtLeast(kernelHeight, 1, nameof(kernelHeight));
            AtLeast(kernelWidth, 1, nameof(kernelWidth));
            AtLeast(strideHeight, 1, nameof(strideHeight));
            AtLeast(strideWidth, 1, nameof(strideWidth));
            AtLeast(padHeight, 0, nameof(padHeight));
            AtLeast(padWidth, 0, nameof(padWidth));
            AtLeast(outputPadHeight, 0, nameof(outputPadHeight));
            AtLeast(outputPadWidth, 0, nameof(outputPadWidth));
            AtLeast(dilationHeight, 1, nameof(dilationHeight));
            AtLeast(dilationWidth, 1, nameof(dilationWidth));
            AtLeast(groups, 1, nameof(groups));
            if (inChannels % groups != 0)
                throw new ArgumentException($"inChannels ({inChannels}) must be divisible by groups ({groups}).", nameof(inChannels));
            if (outChannels % groups != 0)
                throw new ArgumentException($"outChannels ({outChannels}) must be divisible by groups ({groups}).", nameof(outChannels));
            OutputPadding(outputPadHeight, strideHeight, dilationHeight, padHeight, nameof(outputPadHeight));
            OutputPadding(outputPadWidth, strideWidth, dilationWidth, padWidth, nameof(outputPadWidth));

            long outHeight = (long)(inHeight - 1) * strideHeight - 2L * padHeight + (long)dilationHeight * (kernelHeight - 1) + outputPadHeight + 1;
            long outWidth = (long)(inWidth - 1) * strideWidth - 2L * padWidth + (long)dilationWidth * (kernelWidth - 1) + outputPadWidth + 1;
            if (outHeight < 1)
                throw new ArgumentException($"The output height ({inHeight} − 1)·{strideHeight} − 2·{padHeight} + {dilationHeight}·({kernelHeight} − 1) "
                    + $"+ {outputPadHeight} + 1 = {outHeight} is not positive.", nameof(padHeight));
            if (outWidth < 1)
                throw new ArgumentException($"The output width ({inWidth} − 1)·{strideWidth} − 2·{padWidth} + {dilationWidth}·({kernelWidth} − 1) "
                    + $"+ {outputPadWidth} + 1 = {outWidth} is not positive.", nameof(padWidth));
            if (outHeight > int.MaxValue || outWidth > int.MaxValue || (long)outChannels * outHeight * outWidth > int.MaxValue)
                throw new ArgumentException($"The output {outChannels}×{outHeight}×{outWidth} does not fit in an int.");

            InChannels = inChannels;
            InHeight = inHeight;
            InWidth = inWidth;
            OutChannels = outChannels;
            KernelHeight = kernelHeight;
            KernelWidth = kernelWidth;
            StrideHeight = strideHeight;
            StrideWidth = strideWidth;
            PadHeight = padHeight;
            PadWidth = padWidth;
            OutputPadHeight = outputPadHeight;
            OutputPadWidth = outputPadWidth;
            DilationHeight = dilationHeight;
            DilationWidth = dilationWidth;
            Groups = groups;
            OutHeight = (int)outHeight;
            OutWidth = (int)outWidth;

            Adjoint = new Conv2DGeometry(outChannels, OutHeight, OutWidth, inChannels, kernelHeight, kernelWidth, strideHeight, strideWidth,
                padHeight, padWidth, Math.Max(0, padHeight - outputPadHeight), Math.Max(0, padWidth - outputPadWidth),
                dilationHeight, dilationWidth, groups);
            if (Adjoint.OutHeight != inHeight || Adjoint.OutWidth != inWidth)
                throw new InvalidOperationException($"The adjoint convolution maps {OutHeight}×{OutWidth} to {Adjoint.OutHeight}×{Adjoint.OutWidth}, not {inHeight}×{inWidth}.");
        }

        /// <summary>Input channels.</summary>
        public int InChannels { get; }
        /// <summary>Input rows.</summary>
        public int InHeight { get; }
        /// <summary>Input columns.</summary>
        public int InWidth { get; }
        /// <summary>Output channels.</summary>
        public int OutChannels { get; }
        /// <summary>Kernel rows.</summary>
        public int KernelHeight { get; }
        /// <summary>Kernel columns.</summary>
        public int KernelWidth { get; }
        /// <summary>Vertical stride (spacing of the input rows in the output).</summary>
        public int StrideHeight { get; }
        /// <summary>Horizontal stride.</summary>
        public int StrideWidth { get; }
        /// <summary>Rows cropped from the top and the bottom of the full output (PyTorch's <c>padding</c>).</summary>
        public int PadHeight { get; }
        /// <summary>Columns cropped from the left and the right of the full output.</summary>
        public int PadWidth { get; }
        /// <summary>Rows added at the bottom of the output (PyTorch's <c>output_padding</c>).</summary>
        public int OutputPadHeight { get; }
        /// <summary>Columns added at the right of the output.</summary>
        public int OutputPadWidth { get; }
        /// <summary>Vertical spacing of the kernel taps.</summary>
        public int DilationHeight { get; }
        /// <summary>Horizontal spacing of the kernel taps.</summary>
        public int DilationWidth { get; }
        /// <summary>Channel groups.</summary>
        public int Groups { get; }
        /// <summary>Output rows.</summary>
        public int OutHeight { get; }
        /// <summary>Output columns.</summary>
        public int OutWidth { get; }

        /// <summary>The convolution whose input gradient this layer is: from [OutChannels, OutHeight, OutWidth] to
        /// [InChannels, InHeight, InWidth], with this layer's weight.</summary>
        public Conv2DGeometry Adjoint { get; }

        /// <summary>Floats of one input sample.</summary>
        public int InputSize => InChannels * InHeight * InWidth;
        /// <summary>Floats of one output sample.</summary>
        public int OutputSize => OutChannels * OutHeight * OutWidth;
        /// <summary>Floats of the weight: <c>InChannels·(OutChannels/Groups)·KernelHeight·KernelWidth</c>.</summary>
        public int WeightSize => Adjoint.WeightSize;
        /// <summary>Multiply-adds of one sample's forward pass (also of each backward pass).</summary>
        public long MultiplyAddsPerSample => Adjoint.MultiplyAddsPerSample;

        /// <inheritdoc/>
        public bool Equals(ConvTranspose2DGeometry other)
            => Adjoint.Equals(other.Adjoint) && OutputPadHeight == other.OutputPadHeight && OutputPadWidth == other.OutputPadWidth
               && InHeight == other.InHeight && InWidth == other.InWidth;

        /// <inheritdoc/>
        public override bool Equals(object? obj) => obj is ConvTranspose2DGeometry other && Equals(other);

        /// <inheritdoc/>
        public override int GetHashCode() => HashCode.Combine(Adjoint, OutputPadHeight, OutputPadWidth);

        /// <summary>Equality of every field.</summary>
        public static bool operator ==(ConvTranspose2DGeometry left, ConvTranspose2DGeometry right) => left.Equals(right);
        /// <summary>Inequality of any field.</summary>
        public static bool operator !=(ConvTranspose2DGeometry left, ConvTranspose2DGeometry right) => !left.Equals(right);

        /// <summary>E.g. <c>ConvTranspose2D 64→32 4×4 on 7×7 → 14×14, stride 2×2, padding 1×1, output padding 0×0, dilation 1×1, groups 1</c>.</summary>
        public override string ToString()
            => $"ConvTranspose2D {InChannels}→{OutChannels} {KernelHeight}×{KernelWidth} on {InHeight}×{InWidth} → {OutHeight}×{OutWidth}, "
               + $"stride {StrideHeight}×{StrideWidth}, padding {PadHeight}×{PadWidth}, output padding {OutputPadHeight}×{OutputPadWidth}, "
               + $"dilation {DilationHeight}×{DilationWidth}, groups {Groups}";

        private static void OutputPadding(int outputPad, int stride, int dilation, int pad, string name)
        {
            if (outputPad >= Math.Max(stride, dilation))
                throw new ArgumentException($"{name} ({outputPad}) must be smaller than either the stride ({stride}) or the dilation ({dilation}).", name);
            if (outputPad > pad + stride - 1)
                throw new ArgumentException($"{name} ({outputPad}) larger than padding + stride − 1 ({pad} + {stride} − 1) is not supported.", name);
        }

        private static void AtLeast(int value, int minimum, string name)
        {
            if (value < minimum)
                throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least {minimum} but is {value}.");
        }
    }
}
