using System.Text.RegularExpressions;
using TensorForge.Generator.Layers;

namespace TensorForge.Generator.Tests.Fuzzing;

/// <summary>The fuzzer keeps up with the generator: every layer kind the generator knows is generated, and the generated
/// declarations reach every kind and the edge values they are meant to.</summary>
public class FuzzCoverageTests
{
    private static readonly string[] Sample = GeneratorFuzzTests.DeclarationSeeds(GeneratorFuzzTests.DefaultSeed, 2000)
        .Select((seed, k) => GeneratorFuzzTests.Generate(seed).Describe(k)).ToArray();

    [Fact]
    public void EveryLayerKindOfTheRegistryHasAGenerator()
    {
        string[] missing = LayerRegistry.Kinds.Except(DeclarationGenerator.LayerGenerators.Keys).ToArray();
        Assert.True(missing.Length == 0,
            $"LayerRegistry has kinds the fuzzer does not generate: {string.Join(", ", missing)}. Add them to DeclarationGenerator.LayerGenerators.");
        Assert.Empty(DeclarationGenerator.LayerGenerators.Keys.Except(LayerRegistry.Kinds));
    }

    [Fact]
    public void TheDeclarationsOfARunUseEveryLayerKind()
    {
        foreach (string kind in LayerRegistry.Kinds.Append("Input").Append("Sgd").Append("Adam").Append("AdamW").Append("CosineAnnealing").Append("StepDecay"))
        {
            var attribute = new Regex(@"^\[" + kind + @"[\(\]]", RegexOptions.Multiline | RegexOptions.CultureInvariant);
            Assert.True(Sample.Count(attribute.IsMatch) >= 20, $"[{kind}] appears in fewer than 20 of 2,000 declarations");
        }
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
    public void TheDeclarationsOfARunReachTheEdges(string text)
        => Assert.True(Sample.Count(s => s.Contains(text, StringComparison.Ordinal)) >= 5, $"'{text}' appears in fewer than 5 of 2,000 declarations");

    [Fact]
    public void SomeDeclarationsAreSplitAcrossTwoFilesAndSomeAreNotPartial()
    {
        Assert.True(Sample.Count(s => Regex.Matches(s, "// ---- ").Count == 2) >= 20);
        Assert.True(Sample.Count(s => Regex.IsMatch(s, @"^(public |internal |private |sealed |static )*(class|record)", RegexOptions.Multiline)) >= 20);
    }
}
