using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>[Embedding(vocabulary, dimension)] — PyTorch nn.Embedding: token ids [T] → [T, dimension], weight
    /// [vocabulary, dimension] initialised N(0, 1). It reads the network's token input (the graph builder checks that), so its
    /// input expression is a ReadOnlySpan&lt;int&gt; and it has no input gradient.</summary>
    internal sealed record EmbeddingLayer(string Name, Shape Input, Shape Output, EquatableArray<ParameterTensor> Parameters, int Vocabulary, int Dimension)
        : LayerPlan("Embedding", Name, Input, Output, Parameters)
    {
        public static LayerPlan? Create(LayerBuildContext context)
        {
            int vocabulary = context.Attribute.GetInt("vocabulary", 0);
            int dimension = context.Attribute.GetInt("dimension", 0);
            bool valid = context.Check(vocabulary > 0, "vocabulary", "positive", vocabulary);
            valid &= context.Check(dimension > 0, "dimension", "positive", dimension);
            if (!valid || context.Input is null) return null;
            if (context.Input.Rank != 1)
            {
                context.Report(Diagnostics.DiagnosticDescriptors.EmbeddingNeedsTokens, context.Attribute.Location, context.Name, context.Input, context.InputName);
                return null;
            }
            EquatableArray<ParameterTensor>? tensors = context.Tensors(("weight", Shape.Of(vocabulary, dimension)));
            if (tensors is null) return null;
            return new EmbeddingLayer(context.Name, context.Input, Shape.Of(context.Input.Size, dimension), tensors.Value, vocabulary, dimension);
        }

        public override string Description => $"Embedding({Vocabulary}, {Dimension})";

        private int Steps => Input.Size;

        public override void EmitInitialization(SourceWriter writer)
            => writer.Line($"global::TensorForge.Initializers.StandardNormal({Slice("parameters", Parameters[0])}, ref random);");

        public override void EmitForward(SourceWriter writer, ForwardContext context)
            => writer.Line($"{NetworkNames.Kernels}.Embedding.Forward({context.Input}, {Slice("parameters", Parameters[0])}, {context.Output}, batch, {Steps}, {Vocabulary}, {Dimension});");

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
            => writer.Line($"{NetworkNames.Kernels}.Embedding.Backward({context.Input}, {context.OutputGradient}, {Slice("gradients", Parameters[0])}, batch, {Steps}, {Vocabulary}, {Dimension}, {context.Accumulate});");
    }
}
