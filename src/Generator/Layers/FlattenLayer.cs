using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>[Flatten] — PyTorch nn.Flatten(): [c, h, w] → [c·h·w]. Row-major data is already flat, so the layer is a view: no buffer, no kernel.</summary>
    internal sealed record FlattenLayer(string Name, Shape Input, Shape Output)
        : LayerPlan("Flatten", Name, Input, Output, EquatableArray<ParameterTensor>.Empty)
    {
        public static LayerPlan? Create(LayerBuildContext context)
            => context.Input is null ? null : new FlattenLayer(context.Name, context.Input, Shape.Of(context.Input.Size));

        public override bool AliasesInput(bool training) => true;

        public override void EmitForward(SourceWriter writer, ForwardContext context) { }

        public override void EmitBackward(SourceWriter writer, BackwardContext context) { }
    }
}
