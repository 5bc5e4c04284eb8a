using System.Linq;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Parsing;

namespace TensorForge.Generator.Weights
{
    /// <summary>One tensor a network's state_dict holds: the name, dtype and shape a weights file must have for it.</summary>
    internal sealed record ExpectedTensor(string Name, string DType, EquatableArray<long> Shape)
    {
        public string Describe() => DType + " " + ShapeText.Of(Shape);
    }

    /// <summary>A [Weights] attribute of a valid network, with everything the check needs: the path as written, where the
    /// attribute stands, and the tensors the network expects (in state_dict order).</summary>
    internal sealed record WeightsExpectation(
        string Network,
        string Path,
        bool Embed,
        LocationInfo? Location,
        EquatableArray<ExpectedTensor> Tensors);

    internal enum WeightsFileStatus { Valid, Unreadable, Invalid }

    /// <summary>One tensor entry of a safetensors header, as found.</summary>
    internal sealed record HeaderTensor(string Name, string DType, EquatableArray<long> Shape, long Begin, long End)
    {
        public string ShapeText => Weights.ShapeText.Of(Shape);

        public string Describe() => DType + " " + ShapeText;
    }

    /// <summary>What the generator keeps of a weights file: its path, whether it is usable, and its header's tensor entries —
    /// never the tensor data. <paramref name="EmbedMarked"/> is the item's TensorForgeEmbed metadata.</summary>
    internal sealed record WeightsFile(string Path, WeightsFileStatus Status, string? Problem, EquatableArray<HeaderTensor> Tensors, bool EmbedMarked)
    {
        public static WeightsFile Invalid(string path, bool embedMarked, string problem)
            => new WeightsFile(path, WeightsFileStatus.Invalid, problem, EquatableArray<HeaderTensor>.Empty, embedMarked);

        public static WeightsFile Unreadable(string path, bool embedMarked, string problem)
            => new WeightsFile(path, WeightsFileStatus.Unreadable, problem, EquatableArray<HeaderTensor>.Empty, embedMarked);
    }

    /// <summary>The diagnostics of one [Weights] check, as data.</summary>
    internal sealed record WeightsCheckResult(EquatableArray<Diagnostics.DiagnosticInfo> Diagnostics);

    internal static class ShapeText
    {
        public static string Of(EquatableArray<long> shape)
        {
            const int Shown = 16;
            string text = "[" + string.Join(", ", shape.Take(Shown).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return text + (shape.Count > Shown ? $", … ({shape.Count} dimensions)]" : "]");
        }
    }
}
