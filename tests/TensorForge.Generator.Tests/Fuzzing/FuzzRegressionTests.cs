using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using TensorForge.Generator.Tests.Infrastructure;

namespace TensorForge.Generator.Tests.Fuzzing;

/// <summary>Counterexamples the generator fuzzer found, shrunk, as ordinary tests.</summary>
public class FuzzRegressionTests
{
    /// <summary>The symbol of <c>class @event</c> is named <c>event</c>; the generated part wrote <c>partial class event</c>
    /// (CS1001 and a cascade). Names that are keywords are now written with their '@'.</summary>
    [Theory]
    [InlineData("namespace Fuzz;\n[Network]\n[Input(4)]\n[Dense(2)]\npublic partial class @event;")]
    [InlineData("namespace Fuzz;\n[Network]\n[Input(4)]\n[Dense(2)]\npublic partial record @class<@in>;")]
    [InlineData("public partial struct @struct\n{\n    [Network]\n    [Input(4)]\n    [Dense(2)]\n    public partial class Net;\n}")]
    [InlineData("namespace Fuzz.@event;\n[Network(Loss = Loss.MeanSquaredError)]\n[Input(4)]\n[Dense(2)]\n[Sgd]\npublic partial class @base;")]
    [InlineData("namespace Fuzz;\n[Network]\n[Input(0)]\npublic partial class @event;")] // invalid: the throwing members compile too
    public void KeywordNamesAreEscapedInTheGeneratedPart(string declaration)
    {
        GeneratorResult result = GeneratorHarness.Run("using TensorForge;\n" + declaration);
        Diagnostic[] compiler = result.AllDiagnostics.Where(d => !d.Id.StartsWith("TF", StringComparison.Ordinal) && d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(compiler.Length == 0, TestCompilation.Describe(compiler));
        Assert.Single(result.GeneratedSources);
    }

    /// <summary>The name rule's regex ended in <c>$</c>, which also matches before a final newline, so "fc1\n" was accepted
    /// and the newline broke the generated layer comments into code (CS0116 and a cascade). Now TF0011.</summary>
    [Theory]
    [InlineData("fc1\\n")]
    [InlineData("a\\n")]
    public void ANameEndingInANewlineIsInvalid(string escapedName)
    {
        Diagnostic diagnostic = Assert.Single(DiagnosticMarkup.Verify($$"""
            using TensorForge;
            [Network]
            [Input(15)]
            [Softmax({|TF0011:Name = "{{escapedName}}"|})]
            public partial class Net;
            """));
        Assert.StartsWith("Layer name '", diagnostic.GetMessage());
    }

    /// <summary>A record or class with a primary constructor got generated constructors that could not chain to it: CS0111
    /// (a second Net(int)) and CS8862. Found by hand while widening the fuzzer's class shapes; the fuzzer now generates them.
    /// Now TF0012 on the class, and nothing is generated.</summary>
    [Theory]
    [InlineData("public partial record {|TF0012:Net|}(int Width);")]
    [InlineData("public partial record {|TF0012:Net|}(string Label, float Scale);")]
    [InlineData("public partial class {|TF0012:Net|}(int width) { public int Width => width; }")]
    public void APrimaryConstructorIsUnsupported(string declaration)
    {
        Diagnostic diagnostic = Assert.Single(DiagnosticMarkup.Verify("using TensorForge;\n[Network]\n[Input(4)]\n[Dense(2)]\n" + declaration));
        Assert.Equal("'Net' cannot be a network: the generated constructors cannot chain to a primary constructor; remove the parameter list and declare the members in the body",
            diagnostic.GetMessage());
    }

    /// <summary>Found by review: Clone() and the constructors instantiate the class, which an abstract class forbids (CS0144).</summary>
    [Fact]
    public void AnAbstractClassIsUnsupported()
    {
        Diagnostic diagnostic = Assert.Single(DiagnosticMarkup.Verify("using TensorForge;\n[Network]\n[Input(4)]\n[Dense(2)]\npublic abstract partial class {|TF0012:Net|};"));
        Assert.Equal("'Net' cannot be a network: an abstract class cannot be instantiated, but a network's constructors and Clone() create instances; remove 'abstract'",
            diagnostic.GetMessage());
    }

    /// <summary>A declaration of attributes in a file-scoped namespace, checked alone by the fuzzer's runner (generator, analyzer,
    /// compiler, the generated static fields, and a run unless it is too large): the list of problems.</summary>
    private static IReadOnlyList<string> CheckAlone(string[] attributes, params (string Name, string[] Attributes)[] blocks)
        => FuzzRunner.CheckAlone(new FuzzCase(0, "regression", new FuzzDeclaration(
            NamespaceStyle.FileScoped, new Identifier("Fuzz", "Fuzz"), ImmutableArray<FuzzContainer>.Empty, "public", "class",
            new Identifier("Net", "Net"), ImmutableArray<string>.Empty, "", IsPartial: true, "Loss = Loss.MeanSquaredError",
            attributes.Select(a => new FuzzAttribute(a)).ToImmutableArray(), SplitStyle.None, 0,
            Blocks: blocks.Select(b => new FuzzBlock(new Identifier(b.Name, b.Name), "[Block]", "public",
                b.Attributes.Select(a => new FuzzAttribute(a)).ToImmutableArray())).ToImmutableArray())));

    /// <summary>Found by the fuzzer's probes of huge paddings: the output [1, 46340, 46340] fits in an int, but the zero-padded
    /// copy of the sample the convolution kernels work on (46,341² with its spare row and column) does not, so the generated
    /// static Conv2DGeometry threw a TypeInitializationException. Now TF1004 on the layer; one element less still runs.</summary>
    [Fact]
    public void AConvolutionWhosePaddedInputDoesNotFitInAnIntIsTooLarge()
    {
        Diagnostic diagnostic = Assert.Single(DiagnosticMarkup.Verify("""
            using TensorForge;
            [Network]
            [Input(1, 4, 4)]
            [{|TF1004:Conv2D(1, 1, Padding = 23168)|}]
            public partial class Net;
            """));
        Assert.Equal("The padded input of Conv2D 'conv2d1' would hold 2,147,488,281 elements, more than the 2,147,483,647 one tensor or parameter block can hold",
            diagnostic.GetMessage());
        Assert.Empty(CheckAlone(new[] { "Input(1, 4, 4)", "Conv2D(1, 1, Padding = 23167)" })); // 46,339²: valid, its geometry loads
        Assert.Empty(CheckAlone(new[] { "Input(1, 4, 4)", "Conv2D(1, 1, Padding = 23168)" }));
    }

    /// <summary>Found by the fuzzer's probes of names across scopes: a use prefixes its layers' names ("layer1.fc"), and a layer
    /// of the network could take the same full name, in either order; both wrote "layer1.fc.weight", and constructing the network
    /// threw "the tensor list names 'layer1.fc.weight' twice". Now TF0010 on the second; a use whose own name is already a
    /// duplicate does not report its layers again.</summary>
    [Theory]
    [InlineData("[Use(typeof(B), Name = \"layer1\")]\n[Dense(4, {|TF0010:Name = \"layer1.fc\"|})]")]
    [InlineData("[Dense(4, Name = \"layer1.fc\")]\n[{|TF0010:Use(typeof(B), Name = \"layer1\")|}]")]
    [InlineData("[Use(typeof(B), Name = \"a\")]\n[Use(typeof(B), {|TF0010:Name = \"a\"|})]")]
    [InlineData("[Use(typeof(B), Name = \"a.b\")]\n[{|TF0010:Use(typeof(Outer), Name = \"a\")|}]")]
    public void ALayerNameIsUniqueAcrossBlockUses(string layers)
    {
        IReadOnlyList<Diagnostic> diagnostics = DiagnosticMarkup.Verify(
            "using TensorForge;\n[Block]\n[Dense(4, Name = \"fc\")]\npublic partial class B;\n"
            + "[Block]\n[Use(typeof(B), Name = \"b\")]\npublic partial class Outer;\n"
            + "[Network]\n[Input(4)]\n" + layers + "\npublic partial class Net;");
        Assert.All(diagnostics, d => Assert.Matches(@"^Layer name '(layer1\.fc|a|a\.b)' is already used by another layer of 'Net'; names must be unique", d.GetMessage()));
    }

    [Fact]
    public void ALayerNamedLikeAnotherScopesLayerIsReportedNotBuilt()
        => Assert.Empty(CheckAlone(new[] { "Input(4)", "Use(typeof(§B0§), Name = \"layer1\")", "Dense(4, Name = \"layer1.fc\")" }, ("B", new[] { "Dense(4, Name = \"fc\")" })));

    /// <summary>Found by the fuzzer: a use of a generic block, <c>typeof(Block&lt;int&gt;)</c> or <c>typeof(Block&lt;&gt;)</c>. The
    /// generator knows blocks by their declared symbol (<c>Block&lt;T&gt;</c>), found none and generated the throwing members; the
    /// analyzer resolved the constructed type, expanded it and reported nothing, so the network threw with no error shown.
    /// Now TF0013 from both, as for any class the generator cannot use.</summary>
    [Theory]
    [InlineData("Block<int>")]
    [InlineData("Block<>")]
    public void AUseOfAGenericBlockIsAnUnknownBlock(string type)
    {
        Diagnostic diagnostic = Assert.Single(DiagnosticMarkup.Verify($$"""
            using TensorForge;
            [Block]
            [Dense(4)]
            public partial class Block<T>;
            [Network]
            [Input(4)]
            [Use({|TF0013:typeof({{type}})|}, Name = "layer1")]
            public partial class Net;
            """));
        Assert.Equal($"[Use(typeof({type}))] in 'Net' needs a class marked [Block] and declared in this project", diagnostic.GetMessage());
    }

    /// <summary>Found by the fuzzer: a [Use] whose From names no layer. The block's layers read that node as their implicit input,
    /// and only written references were reported, so the plan was invalid with no error: the network threw and nothing said why.
    /// The same held for a TransformerEncoderLayer's From. Now TF1009 once, on the From.</summary>
    [Theory]
    [InlineData("[Input(4)]\n[Use(typeof(B), Name = \"layer1\", {|TF1009:From = \"nope\"|})]", "Use 'layer1'")]
    [InlineData("[Input(4)]\n[Dense(3, Name = \"fc\")]\n[Use(typeof(Empty), {|TF1009:From = \"layer2\"|}, Name = \"layer2\")]", "Use 'layer2'")]
    [InlineData("[Input(4)]\n[Use(typeof(Outer), Name = \"o\")]", "Use 'o.inner'")]
    [InlineData("[Input(4, 8)]\n[TransformerEncoderLayer(2, FeedForward = 8, {|TF1009:From = \"nope\"|})]", "TransformerEncoderLayer 'transformerencoderlayer1'")]
    public void AnUnknownFromOnAUseIsReported(string layers, string owner)
    {
        string markup = "using TensorForge;\n[Block]\n[BatchNorm]\n[Dense(4)]\npublic partial class B;\n[Block]\npublic partial class Empty;\n"
            + "[Block]\n[Dense(4)]\n[Use(typeof(B), Name = \"inner\", From = \"missing\")]\npublic partial class Outer;\n"
            + "[Network]\n" + layers + "\npublic partial class Net;";
        // A use inside a block is reported where the outer block is used.
        if (owner == "Use 'o.inner'") markup = markup.Replace("[Use(typeof(Outer), Name = \"o\")]", "[{|TF1009:Use(typeof(Outer), Name = \"o\")|}]");
        Diagnostic diagnostic = Assert.Single(DiagnosticMarkup.Verify(markup));
        Assert.StartsWith($"From of {owner} refers to '", diagnostic.GetMessage());
    }

    [Fact]
    public void AUseReadingAnEarlierLayerWithFromRuns()
        => Assert.Empty(CheckAlone(new[] { "Input(4)", "Dense(3, Name = \"fc\")", "Dense(2)", "Use(typeof(§B0§), From = \"fc\", Name = \"layer1\")", "Sgd" },
            ("B", new[] { "BatchNorm", "Dense(4, Activation = Activation.Tanh)" })));
}
