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
    /// <summary>TF1007: projects the shortcut of an <c>[Add("name")]</c> whose two inputs differ in shape, as ResNet's projection
    /// shortcut does. Before the Add it inserts <c>[Conv2D(C, 1, Stride = s, From = "name", Name = "proj")]</c> (for images) or
    /// <c>[Dense(F, From = "name", Name = "proj")]</c> (for vectors, and sequences of equal length), and makes the Add name the
    /// layer it used to follow, so that it sums the main branch and the projected shortcut. The analyzer computes the projection
    /// (kind, width, the stride that maps the shortcut's height and width onto the main branch's) with the shape rules; no fix is
    /// offered when none exists, when the Add has a <c>From</c> (its previous layer is then not the main branch) or when the
    /// diagnostic is on a block's use.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ProjectShortcutCodeFixProvider)), Shared]
    public sealed class ProjectShortcutCodeFixProvider : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.AddShapeMismatch);

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => new FixAll();

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                if (root is null || Read(root, diagnostic) is not { } site)
                    continue;
                string title = site.Kind == "Conv2D"
                    ? $"Project the shortcut with a 1×1 Conv2D({site.Width}{(site.Stride == 1 ? "" : $", Stride = {site.Stride}")})"
                    : $"Project the shortcut with a Dense({site.Width})";
                context.RegisterCodeFix(CodeAction.Create(title, c => Fix(context.Document, new[] { diagnostic }, c), DiagnosticIds.AddShapeMismatch), diagnostic);
            }
        }

        /// <summary>An Add the fix applies to, and the projection the analyzer computed for it.</summary>
        private sealed class Site
        {
            public Site(AttributeSyntax add, AttributeArgumentSyntax other, TypeDeclarationSyntax network, string kind, int width, int stride, string main)
            {
                Add = add; Other = other; Network = network; Kind = kind; Width = width; Stride = stride; Main = main;
            }

            public AttributeSyntax Add { get; }
            /// <summary>The Add's name argument: the shortcut.</summary>
            public AttributeArgumentSyntax Other { get; }
            public TypeDeclarationSyntax Network { get; }
            /// <summary>"Conv2D" or "Dense".</summary>
            public string Kind { get; }
            public int Width { get; }
            public int Stride { get; }
            /// <summary>The name of the Add's previous layer.</summary>
            public string Main { get; }
        }

        private static Site? Read(SyntaxNode root, Diagnostic diagnostic)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan) is not AttributeSyntax add
                || add.Parent is not AttributeListSyntax { Parent: TypeDeclarationSyntax network }
                || KindOf(add) != "Add"
                || add.ArgumentList is not { } arguments
                || arguments.Arguments.Any(a => a.NameEquals?.Name.Identifier.ValueText == "From")
                || arguments.Arguments.FirstOrDefault(a => a.NameEquals is null && a.NameColon is null) is not { } other
                || !diagnostic.Properties.TryGetValue(FixProperties.Projection, out string? kind) || kind is not ("Conv2D" or "Dense")
                || !TryGetInt(diagnostic, FixProperties.ProjectionWidth, out int width)
                || !TryGetInt(diagnostic, FixProperties.ProjectionStride, out int stride)
                || !diagnostic.Properties.TryGetValue(FixProperties.MainBranch, out string? main) || string.IsNullOrEmpty(main))
                return null;
            return new Site(add, other, network, kind!, width, stride, main!);
        }

        /// <summary>Projects the shortcut of every diagnostic's Add, each projection with its own free name: names are chosen in
        /// declaration order, edits are made from the last Add back, so that the spans of the earlier ones still hold.</summary>
        private static async Task<Document> Fix(Document document, IEnumerable<Diagnostic> diagnostics, CancellationToken cancellation)
        {
            SyntaxNode root = (await document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false))!;
            SemanticModel? model = await document.GetSemanticModelAsync(cancellation).ConfigureAwait(false);
            var taken = new Dictionary<TypeDeclarationSyntax, HashSet<string>>();
            var planned = new List<(Diagnostic Diagnostic, string Name)>();
            foreach (Diagnostic diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                if (Read(root, diagnostic) is not { } site)
                    continue;
                if (!taken.TryGetValue(site.Network, out HashSet<string>? names))
                    taken.Add(site.Network, names = NamesOf(site.Network, model, cancellation));
                string name = "proj";
                for (int suffix = 2; names.Contains(name); suffix++)
                    name = "proj" + suffix.ToString(CultureInfo.InvariantCulture);
                names.Add(name);
                planned.Add((diagnostic, name));
            }
            for (int i = planned.Count - 1; i >= 0; i--)
            {
                if (Read(root, planned[i].Diagnostic) is { } site)
                    root = Project(root, site, planned[i].Name);
            }
            return document.WithSyntaxRoot(root);
        }

        /// <summary>Inserts the projection before the Add and makes the Add name the main branch.</summary>
        private static SyntaxNode Project(SyntaxNode root, Site site, string name)
        {
            var arguments = new List<AttributeArgumentSyntax> { Positional(Number(site.Width)) };
            if (site.Kind == "Conv2D")
            {
                arguments.Add(Positional(Number(1)));
                if (site.Stride != 1)
                    arguments.Add(Named("Stride", Number(site.Stride)));
            }
            arguments.Add(Named("From", site.Other.Expression.WithoutTrivia()));
            arguments.Add(Named("Name", Text(name)));
            AttributeSyntax projection = AttributeEditing.Sibling(site.Add, "Add", site.Kind, SyntaxFactory.AttributeArgumentList(
                SyntaxFactory.SeparatedList(arguments, Enumerable.Repeat(Comma(), arguments.Count - 1))));

            var annotation = new SyntaxAnnotation();
            AttributeSyntax retargeted = site.Add.ReplaceNode(site.Other.Expression, Text(site.Main).WithTriviaFrom(site.Other.Expression))
                .WithAdditionalAnnotations(annotation);
            root = root.ReplaceNode(site.Add, retargeted);
            return AttributeEditing.InsertBefore(root, (AttributeSyntax)root.GetAnnotatedNodes(annotation).Single(), projection);
        }

        /// <summary>The layer names written on the network (<c>Name = …</c>, constants included).</summary>
        private static HashSet<string> NamesOf(TypeDeclarationSyntax network, SemanticModel? model, CancellationToken cancellation)
        {
            var names = new HashSet<string>(System.StringComparer.Ordinal);
            foreach (AttributeArgumentSyntax argument in network.AttributeLists.SelectMany(l => l.Attributes)
                         .SelectMany(a => a.ArgumentList?.Arguments ?? default)
                         .Where(a => a.NameEquals?.Name.Identifier.ValueText == "Name"))
            {
                if (model?.GetConstantValue(argument.Expression, cancellation) is { HasValue: true, Value: string value })
                    names.Add(value);
            }
            return names;
        }

        /// <summary>Every TF1007 of a document in one rewrite, so that two projections do not both take "proj".</summary>
        private sealed class FixAll : DocumentBasedFixAllProvider
        {
            protected override string GetFixAllTitle(FixAllContext fixAllContext) => "Project the shortcut of every Add of different shapes";

            protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
                => await Fix(document, diagnostics, fixAllContext.CancellationToken).ConfigureAwait(false);
        }

        /// <summary>"Add" for <c>Add</c>, <c>AddAttribute</c>, <c>TensorForge.Add</c>…</summary>
        private static string KindOf(AttributeSyntax attribute)
        {
            string written = attribute.Name switch
            {
                QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
                AliasQualifiedNameSyntax aliased => aliased.Name.Identifier.ValueText,
                SimpleNameSyntax simple => simple.Identifier.ValueText,
                _ => "",
            };
            return written.EndsWith("Attribute", System.StringComparison.Ordinal) ? written.Substring(0, written.Length - "Attribute".Length) : written;
        }

        private static bool TryGetInt(Diagnostic diagnostic, string key, out int value)
        {
            value = 0;
            return diagnostic.Properties.TryGetValue(key, out string? text)
                && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;
        }

        private static AttributeArgumentSyntax Positional(ExpressionSyntax value) => SyntaxFactory.AttributeArgument(value);

        private static AttributeArgumentSyntax Named(string name, ExpressionSyntax value) => SyntaxFactory.AttributeArgument(
            SyntaxFactory.NameEquals(SyntaxFactory.IdentifierName(name),
                SyntaxFactory.Token(SyntaxFactory.TriviaList(SyntaxFactory.Space), SyntaxKind.EqualsToken, SyntaxFactory.TriviaList(SyntaxFactory.Space))),
            nameColon: null, value);

        private static SyntaxToken Comma() =>
            SyntaxFactory.Token(SyntaxTriviaList.Empty, SyntaxKind.CommaToken, SyntaxFactory.TriviaList(SyntaxFactory.Space));

        private static ExpressionSyntax Number(int value) =>
            SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(value));

        private static ExpressionSyntax Text(string value) =>
            SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(value));
    }
}
