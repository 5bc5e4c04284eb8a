using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>[GlobalAvgPool] — PyTorch nn.AdaptiveAvgPool2d(1) then nn.Flatten(): [C, H, W] → [C], the mean of each channel.</summary>
    internal sealed record GlobalAvgPoolLayer(string Name, Shape Input, Shape Output)
        : LayerPlan("GlobalAvgPool", Name, Input, Output, EquatableArray<ParameterTensor>.Empty)
    {
        public static LayerPlan? Create(LayerBuildContext context)
            => context.Input is null || !WindowGeometry.RequireImage(context, context.Input) ? null
                : new GlobalAvgPoolLayer(context.Name, context.Input, Shape.Of(context.Input.Dimensions[0]));

        private int Spatial => Input.Dimensions[1] * Input.Dimensions[2];

        public override void EmitForward(SourceWriter writer, ForwardContext context)
            => writer.Line($"{NetworkNames.Kernels}.GlobalAvgPool.Forward({context.Input}, {context.Output}, batch, {Output.Size}, {Spatial});");

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
            => context.EmitInputGradient(writer,
                $"{NetworkNames.Kernels}.GlobalAvgPool.Backward({context.OutputGradient}, {context.InputGradient}, batch, {Output.Size}, {Spatial});");
    }
}
