using System.Globalization;
using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>[ConvTranspose2D(outChannels, kernelSize)] — PyTorch nn.ConvTranspose2d on [C, H, W] images with stride, padding,
    /// output padding, dilation, groups, optional bias and a fused activation: weight [in, out/groups, kh, kw], bias [out].
    /// Output size per axis (in − 1)·stride − 2·padding + dilation·(kernel − 1) + outputPadding + 1. Initialisation uses
    /// PyTorch's fan-in of this weight, (out/groups)·kh·kw: He-uniform when a ReLU-family activation follows, Xavier otherwise.
    /// Kernels: TensorForge.Kernels.ConvTranspose2D (the adjoint of Conv2D) with a geometry held in a static field.</summary>
    internal sealed record ConvTranspose2DLayer(string Name, Shape Input, Shape Output, EquatableArray<ParameterTensor> Parameters,
        int InChannels, int OutChannels, int KernelHeight, int KernelWidth, int Stride, int Padding, int OutputPadding,
        int Dilation, int Groups, bool HasBias, ActivationKind Activation, WeightInitialization Initialization)
        : WindowedConvolutionLayer("ConvTranspose2D", Name, Input, Output, Parameters, InChannels, OutChannels, KernelHeight, KernelWidth, Stride, Dilation, Groups, HasBias, Activation, Initialization)
    {
        public static LayerPlan? Create(LayerBuildContext context)
        {
            Arguments arguments = ReadArguments(context, out bool valid);
            int outChannels = arguments.OutChannels, kernelHeight = arguments.KernelHeight, kernelWidth = arguments.KernelWidth;
            int stride = arguments.Stride, padding = arguments.Padding, dilation = arguments.Dilation, groups = arguments.Groups;
            int outputPadding = context.Attribute.GetInt("OutputPadding", 0);
            valid &= context.Check(outputPadding >= 0, "OutputPadding", "non-negative", outputPadding);
            if (valid && stride >= 1 && dilation >= 1)
            {
                valid &= context.Check(outputPadding < System.Math.Max(stride, dilation), "OutputPadding",
                    $"smaller than the stride ({stride}) or the dilation ({dilation}), as PyTorch requires", outputPadding);
                valid &= valid && context.Check(outputPadding <= padding + stride - 1, "OutputPadding",
                    $"at most Padding + Stride − 1 = {padding + stride - 1} (the kernels crop the extra rows from the padding)", outputPadding);
            }
            if (!CheckImage(context, arguments, valid)) return null;

            int height = arguments.Height, width = arguments.Width;
            int? outHeight = OutputSize(context, "rows", height, kernelHeight, stride, padding, outputPadding, dilation);
            int? outWidth = outHeight is null ? null : OutputSize(context, "columns", width, kernelWidth, stride, padding, outputPadding, dilation);
            if (outHeight is null || outWidth is null) return null;
            // The kernels run the adjoint convolution on a zero-padded copy of the output (a spare row and column included).
            double padded = (double)outChannels * ((long)outHeight.Value + 2L * padding + 1) * ((long)outWidth.Value + 2L * padding + 1);
            if (padded > int.MaxValue || (double)outChannels * outHeight.Value * outWidth.Value > int.MaxValue)
            {
                context.Report(DiagnosticDescriptors.TooLarge, context.Attribute.Location, $"The padded output of {context.Describe}", LayerBuildContext.Literal((long)System.Math.Min(padded, long.MaxValue)));
                return null;
            }

            EquatableArray<ParameterTensor>? tensors = WeightAndBias(context, arguments, Shape.Of(arguments.InChannels, outChannels / groups, kernelHeight, kernelWidth));
            if (tensors is null) return null;
            // Initialization.PyTorch is not offered here: He or Xavier by the activation that follows.
            WeightInitialization initialization = WeightInitializationCalls.Choose(pyTorch: false, ReLUFollows(context, arguments));
            return new ConvTranspose2DLayer(context.Name, context.Input!, Shape.Of(outChannels, outHeight.Value, outWidth.Value), tensors.Value,
                arguments.InChannels, outChannels, kernelHeight, kernelWidth, stride, padding, outputPadding, dilation, groups, arguments.HasBias, arguments.Activation, initialization);
        }

        /// <summary>(in − 1)·stride − 2·padding + dilation·(kernel − 1) + outputPadding + 1, or null after reporting TF1022 with the arithmetic.</summary>
        private static int? OutputSize(LayerBuildContext context, string axis, int input, int kernel, int stride, int padding, int outputPadding, int dilation)
        {
            long output = (long)(input - 1) * stride - 2L * padding + (long)dilation * (kernel - 1) + outputPadding + 1;
            if (output >= 1 && output <= int.MaxValue) return (int)output;
            string arithmetic = $"({I(input)} − 1)·{I(stride)} − 2·{I(padding)} + {I(dilation)}·({I(kernel)} − 1) + {I(outputPadding)} + 1";
            context.Report(DiagnosticDescriptors.TransposedNoOutput, context.Attribute.Location, context.Describe, axis, arithmetic, I(output));
            return null;
        }

        private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

        protected override string StrideMark => "×";

        protected override string PaddingDescription => $"padding {Padding}, output padding {OutputPadding}";

        protected override string PaddingArguments => $"{Padding}, {Padding}, {OutputPadding}, {OutputPadding}";

        /// <summary>Every input element meets (out/groups)·kh·kw weights.</summary>
        public override long MultiplyAccumulates => (long)Input.Size * FanIn;
    }
}
