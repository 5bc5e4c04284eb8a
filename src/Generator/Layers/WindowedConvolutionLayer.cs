using System.Collections.Generic;
using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>What Conv2D and ConvTranspose2D share: the arguments both attributes take and their checks, a weight
    /// <c>[d0, d1, kh, kw]</c> with an optional bias <c>[out]</c>, a fused activation, and a geometry in a static field that
    /// the kernel class's Forward, BackwardWeight and BackwardInput take. <see cref="LayerPlan.Kind"/> is also the name of
    /// the kernel class (<c>TensorForge.Kernels.Conv2D</c>) and of its geometry (<c>Conv2DGeometry</c>).</summary>
    internal abstract record WindowedConvolutionLayer(string Kind, string Name, Shape Input, Shape Output, EquatableArray<ParameterTensor> Parameters,
        int InChannels, int OutChannels, int KernelHeight, int KernelWidth, int Stride, int Dilation, int Groups, bool HasBias,
        ActivationKind Activation, WeightInitialization Initialization)
        : LayerPlan(Kind, Name, Input, Output, Parameters)
    {
        /// <summary>The arguments both attributes take, as written (checked by <see cref="ReadArguments"/> and
        /// <see cref="CheckImage"/>); <see cref="InChannels"/>, <see cref="Height"/> and <see cref="Width"/> are the input's
        /// once <see cref="CheckImage"/> accepts it.</summary>
        protected sealed class Arguments
        {
            public int OutChannels, KernelHeight, KernelWidth, Stride, Padding, Dilation, Groups, ActivationValue;
            public bool HasBias;
            public int InChannels, Height, Width;

            public ActivationKind Activation => (ActivationKind)ActivationValue;
        }

        /// <summary>Reads the shared arguments and checks the channels, kernel, stride, dilation and padding (TF0006 each);
        /// <paramref name="valid"/> says whether all of them passed.</summary>
        protected static Arguments ReadArguments(LayerBuildContext context, out bool valid)
        {
            var a = context.Attribute;
            var arguments = new Arguments
            {
                OutChannels = a.GetInt("outChannels", 0),
                KernelHeight = a.GetInt("kernelHeight", a.GetInt("kernelSize", 0)),
                KernelWidth = a.GetInt("kernelWidth", a.GetInt("kernelSize", 0)),
                Stride = a.GetInt("Stride", 1),
                Padding = a.GetInt("Padding", 0),
                Dilation = a.GetInt("Dilation", 1),
                Groups = a.GetInt("Groups", 1),
                HasBias = a.GetBool("Bias", true),
                ActivationValue = a.GetInt("Activation", 0),
            };
            valid = context.Check(arguments.OutChannels > 0, "outChannels", "positive", arguments.OutChannels);
            valid &= a.Find("kernelSize") is not null
                ? context.Check(arguments.KernelHeight > 0, "kernelSize", "positive", arguments.KernelHeight)
                : context.Check(arguments.KernelHeight > 0, "kernelHeight", "positive", arguments.KernelHeight)
                    & context.Check(arguments.KernelWidth > 0, "kernelWidth", "positive", arguments.KernelWidth);
            valid &= context.Check(arguments.Stride >= 1, "Stride", "at least 1", arguments.Stride);
            valid &= context.Check(arguments.Dilation >= 1, "Dilation", "at least 1", arguments.Dilation);
            valid &= context.Check(arguments.Padding >= 0, "Padding", "non-negative", arguments.Padding);
            return arguments;
        }

        /// <summary>Checks the groups and the activation (TF0006), then that the input is an image whose channels the groups
        /// divide, as do the output channels (TF1013); fills the input's channels, height and width. False when anything
        /// failed, <paramref name="valid"/> (the earlier checks) included.</summary>
        protected static bool CheckImage(LayerBuildContext context, Arguments arguments, bool valid)
        {
            valid &= context.Check(arguments.Groups >= 1, "Groups", "at least 1", arguments.Groups);
            valid &= context.Check(ActivationCalls.IsDefined(arguments.ActivationValue), "Activation", "a defined Activation value", arguments.ActivationValue);
            if (!valid || context.Input is null || !WindowGeometry.RequireImage(context, context.Input)) return false;

            arguments.InChannels = context.Input.Dimensions[0];
            arguments.Height = context.Input.Dimensions[1];
            arguments.Width = context.Input.Dimensions[2];
            if (arguments.InChannels % arguments.Groups != 0 || arguments.OutChannels % arguments.Groups != 0)
            {
                context.Report(DiagnosticDescriptors.GroupsMismatch, context.Attribute.LocationOf("Groups"), context.Describe, arguments.Groups, arguments.InChannels, arguments.OutChannels);
                return false;
            }
            return true;
        }

        /// <summary>The tensors <c>weight</c> (of <paramref name="weightShape"/>) and, with a bias, <c>bias [out]</c>; null
        /// when the network's parameter block cannot hold them (reported).</summary>
        protected static EquatableArray<ParameterTensor>? WeightAndBias(LayerBuildContext context, Arguments arguments, Shape weightShape)
            => arguments.HasBias
                ? context.Tensors(("weight", weightShape), ("bias", Shape.Of(arguments.OutChannels)))
                : context.Tensors(("weight", weightShape));

        /// <summary>Whether a ReLU-family activation follows the layer (fused, next, or after a BatchNorm): He rather than Xavier.</summary>
        protected static bool ReLUFollows(LayerBuildContext context, Arguments arguments)
            => ActivationCalls.IsReLUFamily(arguments.Activation) || context.NextKind is "ReLU" or "LeakyReLU" or "BatchNorm";

        /// <summary>The mark before a stride other than 1 in <see cref="Description"/>: "/" (down) or "×" (up).</summary>
        protected abstract string StrideMark { get; }

        /// <summary>The padding in the geometry field's comment: "padding 1, output padding 0".</summary>
        protected abstract string PaddingDescription { get; }

        /// <summary>The four padding arguments of the geometry's constructor, between the strides and the dilations.</summary>
        protected abstract string PaddingArguments { get; }

        public override string Description
        {
            get
            {
                string text = $"{Kind} {KernelHeight}×{KernelWidth}";
                if (Stride != 1) text += $" {StrideMark}{Stride}";
                if (Dilation != 1) text += $" d{Dilation}";
                if (Groups != 1) text += $" g{Groups}";
                return Activation == ActivationKind.None ? text : text + ", " + Activation;
            }
        }

        private ParameterTensor Weight => Parameters[0];

        /// <summary>PyTorch's fan-in of the weight [d0, d1, kh, kw]: size(1)·kh·kw (in/groups for Conv2D, out/groups for ConvTranspose2D).</summary>
        protected int FanIn => Weight.Shape.Dimensions[1] * KernelHeight * KernelWidth;

        /// <summary>PyTorch's fan-out of the weight: size(0)·kh·kw.</summary>
        private int FanOut => Weight.Shape.Dimensions[0] * KernelHeight * KernelWidth;

        private ParameterTensor? BiasTensor => HasBias ? Parameters[1] : null;

        private FusedActivation Fused => new FusedActivation(Activation, Output.Size);

        public override IEnumerable<ScratchBuffer> ScratchBuffers => Fused.Buffers;

        private static string Geometry(int index) => NetworkNames.Static(index, "Geometry");

        private string Kernel => $"{NetworkNames.Kernels}.{Kind}";

        public override void EmitStaticFields(SourceWriter writer, int index)
        {
            writer.Line($"/// <summary>{Name}: {Input} -> {Output}, kernel {KernelHeight}×{KernelWidth}, stride {Stride}, {PaddingDescription}, dilation {Dilation}, groups {Groups}.</summary>");
            writer.Line($"private static readonly {Kernel}Geometry {Geometry(index)} = new {Kernel}Geometry(" +
                $"{InChannels}, {Input.Dimensions[1]}, {Input.Dimensions[2]}, {OutChannels}, {KernelHeight}, {KernelWidth}, {Stride}, {Stride}, " +
                $"{PaddingArguments}, {Dilation}, {Dilation}, {Groups});");
        }

        public override string? WorkspaceSize(int index) => $"{Kernel}.WorkspaceSize(batch, in {Geometry(index)})";

        public override void EmitInitialization(SourceWriter writer)
        {
            writer.Line(WeightInitializationCalls.Statement(Initialization, Slice("parameters", Weight), FanIn, FanOut));
            if (BiasTensor is { } bias) writer.Line($"global::TensorForge.Initializers.BiasUniform({Slice("parameters", bias)}, {FanIn}, ref random);");
        }

        public override void EmitForward(SourceWriter writer, ForwardContext context)
        {
            string z = Fused.Target(writer, context, "affine");
            string bias = BiasTensor is { } b ? Slice("parameters", b) : "global::System.ReadOnlySpan<float>.Empty";
            writer.Line($"{Kernel}.Forward({context.Input}, {Slice("parameters", Weight)}, {bias}, {z}, {context.Workspace}, batch, in {Geometry(context.Index)});");
            Fused.EmitForward(writer, z, context);
        }

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
        {
            string dz = Fused.EmitBackward(writer, context);
            string biasGradient = BiasTensor is { } b ? Slice("gradients", b) : "global::System.Span<float>.Empty";
            writer.Line($"{Kernel}.BackwardWeight({dz}, {context.Input}, {Slice("gradients", Weight)}, {biasGradient}, {context.Workspace}, batch, in {Geometry(context.Index)}, {context.Accumulate});");
            context.EmitInputGradient(writer,
                $"{Kernel}.BackwardInput({dz}, {Slice("parameters", Weight)}, {context.InputGradient}, {context.Workspace}, batch, in {Geometry(context.Index)});");
        }
    }
}
