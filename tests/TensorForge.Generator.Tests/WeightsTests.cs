using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using TensorForge.Generator.Tests.Infrastructure;
using TensorForge.Generator.Weights;

namespace TensorForge.Generator.Tests;

/// <summary>[Weights]: the generator reads a safetensors header given as an AdditionalFiles item and reports every tensor that
/// does not fit the network as an error on the attribute (TF2001–TF2009); Embed = true generates FromEmbeddedWeights().</summary>
public sealed class WeightsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tf-weights-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A small network: fc1.weight [4, 3], fc1.bias [4], fc2.weight [2, 4], fc2.bias [2].</summary>
    private static string Network(string weightsAttribute, string extraLayer = "") => $$"""
        using TensorForge;

        namespace Samples;

        [Network(Seed = 1)]
        [Input(3)]
        [Dense(4, Name = "fc1")]{{extraLayer}}
        [Dense(2, Name = "fc2")]
        {{weightsAttribute}}
        public partial class Small;
        """;

    private static readonly (string Name, string DType, long[] Shape)[] SmallTensors =
    {
        ("fc1.weight", "F32", new long[] { 4, 3 }), ("fc1.bias", "F32", new long[] { 4 }),
        ("fc2.weight", "F32", new long[] { 2, 4 }), ("fc2.bias", "F32", new long[] { 2 }),
    };

    [Fact]
    public void AFittingFileGivesNoDiagnosticAndAFullyCleanCompilation()
    {
        string path = WriteFile("small.safetensors", SmallTensors);
        GeneratorResult result = Run(Network("""[Weights("small.safetensors")]"""), Text(path));
        result.AssertCleanCompilation();
        Assert.DoesNotContain("FromEmbeddedWeights", result.SingleSource);
    }

    [Fact]
    public void EachMissingExtraMisshapenOrMistypedTensorIsOneErrorOnTheAttribute()
    {
        string path = WriteFile("small.safetensors",
            ("fc1.weight", "F32", new long[] { 4, 5 }),  // misshapen
            ("fc1.bias", "F64", new long[] { 4 }),       // wrongly typed
            ("fc2.weight", "F32", new long[] { 2, 4 }),  // fits
            ("fc3.weight", "F32", new long[] { 2, 2 })); // extra; fc2.bias is missing
        IReadOnlyList<Diagnostic> diagnostics = VerifyLocated(Network("""[{|TF2006:{|TF2007:{|TF2004:{|TF2005:Weights("small.safetensors")|}|}|}|}]"""), Text(path));

        Assert.Equal("Tensor 'fc1.weight' in 'small.safetensors' has shape [4, 5] but 'Small' expects [4, 3]", Message(diagnostics, "TF2006"));
        Assert.Equal("Tensor 'fc1.bias' in 'small.safetensors' is F64 [4] but 'Small' expects F32 [4]", Message(diagnostics, "TF2007"));
        Assert.Equal("'small.safetensors' has no tensor 'fc2.bias', which 'Small' expects as F32 [2]", Message(diagnostics, "TF2004"));
        Assert.Equal("'small.safetensors' has tensor 'fc3.weight' (F32 [2, 2]), which 'Small' does not have", Message(diagnostics, "TF2005"));
    }

    [Fact]
    public void BatchNormExpectsItsCounterAsI64OfShapeScalar()
    {
        string path = WriteFile("bn.safetensors",
            ("bn.weight", "F32", new long[] { 3 }), ("bn.bias", "F32", new long[] { 3 }),
            ("bn.running_mean", "F32", new long[] { 3 }), ("bn.running_var", "F32", new long[] { 3 }),
            ("bn.num_batches_tracked", "F32", Array.Empty<long>()));
        const string source = """
            using TensorForge;

            [Network]
            [Input(3)]
            [BatchNorm(Name = "bn")]
            [{|TF2007:Weights("bn.safetensors")|}]
            public partial class Normalised;
            """;
        IReadOnlyList<Diagnostic> diagnostics = VerifyLocated(source, Text(path));
        Assert.Equal("Tensor 'bn.num_batches_tracked' in 'bn.safetensors' is F32 [] but 'Normalised' expects I64 []", Message(diagnostics, "TF2007"));
    }

    [Fact]
    public void AFileThatIsNotAnAdditionalFilesItemIsAnError()
    {
        string other = WriteFile("other.safetensors", SmallTensors);
        IReadOnlyList<Diagnostic> diagnostics = VerifyLocated(Network("""[{|TF2001:Weights("small.safetensors")|}]"""), Text(other));
        Assert.Equal("[Weights] of 'Small' names 'small.safetensors', which is not an AdditionalFiles item of this compilation; " +
            "add <AdditionalFiles Include=\"small.safetensors\" /> to the project", Message(diagnostics, "TF2001"));
    }

    [Fact]
    public void APathMatchesAtAFolderBoundaryOnly()
    {
        Assert.True(WeightsCheck.Matches("small.safetensors", "/repo/weights/small.safetensors"));
        Assert.True(WeightsCheck.Matches("weights/small.safetensors", @"C:\repo\weights\small.safetensors"));
        Assert.True(WeightsCheck.Matches("./weights/small.safetensors", "/repo/weights/small.safetensors"));
        Assert.False(WeightsCheck.Matches("small.safetensors", "/repo/weights/very-small.safetensors"));
        Assert.False(WeightsCheck.Matches("/elsewhere/small.safetensors", "/repo/small.safetensors"));
        Assert.False(WeightsCheck.Matches("", "/repo/small.safetensors"));
    }

    [Fact]
    public void TwoItemsOfTheSameNameAreAmbiguous()
    {
        string a = WriteFile("a/small.safetensors", SmallTensors);
        string b = WriteFile("b/small.safetensors", SmallTensors);
        IReadOnlyList<Diagnostic> diagnostics = VerifyLocated(Network("""[{|TF2001:Weights("small.safetensors")|}]"""), Text(a), Text(b));
        Assert.Contains("matches 2 AdditionalFiles items", Message(diagnostics, "TF2001"));
        // A longer path picks one.
        Run(Network("""[Weights("a/small.safetensors")]"""), Text(a), Text(b)).AssertCleanCompilation();
    }

    [Fact]
    public void AnUnreadableFileIsAnError()
    {
        string missing = Path.Combine(_folder, "gone.safetensors");
        IReadOnlyList<Diagnostic> diagnostics = VerifyLocated(Network("""[{|TF2002:Weights("gone.safetensors")|}]"""), Text(missing));
        Assert.StartsWith($"Weights file '{missing}' of 'Small' cannot be read: ", Message(diagnostics, "TF2002"));
    }

    public static TheoryData<string, byte[], string> CorruptFiles() => new()
    {
        { "short", new byte[] { 1, 2, 3 }, "it has 3 bytes, fewer than the 8 bytes of the header length" },
        { "over the cap", Bytes(BitConverter.GetBytes((ulong)SafetensorsHeaderReader.MaxHeaderBytes + 1), "{}"),
            "its header is 16,777,217 bytes, more than the 16,777,216 bytes TensorForge reads at compile time" },
        { "header truncated", Bytes(BitConverter.GetBytes(100UL), "{}"), "the file is truncated: the header length is 100 bytes but only 2 follow" },
        { "not JSON", WithHeader("{\"fc1.weight\": [1, 2]}"), "tensor 'fc1.weight' is not a JSON object" },
        { "trailing garbage", WithHeader("{} x"), "the header is not valid JSON (the header has content after its JSON object at character 3)" },
        { "not UTF-8", Bytes(BitConverter.GetBytes(3UL), new byte[] { (byte)'{', 0xFF, (byte)'}' }), "the header is not valid UTF-8" },
        { "negative dimension", WithHeader("{\"a\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 0]}}"),
            "tensor 'a' has a 'shape' entry that is not a non-negative integer" },
        { "data truncated", WithHeader("{\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", dataBytes: 8),
            "the file is truncated: the tensors need 16 bytes of data but only 8 follow the header" },
        { "size does not fit the shape", WithHeader("{\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 12]}}", dataBytes: 12),
            "tensor 'a' has data_offsets [0, 12] (12 bytes) but F32 [4] needs 16 bytes" },
        { "gap", WithHeader("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", dataBytes: 8),
            "the data section has unused bytes [0, 4) before tensor 'a'" },
    };

    [Theory]
    [MemberData(nameof(CorruptFiles))]
    public void ACorruptFileIsOneErrorSayingWhy(string name, byte[] content, string reason)
    {
        string path = Path.Combine(_folder, name.Replace(' ', '-') + ".safetensors");
        File.WriteAllBytes(path, content);
        IReadOnlyList<Diagnostic> diagnostics = VerifyLocated(Network($$"""[{|TF2003:Weights("{{Path.GetFileName(path)}}")|}]"""), Text(path));
        Assert.Equal($"Weights file '{path}' of 'Small' is not a valid safetensors file: {reason}", Message(diagnostics, "TF2003"));
    }

    [Fact]
    public void ProblemsAreCappedWithOneSummary()
    {
        // 21 Dense layers expect 42 tensors; an empty file lacks all of them: 16 reported, then one TF2008 for the other 26.
        string layers = string.Concat(Enumerable.Range(1, 19).Select(i => $"\n[Dense(2, Name = \"d{i}\")]"));
        string path = WriteFile("empty.safetensors");
        string marked = string.Concat(Enumerable.Repeat("{|TF2004:", 16)) + "{|TF2008:" + "Weights(\"empty.safetensors\")" + string.Concat(Enumerable.Repeat("|}", 17));
        IReadOnlyList<Diagnostic> diagnostics = VerifyLocated(Network("[" + marked + "]", layers), Text(path));
        Assert.Equal("'empty.safetensors' has 26 more tensor problems for 'Small' than the first 16 reported", Message(diagnostics, "TF2008"));
    }

    [Fact]
    public void AnInvalidNetworkGetsItsOwnErrorOnlyNoWeightsCascade()
    {
        // The network's shape error comes first; its weights are not checked (the expected tensors are unknown).
        const string source = """
            using TensorForge;

            [Network]
            [Input(1, 28, 28)]
            [{|TF1001:Dense(10)|}]
            [Weights("nowhere.safetensors")]
            public partial class Broken;
            """;
        VerifyLocated(source);
    }

    [Fact]
    public void EmbedGeneratesFromEmbeddedWeightsWhenTheItemIsMarked()
    {
        string path = WriteFile("small.safetensors", SmallTensors);
        GeneratorResult result = Run(Network("""[Weights("small.safetensors", Embed = true)]"""), Text(path, embed: true));
        result.AssertCleanCompilation();
        string source = result.SingleSource;
        Assert.Contains("public static Small FromEmbeddedWeights()", source);
        Assert.Contains("typeof(Small).Assembly.GetManifestResourceStream(\"TensorForge.Weights.small.safetensors\")", source);
    }

    [Fact]
    public void FromEmbeddedWeightsLoadsTheResourceTheBuildEmbeds()
    {
        // Emit the user's assembly with the manifest resource the build targets add, run FromEmbeddedWeights() and compare
        // the parameters with the file's values.
        float[] values = Enumerable.Range(0, 4 * 3 + 4 + 2 * 4 + 2).Select(i => 0.25f * i - 3f).ToArray();
        string path = WriteFile("small.safetensors", SmallTensors);
        byte[] file = File.ReadAllBytes(path);
        Buffer.BlockCopy(values, 0, file, file.Length - values.Length * sizeof(float), values.Length * sizeof(float));
        File.WriteAllBytes(path, file);
        GeneratorResult result = Run(Network("""[Weights("small.safetensors", Embed = true)]""") + """

            public static class Probe
            {
                public static float[] Parameters() => Small.FromEmbeddedWeights().Parameters.ToArray();
            }
            """, Text(path, embed: true));
        result.AssertCleanCompilation();

        using var stream = new MemoryStream();
        var resource = new ResourceDescription("TensorForge.Weights.small.safetensors", () => new MemoryStream(file), isPublic: true);
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = result.Output.Emit(stream, manifestResources: new[] { resource });
        Assert.True(emitted.Success, TestCompilation.Describe(emitted.Diagnostics));
        stream.Position = 0;
        var context = new System.Runtime.Loader.AssemblyLoadContext(nameof(FromEmbeddedWeightsLoadsTheResourceTheBuildEmbeds), isCollectible: true);
        try
        {
            Type probe = context.LoadFromStream(stream).GetType("Samples.Probe", throwOnError: true)!; // the file-scoped namespace
            Assert.Equal(values, (float[])probe.GetMethod("Parameters")!.Invoke(null, null)!);
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void EmbedOfAnUnmarkedItemIsAnError()
    {
        string path = WriteFile("small.safetensors", SmallTensors);
        IReadOnlyList<Diagnostic> diagnostics = VerifyLocated(Network("""[{|TF2009:Weights("small.safetensors", Embed = true)|}]"""), Text(path));
        Assert.Contains("TensorForgeEmbed=\"true\"", Message(diagnostics, "TF2009"));
        Assert.Contains("'TensorForge.Weights.small.safetensors'", Message(diagnostics, "TF2009"));
    }

    [Fact]
    public void AnInvalidNetworkWithEmbedStillHasAThrowingFactory()
    {
        // So that a caller of FromEmbeddedWeights() sees the TF error, not CS0117.
        const string source = """
            using TensorForge;

            [Network]
            [Input(1, 28, 28)]
            [Dense(10)]
            [Weights("small.safetensors", Embed = true)]
            public partial class Broken;

            public static class User
            {
                public static Broken Make() => Broken.FromEmbeddedWeights();
            }
            """;
        GeneratorResult result = Run(source);
        Assert.Empty(result.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void TheHeaderReaderFollowsJson()
    {
        List<HeaderTensor> tensors = SafetensorsHeaderReader.Parse(Encoding.UTF8.GetBytes(
            "{\"__metadata__\": {\"format\": \"pt\", \"note\": \"a \\\"quoted\\\" \\u00e9\"}, " +
            "\"l\\u0061yer.weight\": {\"shape\": [2, 3], \"future\": {\"nested\": [1, 2.5e3, true, null, {}]}, \"dtype\": \"F32\", \"data_offsets\": [0, 24]}}    "));
        HeaderTensor tensor = Assert.Single(tensors);
        Assert.Equal("layer.weight", tensor.Name);
        Assert.Equal("F32 [2, 3]", tensor.Describe());
        Assert.Equal((0L, 24L), (tensor.Begin, tensor.End));
    }

    [Fact]
    public void ChangingTheWeightsFileReReadsItAndAnUnrelatedEditDoesNot()
    {
        string path = WriteFile("small.safetensors", SmallTensors);
        AdditionalText first = Text(path);
        Compilation compilation = TestCompilation.Create(Network("""[Weights("small.safetensors")]"""));
        GeneratorDriver driver = CreateDriver(ImmutableArray.Create(first), null).RunGenerators(compilation);
        Assert.Equal(new[] { IncrementalStepRunReason.New }, Reasons(driver.GetRunResult().Results.Single(), TrackingNames.WeightsFiles));

        // An unrelated edit: the file is not read again and the check is not re-run.
        Compilation edited = compilation.AddSyntaxTrees(TestCompilation.Parse("namespace Other; public class Helper { }", "Unrelated.cs"));
        driver = driver.RunGenerators(edited);
        GeneratorRunResult second = driver.GetRunResult().Results.Single();
        Assert.Equal(new[] { IncrementalStepRunReason.Cached }, Reasons(second, TrackingNames.WeightsFiles));
        Assert.Equal(new[] { IncrementalStepRunReason.Cached }, Reasons(second, TrackingNames.WeightsChecks));
        Assert.Empty(second.Diagnostics);

        // An edit of the network (a layer grows): the comparison re-runs and reports, the file is not read again.
        Compilation grown = edited.ReplaceSyntaxTree(edited.SyntaxTrees.First(),
            TestCompilation.Parse(Network("""[Weights("small.safetensors")]""").Replace("[Dense(4,", "[Dense(5,"), "Source0.cs"));
        GeneratorRunResult edit = driver.RunGenerators(grown).GetRunResult().Results.Single();
        Assert.Equal(new[] { IncrementalStepRunReason.Cached }, Reasons(edit, TrackingNames.WeightsFiles));
        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(edit, TrackingNames.WeightsChecks));
        Assert.Equal(3, edit.Diagnostics.Count(d => d.Id == "TF2006")); // fc1.weight, fc1.bias, fc2.weight

        // The file changes (the compiler then hands over a new AdditionalText): it is re-read and the check reports.
        WriteFile("small.safetensors", SmallTensors.Take(3).ToArray());
        driver = driver.ReplaceAdditionalText(first, Text(path)).RunGenerators(edited);
        GeneratorRunResult third = driver.GetRunResult().Results.Single();
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(third, TrackingNames.WeightsFiles));
        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(third, TrackingNames.WeightsChecks));
        Assert.Equal("TF2004", Assert.Single(third.Diagnostics).Id);
        // The generated code does not depend on the file.
        Assert.All(Reasons(third, TrackingNames.EmitPlans), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void TheWeightsStepsCacheNoRoslynObject()
    {
        // As ModelGraphTests for the other steps: the values of the [Weights] steps are plain data (a failing check included).
        string path = WriteFile("small.safetensors", SmallTensors.Take(3).ToArray());
        GeneratorResult result = Run(Network("""[Weights("small.safetensors", Embed = true)]"""), Text(path));
        var walk = new ModelGraphTests.ModelWalk();
        int values = 0;
        foreach (string name in new[] { TrackingNames.WeightsDeclarations, TrackingNames.WeightsExpectations, TrackingNames.WeightsFiles, TrackingNames.WeightsChecks })
        {
            foreach (IncrementalGeneratorRunStep step in result.RunResult.TrackedSteps[name])
            {
                foreach ((object value, IncrementalStepRunReason _) in step.Outputs)
                {
                    walk.Visit(value, name);
                    values++;
                }
            }
        }
        Assert.Equal(4, values); // one declaration, one expectation, one file, one check
        Assert.True(walk.Problems.Count == 0, string.Join(Environment.NewLine, walk.Problems));
        Assert.Contains(typeof(HeaderTensor), walk.VisitedTypes);
        Assert.Contains(typeof(Diagnostics.DiagnosticInfo), walk.VisitedTypes);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step)
        => result.TrackedSteps.TryGetValue(step, out ImmutableArray<IncrementalGeneratorRunStep> steps)
            ? steps.SelectMany(s => s.Outputs).Select(o => o.Reason)
            : Enumerable.Empty<IncrementalStepRunReason>();

    private static string Message(IReadOnlyList<Diagnostic> diagnostics, string id)
        => Assert.Single(diagnostics, d => d.Id == id).GetMessage(System.Globalization.CultureInfo.InvariantCulture);

    private string WriteFile(string name, params (string Name, string DType, long[] Shape)[] tensors)
    {
        var header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        foreach ((string tensorName, string dtype, long[] shape) in tensors)
        {
            long bytes = shape.Aggregate(1L, (a, d) => a * d) * SafetensorsHeaderReader.ElementBytes(dtype);
            header.Append($",\"{tensorName}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + bytes}]}}");
            offset += bytes;
        }
        header.Append('}');
        string path = Path.Combine(_folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, WithHeader(header.ToString(), (int)offset));
        return path;
    }

    private static byte[] WithHeader(string json, int dataBytes = 0)
    {
        byte[] header = Encoding.UTF8.GetBytes(json);
        return Bytes(BitConverter.GetBytes((ulong)header.Length), header, new byte[dataBytes]);
    }

    private static byte[] Bytes(byte[] prefix, string text) => Bytes(prefix, Encoding.UTF8.GetBytes(text));

    private static byte[] Bytes(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static AdditionalText Text(string path, bool embed = false) => new FileText(path, embed);

    private static GeneratorDriver CreateDriver(ImmutableArray<AdditionalText> texts, AnalyzerConfigOptionsProvider? options)
        => CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            texts,
            TestCompilation.ParseOptions,
            options ?? new EmbedOptions(texts),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    private static GeneratorResult Run(string source, params AdditionalText[] texts)
    {
        Compilation input = TestCompilation.Create(source);
        GeneratorDriver driver = CreateDriver(texts.ToImmutableArray(), null)
            .RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        return new GeneratorResult(driver, input, output, diagnostics);
    }

    /// <summary>As <see cref="DiagnosticMarkup.Verify"/>, with AdditionalFiles: the TF diagnostics are exactly the marked ones (id
    /// and span in Source0.cs), and the compiler reports nothing else.</summary>
    private static IReadOnlyList<Diagnostic> VerifyLocated(string markup, params AdditionalText[] texts)
    {
        (string source, IReadOnlyList<ExpectedDiagnostic> expected) = DiagnosticMarkup.Parse(markup);
        GeneratorResult result = Run(source, texts);
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

    /// <summary>An AdditionalFiles item on disk. Its text is never what the generator reads (binary), so it is empty.</summary>
    private sealed class FileText : AdditionalText
    {
        public FileText(string path, bool embed) { Path = path; Embed = embed; }

        public override string Path { get; }

        public bool Embed { get; }

        public override SourceText? GetText(CancellationToken cancellationToken = default) => SourceText.From("");
    }

    /// <summary>The build_metadata the TensorForge targets make visible: TensorForgeEmbed per AdditionalFiles item.</summary>
    private sealed class EmbedOptions : AnalyzerConfigOptionsProvider
    {
        private readonly Dictionary<AdditionalText, AnalyzerConfigOptions> _byText;

        public EmbedOptions(ImmutableArray<AdditionalText> texts)
            => _byText = texts.ToDictionary(t => t, t => (AnalyzerConfigOptions)new Options(t is FileText { Embed: true }));

        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(false);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => GlobalOptions;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile)
            => _byText.TryGetValue(textFile, out AnalyzerConfigOptions? options) ? options : new Options(textFile is FileText { Embed: true });

        private sealed class Options : AnalyzerConfigOptions
        {
            private readonly bool _embed;

            public Options(bool embed) => _embed = embed;

            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
            {
                value = _embed && key == "build_metadata.AdditionalFiles.TensorForgeEmbed" ? "true" : null;
                return value is not null;
            }
        }
    }
}
