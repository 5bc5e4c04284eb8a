using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TensorForge.CodeFixes
{
    /// <summary>Syntax edits on a network's attribute lists that keep the user's layout: one attribute list per line stays one per
    /// line, lists on one line stay on one line, and an attribute inside a list <c>[A, B]</c> goes into that list.</summary>
    internal static class AttributeEditing
    {
        /// <summary>A TensorForge attribute written the way <paramref name="sibling"/> is: <c>Dense</c> gives <c>Flatten</c>,
        /// <c>TensorForge.DenseAttribute</c> gives <c>TensorForge.FlattenAttribute</c>; an alias gives the global name.</summary>
        public static AttributeSyntax Sibling(AttributeSyntax sibling, string siblingKind, string kind, AttributeArgumentListSyntax? arguments)
        {
            NameSyntax name = sibling.Name;
            SimpleNameSyntax rightmost = name switch
            {
                QualifiedNameSyntax qualified => qualified.Right,
                AliasQualifiedNameSyntax aliased => aliased.Name,
                _ => (SimpleNameSyntax)name,
            };
            string written = rightmost.Identifier.ValueText;
            NameSyntax newName;
            if (written == siblingKind)
                newName = name.ReplaceToken(rightmost.Identifier, SyntaxFactory.Identifier(kind).WithTriviaFrom(rightmost.Identifier));
            else if (written == siblingKind + "Attribute")
                newName = name.ReplaceToken(rightmost.Identifier, SyntaxFactory.Identifier(kind + "Attribute").WithTriviaFrom(rightmost.Identifier));
            else
                newName = SyntaxFactory.ParseName("global::TensorForge." + kind);
            return SyntaxFactory.Attribute(newName.WithoutTrivia(), arguments);
        }

        /// <summary>Inserts <paramref name="attribute"/> just before <paramref name="anchor"/>: as its own attribute list
        /// (on its own line when the anchor's list starts a line) or, when the anchor shares a list, into that list.</summary>
        public static SyntaxNode InsertBefore(SyntaxNode root, AttributeSyntax anchor, AttributeSyntax attribute)
        {
            var list = (AttributeListSyntax)anchor.Parent!;
            if (list.Attributes.Count > 1)
            {
                int index = list.Attributes.IndexOf(anchor);
                var nodes = list.Attributes.ToList();
                var separators = list.Attributes.GetSeparators().ToList();
                nodes.Insert(index, attribute);
                separators.Insert(index, SyntaxFactory.Token(SyntaxTriviaList.Empty, SyntaxKind.CommaToken, SyntaxFactory.TriviaList(SyntaxFactory.Space)));
                return root.ReplaceNode(list, list.WithAttributes(SyntaxFactory.SeparatedList(nodes, separators)));
            }

            // Tokens without elastic trivia: the formatter that runs after a code action would otherwise restyle the line.
            AttributeListSyntax inserted = SyntaxFactory.AttributeList(
                SyntaxFactory.Token(SyntaxTriviaList.Empty, SyntaxKind.OpenBracketToken, SyntaxTriviaList.Empty),
                target: null,
                SyntaxFactory.SingletonSeparatedList(attribute),
                SyntaxFactory.Token(SyntaxTriviaList.Empty, SyntaxKind.CloseBracketToken, SyntaxTriviaList.Empty));
            bool startsLine = StartsLine(list);
            inserted = startsLine
                ? inserted.WithLeadingTrivia(Indentation(list)).WithTrailingTrivia(EndOfLine(list))
                : inserted.WithTrailingTrivia(SyntaxFactory.Space);
            if (list.Parent is not MemberDeclarationSyntax member)
                return root.InsertNodesBefore(list, new[] { inserted });

            SyntaxList<AttributeListSyntax> lists = member.AttributeLists;
            int position = lists.IndexOf(list);
            if (position == 0)
            {
                // The first list carries the declaration's leading trivia (documentation comments): it moves to the new first list.
                inserted = inserted.WithLeadingTrivia(list.GetLeadingTrivia());
                lists = lists.Replace(list, list.WithLeadingTrivia(startsLine ? Indentation(list) : SyntaxTriviaList.Empty));
            }
            return root.ReplaceNode(member, member.WithAttributeLists(lists.Insert(position, inserted)));
        }

        /// <summary>Removes <paramref name="attribute"/>: from its list, or the whole list when it is alone, taking the line with
        /// it when the list has a line of its own. Comments and documentation before a removed first list are kept.</summary>
        public static SyntaxNode Remove(SyntaxNode root, AttributeSyntax attribute)
        {
            var list = (AttributeListSyntax)attribute.Parent!;
            if (list.Attributes.Count > 1)
                return root.ReplaceNode(list, list.WithAttributes(list.Attributes.Remove(attribute)));

            if (list.Parent is MemberDeclarationSyntax member)
            {
                int index = member.AttributeLists.IndexOf(list);
                MemberDeclarationSyntax edited = member.WithAttributeLists(member.AttributeLists.RemoveAt(index));
                // The first list carries the declaration's leading trivia (documentation comments, indentation).
                if (index == 0)
                    edited = edited.WithLeadingTrivia(list.GetLeadingTrivia());
                return root.ReplaceNode(member, edited);
            }
            return root.RemoveNode(list, SyntaxRemoveOptions.KeepNoTrivia)!;
        }

        private static bool StartsLine(AttributeListSyntax list)
        {
            SyntaxToken previous = list.GetFirstToken().GetPreviousToken();
            if (previous.IsKind(SyntaxKind.None))
                return true;
            return previous.TrailingTrivia.Any(SyntaxKind.EndOfLineTrivia)
                || list.GetLeadingTrivia().Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia) || t.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia)
                    || t.IsKind(SyntaxKind.SingleLineCommentTrivia));
        }

        /// <summary>The whitespace between the start of the list's line and the list.</summary>
        private static SyntaxTriviaList Indentation(AttributeListSyntax list)
        {
            SyntaxTriviaList leading = list.GetLeadingTrivia();
            int start = leading.Count;
            while (start > 0 && leading[start - 1].IsKind(SyntaxKind.WhitespaceTrivia))
                start--;
            return SyntaxFactory.TriviaList(leading.Skip(start));
        }

        /// <summary>The line ending the document uses after <paramref name="list"/> (or \n).</summary>
        private static SyntaxTrivia EndOfLine(AttributeListSyntax list)
        {
            foreach (SyntaxTrivia trivia in list.GetLastToken().TrailingTrivia)
            {
                if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
                    return trivia;
            }
            SyntaxToken previous = list.GetFirstToken().GetPreviousToken();
            foreach (SyntaxTrivia trivia in previous.TrailingTrivia)
            {
                if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
                    return trivia;
            }
            return SyntaxFactory.EndOfLine("\n");
        }
    }
}
