using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Parsing;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator
{
    /// <summary>Reports the TensorForge diagnostics of every [Network] class, on the attribute or argument at fault.
    /// Uses the generator's parser and shape rules, so the two never disagree.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NetworkAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => DiagnosticDescriptors.All;

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterSymbolAction(Analyze, SymbolKind.NamedType);
        }

        private static void Analyze(SymbolAnalysisContext context)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            bool marked = false;
            foreach (AttributeData attribute in type.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == DeclarationParser.NetworkAttributeName) { marked = true; break; }
            }
            if (!marked) return;

            NetworkDeclaration? declaration = DeclarationParser.Parse(type, context.CancellationToken);
            if (declaration is null) return;
            foreach (DiagnosticInfo diagnostic in ShapeInference.Infer(declaration, DeclarationParser.ParseBlocksUsedBy(type, context.CancellationToken)).Diagnostics)
            {
                context.ReportDiagnostic(diagnostic.ToDiagnostic(context.Compilation));
            }
        }
    }
}
