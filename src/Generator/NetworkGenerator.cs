using Microsoft.CodeAnalysis;
using TensorForge.Generator.Emit;
using TensorForge.Generator.Parsing;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator
{
    /// <summary>The pipeline only: [Network] classes → declarations → plans → source. Diagnostics are reported by
    /// <see cref="NetworkAnalyzer"/> from the same parse and the same shape rules.</summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class NetworkGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<NetworkDeclaration> declarations = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    DeclarationParser.NetworkAttributeName,
                    predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                    transform: static (ctx, ct) => DeclarationParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ct))
                .Where(static d => d is not null)!
                .WithTrackingName(TrackingNames.Declarations)!;

            IncrementalValuesProvider<NetworkPlan> plans = declarations
                .Select(static (d, _) => ShapeInference.Infer(d).Plan)
                .WithTrackingName(TrackingNames.Plans)
                .Where(static p => p.CanEmit)
                .WithTrackingName(TrackingNames.EmitPlans);

            context.RegisterSourceOutput(plans, static (spc, plan) =>
                spc.AddSource(NetworkEmitter.HintName(plan), NetworkEmitter.Emit(plan)));
        }
    }
}
