using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TensorForge.CodeFixes
{
    /// <summary>TF0002: adds the missing <c>[Input(...)]</c> before the first layer, with the shape that layer needs, where the
    /// declaration determines it. The diagnostic is on <c>[Network]</c>.</summary>
    /// <remarks>The shape is known only when the first layer is <c>[Use(typeof(Block))]</c> of a block that declares its own
    /// <c>[Input]</c> with fixed sizes: the network's input must be exactly that. Every other layer adapts to the input it
    /// receives (a <c>[Dense(10)]</c> takes any number of features, a <c>[Conv2D]</c> any number of channels and any image
    /// size), so no size follows from it and no fix is offered rather than a guessed one that would compile and be wrong.</remarks>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddInputCodeFixProvider)), Shared]
    public sealed class AddInputCodeFixProvider : CodeFixProvider
    {
        private const string LayerAttributeName = "TensorForge.LayerAttribute";
        private const string UseAttributeName = "TensorForge.UseAttribute";
        private const string InputAttributeName = "TensorForge.InputAttribute";

        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.MissingInput);

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
                return;
            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                if (root.FindNode(diagnostic.Location.SourceSpan)?.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration
                    || model.GetDeclaredSymbol(declaration, context.CancellationToken) is not INamedTypeSymbol network
                    || FirstLayer(network) is not { } first
                    || InferredInput(first) is not (int[] shape, string source)
                    || first.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is not AttributeSyntax anchor
                    || anchor.Parent is not AttributeListSyntax
                    || context.Document.Project.Solution.GetDocument(anchor.SyntaxTree) is not { } layersDocument)
                    continue;

                string dimensions = string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
                context.RegisterCodeFix(
                    CodeAction.Create($"Add [Input({dimensions})], the input of {source}",
                        ct => AddInput(layersDocument, anchor, dimensions, ct), DiagnosticIds.MissingInput),
                    diagnostic);
            }
        }

        /// <summary>The first layer attribute in source order (the generator's order).</summary>
        private static AttributeData? FirstLayer(INamedTypeSymbol network) =>
            network.GetAttributes().FirstOrDefault(a => DerivesFrom(a.AttributeClass, LayerAttributeName));

        /// <summary>The input shape the first layer requires, and what requires it; null where the layer takes any input.</summary>
        private static (int[] Shape, string Source)? InferredInput(AttributeData first)
        {
            if (first.AttributeClass?.ToDisplayString() != UseAttributeName
                || first.ConstructorArguments.Length != 1
                || first.ConstructorArguments[0].Value is not INamedTypeSymbol block)
                return null;
            AttributeData? input = block.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == InputAttributeName);
            if (input is null || input.ConstructorArguments.Length != 1 || input.ConstructorArguments[0].Kind != TypedConstantKind.Array)
                return null;
            var shape = new List<int>();
            foreach (TypedConstant dimension in input.ConstructorArguments[0].Values)
            {
                // A size written as a BlockArguments placeholder (negative) depends on the use: not a fixed shape.
                if (dimension.Value is not int size || size <= 0)
                    return null;
                shape.Add(size);
            }
            return shape.Count == 0 ? null : (shape.ToArray(), $"block '{block.Name}'");
        }

        private static bool DerivesFrom(INamedTypeSymbol? type, string baseName)
        {
            for (INamedTypeSymbol? current = type?.BaseType; current is not null; current = current.BaseType)
            {
                if (current.ToDisplayString() == baseName)
                    return true;
            }
            return false;
        }

        private static async Task<Document> AddInput(Document document, AttributeSyntax firstLayer, string dimensions, CancellationToken cancellationToken)
        {
            SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
            AttributeSyntax input = AttributeEditing.Sibling(firstLayer, "Use", "Input",
                SyntaxFactory.ParseAttributeArgumentList("(" + dimensions + ")"));
            return document.WithSyntaxRoot(AttributeEditing.InsertBefore(root, firstLayer, input));
        }
    }
}
