using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace TensorForge.Generator.Tests.Infrastructure;

/// <summary>A user's compilation as the compiler sees it in a real project: .NET 10 reference assemblies, the TensorForge
/// attributes and runtime, nullable on, XML documentation diagnosed (so broken crefs in generated docs show up).</summary>
internal static class TestCompilation
{
    public static readonly CSharpParseOptions ParseOptions =
        new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Diagnose);

    public static readonly ImmutableArray<MetadataReference> References = Net100.References.All
        .Cast<MetadataReference>()
        .Append(MetadataReference.CreateFromFile(typeof(TensorForge.NetworkAttribute).Assembly.Location))
        .Append(MetadataReference.CreateFromFile(typeof(TensorForge.INetwork).Assembly.Location))
        .ToImmutableArray();

    private static readonly CSharpCompilationOptions Options = new CSharpCompilationOptions(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        // CS1591 (missing XML comment) is about the user's own members, not ours.
        specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic> { ["CS1591"] = ReportDiagnostic.Suppress });

    /// <summary>One syntax tree per source, named Source0.cs, Source1.cs, …</summary>
    public static CSharpCompilation Create(params string[] sources)
        => CSharpCompilation.Create(
            "UserAssembly",
            sources.Select((source, i) => Parse(source, $"Source{i}.cs")),
            References,
            Options);

    public static SyntaxTree Parse(string source, string path)
        => CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    /// <summary>Diagnostics of warning severity or worse, one per line, for assertion messages.</summary>
    public static string Describe(IEnumerable<Diagnostic> diagnostics)
        => string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString()));
}
