using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TensorForge.CodeFixes
{
    /// <summary>TF1001: inserts <c>[Flatten]</c> just before the <c>[Dense]</c> that receives an image (the diagnostic is on
    /// that attribute), the way PyTorch puts <c>nn.Flatten()</c> before the first <c>nn.Linear</c>; for an image
    /// <c>[C, H, W]</c> it offers <c>[GlobalAvgPool]</c> as a second fix (<c>nn.AdaptiveAvgPool2d(1)</c> + flatten).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InsertFlattenCodeFixProvider)), Shared]
    public sealed class InsertFlattenCodeFixProvider : CodeFixProvider
    {
        /// <summary>The equivalence key of the [GlobalAvgPool] fix (the [Flatten] fix's is the diagnostic id).</summary>
        public const string GlobalAvgPoolKey = DiagnosticIds.DenseNeedsVector + ".GlobalAvgPool";

        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.DenseNeedsVector);

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                if (root?.FindNode(diagnostic.Location.SourceSpan) is not AttributeSyntax dense || dense.Parent is not AttributeListSyntax)
                    continue;
                Document document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create("Add [Flatten] before the Dense layer", _ =>
                    {
                        AttributeSyntax flatten = AttributeEditing.Sibling(dense, "Dense", "Flatten", arguments: null);
                        return Task.FromResult(document.WithSyntaxRoot(AttributeEditing.InsertBefore(root, dense, flatten)));
                    }, DiagnosticIds.DenseNeedsVector),
                    diagnostic);
                // An image [C, H, W]: a classifier head usually pools it first (ResNet's nn.AdaptiveAvgPool2d(1) + flatten),
                // which keeps C features instead of C·H·W and makes the head independent of the image size.
                if (diagnostic.Properties.TryGetValue(FixProperties.InputRank, out string? rank) && rank == "3")
                {
                    context.RegisterCodeFix(
                        CodeAction.Create("Add [GlobalAvgPool] before the Dense layer", _ =>
                        {
                            AttributeSyntax pool = AttributeEditing.Sibling(dense, "Dense", "GlobalAvgPool", arguments: null);
                            return Task.FromResult(document.WithSyntaxRoot(AttributeEditing.InsertBefore(root, dense, pool)));
                        }, GlobalAvgPoolKey),
                        diagnostic);
                }
            }
        }
    }
}
