using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>[Upsample(scale)] — PyTorch nn.Upsample(scale_factor=scale, mode='nearest') with an integer scale:
    /// [C, H, W] → [C, H·scale, W·scale], each pixel repeated scale×scale times; backward sums each block.
    /// Kernels: TensorForge.Kernels.Upsample.</summary>
    internal sealed record UpsampleLayer(string Name, Shape Input, Shape Output, int Scale)
        : LayerPlan("Upsample", Name, Input, Output, EquatableArray<ParameterTensor>.Empty)
    {
        public static LayerPlan? Create(LayerBuildContext context)
        {
            int scale = context.Attribute.GetInt("scale", 0);
            bool valid = context.Check(scale >= 1, "scale", "at least 1", scale);
            if (!valid || context.Input is null || !WindowGeometry.RequireImage(context, context.Input)) return null;
            var input = context.Input;
            long size = (long)input.Dimensions[0] * input.Dimensions[1] * scale * input.Dimensions[2] * scale;
            if (size > int.MaxValue)
            {
                context.Report(Diagnostics.DiagnosticDescriptors.TooLarge, context.Attribute.Location, $"The output of {context.Describe}", LayerBuildContext.Literal(size));
                return null;
            }
            return new UpsampleLayer(context.Name, input, Shape.Of(input.Dimensions[0], input.Dimensions[1] * scale, input.Dimensions[2] * scale), scale);
        }

        public override string Description => $"Upsample ×{Scale}";

        private string Sizes => $"batch, {Input.Dimensions[0]}, {Input.Dimensions[1]}, {Input.Dimensions[2]}, {Scale}";

        public override void EmitForward(SourceWriter writer, ForwardContext context)
            => writer.Line($"{NetworkNames.Kernels}.Upsample.NearestForward({context.Input}, {context.Output}, {Sizes});");

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
            => context.EmitInputGradient(writer, $"{NetworkNames.Kernels}.Upsample.NearestBackward({context.OutputGradient}, {context.InputGradient}, {Sizes});");
    }
}
