using System;

namespace TensorForge.Kernels
{
    /// <summary>The geometry of one 2-D convolution layer with PyTorch <c>nn.Conv2d</c> semantics (NCHW, float32): sizes per
    /// sample, without the batch dimension. The weight is laid out as PyTorch's <c>[out, in/groups, kh, kw]</c>.</summary>
    /// <remarks>Padding is given per side, so that PyTorch's <c>padding="same"</c> with an even kernel (total
    /// <c>dilation·(k − 1)</c>, left <c>total/2</c>, right the rest) is expressible. The constructor validates every value and
    /// computes the output size; a geometry that exists is always valid.</remarks>
    public readonly struct Conv2DGeometry : IEquatable<Conv2DGeometry>
    {
        /// <summary>Validates the layer and computes its output size.</summary>
        /// <exception cref="ArgumentException">A size is out of range (the exception names it and its value), the channels
        /// are not divisible by <paramref name="groups"/>, the (dilated) kernel is larger than the padded input, or a size
        /// does not fit in an <see cref="int"/>.</exception>
        public Conv2DGeometry(int inChannels, int inHeight, int inWidth, int outChannels, int kernelHeight, int kernelWidth,
            int strideHeight, int strideWidth, int padTop, int padLeft, int padBottom, int padRight,
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
            AtLeast(padTop, 0, nameof(padTop));
            AtLeast(padLeft, 0, nameof(padLeft));
            AtLeast(padBottom, 0, nameof(padBottom));
            AtLeast(padRight, 0, nameof(padRight));
            AtLeast(dilationHeight, 1, nameof(dilationHeight));
            AtLeast(dilationWidth, 1, nameof(dilationWidth));
            AtLeast(groups, 1, nameof(groups));
            if (inChannels % groups != 0)
                throw new ArgumentException($"inChannels ({inChannels}) must be divisible by groups ({groups}).", nameof(inChannels));
            if (outChannels % groups != 0)
                throw new ArgumentException($"outChannels ({outChannels}) must be divisible by groups ({groups}).", nameof(outChannels));

            long outHeight = OutputLength(inHeight, padTop, padBottom, kernelHeight, dilationHeight, strideHeight);
            long outWidth = OutputLength(inWidth, padLeft, padRight, kernelWidth, dilationWidth, strideWidth);
            if (outHeight < 1)
                throw new ArgumentException($"The kernel height {kernelHeight} with dilation {dilationHeight} spans "
                    + $"{(long)dilationHeight * (kernelHeight - 1) + 1} rows but the padded input has only "
                    + $"{(long)inHeight + padTop + padBottom} ({inHeight} + {padTop} + {padBottom}).", nameof(kernelHeight));
            if (outWidth < 1)
                throw new ArgumentException($"The kernel width {kernelWidth} with dilation {dilationWidth} spans "
                    + $"{(long)dilationWidth * (kernelWidth - 1) + 1} columns but the padded input has only "
                    + $"{(long)inWidth + padLeft + padRight} ({inWidth} + {padLeft} + {padRight}).", nameof(kernelWidth));

            Fits((long)inChannels * inHeight * inWidth, "inChannels×inHeight×inWidth");
            Fits((long)outChannels * outHeight * outWidth, "outChannels×outHeight×outWidth");
            Fits((long)outChannels * (inChannels / groups) * kernelHeight * kernelWidth, "outChannels×(inChannels/groups)×kernelHeight×kernelWidth");
            // The padded input (the convolution works on a zero-padded copy of each sample) must be addressable too.
            Fits((long)inChannels * (inHeight + padTop + padBottom + 1) * (inWidth + padLeft + padRight + 1), "the padded input");

            InChannels = inChannels;
            InHeight = inHeight;
            InWidth = inWidth;
            OutChannels = outChannels;
            KernelHeight = kernelHeight;
            KernelWidth = kernelWidth;
            StrideHeight = strideHeight;
            StrideWidth = strideWidth;
            PadTop = padTop;
            PadLeft = padLeft;
            PadBottom = padBottom;
            PadRight = padRight;
            DilationHeight = dilationHeight;
            DilationWidth = dilationWidth;
            Groups = groups;
            OutHeight = (int)outHeight;
            OutWidth = (int)outWidth;
        }

        /// <summary>Input channels (C of the NCHW input).</summary>
        public int InChannels { get; }
        /// <summary>Input rows (H).</summary>
        public int InHeight { get; }
        /// <summary>Input columns (W).</summary>
        public int InWidth { get; }
        /// <summary>Output channels.</summary>
        public int OutChannels { get; }
        /// <summary>Kernel rows.</summary>
        public int KernelHeight { get; }
        /// <summary>Kernel columns.</summary>
        public int KernelWidth { get; }
        /// <summary>Vertical stride.</summary>
        public int StrideHeight { get; }
        /// <summary>Horizontal stride.</summary>
        public int StrideWidth { get; }
        /// <summary>Zero rows added above the input.</summary>
        public int PadTop { get; }
        /// <summary>Zero columns added left of the input.</summary>
        public int PadLeft { get; }
        /// <summary>Zero rows added below the input.</summary>
        public int PadBottom { get; }
        /// <summary>Zero columns added right of the input.</summary>
        public int PadRight { get; }
        /// <summary>Vertical spacing of the kernel taps (1 = dense).</summary>
        public int DilationHeight { get; }
        /// <summary>Horizontal spacing of the kernel taps (1 = dense).</summary>
        public int DilationWidth { get; }
        /// <summary>Channel groups: each group of <c>InChannels/Groups</c> inputs feeds <c>OutChannels/Groups</c> outputs.
        /// <c>Groups == InChannels</c> is a depthwise convolution.</summary>
        public int Groups { get; }

        /// <summary>Output rows: <c>(InHeight + PadTop + PadBottom − DilationHeight·(KernelHeight − 1) − 1) / StrideHeight + 1</c>.</summary>
        public int OutHeight { get; }
        /// <summary>Output columns: <c>(InWidth + PadLeft + PadRight − DilationWidth·(KernelWidth − 1) − 1) / StrideWidth + 1</c>.</summary>
        public int OutWidth { get; }

        /// <summary>Floats of one input sample: <c>InChannels·InHeight·InWidth</c>.</summary>
        public int InputSize => InChannels * InHeight * InWidth;
        /// <summary>Floats of one output sample: <c>OutChannels·OutHeight·OutWidth</c>.</summary>
        public int OutputSize => OutChannels * OutHeight * OutWidth;
        /// <summary>Floats of the weight: <c>OutChannels·(InChannels/Groups)·KernelHeight·KernelWidth</c>.</summary>
        public int WeightSize => OutChannels * GroupInChannels * KernelHeight * KernelWidth;

        /// <summary>Input channels per group.</summary>
        public int GroupInChannels => InChannels / Groups;
        /// <summary>Output channels per group.</summary>
        public int GroupOutChannels => OutChannels / Groups;
        /// <summary>Length of every dot product (per group): <c>(InChannels/Groups)·KernelHeight·KernelWidth</c>.</summary>
        public int ReductionLength => GroupInChannels * KernelHeight * KernelWidth;
        /// <summary>Multiply-adds of one sample's forward pass (also of each backward pass).</summary>
        public long MultiplyAddsPerSample => (long)OutputSize * ReductionLength;

        /// <inheritdoc/>
        public bool Equals(Conv2DGeometry other)
            => InChannels == other.InChannels && InHeight == other.InHeight && InWidth == other.InWidth
               && OutChannels == other.OutChannels && KernelHeight == other.KernelHeight && KernelWidth == other.KernelWidth
               && StrideHeight == other.StrideHeight && StrideWidth == other.StrideWidth && PadTop == other.PadTop
               && PadLeft == other.PadLeft && PadBottom == other.PadBottom && PadRight == other.PadRight
               && DilationHeight == other.DilationHeight && DilationWidth == other.DilationWidth && Groups == other.Groups;

        /// <inheritdoc/>
        public override bool Equals(object? obj) => obj is Conv2DGeometry other && Equals(other);

        /// <inheritdoc/>
        public override int GetHashCode()
            => HashCode.Combine(HashCode.Combine(InChannels, InHeight, InWidth, OutChannels, KernelHeight, KernelWidth, StrideHeight, StrideWidth),
                HashCode.Combine(PadTop, PadLeft, PadBottom, PadRight, DilationHeight, DilationWidth, Groups));

        /// <summary>Equality of every field.</summary>
        public static bool operator ==(Conv2DGeometry left, Conv2DGeometry right) => left.Equals(right);
        /// <summary>Inequality of any field.</summary>
        public static bool operator !=(Conv2DGeometry left, Conv2DGeometry right) => !left.Equals(right);

        /// <summary>E.g. <c>Conv2D 64→64 3×3 on 28×28 → 28×28, stride 1×1, pad (1,1,1,1), dilation 1×1, groups 1</c>.</summary>
        public override string ToString()
            => $"Conv2D {InChannels}→{OutChannels} {KernelHeight}×{KernelWidth} on {InHeight}×{InWidth} → {OutHeight}×{OutWidth}, "
               + $"stride {StrideHeight}×{StrideWidth}, pad (top {PadTop}, left {PadLeft}, bottom {PadBottom}, right {PadRight}), "
               + $"dilation {DilationHeight}×{DilationWidth}, groups {Groups}";

        private static long OutputLength(int input, int padBefore, int padAfter, int kernel, int dilation, int stride)
        {
            long span = (long)dilation * (kernel - 1) + 1;
            long padded = (long)input + padBefore + padAfter;
            return padded < span ? 0 : (padded - span) / stride + 1;
        }

        private static void AtLeast(int value, int minimum, string name)
        {
            if (value < minimum)
                throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least {minimum} but is {value}.");
        }

        private static void Fits(long value, string what)
        {
            if (value > int.MaxValue)
                throw new ArgumentException($"{what} = {value} does not fit in an int.");
        }
    }
}
