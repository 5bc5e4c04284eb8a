using Microsoft.CodeAnalysis;
using TensorForge.Generator.Tests.Infrastructure;

namespace TensorForge.Generator.Tests;

/// <summary>Every TensorForge diagnostic at its exact location, written as <c>{|TF1001:…|}</c> markup in the source.
/// <see cref="DiagnosticMarkup.Verify"/> also checks that no other TF diagnostic and no CS error or warning is reported.</summary>
public class DiagnosticTests
{
    private const string Usings = "using TensorForge;\n";

    private static Diagnostic Single(string markup) => Assert.Single(DiagnosticMarkup.Verify(Usings + markup));

    [Fact]
    public void TF0001_ClassNotPartial()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(4)]
            [Dense(2)]
            public class {|TF0001:Net|};
            """);
        Assert.Equal("'Net' must be declared partial so that TensorForge can generate the network's members", diagnostic.GetMessage());
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
    }

    [Fact]
    public void TF0001_ContainingTypeNotPartial()
    {
        Diagnostic diagnostic = Single("""
            public class {|TF0001:Outer|}
            {
                [Network]
                [Input(4)]
                [Dense(2)]
                public partial class Net;
            }
            """);
        Assert.Equal("'Outer' must be declared partial so that TensorForge can generate the network's members", diagnostic.GetMessage());
    }

    [Fact]
    public void TF0002_MissingInput()
    {
        Diagnostic diagnostic = Single("""
            [{|TF0002:Network(Seed = 1)|}]
            [Dense(2)]
            public partial class Net;
            """);
        Assert.Equal("Network 'Net' has no [Input]; declare the per-sample input shape as the first layer attribute, e.g. [Input(784)]", diagnostic.GetMessage());
    }

    [Fact]
    public void TF0002_MissingInputOnBareAttribute()
    {
        Single("""
            [{|TF0002:Network|}]
            public partial class Net;
            """);
    }

    [Fact]
    public void TF0003_InputNotFirst()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Flatten]
            [{|TF0003:Input(1, 28, 28)|}]
            [Dense(10)]
            public partial class Net;
            """);
        Assert.Equal("[Input] must be the first layer attribute of 'Net', but it follows [Flatten]", diagnostic.GetMessage());
    }

    [Fact]
    public void TF0004_InputTwice()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(784)]
            [Dense(10)]
            [{|TF0004:Input(10)|}]
            public partial class Net;
            """);
        Assert.Equal("'Net' declares [Input] more than once; a network has exactly one input", diagnostic.GetMessage());
    }

    [Fact]
    public void TF0005_LayersOnTwoPartialDeclarations()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(784)]
            [Dense(64, Activation = Activation.ReLU)]
            public partial class Net;

            [{|TF0005:Dense(10)|}]
            [ReLU]
            public partial class Net;
            """);
        Assert.Equal("Layers of 'Net' are declared on more than one partial declaration, so their order is ambiguous; move [Dense] to the part that holds the other layers",
            diagnostic.GetMessage());
    }

    [Fact]
    public void TF0005_TrainingAttributesMayLiveOnAnotherPart()
    {
        // Only layers have an order; an optimizer on the second part is fine.
        Assert.Empty(DiagnosticMarkup.Verify(Usings + """
            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4)]
            [Dense(1)]
            public partial class Net;

            [Sgd(LearningRate = 0.1f)]
            public partial class Net;
            """));
    }

    [Fact]
    public void TF0005_SecondPartInAnotherFile()
    {
        // The location is mapped back to the right syntax tree when the parts live in different files.
        GeneratorResult result = GeneratorHarness.Run(
            "using TensorForge;\n[Network]\n[Input(4)]\n[Dense(8)]\npublic partial class Net;\n",
            "using TensorForge;\n\n[Dense(2)]\npublic partial class Net;\n");

        Diagnostic diagnostic = Assert.Single(result.AllDiagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        Assert.Equal("TF0005", diagnostic.Id);
        Assert.True(diagnostic.Location.IsInSource);
        Assert.Equal("Source1.cs", diagnostic.Location.SourceTree!.FilePath);
        Assert.Equal("Dense(2)", diagnostic.Location.SourceTree.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.Equal(2, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
    }

    public static TheoryData<string, string> InvalidArguments => new TheoryData<string, string>
    {
        { "[Input(784)] [Dense({|TF0006:0|})]", "units of Dense 'dense1' must be positive but is 0" },
        { "[Input(784)] [Dense({|TF0006:-3|}, Name = \"fc1\")]", "units of Dense 'fc1' must be positive but is -3" },
        { "[Input(784)] [Dense(10, {|TF0006:Activation = (Activation)42|})]", "Activation of Dense 'dense1' must be a defined Activation value but is 42" },
        { "[Input(784)] [Dropout({|TF0006:1f|})] [Dense(10)]", "p of Dropout 'dropout1' must be in [0, 1) but is 1" },
        { "[Input(784)] [Dropout({|TF0006:-0.1f|})] [Dense(10)]", "p of Dropout 'dropout1' must be in [0, 1) but is -0.1" },
        { "[Input(784)] [LeakyReLU({|TF0006:float.PositiveInfinity|})]", "slope of LeakyReLU 'leakyrelu1' must be finite but is Infinity" },
        { "[Input(784)] [Dense(10)] [Adam({|TF0006:LearningRate = 0f|})]", "LearningRate of Adam must be positive and finite but is 0" },
        { "[Input(784)] [Dense(10)] [Sgd({|TF0006:LearningRate = -1|})]", "LearningRate of Sgd must be positive and finite but is -1" },
        { "[Input(784)] [Dense(10)] [AdamW({|TF0006:LearningRate = float.NaN|})]", "LearningRate of AdamW must be positive and finite but is NaN" },
        { "[Input(784)] [Dense(10)] [Sgd({|TF0006:Nesterov = true|})]", "Nesterov of Sgd must be false when Momentum is 0 (Nesterov needs momentum) but is True" },
        { "[Input(784)] [Dense(10)] [Sgd({|TF0006:Momentum = 1f|})]", "Momentum of Sgd must be in [0, 1) but is 1" },
        { "[Input(784)] [Dense(10)] [Adam({|TF0006:Beta1 = 1f|})]", "Beta1 of Adam must be in [0, 1) but is 1" },
        { "[Input(784)] [Dense(10)] [Adam({|TF0006:WeightDecay = -0.5f|})]", "WeightDecay of Adam must be non-negative and finite but is -0.5" },
        { "[Input(784)] [Dense(10)] [AdamW({|TF0006:Epsilon = 0f|})]", "Epsilon of AdamW must be positive and finite but is 0" },
        { "[Input(784)] [Dense(10)] [Adam] [CosineAnnealing({|TF0006:TMax = 0|})]", "TMax of CosineAnnealing must be positive but is 0" },
        { "[Input(784)] [Dense(10)] [Adam] [{|TF0006:CosineAnnealing|}]", "TMax of CosineAnnealing must be positive but is 0" },
        { "[Input(784)] [Dense(10)] [Adam] [StepDecay(StepSize = 10, {|TF0006:Gamma = 0|})]", "Gamma of StepDecay must be positive and finite but is 0" },
        { "[Input({|TF0006:0|}, 28)] [Flatten]", "shape of Input must be positive in every dimension but is [0, 28]" },
        { "[Input(1, 28, {|TF0006:-28|})] [Flatten]", "shape of Input must be positive in every dimension but is [1, 28, -28]" },
        { "[{|TF0006:Input(new[] { 3, 0 })|}] [Flatten]", "shape of Input must be positive in every dimension but is [3, 0]" },
        { "[{|TF0006:Input()|}] [Dense(10)]", "shape of Input must be at least one dimension but is []" },
    };

    [Theory]
    [MemberData(nameof(InvalidArguments))]
    public void TF0006_InvalidArgument(string attributes, string message)
    {
        Diagnostic diagnostic = Single($"[Network]\n{attributes}\npublic partial class Net;\n");
        Assert.Equal(message, diagnostic.GetMessage());
    }

    [Fact]
    public void TF0006_InvalidLossValueOnNetwork()
    {
        Diagnostic diagnostic = Single("""
            [Network({|TF0006:Loss = (Loss)9|})]
            [Input(4)]
            [Dense(2)]
            public partial class Net;
            """);
        Assert.Equal("Loss of Network 'Net' must be a defined Loss value but is 9", diagnostic.GetMessage());
    }

    [Fact]
    public void TF0007_TwoOptimizers()
    {
        Diagnostic diagnostic = Single("""
            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4)]
            [Dense(1)]
            [Adam]
            [{|TF0007:Sgd(LearningRate = 0.1f)|}]
            public partial class Net;
            """);
        Assert.Equal("'Net' already has the optimizer [Adam]; remove [Sgd]", diagnostic.GetMessage());
    }

    [Fact]
    public void TF0008_TwoSchedules()
    {
        Diagnostic diagnostic = Single("""
            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4)]
            [Dense(1)]
            [Adam]
            [CosineAnnealing(TMax = 100)]
            [{|TF0008:StepDecay(StepSize = 10)|}]
            public partial class Net;
            """);
        Assert.Equal("'Net' already has the schedule [CosineAnnealing]; remove [StepDecay]", diagnostic.GetMessage());
    }

    [Fact]
    public void TF0009_ScheduleWithoutOptimizer()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(4)]
            [Dense(1)]
            [{|TF0009:CosineAnnealing(TMax = 100)|}]
            public partial class Net;
            """);
        Assert.Equal("[CosineAnnealing] schedules the learning rate of an optimizer, but 'Net' has none; add [Sgd], [Adam] or [AdamW]", diagnostic.GetMessage());
    }

    [Fact]
    public void TF0010_DuplicateLayerName()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(4)]
            [Dense(8, Name = "fc")]
            [Dense(2, {|TF0010:Name = "fc"|})]
            public partial class Net;
            """);
        Assert.Equal("Layer name 'fc' is already used by another layer of 'Net'; names must be unique because they name the saved tensors", diagnostic.GetMessage());
    }

    [Fact]
    public void TF0010_ExplicitNameCollidesWithDefaultName()
    {
        // The second Dense has no Name, so its default "dense2" collides: the diagnostic sits on the whole attribute.
        Single("""
            [Network]
            [Input(4)]
            [Dense(8, Name = "dense2")]
            [{|TF0010:Dense(2)|}]
            public partial class Net;
            """);
    }

    [Fact]
    public void TF0011_InvalidLayerName()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(4)]
            [Dense(8, {|TF0011:Name = "fc 1"|})]
            public partial class Net;
            """);
        Assert.Equal("Layer name 'fc 1' is invalid; use 1 to 128 letters, digits, '_', '-' or '.'", diagnostic.GetMessage());
    }

    [Fact]
    public void TF0011_EmptyLayerName()
    {
        Single("""
            [Network]
            [Input(4)]
            [Dense(8, {|TF0011:Name = ""|})]
            public partial class Net;
            """);
    }

    [Fact]
    public void TF0012_StaticClass()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(4)]
            [Dense(8)]
            public static partial class {|TF0012:Net|};
            """);
        Assert.Equal("'Net' cannot be a network: a static class cannot have instances; remove 'static'", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1001_DenseOnImageWithoutFlatten()
    {
        Diagnostic diagnostic = Single("""
            [Network(Loss = Loss.SoftmaxCrossEntropy)]
            [Input(1, 28, 28)]
            [{|TF1001:Dense(128, Activation = Activation.ReLU, Name = "fc1")|}]
            [Dense(10)]
            [Adam]
            public partial class Net;
            """);
        Assert.Equal("Dense 'fc1' expects a vector but receives [1, 28, 28]; add [Flatten] before it", diagnostic.GetMessage());
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
    }

    [Fact]
    public void TF1002_SoftmaxCrossEntropyOnOneOutput()
    {
        Diagnostic diagnostic = Single("""
            [Network({|TF1002:Loss = Loss.SoftmaxCrossEntropy|}, Seed = 1)]
            [Input(4)]
            [Dense(1)]
            [Adam]
            public partial class Net;
            """);
        Assert.Equal("SoftmaxCrossEntropy needs at least 2 classes in the last axis (use BinaryCrossEntropyWithLogits for one output), but the network's output is [1]",
            diagnostic.GetMessage());
    }

    [Fact]
    public void TF1003_SoftmaxBeforeSoftmaxCrossEntropy()
    {
        Diagnostic diagnostic = Single("""
            [Network(Loss = Loss.SoftmaxCrossEntropy)]
            [Input(4)]
            [Dense(3)]
            [{|TF1003:Softmax|}]
            [Adam]
            public partial class Net;
            """);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal("Softmax 'softmax1' is the last layer, but SoftmaxCrossEntropy expects logits and applies softmax itself; remove [Softmax]", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1003_CanBeSuppressedWithPragma()
    {
        Assert.Empty(DiagnosticMarkup.Verify(Usings + """
            #pragma warning disable TF1003
            [Network(Loss = Loss.SoftmaxCrossEntropy)]
            [Input(4)]
            [Dense(3)]
            [Softmax]
            [Adam]
            public partial class Net;
            #pragma warning restore TF1003
            """));
    }

    [Fact]
    public void TF1004_ParameterBlockOverflows()
    {
        // 50,000 × 50,000 weights do not fit an int-indexed block: reported on the first Dense; the second cannot be planned.
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(50000)]
            [{|TF1004:Dense(50000)|}]
            [Dense(50000)]
            public partial class Net;
            """);
        Assert.Equal("The parameter block of 'dense1' would hold 2,500,000,000 elements, more than the 2,147,483,647 one tensor or parameter block can hold",
            diagnostic.GetMessage());
    }

    [Fact]
    public void TF1004_ParameterBlockOverflowsOnlyWithTheSecondLayer()
    {
        // Each 40,000 × 40,000 Dense fits (1.6 billion + bias), their sum does not.
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(40000)]
            [Dense(40000)]
            [{|TF1004:Dense(40000)|}]
            public partial class Net;
            """);
        Assert.Equal("The parameter block of 'dense2' would hold 3,200,040,000 elements, more than the 2,147,483,647 one tensor or parameter block can hold",
            diagnostic.GetMessage());
    }

    [Fact]
    public void TF1004_InputTooLarge()
    {
        Single("""
            [Network]
            [{|TF1004:Input(50000, 50000)|}]
            [Flatten]
            public partial class Net;
            """);
    }

    [Fact]
    public void SeveralErrorsInOneDeclarationAreAllReportedInOnePass()
    {
        IReadOnlyList<Diagnostic> diagnostics = DiagnosticMarkup.Verify(Usings + """
            [Network(Loss = Loss.SoftmaxCrossEntropy)]
            [Input(1, 28, 28)]
            [Flatten]
            [Dense({|TF0006:0|}, Name = "fc1")]
            [Dropout({|TF0006:1.5f|})]
            [Dense(10, {|TF0010:Name = "fc1"|})]
            [Dense(1, {|TF0011:Name = "bad name"|})]
            [{|TF0004:Input(3)|}]
            [Adam({|TF0006:LearningRate = 0f|}, {|TF0006:Beta1 = 1f|})]
            [{|TF0007:Sgd|}]
            [CosineAnnealing({|TF0006:TMax = -5|})]
            [{|TF0008:StepDecay(StepSize = 1)|}]
            public partial class Net;
            """);
        Assert.Equal(10, diagnostics.Count);
    }

    [Fact]
    public void ShapeErrorsAfterAnInvalidLayerAreStillReported()
    {
        // The first Dense is invalid, so its output is unknown; later layers still check their own arguments.
        IReadOnlyList<Diagnostic> diagnostics = DiagnosticMarkup.Verify(Usings + """
            [Network]
            [Input(1, 28, 28)]
            [{|TF1001:Dense(10)|}]
            [Dropout({|TF0006:2f|})]
            [Dense({|TF0006:-1|})]
            public partial class Net;
            """);
        Assert.Equal(3, diagnostics.Count);
    }

    [Fact]
    public void ValidNetworkHasNoDiagnostics()
    {
        Assert.Empty(DiagnosticMarkup.Verify(Sources.MnistMlp));
    }
}
