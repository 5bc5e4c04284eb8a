using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Parsing;

namespace TensorForge.Generator.Diagnostics
{
    /// <summary>A diagnostic as plain data: descriptor id, message arguments and location.</summary>
    internal sealed record DiagnosticInfo(string Id, EquatableArray<string> Arguments, LocationInfo? Location)
    {
        /// <summary>Data for the code fixes (src/CodeFixes) as key, value, key, value…: what the shape rules know and the syntax
        /// does not (see <see cref="FixProperties"/>).</summary>
        public EquatableArray<string> Properties { get; init; } = EquatableArray<string>.Empty;

        /// <summary>This diagnostic with the code-fix data <paramref name="keyValues"/> (key, value, key, value…).</summary>
        public DiagnosticInfo WithProperties(params string[] keyValues) => this with { Properties = keyValues.ToEquatableArray() };

        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments)
            => new DiagnosticInfo(descriptor.Id,
                arguments.Select(a => System.Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToEquatableArray(),
                location);

        /// <summary>The diagnostic; pass the compilation the location came from to get a source location (see <see cref="LocationInfo.ToLocation"/>).</summary>
        public Diagnostic ToDiagnostic(Compilation? compilation = null)
        {
            ImmutableDictionary<string, string?>.Builder properties = ImmutableDictionary.CreateBuilder<string, string?>();
            for (int i = 0; i + 1 < Properties.Count; i += 2) properties[Properties[i]] = Properties[i + 1];
            return Diagnostic.Create(DiagnosticDescriptors.ById(Id), Location?.ToLocation(compilation) ?? Microsoft.CodeAnalysis.Location.None,
                properties.ToImmutable(), Arguments.Cast<object>().ToArray());
        }
    }

    /// <summary>The keys of <see cref="DiagnosticInfo.Properties"/>; src/CodeFixes/DiagnosticIds.cs repeats them.</summary>
    internal static class FixProperties
    {
        /// <summary>TF1009: the names the reference could name (earlier layers and "input"), separated by '\n'.</summary>
        public const string Candidates = nameof(Candidates);

        /// <summary>TF1001: the rank of the Dense's input (3 for an image, where global average pooling is a fix too).</summary>
        public const string InputRank = nameof(InputRank);

        /// <summary>TF1005: a Padding value with which every output size of the layer is at least 1.</summary>
        public const string Padding = nameof(Padding);

        /// <summary>TF1007: the kind of layer that projects the Add's named input to the previous layer's shape ("Conv2D", a 1×1
        /// convolution, or "Dense"), present only when one exists.</summary>
        public const string Projection = nameof(Projection);

        /// <summary>TF1007: the projection's output channels (Conv2D) or units (Dense).</summary>
        public const string ProjectionWidth = nameof(ProjectionWidth);

        /// <summary>TF1007: the projection's stride (1 for Dense).</summary>
        public const string ProjectionStride = nameof(ProjectionStride);

        /// <summary>TF1007: the full name of the Add's previous layer, which the fixed Add names instead.</summary>
        public const string MainBranch = nameof(MainBranch);
    }
}
