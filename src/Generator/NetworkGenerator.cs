using System.Linq;
using Microsoft.CodeAnalysis;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Emit;
using TensorForge.Generator.Parsing;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator
{
    /// <summary>The pipeline only: [Network] classes → declarations → plans → source. Diagnostics are reported by
    /// <see cref="NetworkAnalyzer"/> from the same parse and the same shape rules, except those of [Weights] files, which
    /// only the generator sees (AdditionalFiles; see <see cref="Weights.WeightsPipeline"/>).</summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class NetworkGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            // Declarations without locations: the generator reports nothing (the analyzer does, from its own parse), so a
            // declaration that only moved compares equal and nothing after it runs again.
            IncrementalValuesProvider<NetworkDeclaration> declarations = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    DeclarationParser.NetworkAttributeName,
                    predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                    transform: static (ctx, ct) => DeclarationParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ct, withLocations: false))
                .Where(static d => d is not null)!
                .WithTrackingName(TrackingNames.Declarations)!;

            // Every [Block] class of the compilation, so that an edit of a block regenerates the networks that use it.
            IncrementalValueProvider<EquatableArray<BlockDeclaration>> blocks = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    DeclarationParser.BlockAttributeName,
                    predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                    transform: static (ctx, ct) => DeclarationParser.ParseBlock((INamedTypeSymbol)ctx.TargetSymbol, ct, withLocations: false))
                .Where(static b => b is not null)
                .Collect()
                .Select(static (all, _) => all.Select(b => b!).OrderBy(b => b.TypeName, System.StringComparer.Ordinal).ToEquatableArray())
                .WithTrackingName(TrackingNames.Blocks);

            IncrementalValuesProvider<NetworkPlan> plans = declarations
                .Combine(blocks)
                .Select(static (pair, _) => ShapeInference.Infer(pair.Left, pair.Right).Plan)
                .WithTrackingName(TrackingNames.Plans)
                .Where(static p => p.CanEmit)
                .WithTrackingName(TrackingNames.EmitPlans);

            Weights.WeightsPipeline.Register(context, blocks);

            context.RegisterSourceOutput(plans, static (spc, plan) =>
                spc.AddSource(NetworkEmitter.HintName(plan), NetworkEmitter.Emit(plan)));

            // ExportOnnx, only when the compilation references TensorForge.Onnx: a bool per compilation, so an edit that does not
            // add or remove the reference leaves every plan's ONNX part cached.
            IncrementalValueProvider<bool> onnx = context.CompilationProvider
                .Select(static (compilation, _) => compilation.GetTypeByMetadataName(OnnxEmitter.MarkerType) is not null)
                .WithTrackingName(TrackingNames.OnnxReferenced);
            context.RegisterSourceOutput(plans.Combine(onnx).Where(static pair => pair.Right), static (spc, pair) =>
                spc.AddSource(OnnxEmitter.HintName(pair.Left), OnnxEmitter.Emit(pair.Left)));
        }
    }
}
