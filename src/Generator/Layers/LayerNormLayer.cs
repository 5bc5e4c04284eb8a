using System.Collections.Generic;
using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>[LayerNorm] — PyTorch nn.LayerNorm(last axis): every row of the last axis normalised to zero mean and unit
    /// variance (biased), then scaled and shifted by weight [F] = 1 and bias [F] = 0 when affine. Training caches each row's
    /// mean and 1/std for backward.</summary>
    internal sealed record LayerNormLayer(string Name, Shape Input, EquatableArray<ParameterTensor> Parameters, float Epsilon, bool Affine)
        : LayerPlan("LayerNorm", Name, Input, Input, Parameters)
    {
        public static LayerPlan? Create(LayerBuildContext context)
        {
            float epsilon = context.Attribute.GetFloat("Epsilon", 1e-5f);
            bool affine = context.Attribute.GetBool("Affine", true);
            bool valid = context.Check(epsilon > 0f && !float.IsInfinity(epsilon), "Epsilon", "positive and finite", epsilon);
            if (!valid || context.Input is null) return null;
            int features = context.Input.Last;
            EquatableArray<ParameterTensor>? tensors = affine ? context.Tensors(("weight", Shape.Of(features)), ("bias", Shape.Of(features))) : context.Tensors();
            return tensors is null ? null : new LayerNormLayer(context.Name, context.Input, tensors.Value, epsilon, affine);
        }

        private int Features => Input.Last;
        private int RowsPerSample => Input.Size / Input.Last;
        private string Rows => RowsPerSample == 1 ? "batch" : $"batch * {RowsPerSample}";

        public override long MultiplyAccumulates => Input.Size;

        private ScratchBuffer Mean => new ScratchBuffer("Mean", RowsPerSample);
        private ScratchBuffer InverseStd => new ScratchBuffer("InverseStd", RowsPerSample);

        public override IEnumerable<ScratchBuffer> ScratchBuffers { get { yield return Mean; yield return InverseStd; } }

        private string Weight(string block) => Affine ? Slice(block, Parameters[0]) : EmptyOf(block);
        private string Bias(string block) => Affine ? Slice(block, Parameters[1]) : EmptyOf(block);
        private static string EmptyOf(string block) => block == "parameters" ? "global::System.ReadOnlySpan<float>.Empty" : "global::System.Span<float>.Empty";

        public override void EmitInitialization(SourceWriter writer)
            => writer.Line($"{Slice("parameters", Parameters[0])}.Fill(1f);");

        public override void EmitForward(SourceWriter writer, ForwardContext context)
        {
            string statistics = context.Training ? $"{context.Scratch(Mean)}, {context.Scratch(InverseStd)}" : "global::System.Span<float>.Empty, global::System.Span<float>.Empty";
            writer.Line($"{NetworkNames.Kernels}.LayerNorm.Forward({context.Input}, {Weight("parameters")}, {Bias("parameters")}, {context.Output}, {statistics}, {Rows}, {Features}, {Literal.Float(Epsilon)});");
        }

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
        {
            string dx = context.InputGradient ?? "global::System.Span<float>.Empty";
            writer.Line($"{NetworkNames.Kernels}.LayerNorm.Backward({context.Input}, {context.OutputGradient}, {Weight("parameters")}, {context.Scratch(Mean)}, {context.Scratch(InverseStd)}, " +
                $"{dx}, {Weight("gradients")}, {Bias("gradients")}, {Rows}, {Features}, {context.Accumulate}, accumulateInputGradient: false);");
        }
    }
}
