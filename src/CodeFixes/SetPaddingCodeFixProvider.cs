using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TensorForge.CodeFixes
{
    /// <summary>TF1005: sets <c>Padding = p</c> on the convolution or pooling whose window is larger than its padded input, where
    /// one value makes every output size at least 1. The analyzer computes p with the shape rules and attaches it to the
    /// diagnostic: for a stride-1 convolution with an odd square kernel, PyTorch's "same" padding (dilation·(kernel − 1)/2, the
    /// output keeps the input's size); otherwise the smallest padding that fits (for pooling at most half the kernel, as PyTorch
    /// allows). The diagnostic is on the layer's attribute.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SetPaddingCodeFixProvider)), Shared]
    public sealed class SetPaddingCodeFixProvider : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.NoOutput);

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                if (root?.FindNode(diagnostic.Location.SourceSpan) is not AttributeSyntax layer
                    || !diagnostic.Properties.TryGetValue(FixProperties.Padding, out string? text)
                    || !int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int padding))
                    continue;
                Document document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create($"Set Padding = {padding}", _ =>
                        Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(layer, WithPadding(layer, padding)))),
                        DiagnosticIds.NoOutput),
                    diagnostic);
            }
        }

        /// <summary>The attribute with <c>Padding = p</c>: the existing named argument's value replaced, else the argument added
        /// last.</summary>
        private static AttributeSyntax WithPadding(AttributeSyntax layer, int padding)
        {
            ExpressionSyntax value = SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(padding));
            AttributeArgumentListSyntax arguments = layer.ArgumentList ?? SyntaxFactory.AttributeArgumentList();
            AttributeArgumentSyntax? existing = arguments.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Padding");
            if (existing is not null)
                return layer.ReplaceNode(existing.Expression, value.WithTriviaFrom(existing.Expression));

            AttributeArgumentSyntax added = SyntaxFactory.AttributeArgument(
                SyntaxFactory.NameEquals(SyntaxFactory.IdentifierName("Padding"),
                    SyntaxFactory.Token(SyntaxFactory.TriviaList(SyntaxFactory.Space), SyntaxKind.EqualsToken, SyntaxFactory.TriviaList(SyntaxFactory.Space))),
                nameColon: null, value);
            SeparatedSyntaxList<AttributeArgumentSyntax> list = arguments.Arguments.Count == 0
                ? SyntaxFactory.SingletonSeparatedList(added)
                : SyntaxFactory.SeparatedList(arguments.Arguments.Append(added),
                    arguments.Arguments.GetSeparators().Append(SyntaxFactory.Token(SyntaxTriviaList.Empty, SyntaxKind.CommaToken, SyntaxFactory.TriviaList(SyntaxFactory.Space))));
            return layer.WithArgumentList(arguments.WithArguments(list));
        }
    }
}
