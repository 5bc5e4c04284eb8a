using System;
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
    /// <summary>TF1009: replaces an unknown layer name in <c>From = "…"</c>, <c>[Add("…")]</c> or <c>[Concat("…")]</c> by the
    /// nearest name the reference may name (an earlier layer or <c>"input"</c>, which the analyzer attaches to the diagnostic),
    /// by edit distance. The diagnostic is on the string argument.</summary>
    /// <remarks>No fix when no name is near (more than half of the written name would change): that is no typo, and the nearest
    /// name would be a guess that compiles and is wrong.</remarks>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NearestLayerNameCodeFixProvider)), Shared]
    public sealed class NearestLayerNameCodeFixProvider : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.UnknownLayerReference);

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                if (root?.FindNode(diagnostic.Location.SourceSpan) is not { } node
                    || node.DescendantNodesAndSelf().OfType<LiteralExpressionSyntax>().FirstOrDefault(l => l.IsKind(SyntaxKind.StringLiteralExpression)) is not { } literal
                    || !diagnostic.Properties.TryGetValue(FixProperties.Candidates, out string? candidates) || string.IsNullOrEmpty(candidates)
                    || Nearest(literal.Token.ValueText, candidates!.Split('\n')) is not { } name)
                    continue;
                Document document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create($"Use the layer '{name}'", _ =>
                    {
                        LiteralExpressionSyntax replacement = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(name))
                            .WithTriviaFrom(literal);
                        return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(literal, replacement)));
                    }, DiagnosticIds.UnknownLayerReference),
                    diagnostic);
            }
        }

        /// <summary>The candidate nearest to <paramref name="written"/> by edit distance (a changed letter case counts as
        /// an edit), the earliest of equals; null when none is within half the written length (at least 2).</summary>
        internal static string? Nearest(string written, string[] candidates)
        {
            string? best = null;
            int bestDistance = int.MaxValue;
            foreach (string candidate in candidates)
            {
                if (candidate.Length == 0 || candidate == written) continue;
                int distance = Distance(written, candidate);
                if (distance < bestDistance) { best = candidate; bestDistance = distance; }
            }
            return bestDistance <= Math.Max(2, written.Length / 2) ? best : null;
        }

        /// <summary>Levenshtein distance (insert, delete, substitute: one each), two rows.</summary>
        internal static int Distance(string a, string b)
        {
            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (int j = 0; j <= b.Length; j++) previous[j] = j;
            for (int i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (int j = 1; j <= b.Length; j++)
                {
                    int substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                    current[j] = Math.Min(substitute, Math.Min(previous[j] + 1, current[j - 1] + 1));
                }
                (previous, current) = (current, previous);
            }
            return previous[b.Length];
        }
    }
}
