using Microsoft.CodeAnalysis;
using TensorForge.Generator.Tests.Infrastructure;

namespace TensorForge.Generator.Tests;

/// <summary>The pipeline's steps (<see cref="TrackingNames"/>) are cached across edits that do not change the network, and
/// re-run when they do.</summary>
public class IncrementalTests
{
    /// <summary>Every step of <see cref="TrackingNames"/> (a test below checks that none is left out).</summary>
    private static readonly string[] TrackedSteps =
        { TrackingNames.Declarations, TrackingNames.Blocks, TrackingNames.Plans, TrackingNames.EmitPlans };

    private const string SourceOutput = WellKnownGeneratorOutputs.SourceOutput;

    private const string Unrelated = """
        namespace Other;

        public class Helper
        {
            public int Value => 1;
        }
        """;

    [Fact]
    public void AddingAnUnrelatedFileKeepsEveryStepCached()
    {
        (GeneratorDriver driver, Compilation compilation) = FirstRun(Sources.MnistMlp);

        GeneratorRunResult second = Rerun(driver, compilation.AddSyntaxTrees(TestCompilation.Parse(Unrelated, "Unrelated.cs")));

        AssertAllCachedOrUnchanged(second);
    }

    [Fact]
    public void EditingAnUnrelatedFileKeepsEveryStepCached()
    {
        (GeneratorDriver driver, Compilation compilation) = FirstRun(Sources.MnistMlp, Unrelated);

        SyntaxTree old = compilation.SyntaxTrees.Single(t => t.FilePath == "Source1.cs");
        Compilation edited = compilation.ReplaceSyntaxTree(old, TestCompilation.Parse(Unrelated.Replace("=> 1", "=> 2 + 40"), "Source1.cs"));
        GeneratorRunResult second = Rerun(driver, edited);

        AssertAllCachedOrUnchanged(second);
    }

