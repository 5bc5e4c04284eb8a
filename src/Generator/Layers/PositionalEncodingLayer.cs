using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>[PositionalEncoding(dimension)] — adds the sinusoidal table of Vaswani et al. to [T, dimension]; the table
    /// (T rows) is a static field computed once. No parameters; the gradient passes through.</summary>
    internal sealed record PositionalEncodingLayer(string Name, Shape Input)
        : LayerPlan("PositionalEncoding", Name, Input, Input, EquatableArray<ParameterTensor>.Empty)
    {
        public static LayerPlan? Create(LayerBuildContext context)
        {
            int dimension = context.Attribute.GetInt("dimension", 0);
            bool valid = context.Check(dimension > 0, "dimension", "positive", dimension);
            if (!valid || context.Input is null) return null;
            if (context.Input.Rank != 2)
            {
                context.Report(DiagnosticDescriptors.NeedsSequence, context.Attribute.Location, context.Describe, context.Input);
                return null;
            }
            if (context.Input.Last != dimension)
            {
                context.Report(DiagnosticDescriptors.PositionalEncodingWidth, context.Attribute.LocationOf("dimension"), context.Name, dimension, context.Input, context.Input.Last);
                return null;
            }
            return new PositionalEncodingLayer(context.Name, context.Input);
        }

        private static string Table(int index) => NetworkNames.Static(index, "Table");

        public override void EmitStaticFields(SourceWriter writer, int index)
        {
            writer.Line($"/// <summary>{Name}: the sinusoidal table [{Input.Dimensions[0]}, {Input.Dimensions[1]}].</summary>");
            writer.Line($"private static readonly global::TensorForge.AlignedBuffer {Table(index)} = {NetworkNames.Kernels}.PositionalEncoding.CreateTable({Input.Dimensions[0]}, {Input.Dimensions[1]});");
        }

        public override void EmitForward(SourceWriter writer, ForwardContext context)
            => writer.Line($"{NetworkNames.Kernels}.PositionalEncoding.Add({context.Input}, {Table(context.Index)}.Span, {context.Output}, batch, {Input.Size});");

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
            => context.EmitInputGradient(writer, $"{context.OutputGradient}.CopyTo({context.InputGradient});");
    }
}
