using System.Collections.Generic;
using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Emit;
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
        : LayerPlan("Conv2D", Name, Input, Output, Parameters)
    {
        public static LayerPlan? Create(LayerBuildContext context)
        {
            var a = context.Attribute;
            int outChannels = a.GetInt("outChannels", 0);
            int kernelHeight = a.GetInt("kernelHeight", a.GetInt("kernelSize", 0));
            int kernelWidth = a.GetInt("kernelWidth", a.GetInt("kernelSize", 0));
            int stride = a.GetInt("Stride", 1);
            int padding = a.GetInt("Padding", 0);
            int mode = a.GetInt("PaddingMode", 0);
            int dilation = a.GetInt("Dilation", 1);
            int groups = a.GetInt("Groups", 1);
            bool hasBias = a.GetBool("Bias", true);
            int activationValue = a.GetInt("Activation", 0);
            bool valid = context.Check(outChannels > 0, "outChannels", "positive", outChannels);
            valid &= a.Find("kernelSize") is not null
                ? context.Check(kernelHeight > 0, "kernelSize", "positive", kernelHeight)
                : context.Check(kernelHeight > 0, "kernelHeight", "positive", kernelHeight) & context.Check(kernelWidth > 0, "kernelWidth", "positive", kernelWidth);
            valid &= context.Check(stride >= 1, "Stride", "at least 1", stride);
            valid &= context.Check(dilation >= 1, "Dilation", "at least 1", dilation);
            valid &= context.Check(padding >= 0, "Padding", "non-negative", padding);
            valid &= context.Check(mode >= 0 && mode <= 2, "PaddingMode", "a defined PaddingMode value", mode);
            valid &= context.Check(mode != 2 || stride == 1, "PaddingMode", "Explicit or Valid when Stride is not 1 (PyTorch allows padding=\"same\" only at stride 1)", "Same");
            valid &= context.Check(mode == 0 || padding == 0, "Padding", "0 when PaddingMode is Valid or Same", padding);
            valid &= context.Check(groups >= 1, "Groups", "at least 1", groups);
            valid &= context.Check(ActivationCalls.IsDefined(activationValue), "Activation", "a defined Activation value", activationValue);
            if (!valid || context.Input is null || !WindowGeometry.RequireImage(context, context.Input)) return null;

            int inChannels = context.Input.Dimensions[0], height = context.Input.Dimensions[1], width = context.Input.Dimensions[2];
            if (inChannels % groups != 0 || outChannels % groups != 0)
            {
                context.Report(DiagnosticDescriptors.GroupsMismatch, a.LocationOf("Groups"), context.Describe, groups, inChannels, outChannels);
                return null;
            }
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
                context.Report(DiagnosticDescriptors.TooLarge, a.Location, $"The padded input of {context.Describe}", LayerBuildContext.Literal((long)System.Math.Min(padded, long.MaxValue)));
                return null;
            }

            var weightShape = Shape.Of(outChannels, inChannels / groups, kernelHeight, kernelWidth);
            EquatableArray<ParameterTensor>? tensors = hasBias
                ? context.Tensors(("weight", weightShape), ("bias", Shape.Of(outChannels)))
                : context.Tensors(("weight", weightShape));
            if (tensors is null) return null;
            var activation = (ActivationKind)activationValue;
            WeightInitialization initialization = WeightInitializationCalls.Choose(context.PyTorchInitialization,
                ActivationCalls.IsReLUFamily(activation) || context.NextKind is "ReLU" or "LeakyReLU" or "BatchNorm");
            return new Conv2DLayer(context.Name, context.Input, Shape.Of(outChannels, outHeight.Value, outWidth.Value), tensors.Value,
                inChannels, outChannels, kernelHeight, kernelWidth, stride, top, left, bottom, right, dilation, groups, hasBias, activation, initialization);
        }

        /// <summary>Padding before and after along one axis; "same" puts the smaller half first, as PyTorch does.</summary>
        private static (int Before, int After) Pads(int mode, int padding, int dilation, int kernel) => mode switch
        {
            1 => (0, 0),
            2 => (dilation * (kernel - 1) / 2, dilation * (kernel - 1) - dilation * (kernel - 1) / 2),
            _ => (padding, padding),
        };

        public override string Description
        {
            get
            {
                string text = $"Conv2D {KernelHeight}×{KernelWidth}";
                if (Stride != 1) text += $" /{Stride}";
                if (Dilation != 1) text += $" d{Dilation}";
                if (Groups != 1) text += $" g{Groups}";
                return Activation == ActivationKind.None ? text : text + ", " + Activation;
            }
        }

        public override long MultiplyAccumulates => (long)Output.Size * (InChannels / Groups) * KernelHeight * KernelWidth;

        private int FanIn => InChannels / Groups * KernelHeight * KernelWidth;

        private ParameterTensor Weight => Parameters[0];

        private ParameterTensor? BiasTensor => HasBias ? Parameters[1] : null;

        private FusedActivation Fused => new FusedActivation(Activation, Output.Size);

        public override IEnumerable<ScratchBuffer> ScratchBuffers => Fused.Buffers;

        private static string Geometry(int index) => NetworkNames.Static(index, "Geometry");

        public override void EmitStaticFields(SourceWriter writer, int index)
        {
            writer.Line($"/// <summary>{Name}: {Input} -> {Output}, kernel {KernelHeight}×{KernelWidth}, stride {Stride}, padding (top {PadTop}, left {PadLeft}, bottom {PadBottom}, right {PadRight}), dilation {Dilation}, groups {Groups}.</summary>");
            writer.Line($"private static readonly {NetworkNames.Kernels}.Conv2DGeometry {Geometry(index)} = new {NetworkNames.Kernels}.Conv2DGeometry(" +
                $"{InChannels}, {Input.Dimensions[1]}, {Input.Dimensions[2]}, {OutChannels}, {KernelHeight}, {KernelWidth}, {Stride}, {Stride}, " +
                $"{PadTop}, {PadLeft}, {PadBottom}, {PadRight}, {Dilation}, {Dilation}, {Groups});");
        }

        public override string? WorkspaceSize(int index) => $"{NetworkNames.Kernels}.Conv2D.WorkspaceSize(batch, in {Geometry(index)})";

        public override void EmitInitialization(SourceWriter writer)
        {
            int fanOut = OutChannels * KernelHeight * KernelWidth;
            writer.Line(WeightInitializationCalls.Statement(Initialization, Slice("parameters", Weight), FanIn, fanOut));
            if (BiasTensor is { } bias) writer.Line($"global::TensorForge.Initializers.BiasUniform({Slice("parameters", bias)}, {FanIn}, ref random);");
        }

        public override void EmitForward(SourceWriter writer, ForwardContext context)
        {
            string z = Fused.Target(writer, context, "affine");
            string bias = BiasTensor is { } b ? Slice("parameters", b) : "global::System.ReadOnlySpan<float>.Empty";
            writer.Line($"{NetworkNames.Kernels}.Conv2D.Forward({context.Input}, {Slice("parameters", Weight)}, {bias}, {z}, {context.Workspace}, batch, in {Geometry(context.Index)});");
            Fused.EmitForward(writer, z, context);
        }

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
        {
            string dz = Fused.EmitBackward(writer, context);
            string biasGradient = BiasTensor is { } b ? Slice("gradients", b) : "global::System.Span<float>.Empty";
            writer.Line($"{NetworkNames.Kernels}.Conv2D.BackwardWeight({dz}, {context.Input}, {Slice("gradients", Weight)}, {biasGradient}, {context.Workspace}, batch, in {Geometry(context.Index)}, {context.Accumulate});");
            context.EmitInputGradient(writer,
                $"{NetworkNames.Kernels}.Conv2D.BackwardInput({dz}, {Slice("parameters", Weight)}, {context.InputGradient}, {context.Workspace}, batch, in {Geometry(context.Index)});");
        }
    }
}
