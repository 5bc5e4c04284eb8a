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
    public void ADeclarationOnWhichTheShapeModelAndTheGeneratorDisagreeFails()
    {
        var runner = new FuzzRunner();
        runner.Run(new[]
        {
            new FuzzCase(0, "a", Declaration("Input(4)", "Dense(2)") with { Prediction = new FuzzPrediction(true, null, 4, 2, 10, "[2]") }),
            new FuzzCase(1, "b", Declaration("Input(4)", "Dense(2)") with { Prediction = new FuzzPrediction(true, null, 4, 3, 15, "[3]") }),
            new FuzzCase(2, "c", Declaration("Input(4)", "Dense(2)") with { Prediction = new FuzzPrediction(false, "a made-up rule", 4, 2, 10, "[2]") }),
            new FuzzCase(3, "d", Declaration("Input(0)", "Dense(2)") with { Prediction = new FuzzPrediction(true, null, 0, 2, 2, "[2]") }),
        });
        Assert.Equal(new[] { 1, 2, 3 }, runner.Failures.Select(f => f.Case.Id).OrderBy(i => i));
        Assert.Contains("the generated network has 4, 2 and 10", runner.Failures.Single(f => f.Case.Id == 1).Problem);
        Assert.Contains("expected a TF error (a made-up rule)", runner.Failures.Single(f => f.Case.Id == 2).Problem);
        Assert.Contains("expected a valid network", runner.Failures.Single(f => f.Case.Id == 3).Problem);
        Assert.Equal(1, runner.PredictedValid);
    }

    /// <summary>BatchNorm1d cannot train on one sample; the runner checks that ForwardTrain says so and trains on two. The seeds
    /// give batches of 1, 2 and 3.</summary>
    [Fact]
    public void ABatchNormOverOneValuePerChannelTrainsOnTwoSamplesOrMore()
    {
        var runner = new FuzzRunner();
        runner.Run(Enumerable.Range(0, 6).Select(i => new FuzzCase(i, "seed" + i,
            Declaration() with
            {
                NetworkArguments = "Loss = Loss.MeanSquaredError",
                Attributes = (i % 2 == 0
                    ? new[] { "Input(3)", "BatchNorm(Momentum = 1f)", "Dense(2)", "Sgd" }
                    : new[] { "Input(3, 1, 1)", "BatchNorm(Momentum = 1f)", "Conv2D(2, 1)", "Sgd" })
                    .Select(a => new FuzzAttribute(a)).ToImmutableArray(),
            })).ToArray());
        Assert.Empty(runner.Failures);
        Assert.Equal(6, runner.Valid);
    }

    /// <summary>Smooth graphs (fan-out, Add, Concat, From, a batch norm in training mode, a dead-end branch) get their Backward checked by differences.</summary>
    [Fact]
    public void ASmoothGraphsGradientsAreCheckedByDifferences()
    {
        var runner = new FuzzRunner();
        runner.Run(new[]
        {
            new FuzzCase(0, "a", Declaration("Input(2, 4, 4)", "Conv2D(3, 3, Padding = 1, Activation = Activation.Tanh, Name = \"c\")", "BatchNorm(Activation = Activation.Gelu)",
                "Add(\"c\")", "Concat(\"input\")", "AvgPool2D(2)", "Conv2D(3, 1, From = \"c\")", "Add(\"c\")", "GlobalAvgPool", "Dense(3)", "Sgd")),
            new FuzzCase(1, "b", Declaration("Input(5)", "Dense(4, Activation = Activation.Sigmoid, Name = \"h\")", "Dense(4, From = \"input\")", "Concat(\"h\")", "Sgd")),
        });
        Assert.Empty(runner.Failures);
        Assert.Equal(2, runner.GradientChecked);
    }

    [Fact]
    public void TheCostOfANetworkIsReadFromItsSummary()
    {
        const string summary = "Layer  Kind  Output  Parameters  MACs\n"
            + "input  Input  [2, 4, 4]  0  0\n"
            + "c1     Conv2D 3×3 /2 ← input  [3, 2, 2]  57  648\n"
            + "pool   MaxPool2D 2×2 pad 1  [3, 2, 2]  0  0\n"
            + "bn     BatchNorm2d, ReLU  [3, 1, 1]  6  3\n"
            + "fc     Dense  [1000]  4,000  3,000\n"
            + "Total parameters: 4,063\n";
        SummaryCost cost = SummaryCost.Parse(summary);
        Assert.Equal(32 + 12 + 12 + 3 + 1000, cost.Activations);
        Assert.Equal(32 + (648 + 12) + 12 * 4 + (3 + 3) + (3000 + 1000), cost.Work);
        Assert.Equal(2, cost.MinimumTrainingBatch);
        Assert.False(cost.Smooth); // ReLU and max pooling have kinks
        Assert.True(SummaryCost.Parse("input  Input  [4]  0  0\nfc  Dense, Tanh  [2]  10  8\n").Smooth);
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
