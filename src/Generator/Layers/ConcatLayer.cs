using System.Linq;
using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>[Concat("name")] — torch.cat([previous, named], dim=1): joins the two outputs along the channel (or feature) axis;
    /// every other axis must agree. Backward splits the gradient.</summary>
    internal sealed record ConcatLayer(string Name, Shape Input, Shape Second, Shape Output)
        : LayerPlan("Concat", Name, Input, Output, EquatableArray<ParameterTensor>.Empty)
    {
        public static LayerPlan? Create(LayerBuildContext context)
        {
            string? other = context.Attribute.GetString("other");
            bool valid = context.Check(!string.IsNullOrEmpty(other), "other", "the name of an earlier layer or \"input\"", other ?? "null");
            if (!valid || context.Input is null || context.SecondInput is null) return null;
            Shape first = context.Input, second = context.SecondInput;
            if (first.Rank != second.Rank || !first.Dimensions.Skip(1).SequenceEqual(second.Dimensions.Skip(1)))
            {
                context.Report(DiagnosticDescriptors.ConcatShapeMismatch, context.Attribute.Location, context.Name,
                    first, context.InputName, second, context.SecondInputName);
                return null;
            }
            int[] output = first.Dimensions.ToArray();
            long channels = (long)first.Dimensions[0] + second.Dimensions[0];
            if (channels > int.MaxValue)
            {
                context.Report(DiagnosticDescriptors.TooLarge, context.Attribute.Location, $"The output of {context.Describe}", LayerBuildContext.Literal(channels));
                return null;
            }
            output[0] = (int)channels;
            return new ConcatLayer(context.Name, first, second, Shape.Of(output));
        }

        public override string Description => "Concat";

        public override void EmitForward(SourceWriter writer, ForwardContext context)
            => writer.Line($"{NetworkNames.Kernels}.Concat.Forward({context.Input}, {Input.Size}, {context.SecondInput}, {Second.Size}, {context.Output}, batch);");

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
        {
            // The kernel skips an empty destination: each side's gradient may be wanted or not on its own.
            string first = context.InputGradient ?? "global::System.Span<float>.Empty";
            string second = context.SecondInputGradient ?? "global::System.Span<float>.Empty";
            writer.Line($"{NetworkNames.Kernels}.Concat.Backward({context.OutputGradient}, {first}, {Input.Size}, {second}, {Second.Size}, batch, accumulate: false);");
        }
    }
}
