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
                DiagnosticInfo mismatch = DiagnosticInfo.Create(DiagnosticDescriptors.AddShapeMismatch, context.Attribute.Location, context.Name,
                    context.Input, context.InputName, context.SecondInput, context.SecondInputName);
                context.Diagnostics.Add(Projection(context.Input, context.SecondInput) is { } projection
                    ? mismatch.WithProperties(FixProperties.Projection, projection.Kind, FixProperties.ProjectionWidth, I(projection.Width),
                        FixProperties.ProjectionStride, I(projection.Stride), FixProperties.MainBranch, context.InputName)
                    : mismatch);
                return null;
            }
            return new AddLayer(context.Name, context.Input, context.SecondInputName);
        }

        /// <summary>The layer that makes <paramref name="shortcut"/> the shape of <paramref name="main"/>, as ResNet's projection
        /// shortcut does: for images a 1×1 Conv2D whose stride maps the shortcut's height and width onto the main branch's (the
        /// smallest such stride, the same for both axes), for vectors and for sequences of equal length a Dense (per time step);
        /// null when no such layer exists (other ranks, or sizes no stride maps).</summary>
        internal static (string Kind, int Width, int Stride)? Projection(Shape main, Shape shortcut)
        {
            if (main.Rank != shortcut.Rank) return null;
            if (main.Rank == 1 || (main.Rank == 2 && main.Dimensions[0] == shortcut.Dimensions[0]))
                return ("Dense", main.Last, 1);
            if (main.Rank != 3) return null;
            int height = shortcut.Dimensions[1], width = shortcut.Dimensions[2];
            for (int stride = 1; stride <= System.Math.Max(height, width); stride++)
            {
                // A 1×1 window without padding: output = (input − 1)/stride + 1.
                if ((height - 1) / stride + 1 == main.Dimensions[1] && (width - 1) / stride + 1 == main.Dimensions[2])
                    return ("Conv2D", main.Dimensions[0], stride);
            }
            return null;
        }

        private static string I(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

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
