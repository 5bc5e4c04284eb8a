using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>[Softmax] — PyTorch nn.Softmax(dim=-1) over the last axis, with its true Jacobian in backward:
    /// dx = y ⊙ (dy − Σ dy⊙y) per row.</summary>
    internal sealed record SoftmaxLayer(string Name, Shape Input)
        : LayerPlan("Softmax", Name, Input, Input, EquatableArray<ParameterTensor>.Empty)
    {
        public static LayerPlan? Create(LayerBuildContext context)
            => context.Input is null ? null : new SoftmaxLayer(context.Name, context.Input);

        private string Rows => $"batch * {Literal.Int(Input.Size / Input.Last)}";

        public override void EmitForward(SourceWriter writer, ForwardContext context)
            => writer.Line($"{NetworkNames.Kernels}.Activations.Softmax({context.Input}, {context.Output}, {Rows}, {Input.Last});");

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
            => context.EmitInputGradient(writer,
                $"{NetworkNames.Kernels}.Activations.SoftmaxBackward({context.Output}, {context.OutputGradient}, {context.InputGradient}, {Rows}, {Input.Last});");
    }
}
