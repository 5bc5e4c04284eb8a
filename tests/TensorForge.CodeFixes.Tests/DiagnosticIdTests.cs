using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using TensorForge.Generator;

namespace TensorForge.CodeFixes.Tests;

/// <summary>The code fixes copy the diagnostic ids rather than reference the generator; a renumbered diagnostic must fail here.</summary>
public class DiagnosticIdTests
{
    public static TheoryData<CodeFixProvider, string, string> Fixes => new()
    {
        { new AddPartialCodeFixProvider(), DiagnosticIds.NotPartial, "Network class must be partial" },
        { new AddInputCodeFixProvider(), DiagnosticIds.MissingInput, "Network has no [Input]" },
        { new InsertFlattenCodeFixProvider(), DiagnosticIds.DenseNeedsVector, "Dense needs a vector input" },
        { new RemoveSoftmaxCodeFixProvider(), DiagnosticIds.SoftmaxBeforeCrossEntropy, "Softmax before SoftmaxCrossEntropy" },
        { new SetPaddingCodeFixProvider(), DiagnosticIds.NoOutput, "Kernel larger than the padded input" },
        { new ProjectShortcutCodeFixProvider(), DiagnosticIds.AddShapeMismatch, "Add of different shapes" },
        { new NearestLayerNameCodeFixProvider(), DiagnosticIds.UnknownLayerReference, "Unknown layer reference" },
    };

    [Theory]
    [MemberData(nameof(Fixes))]
    public void Each_fix_names_the_analyzer_diagnostic_it_fixes(CodeFixProvider fix, string id, string title)
    {
        Assert.Equal(id, Assert.Single(fix.FixableDiagnosticIds));
        ImmutableArray<DiagnosticDescriptor> catalogue = new NetworkAnalyzer().SupportedDiagnostics;
        DiagnosticDescriptor descriptor = Assert.Single(catalogue, d => d.Id == id);
        Assert.Equal(title, descriptor.Title.ToString());
    }
}
