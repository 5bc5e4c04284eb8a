using System.Globalization;
using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>The output-size rule shared by convolution and pooling (PyTorch's, floor mode):
    /// out = ⌊(in + before + after − dilation·(kernel − 1) − 1)/stride⌋ + 1, reported with its arithmetic when it is below 1.</summary>
    internal static class WindowGeometry
    {
        /// <summary>The output size along one axis, or null after reporting TF1005 ("rows" or "columns").</summary>
        public static int? OutputSize(LayerBuildContext context, string axis, int input, int before, int after, int kernel, int stride, int dilation)
        {
            long numerator = (long)input + before + after - (long)dilation * (kernel - 1) - 1;
            long output = (numerator >= 0 ? numerator / stride : -((-numerator + stride - 1) / stride)) + 1;
            if (output >= 1 && output <= int.MaxValue) return (int)output;
            string padding = before == after ? $"2·{I(before)}" : $"{I(before)} + {I(after)}";
            string window = dilation == 1 ? $"− {I(kernel)}" : $"− {I(dilation)}·({I(kernel)} − 1) − 1";
            string arithmetic = $"({I(input)} + {padding} {window})/{I(stride)} + 1";
            context.Report(DiagnosticDescriptors.NoOutput, context.Attribute.Location, context.Describe, axis, arithmetic, output.ToString(CultureInfo.InvariantCulture),
                dilation == 1 ? $"{I(kernel)}-wide" : $"{I(kernel)}-wide (dilated to {I(dilation * (kernel - 1) + 1)})");
            return null;
        }

        /// <summary>After a TF1005 of this layer: attaches the padding that makes both output sizes at least 1 for the code fix
        /// (<see cref="FixProperties.Padding"/>), when one value of the layer's <c>Padding</c> does.</summary>
        public static void SuggestPadding(LayerBuildContext context, int padding)
        {
            int last = context.Diagnostics.Count - 1;
            if (last < 0 || context.Diagnostics[last].Id != DiagnosticDescriptors.NoOutputId) return;
            context.Diagnostics[last] = context.Diagnostics[last].WithProperties(FixProperties.Padding, I(padding));
        }

        /// <summary>The smallest symmetric padding giving an output of at least 1 along an axis: in + 2p ≥ dilation·(kernel − 1) + 1.</summary>
        public static int SmallestFittingPadding(int input, int kernel, int dilation)
        {
            long missing = (long)dilation * (kernel - 1) + 1 - input;
            return missing <= 0 ? 0 : (int)System.Math.Min(int.MaxValue, (missing + 1) / 2);
        }

        /// <summary>Reports TF1012 unless the input is an image [C, H, W].</summary>
        public static bool RequireImage(LayerBuildContext context, Shape input)
        {
            if (input.Rank == 3) return true;
            context.Report(DiagnosticDescriptors.NeedsImage, context.Attribute.Location, context.Describe, input);
            return false;
        }

        private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
