using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>The standalone element-wise activations [ReLU], [LeakyReLU(slope)], [Sigmoid], [Tanh] and [Gelu]
    /// (PyTorch nn.ReLU, nn.LeakyReLU, nn.Sigmoid, nn.Tanh, nn.GELU). Any shape; no parameters.</summary>
    internal sealed record ActivationLayer(string Name, Shape Input, ActivationKind Activation, float Slope)
        : LayerPlan(Activation.ToString(), Name, Input, Input, EquatableArray<ParameterTensor>.Empty)
    {
        public static LayerBuilder For(ActivationKind activation) => context =>
        {
            float slope = activation == ActivationKind.LeakyReLU ? context.Attribute.GetFloat("slope", ActivationCalls.DefaultLeakySlope) : 0f;
            bool valid = context.Check(!float.IsNaN(slope) && !float.IsInfinity(slope), "slope", "finite", slope);
            return !valid || context.Input is null ? null : new ActivationLayer(context.Name, context.Input, activation, slope);
        };

        public override string Description => Activation == ActivationKind.LeakyReLU ? $"LeakyReLU({Literal.Float(Slope).TrimEnd('f')})" : Kind;

        public override void EmitForward(SourceWriter writer, ForwardContext context)
            => writer.Line(ActivationCalls.Forward(Activation, context.Input, context.Output, Slope));

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
            => context.EmitInputGradient(writer,
                ActivationCalls.Backward(Activation, context.Input, context.Output, context.OutputGradient, context.InputGradient!, Slope));
    }
}
