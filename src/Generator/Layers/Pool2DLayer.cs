using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>What [MaxPool2D] and [AvgPool2D] share: the window arguments (stride defaults to the kernel, padding at most
    /// half the kernel, as PyTorch requires), the output-size rule and the geometry in a static field.</summary>
    internal abstract record Pool2DLayer(string Kind, string Name, Shape Input, Shape Output, int KernelSize, int Stride, int Padding)
        : LayerPlan(Kind, Name, Input, Output, EquatableArray<ParameterTensor>.Empty)
    {
        protected static (Shape Output, int Kernel, int Stride, int Padding)? Plan(LayerBuildContext context)
        {
            var a = context.Attribute;
            int kernel = a.GetInt("kernelSize", 0);
            int stride = a.GetInt("Stride", 0);
            int padding = a.GetInt("Padding", 0);
            bool valid = context.Check(kernel >= 1, "kernelSize", "at least 1", kernel);
            valid &= context.Check(stride >= 0, "Stride", "at least 1 (or 0 for the kernel size)", stride);
            valid &= context.Check(padding >= 0 && (kernel < 1 || padding <= kernel / 2), "Padding", "between 0 and half the kernel size", padding);
            if (!valid || context.Input is null || !WindowGeometry.RequireImage(context, context.Input)) return null;
            if (stride == 0) stride = kernel;
            int? height = WindowGeometry.OutputSize(context, "rows", context.Input.Dimensions[1], padding, padding, kernel, stride, 1);
            int? width = height is null ? null : WindowGeometry.OutputSize(context, "columns", context.Input.Dimensions[2], padding, padding, kernel, stride, 1);
            if (height is null || width is null)
            {
                // PyTorch allows a pooling padding of at most half the kernel.
                int fit = System.Math.Max(WindowGeometry.SmallestFittingPadding(context.Input.Dimensions[1], kernel, 1),
                    WindowGeometry.SmallestFittingPadding(context.Input.Dimensions[2], kernel, 1));
                if (fit > padding && fit <= kernel / 2) WindowGeometry.SuggestPadding(context, fit);
                return null;
            }
            return (Shape.Of(context.Input.Dimensions[0], height.Value, width.Value), kernel, stride, padding);
        }

        public override string Description => $"{Kind} {KernelSize}×{KernelSize}" + (Stride != KernelSize ? $" /{Stride}" : "") + (Padding != 0 ? $" pad {Padding}" : "");

        protected static string Geometry(int index) => NetworkNames.Static(index, "Geometry");

        public override void EmitStaticFields(SourceWriter writer, int index)
        {
            writer.Line($"/// <summary>{Name}: {Input} -> {Output}, window {KernelSize}×{KernelSize}, stride {Stride}, padding {Padding}.</summary>");
            writer.Line($"private static readonly {NetworkNames.Kernels}.Pool2DGeometry {Geometry(index)} = new {NetworkNames.Kernels}.Pool2DGeometry(" +
                $"{Input.Dimensions[0]}, {Input.Dimensions[1]}, {Input.Dimensions[2]}, {KernelSize}, {KernelSize}, {Stride}, {Stride}, {Padding}, {Padding});");
        }
    }

    /// <summary>[MaxPool2D(kernelSize)] — PyTorch nn.MaxPool2d: −∞ padding; backward sends each output gradient to the first
    /// maximum of its window (recomputed from the input, no index buffer).</summary>
    internal sealed record MaxPool2DLayer(string Name, Shape Input, Shape Output, int KernelSize, int Stride, int Padding)
        : Pool2DLayer("MaxPool2D", Name, Input, Output, KernelSize, Stride, Padding)
    {
        public static LayerPlan? Create(LayerBuildContext context)
            => Plan(context) is { } p ? new MaxPool2DLayer(context.Name, context.Input!, p.Output, p.Kernel, p.Stride, p.Padding) : null;

        public override long MultiplyAccumulates => 0;

        public override void EmitForward(SourceWriter writer, ForwardContext context)
            => writer.Line($"{NetworkNames.Kernels}.MaxPool2D.Forward({context.Input}, {context.Output}, batch, in {Geometry(context.Index)});");

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
            => context.EmitInputGradient(writer,
                $"{NetworkNames.Kernels}.MaxPool2D.Backward({context.Input}, {context.OutputGradient}, {context.InputGradient}, batch, in {Geometry(context.Index)});");
    }

    /// <summary>[AvgPool2D(kernelSize)] — PyTorch nn.AvgPool2d with count_include_pad=True: every window divides by kernel².</summary>
    internal sealed record AvgPool2DLayer(string Name, Shape Input, Shape Output, int KernelSize, int Stride, int Padding)
        : Pool2DLayer("AvgPool2D", Name, Input, Output, KernelSize, Stride, Padding)
    {
        public static LayerPlan? Create(LayerBuildContext context)
            => Plan(context) is { } p ? new AvgPool2DLayer(context.Name, context.Input!, p.Output, p.Kernel, p.Stride, p.Padding) : null;

        public override void EmitForward(SourceWriter writer, ForwardContext context)
            => writer.Line($"{NetworkNames.Kernels}.AvgPool2D.Forward({context.Input}, {context.Output}, batch, in {Geometry(context.Index)});");

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
            => context.EmitInputGradient(writer,
                $"{NetworkNames.Kernels}.AvgPool2D.Backward({context.OutputGradient}, {context.InputGradient}, batch, in {Geometry(context.Index)});");
    }
}
