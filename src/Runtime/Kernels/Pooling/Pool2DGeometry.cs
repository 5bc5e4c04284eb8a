using System;
using System.Globalization;

namespace TensorForge.Kernels
{
    /// <summary>The shape of a 2-D pooling over NCHW samples, as <c>nn.MaxPool2d</c>/<c>nn.AvgPool2d</c> define it with
    /// <c>ceil_mode=False</c> and dilation 1: windows of kernelHeight × kernelWidth, moved by the strides, over the input padded
    /// by padHeight rows above and below and padWidth columns left and right.</summary>
    /// <remarks>The constructor applies PyTorch's checks, so every window overlaps the input in at least one element:
    /// sizes and strides ≥ 1, 0 ≤ pad ≤ kernel / 2, an output of at least 1 × 1, and sizes that fit in an <see cref="int"/>.
    /// <c>default(Pool2DGeometry)</c> is not valid; the kernels reject it.</remarks>
    public readonly struct Pool2DGeometry
    {
        /// <summary>Checks and stores the geometry; see the type's remarks.</summary>
        /// <exception cref="ArgumentException">A size, stride or padding is out of range, or the output would be empty; the
        /// message names the value and the rule.</exception>
        public Pool2DGeometry(int channels, int inHeight, int inWidth, int kernelHeight, int kernelWidth,
            int strideHeight, int strideWidth, int padHeight, int padWidth)
        {
            Positive(channels, nameof(channels));
            Positive(inHeight, nameof(inHeight));
            Positive(inWidth, nameof(inWidth));
            Positive(kernelHeight, nameof(kernelHeight));
            Positive(kernelWidth, nameof(kernelWidth));
            Positive(strideHeight, nameof(strideHeight));
            Positive(strideWidth, nameof(strideWidth));
            Padding(padHeight, kernelHeight, nameof(padHeight), nameof(kernelHeight));
            Padding(padWidth, kernelWidth, nameof(padWidth), nameof(kernelWidth));
            int outHeight = OutputLength(inHeight, kernelHeight, strideHeight, padHeight, "height");
            int outWidth = OutputLength(inWidth, kernelWidth, strideWidth, padWidth, "width");
            long inputSize = (long)channels * inHeight * inWidth;
            long outputSize = (long)channels * outHeight * outWidth;
            if (inputSize > int.MaxValue)
                throw new ArgumentException($"a sample of {channels}×{inHeight}×{inWidth} = {inputSize} elements does not fit in an int", nameof(channels));

            Channels = channels;
            InHeight = inHeight;
            InWidth = inWidth;
            KernelHeight = kernelHeight;
            KernelWidth = kernelWidth;
            StrideHeight = strideHeight;
            StrideWidth = strideWidth;
            PadHeight = padHeight;
            PadWidth = padWidth;
            OutHeight = outHeight;
            OutWidth = outWidth;
            InputSize = (int)inputSize;
            OutputSize = (int)outputSize;
        }

        /// <summary>Channels C (the pooling acts on each channel separately).</summary>
        public int Channels { get; }
        /// <summary>Input height H.</summary>
        public int InHeight { get; }
        /// <summary>Input width W.</summary>
        public int InWidth { get; }
        /// <summary>Window height.</summary>
        public int KernelHeight { get; }
        /// <summary>Window width.</summary>
        public int KernelWidth { get; }
        /// <summary>Rows between the tops of vertically adjacent windows.</summary>
        public int StrideHeight { get; }
        /// <summary>Columns between the left edges of horizontally adjacent windows.</summary>
        public int StrideWidth { get; }
        /// <summary>Padding rows above and below the input.</summary>
        public int PadHeight { get; }
        /// <summary>Padding columns left and right of the input.</summary>
        public int PadWidth { get; }
        /// <summary>⌊(H + 2·padHeight − kernelHeight) / strideHeight⌋ + 1.</summary>
        public int OutHeight { get; }
        /// <summary>⌊(W + 2·padWidth − kernelWidth) / strideWidth⌋ + 1.</summary>
        public int OutWidth { get; }
        /// <summary>C·H·W: elements of one input sample.</summary>
        public int InputSize { get; }
        /// <summary>C·OutHeight·OutWidth: elements of one output sample.</summary>
        public int OutputSize { get; }

        /// <summary>The geometry as PyTorch would print the layer's arguments, with the sample shapes.</summary>
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"[{Channels}, {InHeight}, {InWidth}] -> [{Channels}, {OutHeight}, {OutWidth}] (kernel {KernelHeight}×{KernelWidth}, stride {StrideHeight}×{StrideWidth}, padding {PadHeight}×{PadWidth})");

        /// <summary>Rejects <c>default(Pool2DGeometry)</c>, whose sizes are all 0.</summary>
        internal void CheckConstructed(string name)
        {
            if (Channels == 0)
                throw new ArgumentException($"{name} is default(Pool2DGeometry); create it with its constructor", name);
        }

        private static void Positive(int value, string name)
        {
            if (value < 1)
                throw new ArgumentException($"{name} must be at least 1 but is {value}", name);
        }

        private static void Padding(int pad, int kernel, string name, string kernelName)
        {
            // PyTorch: "pad should be at most half of effective kernel size".
            if (pad < 0 || pad > kernel / 2)
                throw new ArgumentException($"{name} is {pad} but must lie in [0, {kernelName} / 2] = [0, {kernel / 2}] (PyTorch: pad should be at most half of kernel size)", name);
        }

        private static int OutputLength(int input, int kernel, int stride, int pad, string axis)
        {
            long span = (long)input + 2L * pad - kernel;
            if (span < 0)
                throw new ArgumentException(
                    $"the {axis} window ({kernel}) is larger than the padded input ({input} + 2×{pad} = {(long)input + 2L * pad}); the output would be empty",
                    axis == "height" ? "kernelHeight" : "kernelWidth");
            return (int)(span / stride + 1);
        }
    }
}
