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
}
