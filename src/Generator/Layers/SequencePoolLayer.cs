using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>[LastStep] and [MeanOverTime] — a sequence [T, F] pooled to [F]: <c>x[:, -1, :]</c> or <c>x.mean(dim=1)</c>.</summary>
    internal sealed record SequencePoolLayer(string Kind, string Name, Shape Input, Shape Output, bool Mean)
        : LayerPlan(Kind, Name, Input, Output, EquatableArray<ParameterTensor>.Empty)
    {
        public static LayerBuilder For(bool mean) => context =>
        {
            if (context.Input is null) return null;
            if (context.Input.Rank != 2)
            {
                context.Report(DiagnosticDescriptors.NeedsSequence, context.Attribute.Location, context.Describe, context.Input);
                return null;
            }
            return new SequencePoolLayer(context.Attribute.Kind, context.Name, context.Input, Shape.Of(context.Input.Dimensions[1]), mean);
        };

        private string Arguments => $"batch, {Input.Dimensions[0]}, {Input.Dimensions[1]}";

        public override void EmitForward(SourceWriter writer, ForwardContext context)
            => writer.Line($"{NetworkNames.Kernels}.SequencePooling.{(Mean ? "Mean" : "LastStep")}({context.Input}, {context.Output}, {Arguments});");

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
            => context.EmitInputGradient(writer,
                $"{NetworkNames.Kernels}.SequencePooling.{(Mean ? "MeanBackward" : "LastStepBackward")}({context.OutputGradient}, {context.InputGradient}, {Arguments});");
    }
}
