using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
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
    /// <summary>TF0001: adds <c>partial</c> to the network class and to every type containing it that lacks it (the generator
    /// adds members to all of them). The diagnostic is on the name of the type that is not partial.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddPartialCodeFixProvider)), Shared]
    public sealed class AddPartialCodeFixProvider : CodeFixProvider
    {
        private const string EquivalenceKey = DiagnosticIds.NotPartial;

        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.NotPartial);

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => new FixAll();

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                if (root is null || TypeAt(root, diagnostic) is not { } type)
                    continue;
                Document document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create($"Make '{type.Identifier.ValueText}' partial", ct => Fix(document, new[] { type }, ct), EquivalenceKey),
                    diagnostic);
            }
        }

        private static TypeDeclarationSyntax? TypeAt(SyntaxNode root, Diagnostic diagnostic)
        {
            SyntaxToken token = root.FindToken(diagnostic.Location.SourceSpan.Start);
            return token.Parent is TypeDeclarationSyntax type && type.Identifier == token ? type : null;
        }

        /// <summary>Makes the types and the types containing them partial, in one rewrite.</summary>
        private static async Task<Document> Fix(Document document, IEnumerable<TypeDeclarationSyntax> types, CancellationToken cancellationToken)
        {
            SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
            var targets = new HashSet<TypeDeclarationSyntax>();
            foreach (TypeDeclarationSyntax type in types)
            {
                foreach (TypeDeclarationSyntax outer in type.AncestorsAndSelf().OfType<TypeDeclarationSyntax>())
                {
                    if (!outer.Modifiers.Any(SyntaxKind.PartialKeyword))
                        targets.Add(outer);
                }
            }
            return document.WithSyntaxRoot(root.ReplaceNodes(targets, (_, rewritten) => AddPartial(rewritten)));
        }

        /// <summary><c>partial</c> goes last among the modifiers, just before <c>class</c>/<c>record</c>, as C# requires.</summary>
        private static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax type)
        {
            if (type.Modifiers.Count == 0)
            {
                SyntaxToken keyword = type.Keyword;
                SyntaxToken partial = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
                return type.WithKeyword(keyword.WithLeadingTrivia(SyntaxTriviaList.Empty)).WithModifiers(SyntaxFactory.TokenList(partial));
            }
            return type.WithModifiers(type.Modifiers.Add(SyntaxFactory.Token(SyntaxTriviaList.Empty, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space))));
        }

        /// <summary>Every TF0001 of a document in one rewrite, so that a containing type shared by several diagnostics gets
        /// one <c>partial</c>.</summary>
        private sealed class FixAll : DocumentBasedFixAllProvider
        {
            protected override string GetFixAllTitle(FixAllContext fixAllContext) => "Make every network class and its containing types partial";

            protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
            {
                SyntaxNode? root = await document.GetSyntaxRootAsync(fixAllContext.CancellationToken).ConfigureAwait(false);
                if (root is null)
                    return document;
                var types = diagnostics.Select(d => TypeAt(root, d)).Where(t => t is not null).Select(t => t!).ToList();
                return types.Count == 0 ? document : await Fix(document, types, fixAllContext.CancellationToken).ConfigureAwait(false);
            }
        }
    }
}
