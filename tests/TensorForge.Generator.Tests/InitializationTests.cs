using Microsoft.CodeAnalysis;
using TensorForge.Generator.Tests.Infrastructure;

namespace TensorForge.Generator.Tests;

/// <summary>[Network(Initialization = …)]: the default draws He or Xavier weights by the activation that follows; PyTorch draws
/// every Dense and Conv2D weight from U(±1/√fan_in), as nn.Linear and nn.Conv2d do.</summary>
public class InitializationTests
{
    private const string Layers = """
        [Input(1, 8, 8)]
        [Conv2D(4, 3, Activation = Activation.ReLU)]
        [Conv2D(2, 3)]
        [Flatten]
        [Dense(6, Activation = Activation.ReLU)]
        [Dense(3)]
        [Adam]
        public partial class Net;
        """;

    [Fact]
    public void The_default_draws_he_weights_before_relu_and_xavier_otherwise()
    {
        GeneratorResult result = GeneratorHarness.Run("using TensorForge;\n[Network(Loss = Loss.SoftmaxCrossEntropy)]\n" + Layers);
        result.AssertCleanCompilation();
        string source = result.SingleSource;
        Assert.Contains("global::TensorForge.Initializers.HeUniform(parameters.Slice(0, 36), 9, ref random);", source);
        Assert.Contains("global::TensorForge.Initializers.XavierUniform(parameters.Slice(40, 72), 36, 18, ref random);", source);
        Assert.DoesNotContain("PyTorchUniform", source);
        Assert.Contains("(He-uniform weights before ReLU-family activations,", source);
    }

    [Fact]
    public void PyTorch_draws_every_dense_and_conv2d_weight_from_one_over_root_fan_in()
    {
        GeneratorResult result = GeneratorHarness.Run(
            "using TensorForge;\n[Network(Loss = Loss.SoftmaxCrossEntropy, Initialization = Initialization.PyTorch)]\n" + Layers);
        result.AssertCleanCompilation();
        string source = result.SingleSource;
        Assert.Contains("global::TensorForge.Initializers.PyTorchUniform(parameters.Slice(0, 36), 9, ref random);", source);
        Assert.Contains("global::TensorForge.Initializers.PyTorchUniform(parameters.Slice(40, 72), 36, ref random);", source);
        Assert.Contains("global::TensorForge.Initializers.PyTorchUniform(parameters.Slice(114, 192), 32, ref random);", source);
        Assert.Contains("global::TensorForge.Initializers.PyTorchUniform(parameters.Slice(312, 18), 6, ref random);", source);
        Assert.DoesNotContain("HeUniform", source);
        Assert.DoesNotContain("XavierUniform", source);
        Assert.Contains("(PyTorch's defaults: Dense and Conv2D weights and", source);
    }

    [Fact]
    public void TF0006_an_undefined_initialization_is_reported_on_its_argument()
    {
        GeneratorResult result = GeneratorHarness.Run(
            "using TensorForge;\n[Network(Initialization = (Initialization)5)]\n[Input(4)]\n[Dense(2)]\npublic partial class Net;\n");
        Diagnostic diagnostic = Assert.Single(result.AllDiagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        Assert.Equal("TF0006", diagnostic.Id);
        Assert.Equal("Initialization of Network 'Net' must be a defined Initialization value but is 5", diagnostic.GetMessage());
        Assert.Equal("Initialization = (Initialization)5", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
    }
}
