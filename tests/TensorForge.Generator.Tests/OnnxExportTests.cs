using Microsoft.CodeAnalysis;
using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Layers;
using TensorForge.Generator.Parsing;
using TensorForge.Generator.Shapes;
using TensorForge.Generator.Tests.Infrastructure;

namespace TensorForge.Generator.Tests;

/// <summary>ExportOnnx is generated, as a second file of the class, only when the compilation references TensorForge.Onnx (the
/// generator looks for TensorForge.Onnx.OnnxGraphBuilder); what it computes is checked against ONNX Runtime in
/// tests/TensorForge.Onnx.Tests.</summary>
public class OnnxExportTests
{
    private static readonly MetadataReference Onnx = MetadataReference.CreateFromFile(typeof(TensorForge.Onnx.OnnxGraphBuilder).Assembly.Location);

    private static GeneratorResult RunWithOnnx(params string[] sources) => GeneratorHarness.Run(TestCompilation.Create(sources).AddReferences(Onnx));

    [Fact]
    public void WithoutTensorForgeOnnxOnlyTheNetworkFileIsGenerated()
    {
        GeneratorResult result = GeneratorHarness.Run(Sources.MnistMlp);

        Assert.Equal("Samples.MnistMlp.g.cs", Assert.Single(result.GeneratedSources).HintName);
        Assert.DoesNotContain("ExportOnnx", result.SingleSource);
    }

    [Theory]
    [InlineData(nameof(Sources.MnistMlp), "Samples.MnistMlp")]
    [InlineData(nameof(Sources.EveryLayer), "Samples.Zoo.EveryLayer")]
    [InlineData(nameof(Sources.Residual), "Samples.Vision.TinyResNet")]
    [InlineData(nameof(Sources.Tokens), "Samples.Text.CharacterModel")]
    [InlineData(nameof(Sources.RecurrentAttention), "Samples.Text.AttentionClassifier")]
    [InlineData(nameof(Sources.Nested), "Contoso.Models.Zoo.Cage.Tiny")]
    public void WithTensorForgeOnnxExportOnnxIsGeneratedAndCompilesCleanly(string source, string name)
    {
        string text = (string)typeof(Sources).GetField(source)!.GetRawConstantValue()!;
        GeneratorResult result = RunWithOnnx(text);

        Assert.Equal(new[] { name + ".g.cs", name + ".Onnx.g.cs" }, result.GeneratedSources.Select(s => s.HintName));
        string onnx = result.GeneratedSources[1].SourceText.ToString();
        Assert.Contains("public void ExportOnnx(string path)", onnx);
        Assert.Contains("public void ExportOnnx(global::System.IO.Stream stream)", onnx);
        Assert.DoesNotContain("NotSupportedException(", onnx);
        // The main file is the one a compilation without TensorForge.Onnx gets (the baselines).
        Assert.Equal(GeneratorHarness.Run(text).SingleSource, result.GeneratedSources[0].SourceText.ToString());
        result.AssertCleanCompilation();
    }

    [Fact]
    public void TheExportDescribesEachLayerWithItsStateDictNames()
    {
        string onnx = RunWithOnnx(Sources.MnistMlp).GeneratedSources[1].SourceText.ToString();

        Assert.Contains("var onnx = new global::TensorForge.Onnx.OnnxGraphBuilder(\"MnistMlp\", new int[] { 1, 28, 28 }, tokenInput: false);", onnx);
        Assert.Contains("string v0 = onnx.Flatten(\"flatten1\", onnx.Input);", onnx);
        Assert.Contains("string v1 = onnx.Gemm(\"fc1\", v0, onnx.Initializer(\"fc1.weight\", new int[] { 128, 784 }, parameters.Slice(0, 100352)), " +
            "onnx.Initializer(\"fc1.bias\", new int[] { 128 }, parameters.Slice(100352, 128)));", onnx);
        Assert.Contains("v1 = onnx.Relu(\"fc1.relu\", v1);", onnx);
        Assert.Contains("string v2 = v1;", onnx);   // dropout: the identity in inference
        Assert.Contains("onnx.Output(v4, new int[] { 10 });", onnx);
    }

    [Fact]
    public void AnInvalidNetworkGetsAnExportOnnxThatThrows()
    {
        GeneratorResult result = RunWithOnnx(Sources.MnistMlp.Replace("[Dense(128,", "[Dense(-1,"));

        string onnx = Assert.Single(result.GeneratedSources, s => s.HintName.EndsWith(".Onnx.g.cs", StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains("throw new global::System.NotSupportedException(\"'MnistMlp' is not a valid TensorForge network", onnx);
    }

    [Fact]
    public void ALayerKindWithoutAnOnnxMappingMakesExportOnnxThrowNamingIt()
    {
        // Every layer kind of the registry has a mapping today; a new one without it must fail clearly, not write a wrong graph.
        NetworkPlan plan = Plan(Sources.MnistMlp);
        LayerPlan[] layers = plan.Layers.ToArray();
        layers[1] = new UnmappedLayer("mystery", layers[1].Input);
        NetworkPlan changed = plan with { Layers = layers.ToEquatableArray() };

        string onnx = OnnxEmitter.Emit(changed);

        Assert.Contains("throw new global::System.NotSupportedException(\"ONNX export of 'MnistMlp' is not supported: layer 'mystery' (Mystery) has no ONNX mapping", onnx);
        Assert.DoesNotContain("onnx.Gemm", onnx);
    }

    [Fact]
    public void AnUnrelatedEditKeepsTheOnnxStepUnchangedAndTheSourcesCached()
    {
        GeneratorDriver driver = GeneratorHarness.CreateDriver();
        Compilation compilation = TestCompilation.Create(Sources.MnistMlp).AddReferences(Onnx);
        driver = driver.RunGenerators(compilation);

        GeneratorRunResult second = driver.RunGenerators(compilation.AddSyntaxTrees(TestCompilation.Parse("namespace Other; public class Helper { }", "Other.cs")))
            .GetRunResult().Results.Single();

        IncrementalStepRunReason reason = Assert.Single(second.TrackedSteps[TrackingNames.OnnxReferenced]).Outputs.Single().Reason;
        Assert.Equal(IncrementalStepRunReason.Unchanged, reason);
        Assert.All(second.TrackedOutputSteps[WellKnownGeneratorOutputs.SourceOutput].SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        Assert.Equal(2, second.GeneratedSources.Length);
    }

    private static NetworkPlan Plan(string source)
    {
        Compilation compilation = TestCompilation.Create(source);
        INamedTypeSymbol type = compilation.GetSymbolsWithName("MnistMlp", SymbolFilter.Type).OfType<INamedTypeSymbol>().Single();
        NetworkDeclaration declaration = DeclarationParser.Parse(type, CancellationToken.None, withLocations: false)!;
        return ShapeInference.Infer(declaration).Plan;
    }

    private sealed record UnmappedLayer(string Name, Shape Input)
        : LayerPlan("Mystery", Name, Input, Input, EquatableArray<ParameterTensor>.Empty)
    {
        public override void EmitForward(SourceWriter writer, ForwardContext context) { }

        public override void EmitBackward(SourceWriter writer, BackwardContext context) { }
    }
}
