using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>[Add("name")] — a residual connection: the previous layer's output plus the named layer's output, element by
    /// element (same shape). Backward copies the output gradient to both inputs.</summary>
    internal sealed record AddLayer(string Name, Shape Input, string Other)
        : LayerPlan("Add", Name, Input, Input, EquatableArray<ParameterTensor>.Empty)
    {
        public static LayerPlan? Create(LayerBuildContext context)
        {
            string? other = context.Attribute.GetString("other");
            bool valid = context.Check(!string.IsNullOrEmpty(other), "other", "the name of an earlier layer or \"input\"", other ?? "null");
            if (!valid || context.Input is null || context.SecondInput is null) return null;
            if (!context.Input.Equals(context.SecondInput))
            {
                context.Report(DiagnosticDescriptors.AddShapeMismatch, context.Attribute.Location, context.Name,
                    context.Input, context.InputName, context.SecondInput, context.SecondInputName);
                return null;
            }
            return new AddLayer(context.Name, context.Input, context.SecondInputName);
        }

        public override string Description => "Add";

        public override void EmitForward(SourceWriter writer, ForwardContext context)
            => writer.Line($"{NetworkNames.Kernels}.Residual.Add({context.Input}, {context.SecondInput}, {context.Output});");

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
        {
            context.EmitInputGradient(writer, $"{context.OutputGradient}.CopyTo({context.InputGradient});");
            context.EmitSecondInputGradient(writer, $"{context.OutputGradient}.CopyTo({context.SecondInputGradient});");
        }
    }
}