    [Fact]
    public void TheTestsCheckEveryTrackingName()
    {
        string[] names = typeof(TrackingNames).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        // The [Weights] steps run only for networks with that attribute; WeightsTests checks their caching.
        string[] weightsSteps = { TrackingNames.WeightsDeclarations, TrackingNames.WeightsExpectations, TrackingNames.WeightsFiles, TrackingNames.WeightsChecks };
        // The ONNX step runs only when the compilation references TensorForge.Onnx; OnnxExportTests checks its caching.
        string[] onnxSteps = { TrackingNames.OnnxReferenced };
        Assert.Equal(names, TrackedSteps.Concat(weightsSteps).Concat(onnxSteps).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void AddingAMethodAfterTheNetworkInItsFileKeepsEveryStepCached()
    {
        // The user types in the network's own file, below the network: the attributes do not move.
        string withHelper = Sources.MnistMlp + "\n\npublic static class Helpers\n{\n}\n";
        (GeneratorDriver driver, Compilation compilation) = FirstRun(withHelper);

        GeneratorRunResult second = Rerun(driver, Edit(compilation,
            withHelper.Replace("public static class Helpers\n{\n}", "public static class Helpers\n{\n    public static int Twice(int x) => 2 * x;\n}")));

        AssertAllCachedOrUnchanged(second);
    }

    [Fact]
    public void AddingAClassAboveTheNetworkInItsFileKeepsEveryStepCached()
    {
        // Text inserted above the network moves its attributes: the declaration is parsed again, but the generator's carries no
        // locations, so it compares equal and every step after it is cached.
        (GeneratorDriver driver, Compilation compilation) = FirstRun(Sources.MnistMlp);

        string edited = Sources.MnistMlp.Replace("/// <summary>The MNIST MLP",
            "internal sealed class Unrelated\n{\n    public int Count { get; set; }\n}\n\n/// <summary>The MNIST MLP");
        GeneratorRunResult second = Rerun(driver, Edit(compilation, edited));

        AssertAllCachedOrUnchanged(second);
    }

    [Fact]
    public void AddingAMethodToTheNetworkClassKeepsEveryStepCached()
    {
        // A member written in the network class's own body (after the attributes) changes nothing the generator reads.
        string open = Sources.MnistMlp.Replace("public partial class MnistMlp;", "public partial class MnistMlp\n{\n}");
        (GeneratorDriver driver, Compilation compilation) = FirstRun(open);

        GeneratorRunResult second = Rerun(driver, Edit(compilation,
            open.Replace("public partial class MnistMlp\n{\n}", "public partial class MnistMlp\n{\n    public float Score() => 0f;\n}")));

        AssertAllCachedOrUnchanged(second);
    }

    [Fact]
    public void EditingALayerRegeneratesTheSource()
    {
        (GeneratorDriver driver, Compilation compilation) = FirstRun(Sources.MnistMlp);

        GeneratorRunResult second = Rerun(driver, Edit(compilation, Sources.MnistMlp.Replace("[Dense(128,", "[Dense(256,")));

        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(second, TrackingNames.Declarations));
        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(second, TrackingNames.Plans));
        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(second, TrackingNames.EmitPlans));
        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(second, SourceOutput));
        string text = Assert.Single(second.GeneratedSources).SourceText.ToString();
        Assert.Contains("// fc1: Dense, ReLU [784] -> [256] · 200,960 parameters", text);
        Assert.Contains("public const int ParameterCount = 218058;", text);
    }

    [Fact]
    public void MovingTheAttributesChangesNothing()
    {
        // Comments and blank lines above the attributes move every location; the generator's declarations carry none (only the
        // analyzer's parse records them), so the declaration compares equal and nothing after it runs.
        (GeneratorDriver driver, Compilation compilation) = FirstRun(Sources.MnistMlp);
        string before = Assert.Single(driver.GetRunResult().Results.Single().GeneratedSources).SourceText.ToString();

        string moved = Sources.MnistMlp.Replace("[Network(", "// The network of the README.\n\n   // trained on MNIST\n[Network(");
        GeneratorRunResult second = Rerun(driver, Edit(compilation, moved));

        AssertAllCachedOrUnchanged(second);
        Assert.Equal(new[] { IncrementalStepRunReason.Cached }, Reasons(second, TrackingNames.Plans));
        Assert.Equal(new[] { IncrementalStepRunReason.Cached }, Reasons(second, SourceOutput));
        Assert.Equal(before, Assert.Single(second.GeneratedSources).SourceText.ToString());
    }

    [Fact]
    public void EditingOneNetworkLeavesTheOtherCached()
    {
        (GeneratorDriver driver, Compilation compilation) = FirstRun(Sources.MnistMlp, Sources.HousePrices);

        GeneratorRunResult second = Rerun(driver, Edit(compilation, Sources.MnistMlp.Replace("Seed = 42", "Seed = 43")));

        IncrementalStepRunReason[] outputs = Reasons(second, SourceOutput).OrderBy(r => r).ToArray();
        Assert.Equal(new[] { IncrementalStepRunReason.Modified, IncrementalStepRunReason.Cached }.OrderBy(r => r), outputs);
        Assert.Equal(2, second.GeneratedSources.Length);
        Assert.Contains("public MnistMlp() : this(43) { }",
            second.GeneratedSources.Single(s => s.HintName == "Samples.MnistMlp.g.cs").SourceText.ToString());
    }

    [Fact]
    public void EditingLayersOnAnotherPartRegenerates()
    {
        // [Network] sits on Source0.cs, the layers on a second partial declaration in Source1.cs: the generator is triggered by
        // the first file, yet an edit of the second must reach it.
        const string head = "using TensorForge;\nnamespace Split;\n[Network(Loss = Loss.MeanSquaredError)]\npublic partial class Net;\n";
        const string layers = "using TensorForge;\nnamespace Split;\n[Input(4)]\n[Dense(2)]\n[Sgd]\npublic partial class Net;\n";
        (GeneratorDriver driver, Compilation compilation) = FirstRun(head, layers);

        SyntaxTree old = compilation.SyntaxTrees.Single(t => t.FilePath == "Source1.cs");
        GeneratorRunResult second = Rerun(driver, compilation.ReplaceSyntaxTree(old, TestCompilation.Parse(layers.Replace("Dense(2)", "Dense(5)"), "Source1.cs")));

        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(second, SourceOutput));
        Assert.Contains("public const int OutputSize = 5;", Assert.Single(second.GeneratedSources).SourceText.ToString());
    }

    private static (GeneratorDriver Driver, Compilation Compilation) FirstRun(params string[] sources)
    {
        Compilation compilation = TestCompilation.Create(sources);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        GeneratorRunResult first = driver.GetRunResult().Results.Single();
        Assert.Null(first.Exception);
        Assert.NotEmpty(first.GeneratedSources);
        foreach (string step in TrackedSteps) Assert.All(Reasons(first, step), r => Assert.Equal(IncrementalStepRunReason.New, r));
        return (driver, compilation);
    }

    private static GeneratorRunResult Rerun(GeneratorDriver driver, Compilation next)
    {
        GeneratorRunResult result = driver.RunGenerators(next).GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return result;
    }

    /// <summary>Replaces Source0.cs with <paramref name="source"/>.</summary>
    private static Compilation Edit(Compilation compilation, string source)
    {
        SyntaxTree old = compilation.SyntaxTrees.Single(t => t.FilePath == "Source0.cs");
        return compilation.ReplaceSyntaxTree(old, TestCompilation.Parse(source, "Source0.cs"));
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorRunResult result, string step)
    {
        IReadOnlyDictionary<string, System.Collections.Immutable.ImmutableArray<IncrementalGeneratorRunStep>> steps =
            step == SourceOutput ? result.TrackedOutputSteps : result.TrackedSteps;
        Assert.True(steps.ContainsKey(step), $"Step '{step}' was not tracked; tracked: {string.Join(", ", steps.Keys)}");
        return steps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
    }

    private static void AssertAllCachedOrUnchanged(GeneratorRunResult result)
    {
        foreach (string step in TrackedSteps.Append(SourceOutput))
        {
            IncrementalStepRunReason[] reasons = Reasons(result, step);
            Assert.NotEmpty(reasons);
            Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {r}"));
        }
    }
}
