using System.Collections.Generic;
using System.Globalization;
using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Emit;
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
        int Dilation, int Groups, bool HasBias, ActivationKind Activation, bool HeInitialization)
        : LayerPlan("ConvTranspose2D", Name, Input, Output, Parameters)
    {
        public static LayerPlan? Create(LayerBuildContext context)
        {
            var a = context.Attribute;
            int outChannels = a.GetInt("outChannels", 0);
            int kernelHeight = a.GetInt("kernelHeight", a.GetInt("kernelSize", 0));
            int kernelWidth = a.GetInt("kernelWidth", a.GetInt("kernelSize", 0));
            int stride = a.GetInt("Stride", 1);
            int padding = a.GetInt("Padding", 0);
            int outputPadding = a.GetInt("OutputPadding", 0);
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
            valid &= context.Check(outputPadding >= 0, "OutputPadding", "non-negative", outputPadding);
            if (valid && stride >= 1 && dilation >= 1)
            {
                valid &= context.Check(outputPadding < System.Math.Max(stride, dilation), "OutputPadding",
                    $"smaller than the stride ({stride}) or the dilation ({dilation}), as PyTorch requires", outputPadding);
                valid &= valid && context.Check(outputPadding <= padding + stride - 1, "OutputPadding",
                    $"at most Padding + Stride − 1 = {padding + stride - 1} (the kernels crop the extra rows from the padding)", outputPadding);
            }
            valid &= context.Check(groups >= 1, "Groups", "at least 1", groups);
            valid &= context.Check(ActivationCalls.IsDefined(activationValue), "Activation", "a defined Activation value", activationValue);
            if (!valid || context.Input is null || !WindowGeometry.RequireImage(context, context.Input)) return null;

            int inChannels = context.Input.Dimensions[0], height = context.Input.Dimensions[1], width = context.Input.Dimensions[2];
            if (inChannels % groups != 0 || outChannels % groups != 0)
            {
                context.Report(DiagnosticDescriptors.GroupsMismatch, a.LocationOf("Groups"), context.Describe, groups, inChannels, outChannels);
                return null;
            }
            int? outHeight = OutputSize(context, "rows", height, kernelHeight, stride, padding, outputPadding, dilation);
            int? outWidth = outHeight is null ? null : OutputSize(context, "columns", width, kernelWidth, stride, padding, outputPadding, dilation);
            if (outHeight is null || outWidth is null) return null;
            // The kernels run the adjoint convolution on a zero-padded copy of the output (a spare row and column included).
            double padded = (double)outChannels * ((long)outHeight.Value + 2L * padding + 1) * ((long)outWidth.Value + 2L * padding + 1);
            if (padded > int.MaxValue || (double)outChannels * outHeight.Value * outWidth.Value > int.MaxValue)
            {
                context.Report(DiagnosticDescriptors.TooLarge, a.Location, $"The padded output of {context.Describe}", LayerBuildContext.Literal((long)System.Math.Min(padded, long.MaxValue)));
                return null;
            }

            var weightShape = Shape.Of(inChannels, outChannels / groups, kernelHeight, kernelWidth);
            EquatableArray<ParameterTensor>? tensors = hasBias
                ? context.Tensors(("weight", weightShape), ("bias", Shape.Of(outChannels)))
                : context.Tensors(("weight", weightShape));
            if (tensors is null) return null;
            var activation = (ActivationKind)activationValue;
            bool he = ActivationCalls.IsReLUFamily(activation) || context.NextKind is "ReLU" or "LeakyReLU" or "BatchNorm";
            return new ConvTranspose2DLayer(context.Name, context.Input, Shape.Of(outChannels, outHeight.Value, outWidth.Value), tensors.Value,
                inChannels, outChannels, kernelHeight, kernelWidth, stride, padding, outputPadding, dilation, groups, hasBias, activation, he);
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

        public override string Description
        {
            get
            {
                string text = $"ConvTranspose2D {KernelHeight}×{KernelWidth}";
                if (Stride != 1) text += $" ×{Stride}";
                if (Dilation != 1) text += $" d{Dilation}";
                if (Groups != 1) text += $" g{Groups}";
                return Activation == ActivationKind.None ? text : text + ", " + Activation;
            }
        }

        /// <summary>Every input element meets (out/groups)·kh·kw weights.</summary>
        public override long MultiplyAccumulates => (long)Input.Size * (OutChannels / Groups) * KernelHeight * KernelWidth;

        /// <summary>PyTorch's fan-in of a transposed convolution's weight [in, out/groups, kh, kw]: size(1)·kh·kw.</summary>
        private int FanIn => OutChannels / Groups * KernelHeight * KernelWidth;

        private ParameterTensor Weight => Parameters[0];

        private ParameterTensor? BiasTensor => HasBias ? Parameters[1] : null;

        private FusedActivation Fused => new FusedActivation(Activation, Output.Size);

        public override IEnumerable<ScratchBuffer> ScratchBuffers => Fused.Buffers;

        private static string Geometry(int index) => NetworkNames.Static(index, "Geometry");

        public override void EmitStaticFields(SourceWriter writer, int index)
        {
            writer.Line($"/// <summary>{Name}: {Input} -> {Output}, kernel {KernelHeight}×{KernelWidth}, stride {Stride}, padding {Padding}, output padding {OutputPadding}, dilation {Dilation}, groups {Groups}.</summary>");
            writer.Line($"private static readonly {NetworkNames.Kernels}.ConvTranspose2DGeometry {Geometry(index)} = new {NetworkNames.Kernels}.ConvTranspose2DGeometry(" +
                $"{InChannels}, {Input.Dimensions[1]}, {Input.Dimensions[2]}, {OutChannels}, {KernelHeight}, {KernelWidth}, {Stride}, {Stride}, " +
                $"{Padding}, {Padding}, {OutputPadding}, {OutputPadding}, {Dilation}, {Dilation}, {Groups});");
        }

        public override string? WorkspaceSize(int index) => $"{NetworkNames.Kernels}.ConvTranspose2D.WorkspaceSize(batch, in {Geometry(index)})";

        public override void EmitInitialization(SourceWriter writer)
        {
            int fanOut = InChannels * KernelHeight * KernelWidth;
            writer.Line(HeInitialization
                ? $"global::TensorForge.Initializers.HeUniform({Slice("parameters", Weight)}, {FanIn}, ref random);"
                : $"global::TensorForge.Initializers.XavierUniform({Slice("parameters", Weight)}, {FanIn}, {fanOut}, ref random);");
            if (BiasTensor is { } bias) writer.Line($"global::TensorForge.Initializers.BiasUniform({Slice("parameters", bias)}, {FanIn}, ref random);");
        }

        public override void EmitForward(SourceWriter writer, ForwardContext context)
        {
            string z = Fused.Target(writer, context, "affine");
            string bias = BiasTensor is { } b ? Slice("parameters", b) : "global::System.ReadOnlySpan<float>.Empty";
            writer.Line($"{NetworkNames.Kernels}.ConvTranspose2D.Forward({context.Input}, {Slice("parameters", Weight)}, {bias}, {z}, {context.Workspace}, batch, in {Geometry(context.Index)});");
            Fused.EmitForward(writer, z, context);
        }

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
        {
            string dz = Fused.EmitBackward(writer, context);
            string biasGradient = BiasTensor is { } b ? Slice("gradients", b) : "global::System.Span<float>.Empty";
            writer.Line($"{NetworkNames.Kernels}.ConvTranspose2D.BackwardWeight({dz}, {context.Input}, {Slice("gradients", Weight)}, {biasGradient}, {context.Workspace}, batch, in {Geometry(context.Index)}, {context.Accumulate});");
            context.EmitInputGradient(writer,
                $"{NetworkNames.Kernels}.ConvTranspose2D.BackwardInput({dz}, {Slice("parameters", Weight)}, {context.InputGradient}, {context.Workspace}, batch, in {Geometry(context.Index)});");
        }
    }
}
