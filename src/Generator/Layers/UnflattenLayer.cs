using System.Linq;
using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Parsing;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>[Unflatten(C, H, W)] — PyTorch nn.Unflatten(1, (C, H, W)): a vector [C·H·W] read as [C, H, W] (or [T, F] with
    /// two dimensions). Row-major data is already laid out so, like Flatten it is a view: no buffer, no kernel.</summary>
    internal sealed record UnflattenLayer(string Name, Shape Input, Shape Output)
        : LayerPlan("Unflatten", Name, Input, Output, EquatableArray<ParameterTensor>.Empty)
    {
        public static LayerPlan? Create(LayerBuildContext context)
        {
            ArgumentValue? argument = context.Attribute.Find("shape");
            EquatableArray<int> dimensions = argument?.Ints ?? EquatableArray<int>.Empty;
            var target = new Shape(dimensions);
            if (dimensions.Count is not (2 or 3))
            {
                context.Report(DiagnosticDescriptors.InvalidArgument, context.Attribute.Location, "shape", context.Describe,
                    "two or three dimensions ((channels, height, width) or (time, features))", target);
                return null;
            }
            int bad = dimensions.ToList().FindIndex(d => d <= 0);
            if (bad >= 0)
            {
                // At the dimension, as [Input] does.
                context.Report(DiagnosticDescriptors.InvalidArgument, argument!.LocationOfElement(bad) ?? context.Attribute.Location, "shape", context.Describe,
                    "positive in every dimension", target);
                return null;
            }
            if (target.LongSize > int.MaxValue)
            {
                context.Report(DiagnosticDescriptors.TooLarge, context.Attribute.Location, $"The output of {context.Describe}", LayerBuildContext.Literal(target.LongSize));
                return null;
            }
            if (context.Input is null) return null;
            if (context.Input.Rank != 1 || context.Input.Size != target.Size)
            {
                string product = string.Join("·", dimensions);
                context.Report(DiagnosticDescriptors.UnflattenSize, context.Attribute.Location, context.Name, product, LayerBuildContext.Literal(target.Size),
                    target, context.Input, LayerBuildContext.Literal(context.Input.LongSize), context.InputName);
                return null;
            }
            return new UnflattenLayer(context.Name, context.Input, target);
        }

        public override string Description => "Unflatten";

        public override bool AliasesInput(bool training) => true;

        public override void EmitForward(SourceWriter writer, ForwardContext context) { }

        public override void EmitBackward(SourceWriter writer, BackwardContext context) { }
    }
}
