using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using TensorForge.Generator;

namespace TensorForge.CodeFixes.Tests;

/// <summary>A code fix test against the analyzer the package ships (<see cref="NetworkAnalyzer"/>): the source before with the
/// expected diagnostics in <c>{|TF0001:…|}</c> markup (so each fix is checked to be offered at its diagnostic's location), the
/// source after, and Fix All (document, project, solution) checked against the same result unless a test says otherwise.
/// Compiled against the .NET 10 reference assemblies (Basic.Reference.Assemblies, offline) and TensorForge.Attributes; the
/// "after" source must have no diagnostic at all, compiler or TensorForge.</summary>
internal sealed class CodeFixTest<TCodeFix> : CSharpCodeFixTest<NetworkAnalyzer, TCodeFix, DefaultVerifier>
    where TCodeFix : CodeFixProvider, new()
{
    public CodeFixTest(string before, string after)
    {
        // No reference-assembly package to download: the references below are all there is.
        ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        TestState.AdditionalReferences.AddRange(Net100.References.All);
        TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location));
        TestCode = before;
        FixedCode = after;
    }

    /// <summary>With <see cref="CodeFixTestBehaviors.FixOne"/>: picks the diagnostic whose fix is applied (default: the first).</summary>
    public Func<ImmutableArray<Diagnostic>, Diagnostic?>? SelectDiagnostic { get; init; }

    protected override Diagnostic? TrySelectDiagnosticToFix(ImmutableArray<Diagnostic> fixableDiagnostics) =>
        SelectDiagnostic is null ? base.TrySelectDiagnosticToFix(fixableDiagnostics) : SelectDiagnostic(fixableDiagnostics);

    public static Task VerifyFix(string before, string after) => new CodeFixTest<TCodeFix>(before, after).RunAsync();

    /// <summary>The diagnostics in <paramref name="source"/>'s markup are reported, and no fix is offered for them.</summary>
    public static Task VerifyNoFix(string source) => new CodeFixTest<TCodeFix>(source, source).RunAsync();
}
