using System.Collections.Generic;
using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>[AdditiveAttention(attentionSize)] — Bahdanau-style attention pooling of a sequence [T, H] to [H]:
    /// α = softmax over t of vᵀ tanh(W h_t + b), output Σ α_t h_t. Its PyTorch twin is a module with
    /// <c>proj = nn.Linear(H, A)</c> and <c>v = nn.Linear(A, 1, bias=False)</c>, hence the tensors <c>proj.weight [A, H]</c>,
    /// <c>proj.bias [A]</c>, <c>v.weight [1, A]</c>, initialised as those nn.Linear are (U(−1/√fan_in, 1/√fan_in)).
    /// One kernel call each way (runtime <c>AdditiveAttention</c>); the tanh projection and the weights α are kept for Backward.</summary>
    internal sealed record AdditiveAttentionLayer(string Name, Shape Input, Shape Output, EquatableArray<ParameterTensor> Parameters, int AttentionSize)
        : LayerPlan("AdditiveAttention", Name, Input, Output, Parameters)
    {
        public static LayerPlan? Create(LayerBuildContext context)
        {
            var a = context.Attribute;
            int size = a.GetInt("attentionSize", 0);
            bool valid = context.Check(size > 0, "attentionSize", "positive", size);
            if (!valid || context.Input is null) return null;
            if (context.Input.Rank != 2)
            {
                context.Report(DiagnosticDescriptors.NeedsSequence, a.Location, context.Describe, context.Input);
                return null;
            }
            int features = context.Input.Last;
            EquatableArray<ParameterTensor>? tensors = context.Tensors(("proj.weight", Shape.Of(size, features)), ("proj.bias", Shape.Of(size)), ("v.weight", Shape.Of(1, size)));
            return tensors is null ? null : new AdditiveAttentionLayer(context.Name, context.Input, Shape.Of(features), tensors.Value, size);
        }

        private int Steps => Input.Dimensions[0];
        private int Features => Input.Dimensions[1];
        private string Sizes => $"batch, {Steps}, {Features}, {AttentionSize}";

        public override string Description => $"AdditiveAttention({AttentionSize})";

        public override long MultiplyAccumulates => (long)Steps * AttentionSize * (Features + 1) + (long)Steps * Features;

        private ScratchBuffer Projection => new ScratchBuffer("Projection", Steps * AttentionSize);
        private ScratchBuffer Weights => new ScratchBuffer("AttentionWeights", Steps);
        private ScratchBuffer ProjectionGradient => new ScratchBuffer("ProjectionGradient", Steps * AttentionSize, TrainingOnly: true);
        private ScratchBuffer ScoreGradient => new ScratchBuffer("ScoreGradient", Steps, TrainingOnly: true);

        public override IEnumerable<ScratchBuffer> ScratchBuffers
        {
            get { yield return Projection; yield return Weights; yield return ProjectionGradient; yield return ScoreGradient; }
        }

        private ParameterTensor Weight => Parameters[0];
        private ParameterTensor BiasTensor => Parameters[1];
        private ParameterTensor V => Parameters[2];

        public override void EmitInitialization(SourceWriter writer)
        {
            writer.Line($"global::TensorForge.Initializers.BiasUniform({Slice("parameters", Weight)}, {Features}, ref random);");
            writer.Line($"global::TensorForge.Initializers.BiasUniform({Slice("parameters", BiasTensor)}, {Features}, ref random);");
            writer.Line($"global::TensorForge.Initializers.BiasUniform({Slice("parameters", V)}, {AttentionSize}, ref random);");
        }

        public override void EmitForward(SourceWriter writer, ForwardContext context)
            => writer.Line($"{NetworkNames.Kernels}.AdditiveAttention.Forward({context.Input}, {Slice("parameters", Weight)}, {Slice("parameters", BiasTensor)}, " +
                $"{Slice("parameters", V)}, {context.Output}, {context.Scratch(Projection)}, {context.Scratch(Weights)}, {Sizes});");

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
            => writer.Line($"{NetworkNames.Kernels}.AdditiveAttention.Backward({context.Input}, {Slice("parameters", Weight)}, {Slice("parameters", V)}, " +
                $"{context.Scratch(Projection)}, {context.Scratch(Weights)}, {context.OutputGradient}, {InputGradientOrEmpty(context)}, " +
                $"{Slice("gradients", Weight)}, {Slice("gradients", BiasTensor)}, {Slice("gradients", V)}, {context.Scratch(ProjectionGradient)}, " +
                $"{context.Scratch(ScoreGradient)}, {Sizes}, accumulate: {context.Accumulate});");

        /// <summary>The kernel skips an empty input gradient; the caller's may be empty for the first layer, and none is wanted
        /// when nobody reads it.</summary>
        private static string InputGradientOrEmpty(BackwardContext context) => context.InputGradient ?? "global::System.Span<float>.Empty";
    }
}
