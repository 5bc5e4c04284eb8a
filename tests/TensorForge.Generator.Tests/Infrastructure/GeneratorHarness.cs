using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TensorForge.Generator.Tests.Infrastructure;

/// <summary>Runs <see cref="NetworkGenerator"/> (and <see cref="NetworkAnalyzer"/>) the way the compiler does.</summary>
internal static class GeneratorHarness
{
    public static GeneratorDriver CreateDriver()
        => CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            parseOptions: TestCompilation.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorResult Run(params string[] sources) => Run(TestCompilation.Create(sources));

    public static GeneratorResult Run(Compilation input)
    {
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        return new GeneratorResult(driver, input, output, generatorDiagnostics);
    }

    /// <summary>The analyzer's diagnostics on a compilation (run it on the generator's output, as a build does).</summary>
    public static ImmutableArray<Diagnostic> AnalyzerDiagnostics(Compilation compilation)
        => compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkAnalyzer()))
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
}

internal sealed class GeneratorResult
{
    public GeneratorResult(GeneratorDriver driver, Compilation input, Compilation output, ImmutableArray<Diagnostic> generatorDiagnostics)
    {
        Driver = driver; Input = input; Output = output; GeneratorDiagnostics = generatorDiagnostics;
    }

    public GeneratorDriver Driver { get; }
    public Compilation Input { get; }
    public Compilation Output { get; }
    public ImmutableArray<Diagnostic> GeneratorDiagnostics { get; }

    public GeneratorRunResult RunResult => Driver.GetRunResult().Results.Single();

    public ImmutableArray<GeneratedSourceResult> GeneratedSources => RunResult.GeneratedSources;

    /// <summary>The text of the single generated file.</summary>
    public string SingleSource => Assert.Single(GeneratedSources).SourceText.ToString();

    /// <summary>Compiler diagnostics of the whole compilation (user code and generated code) plus the analyzer's.</summary>
    public ImmutableArray<Diagnostic> AllDiagnostics
        => GeneratorDiagnostics.AddRange(Output.GetDiagnostics()).AddRange(GeneratorHarness.AnalyzerDiagnostics(Output));

    /// <summary>Fails unless the whole compilation has no error and no warning (CS or TF).</summary>
    public void AssertCleanCompilation()
    {
        Diagnostic[] problems = AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(problems.Length == 0, "Expected a clean compilation, got:" + Environment.NewLine + TestCompilation.Describe(problems));
    }
}
