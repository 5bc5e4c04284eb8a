using System.Text.RegularExpressions;
using TensorForge.Generator.Layers;

namespace TensorForge.Generator.Tests.Fuzzing;

/// <summary>The fuzzer keeps up with the generator: every layer kind the generator knows is generated, and the generated
/// declarations reach every kind and the edge values they are meant to.</summary>
public class FuzzCoverageTests
{
    private static readonly FuzzDeclaration[] Declarations = GeneratorFuzzTests.DeclarationSeeds(GeneratorFuzzTests.DefaultSeed, 2000)
        .Select(GeneratorFuzzTests.Generate).ToArray();

    private static readonly string[] Sample = Declarations.Select((d, k) => d.Describe(k)).ToArray();

    [Fact]
    public void EveryLayerKindOfTheRegistryHasAGenerator()
    {
        IEnumerable<string> kinds = LayerRegistry.Kinds.Concat(DeclarationGenerator.ExpandedKinds);
        string[] missing = kinds.Except(DeclarationGenerator.LayerGenerators.Keys).ToArray();
        Assert.True(missing.Length == 0,
            $"LayerRegistry has kinds the fuzzer does not generate: {string.Join(", ", missing)}. Add them to DeclarationGenerator.LayerGenerators.");
        Assert.Empty(DeclarationGenerator.LayerGenerators.Keys.Except(kinds));
        Assert.True(Generator.Shapes.BlockExpansion.IsLayerKind("TransformerEncoderLayer"));
    }

    [Fact]
    public void TheDeclarationsOfARunUseEveryLayerKind()
    {
        foreach (string kind in LayerRegistry.Kinds.Concat(DeclarationGenerator.ExpandedKinds).Append("Input").Append("Sgd").Append("Adam").Append("AdamW").Append("CosineAnnealing").Append("StepDecay")
            .Append("Use").Append("Block"))
        {
            var attribute = new Regex(@"^\[" + kind + @"[\(\]]", RegexOptions.Multiline | RegexOptions.CultureInvariant);
            Assert.True(Sample.Count(attribute.IsMatch) >= 20, $"[{kind}] appears in fewer than 20 of 2,000 declarations");
        }
    }

    /// <summary>The sequence declarations run: hundreds are predicted valid, with every sequence layer among them.</summary>
    [Fact]
    public void ManySequenceDeclarationsArePredictedValid()
    {
        FuzzDeclaration[] valid = Declarations.Where(d => d.Prediction is { Valid: true }).ToArray();
        foreach (string kind in new[] { "Lstm", "Gru", "Rnn", "TransformerEncoderLayer", "MultiHeadAttention", "AdditiveAttention", "Embedding", "PositionalEncoding" })
        {
            int count = valid.Count(d => d.Attributes.Any(a => a.Kind == kind));
            Assert.True(count >= 15, $"{count} valid declarations with [{kind}]");
        }
    }

    /// <summary>The structured declarations are what the image, graph and block layers need to be valid and run: the shape model
    /// predicts hundreds of valid ones, with residual Adds, projections, Concats, From and blocks among them.</summary>
    [Fact]
    public void ManyImageGraphAndBlockDeclarationsArePredictedValid()
    {
        FuzzDeclaration[] valid = Declarations.Where(d => d.Prediction is { Valid: true }).ToArray();
        Assert.True(valid.Count(d => d.HasImageLayers) >= 200, $"{valid.Count(d => d.HasImageLayers)} valid image declarations");
        Assert.True(valid.Count(d => d.HasGraphReferences) >= 200, $"{valid.Count(d => d.HasGraphReferences)} valid graph declarations");
        Assert.True(valid.Count(d => d.UsesBlocks) >= 40, $"{valid.Count(d => d.UsesBlocks)} valid declarations with blocks");
        Assert.True(valid.Count(d => d.UsesBlocks && d.BlockList.Any(b => b.Attributes.Any(a => a.Kind == "Use"))) >= 3, "too few valid nested block uses");
        Assert.True(Declarations.Count(d => d.Prediction is { Valid: false }) >= 100, "too few invalid predictions");
    }

