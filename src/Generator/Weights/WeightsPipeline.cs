using System.Linq;
using Microsoft.CodeAnalysis;
using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Parsing;

namespace TensorForge.Generator.Weights
{
    /// <summary>The [Weights] steps of the generator's pipeline:
    /// <code>
    /// declarations + blocks ─► WeightsExpectations (tensors each [Weights] network expects)
    /// AdditionalTexts that some [Weights] names ─► WeightsFiles (header only, per file) ─┐
    /// WeightsExpectations + WeightsFiles ─► WeightsChecks (diagnostics as data) ─► reported
    /// </code>
    /// A file is read only when a [Weights] attribute names it, and again only when its AdditionalText changes; an edit of
    /// the network re-runs the comparison, not the read. The code a network gets does not depend on any of this (the embedded
    /// resource's name comes from the attribute alone), so a weights problem never regenerates code.</summary>
    internal static class WeightsPipeline
    {
        private const string EmbedMetadata = "build_metadata.AdditionalFiles.TensorForgeEmbed";

        public const string WeightsAttributeName = "TensorForge.WeightsAttribute";

        public static void Register(IncrementalGeneratorInitializationContext context, IncrementalValueProvider<EquatableArray<BlockDeclaration>> blocks)
        {
            // The networks that carry [Weights], parsed with locations: its diagnostics come from the generator (only it sees
            // AdditionalFiles) and must sit on the attribute. The code-emitting declarations carry none (NetworkGenerator), so
            // text moved above a network without [Weights] still leaves every step cached.
            IncrementalValuesProvider<NetworkDeclaration> declarations = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    WeightsAttributeName,
                    predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                    transform: static (ctx, ct) => DeclarationParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ct, withLocations: true))
                .Where(static d => d is not null)!
                .WithTrackingName(TrackingNames.WeightsDeclarations)!;

            IncrementalValuesProvider<WeightsExpectation> expectations = declarations
                .Where(static d => WeightsCheck.Find(d) is not null)
                .Combine(blocks)
                .Select(static (pair, _) => WeightsCheck.Expect(pair.Left, pair.Right))
                .Where(static e => e is not null)!
                .WithTrackingName(TrackingNames.WeightsExpectations)!;

            IncrementalValueProvider<EquatableArray<string>> requested = expectations
                .Select(static (e, _) => e.Path)
                .Collect()
                .Select(static (paths, _) => paths.Distinct().OrderBy(p => p, System.StringComparer.Ordinal).ToEquatableArray());

            IncrementalValueProvider<EquatableArray<WeightsFile>> files = context.AdditionalTextsProvider
                .Combine(requested)
                .Where(static pair => pair.Right.Any(path => WeightsCheck.Matches(path, pair.Left.Path)))
                // Back to the AdditionalText alone (compared by reference), so that a change of the requests does not re-read it.
                .Select(static (pair, _) => pair.Left)
                .Combine(context.AnalyzerConfigOptionsProvider)
                .Select(static (pair, ct) => SafetensorsHeaderReader.Read(pair.Left.Path,
                    pair.Right.GetOptions(pair.Left).TryGetValue(EmbedMetadata, out string? embed) && string.Equals(embed, "true", System.StringComparison.OrdinalIgnoreCase), ct))
                .WithTrackingName(TrackingNames.WeightsFiles)
                .Collect()
                .Select(static (all, _) => all.OrderBy(f => f.Path, System.StringComparer.Ordinal).ToEquatableArray());

            IncrementalValuesProvider<WeightsCheckResult> checks = expectations
                .Combine(files)
                .Select(static (pair, _) => WeightsCheck.Check(pair.Left, pair.Right))
                .WithTrackingName(TrackingNames.WeightsChecks);

            // Only the reporting step sees the compilation, to turn the locations (plain data) into source locations, so that
            // the IDE squiggles the attribute and #pragma applies; everything above it stays cached.
            context.RegisterSourceOutput(checks.Combine(context.CompilationProvider), static (spc, pair) =>
            {
                foreach (DiagnosticInfo diagnostic in pair.Left.Diagnostics) spc.ReportDiagnostic(diagnostic.ToDiagnostic(pair.Right));
            });
        }
    }
}
