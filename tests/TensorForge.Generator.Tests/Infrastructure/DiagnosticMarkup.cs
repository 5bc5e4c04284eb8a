using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace TensorForge.Generator.Tests.Infrastructure;

/// <summary>An expected diagnostic: id and span in the markup-free source.</summary>
internal sealed record ExpectedDiagnostic(string Id, TextSpan Span);

/// <summary>Parses <c>{|TF1001:text|}</c> markup (nesting allowed): the source without markup, and one expected diagnostic
/// per marked span.</summary>
internal static class DiagnosticMarkup
{
    public static (string Source, IReadOnlyList<ExpectedDiagnostic> Expected) Parse(string markup)
    {
        var source = new StringBuilder(markup.Length);
        var open = new Stack<(string Id, int Start)>();
        var expected = new List<ExpectedDiagnostic>();
        for (int i = 0; i < markup.Length; i++)
        {
            if (markup[i] == '{' && i + 1 < markup.Length && markup[i + 1] == '|')
            {
                int colon = markup.IndexOf(':', i + 2);
                if (colon < 0) throw new FormatException($"Markup '{{|' at {i} has no ':' after its id.");
                open.Push((markup.Substring(i + 2, colon - i - 2), source.Length));
                i = colon;
            }
            else if (markup[i] == '|' && i + 1 < markup.Length && markup[i + 1] == '}' && open.Count > 0)
            {
                (string id, int start) = open.Pop();
                expected.Add(new ExpectedDiagnostic(id, TextSpan.FromBounds(start, source.Length)));
                i++;
            }
            else
            {
                source.Append(markup[i]);
            }
        }
        if (open.Count > 0) throw new FormatException($"Markup '{{|{open.Peek().Id}:' is never closed.");
        return (source.ToString(), expected);
    }

    /// <summary>Runs generator and analyzer on the markup's source (one file) and asserts that the TF diagnostics are exactly the
    /// marked ones (id and span, no others), and that the compilation has no CS error or warning. Returns the TF diagnostics.</summary>
    public static IReadOnlyList<Diagnostic> Verify(string markup)
    {
        (string source, IReadOnlyList<ExpectedDiagnostic> expected) = Parse(markup);
        GeneratorResult result = GeneratorHarness.Run(source);
        Diagnostic[] all = result.AllDiagnostics.ToArray();
        Diagnostic[] compiler = all.Where(d => !d.Id.StartsWith("TF", StringComparison.Ordinal) && d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(compiler.Length == 0, "Unexpected compiler diagnostics:" + Environment.NewLine + TestCompilation.Describe(compiler));

        Diagnostic[] actual = all.Where(d => d.Id.StartsWith("TF", StringComparison.Ordinal)).ToArray();
        foreach (Diagnostic diagnostic in actual)
        {
            Assert.True(diagnostic.Location.IsInSource, $"{diagnostic} has no source location");
            Assert.Equal("Source0.cs", diagnostic.Location.SourceTree!.FilePath);
        }
        string Show(string id, TextSpan span) => $"{id} {span} '{source.Substring(span.Start, span.Length)}'";
        string[] expectedText = expected.Select(e => Show(e.Id, e.Span)).OrderBy(s => s, StringComparer.Ordinal).ToArray();
        string[] actualText = actual.Select(d => Show(d.Id, d.Location.SourceSpan)).OrderBy(s => s, StringComparer.Ordinal).ToArray();
        Assert.True(expectedText.SequenceEqual(actualText),
            "Expected:" + Environment.NewLine + string.Join(Environment.NewLine, expectedText) + Environment.NewLine +
            "Actual:" + Environment.NewLine + string.Join(Environment.NewLine, actual.Select(d => Show(d.Id, d.Location.SourceSpan) + " " + d.GetMessage())));
        return actual;
    }
}
