using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>[Conv2D(outChannels, kernelSize)] — PyTorch nn.Conv2d on [C, H, W] images (NCHW per batch) with stride, padding
    /// (explicit, valid or same), dilation, groups, optional bias and a fused activation: weight [out, in/groups, kh, kw],
    /// bias [out]. He-uniform weights when a ReLU-family activation follows (fused, next, or after a BatchNorm), Xavier otherwise
    /// (PyTorch's U(±1/√fan_in) with Initialization.PyTorch).
    /// Kernels: TensorForge.Kernels.Conv2D (im2col/GEMM) with a geometry held in a static field.</summary>
    internal sealed record Conv2DLayer(string Name, Shape Input, Shape Output, EquatableArray<ParameterTensor> Parameters,
        int InChannels, int OutChannels, int KernelHeight, int KernelWidth, int Stride, int PadTop, int PadLeft, int PadBottom, int PadRight,
        int Dilation, int Groups, bool HasBias, ActivationKind Activation, WeightInitialization Initialization)
        : WindowedConvolutionLayer("Conv2D", Name, Input, Output, Parameters, InChannels, OutChannels, KernelHeight, KernelWidth, Stride, Dilation, Groups, HasBias, Activation, Initialization)
    {
        public static LayerPlan? Create(LayerBuildContext context)
        {
            Arguments arguments = ReadArguments(context, out bool valid);
            int outChannels = arguments.OutChannels, kernelHeight = arguments.KernelHeight, kernelWidth = arguments.KernelWidth;
            int stride = arguments.Stride, padding = arguments.Padding, dilation = arguments.Dilation, groups = arguments.Groups;
            int mode = context.Attribute.GetInt("PaddingMode", 0);
            valid &= context.Check(mode >= 0 && mode <= 2, "PaddingMode", "a defined PaddingMode value", mode);
            valid &= context.Check(mode != 2 || stride == 1, "PaddingMode", "Explicit or Valid when Stride is not 1 (PyTorch allows padding=\"same\" only at stride 1)", "Same");
            valid &= context.Check(mode == 0 || padding == 0, "Padding", "0 when PaddingMode is Valid or Same", padding);
            if (!CheckImage(context, arguments, valid)) return null;

            int inChannels = arguments.InChannels, height = arguments.Height, width = arguments.Width;
            (int top, int bottom) = Pads(mode, padding, dilation, kernelHeight);
            (int left, int right) = Pads(mode, padding, dilation, kernelWidth);
            int? outHeight = WindowGeometry.OutputSize(context, "rows", height, top, bottom, kernelHeight, stride, dilation);
            // One message per layer: the columns are only checked once the rows fit.
            int? outWidth = outHeight is null ? null : WindowGeometry.OutputSize(context, "columns", width, left, right, kernelWidth, stride, dilation);
            if (outHeight is null || outWidth is null)
            {
                // One padding value for both axes (Padding is symmetric): at stride 1 with an odd square kernel, PyTorch's "same"
                // (the output keeps the input's size, what LeNet's first layer does); otherwise the smallest that fits.
                if (mode == 0)
                {
                    bool same = stride == 1 && kernelHeight == kernelWidth && kernelHeight % 2 == 1;
                    int fit = same ? dilation * (kernelHeight - 1) / 2
                        : System.Math.Max(WindowGeometry.SmallestFittingPadding(height, kernelHeight, dilation),
                            WindowGeometry.SmallestFittingPadding(width, kernelWidth, dilation));
                    if (fit > padding) WindowGeometry.SuggestPadding(context, fit);
                }
                return null;
            }
            // The kernels work on a zero-padded copy of each sample (a spare row and column included), which must be addressable
            // with an int too: Conv2DGeometry rejects it at run time otherwise.
            double padded = (double)inChannels * ((long)height + top + bottom + 1) * ((long)width + left + right + 1);
            if (padded > int.MaxValue)
            {
                context.Report(DiagnosticDescriptors.TooLarge, context.Attribute.Location, $"The padded input of {context.Describe}", LayerBuildContext.Literal((long)System.Math.Min(padded, long.MaxValue)));
                return null;
            }

            EquatableArray<ParameterTensor>? tensors = WeightAndBias(context, arguments, Shape.Of(outChannels, inChannels / groups, kernelHeight, kernelWidth));
            if (tensors is null) return null;
            WeightInitialization initialization = WeightInitializationCalls.Choose(context.PyTorchInitialization, ReLUFollows(context, arguments));
            return new Conv2DLayer(context.Name, context.Input!, Shape.Of(outChannels, outHeight.Value, outWidth.Value), tensors.Value,
                inChannels, outChannels, kernelHeight, kernelWidth, stride, top, left, bottom, right, dilation, groups, arguments.HasBias, arguments.Activation, initialization);
        }

        /// <summary>Padding before and after along one axis; "same" puts the smaller half first, as PyTorch does.</summary>
        private static (int Before, int After) Pads(int mode, int padding, int dilation, int kernel) => mode switch
        {
            1 => (0, 0),
            2 => (dilation * (kernel - 1) / 2, dilation * (kernel - 1) - dilation * (kernel - 1) / 2),
            _ => (padding, padding),
        };

        protected override string StrideMark => "/";

        protected override string PaddingDescription => $"padding (top {PadTop}, left {PadLeft}, bottom {PadBottom}, right {PadRight})";

        protected override string PaddingArguments => $"{PadTop}, {PadLeft}, {PadBottom}, {PadRight}";

        /// <summary>Every output element meets (in/groups)·kh·kw weights.</summary>
        public override long MultiplyAccumulates => (long)Output.Size * FanIn;
    }
}
