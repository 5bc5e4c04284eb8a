using System.Collections.Immutable;

namespace TensorForge.Generator.Tests.Fuzzing;

/// <summary>The fuzzer's oracle works: it counts valid and invalid declarations, and it fails a declaration on a compiler
/// warning, on a valid network that does not run, and a split declaration's diagnostics land on it and nowhere else.</summary>
public class FuzzRunnerTests
{
    private static FuzzDeclaration Declaration(params string[] attributes) => new FuzzDeclaration(
        NamespaceStyle.FileScoped, new Identifier("Fuzz", "Fuzz"), ImmutableArray<FuzzContainer>.Empty, "public", "class",
        new Identifier("Net", "Net"), ImmutableArray<string>.Empty, "", IsPartial: true, "",
        attributes.Select(a => new FuzzAttribute(a, Elements: 16)).ToImmutableArray(), SplitStyle.None, 0);

    [Fact]
    public void ValidAndInvalidDeclarationsInOneBatchAreCountedApart()
    {
        var runner = new FuzzRunner();
        runner.Run(new[]
        {
            new FuzzCase(0, "a", Declaration("Input(4)", "Dense(2, Activation = Activation.Tanh)")),
            new FuzzCase(1, "b", Declaration("Input(0)", "Dense(2)")),
            new FuzzCase(2, "c", Declaration("Input(3)", "Softmax") with { Split = SplitStyle.TwoFiles, SplitAt = 0 }), // [Network] apart from the layers
            new FuzzCase(3, "d", Declaration("Input(3)", "ReLU", "Dense(2)") with { Split = SplitStyle.TwoFiles, SplitAt = 2 }), // layers on two parts: TF0005
        });
        Assert.Empty(runner.Failures);
        Assert.Equal(2, runner.Valid);
        Assert.Equal(2, runner.Invalid);
    }

    [Fact]
    public void ACompilerWarningInTheUserCodeFailsOnlyItsDeclaration()
    {
        var runner = new FuzzRunner();
        runner.Run(new[]
        {
            new FuzzCase(0, "a", Declaration("Input(4)", "Dense(2)")),
            new FuzzCase(1, "b", Declaration("Input(null)", "Dense(2)")), // CS8625 in a nullable context
        });
        FuzzFailure failure = Assert.Single(runner.Failures);
        Assert.Equal(1, failure.Case.Id);
        Assert.Contains("CS8625", failure.Problem);
        Assert.Equal(1, runner.Valid);
    }

    [Fact]
    public void ACompilerErrorFallsBackToCheckingEachDeclarationAlone()
    {
        var runner = new FuzzRunner();
        runner.Run(new[]
        {
            new FuzzCase(0, "a", Declaration("Input(4)", "Dense(2)")),
            new FuzzCase(1, "b", Declaration("Input(4)", "Dense(\"two\")")), // CS1503 blocks the emit of the whole batch
        });
        FuzzFailure failure = Assert.Single(runner.Failures);
        Assert.Equal(1, failure.Case.Id);
        Assert.Equal(1, runner.Valid); // declaration 0 still ran, alone
    }
}
