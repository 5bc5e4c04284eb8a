using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TensorForge.CodeFixes
{
    /// <summary>TF1003: removes the <c>[Softmax]</c> before <c>Loss.SoftmaxCrossEntropy</c>, which takes logits and applies
    /// softmax itself (PyTorch's <c>CrossEntropyLoss</c> after <c>nn.Softmax</c> has the same mistake). The diagnostic is on that
    /// attribute. Inference that needs probabilities applies softmax to <c>Forward</c>'s output.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveSoftmaxCodeFixProvider)), Shared]
    public sealed class RemoveSoftmaxCodeFixProvider : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.SoftmaxBeforeCrossEntropy);

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                if (root?.FindNode(diagnostic.Location.SourceSpan) is not AttributeSyntax softmax || softmax.Parent is not AttributeListSyntax)
                    continue;
                Document document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create("Remove [Softmax]: the loss applies softmax itself",
                        _ => Task.FromResult(document.WithSyntaxRoot(AttributeEditing.Remove(root, softmax))),
                        DiagnosticIds.SoftmaxBeforeCrossEntropy),
                    diagnostic);
            }
        }
    }
}
