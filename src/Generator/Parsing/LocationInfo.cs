using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace TensorForge.Generator.Parsing
{
    /// <summary>A source location as plain data (a <see cref="Location"/> would pin a syntax tree in the incremental cache).</summary>
    internal sealed record LocationInfo(string FilePath, int Start, int Length, int StartLine, int StartCharacter, int EndLine, int EndCharacter)
    {
        public static LocationInfo? From(Location? location)
        {
            if (location is null || location.SourceTree is null) return null;
            FileLinePositionSpan lines = location.GetLineSpan();
            return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan.Start, location.SourceSpan.Length,
                lines.StartLinePosition.Line, lines.StartLinePosition.Character, lines.EndLinePosition.Line, lines.EndLinePosition.Character);
        }

        /// <summary>A source location in <paramref name="compilation"/>'s tree of the same path when there is one (so that
        /// #pragma warning disable and [SuppressMessage] apply and the IDE can squiggle it), else an external file location.</summary>
        public Location ToLocation(Compilation? compilation = null)
        {
            if (compilation is not null)
            {
                foreach (SyntaxTree tree in compilation.SyntaxTrees)
                {
                    if (tree.FilePath == FilePath && Start + Length <= tree.Length) return Location.Create(tree, new TextSpan(Start, Length));
                }
            }
            return Location.Create(FilePath, new TextSpan(Start, Length),
                new LinePositionSpan(new LinePosition(StartLine, StartCharacter), new LinePosition(EndLine, EndCharacter)));
        }
    }
}