    [Theory]
    [InlineData("(0")]
    [InlineData("(-1")]
    [InlineData("(1)")]
    [InlineData("2147483647")]
    [InlineData("1048576")]
    [InlineData("46341")]
    [InlineData("float.NaN")]
    [InlineData("float.PositiveInfinity")]
    [InlineData("Name = \"\"")]
    [InlineData("\\n\"")]
    [InlineData("(Loss)7")]
    [InlineData("(Activation)(-1)")]
    [InlineData("namespace Fuzz.D")]
    [InlineData(";\n\n")] // file-scoped namespace
    [InlineData("partial record")]
    [InlineData("partial struct")]
    [InlineData("partial interface")]
    [InlineData("static partial class")]
    [InlineData("<T>")]
    [InlineData("// ---- D")]
    [InlineData("PaddingMode = PaddingMode.Same")]
    [InlineData("PaddingMode = (PaddingMode)(7)")]
    [InlineData("Padding = 23168")]
    [InlineData("Dilation = 2")]
    [InlineData("Groups = 0")]
    [InlineData("Conv2D(outChannels: ")]
    [InlineData("Epsilon = float.NaN")]
    [InlineData("Momentum = float.NaN")]
    [InlineData("From = \"input\"")]
    [InlineData("[Add(\"input\")]")]
    [InlineData("[Concat(\"input\")]")]
    [InlineData("Add(null!)")]
    [InlineData("From = \"fwd")]
    [InlineData("Name = \"self")]
    [InlineData("BlockArguments.Width")]
    [InlineData("Stride = BlockArguments.Stride")]
    [InlineData("Input(BlockArguments.Width")]
    [InlineData("Width = 0")]
    [InlineData("typeof(int)")]
    [InlineData("<int>)")]
    [InlineData("<>)")]
    [InlineData("class B\\u006Cock")]
    [InlineData("class @base")]
    public void TheDeclarationsOfARunReachTheEdges(string text)
        => Assert.True(Sample.Count(s => s.Contains(text, StringComparison.Ordinal)) >= 5, $"'{text}' appears in {Sample.Count(s => s.Contains(text, StringComparison.Ordinal))} (fewer than 5) of 2,000 declarations");

    /// <summary>"same" padding at stride 2; blocks that use themselves; uses of a class without [Block] and of a generic block.</summary>
    [Fact]
    public void SomeDeclarationsBreakTheConvolutionAndBlockRules()
    {
        Assert.True(Sample.Count(s => Regex.IsMatch(s, @"Stride = 2,[^\]]*PaddingMode = PaddingMode\.Same")) >= 5, "too few \"same\" paddings at stride 2");
        Assert.True(Sample.Count(s => Regex.IsMatch(s, @"\[Use\(typeof\(([^)<]+)\)[^\]]*\]\n(\[[^\n]*\]\n)*[\w ]*class \1;")) >= 5, "too few blocks that use themselves");
        Assert.True(Declarations.Count(d => d.UsesBlocks && d.BlockList.Any(b => b.Marker.Length == 0)) >= 5, "too few uses of classes without [Block]");
        Assert.True(Declarations.Count(d => d.UsesBlocks && d.BlockList.Any(b => b.TypeParameters.Length > 0)) >= 5, "too few uses of generic blocks");
    }

    [Fact]
    public void SomeDeclarationsAreSplitAcrossTwoFilesAndSomeAreNotPartial()
    {
        Assert.True(Sample.Count(s => Regex.Matches(s, "// ---- ").Count == 2) >= 20);
        Assert.True(Sample.Count(s => Regex.IsMatch(s, @"^(public |internal |private |sealed |static )*(class|record)", RegexOptions.Multiline)) >= 20);
    }
}
