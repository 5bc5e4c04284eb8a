using System.Collections.Generic;
using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>[Dropout(p)] — PyTorch nn.Dropout: in training, zero each element with probability p and scale the rest by 1/(1−p),
    /// keeping the mask for backward; in inference, the identity (a view of its input).</summary>
    internal sealed record DropoutLayer(string Name, Shape Input, float P)
        : LayerPlan("Dropout", Name, Input, Input, EquatableArray<ParameterTensor>.Empty)
    {
        public static LayerPlan? Create(LayerBuildContext context)
        {
            float p = context.Attribute.GetFloat("p", 0.5f);
            bool valid = context.Check(p >= 0f && p < 1f, "p", "in [0, 1)", p);
            return !valid || context.Input is null ? null : new DropoutLayer(context.Name, context.Input, p);
        }

        public override string Description => "Dropout(" + Literal.Float(P).TrimEnd('f') + ")";

        private ScratchBuffer Mask => new ScratchBuffer("Mask", Input.Size, TrainingOnly: true);

        public override IEnumerable<ScratchBuffer> ScratchBuffers { get { yield return Mask; } }

        public override bool AliasesInput(bool training) => !training;

        public override bool UsesDropoutRandom => true;

        public override void EmitForward(SourceWriter writer, ForwardContext context)
            => writer.Line($"{NetworkNames.Kernels}.Dropout.Forward({context.Input}, {context.Output}, {context.Scratch(Mask)}, {Literal.Float(P)}, ref _dropoutRandom);");

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
            => context.EmitInputGradient(writer, $"{NetworkNames.Kernels}.Dropout.Backward({context.OutputGradient}, {context.Scratch(Mask)}, {context.InputGradient});");
    }
}
