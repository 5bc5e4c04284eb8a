using Microsoft.CodeAnalysis;
using TensorForge.Generator.Tests.Infrastructure;

namespace TensorForge.Generator.Tests;

/// <summary>The diagnostics of the generative layers and the loss reduction (TF1020–TF1022, and TF0006/TF1006/TF1012 on the
/// new arguments), each at its exact location with its exact message, and with no cascade.</summary>
public class GenerativeDiagnosticTests
{
    private const string Usings = "using TensorForge;\n";

    private static Diagnostic Single(string markup) => Assert.Single(DiagnosticMarkup.Verify(Usings + markup));

    [Fact]
    public void TF1022_TransposedConvolutionWithoutOutputShowsTheArithmetic()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(1, 1, 1)]
            [{|TF1022:ConvTranspose2D(4, 1, Padding = 1)|}]
            public partial class Net;
            """);
        Assert.Equal("ConvTranspose2D 'convtranspose2d1' has no output rows: (1 − 1)·1 − 2·1 + 1·(1 − 1) + 0 + 1 = -1; " +
            "use less padding, a larger kernel, stride or output padding", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1022_ColumnsAreCheckedOnceTheRowsFit()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(2, 5, 1)]
            [{|TF1022:ConvTranspose2D(4, 1, 2, Padding = 1, Name = "up")|}]
            public partial class Net;
            """);
        Assert.Equal("ConvTranspose2D 'up' has no output columns: (1 − 1)·1 − 2·1 + 1·(2 − 1) + 0 + 1 = 0; " +
            "use less padding, a larger kernel, stride or output padding", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("OutputPadding = 2, Stride = 2", "OutputPadding of ConvTranspose2D 'convtranspose2d1' must be smaller than the stride (2) or the dilation (1), as PyTorch requires but is 2")]
    [InlineData("OutputPadding = 2, Dilation = 3", "OutputPadding of ConvTranspose2D 'convtranspose2d1' must be at most Padding + Stride − 1 = 0 (the kernels crop the extra rows from the padding) but is 2")]
    [InlineData("OutputPadding = -1", "OutputPadding of ConvTranspose2D 'convtranspose2d1' must be non-negative but is -1")]
    [InlineData("Stride = 0", "Stride of ConvTranspose2D 'convtranspose2d1' must be at least 1 but is 0")]
    [InlineData("Padding = -1", "Padding of ConvTranspose2D 'convtranspose2d1' must be non-negative but is -1")]
    [InlineData("Groups = 0", "Groups of ConvTranspose2D 'convtranspose2d1' must be at least 1 but is 0")]
    public void TF0006_TransposedConvolutionArguments(string arguments, string message)
    {
        string[] parts = arguments.Split(", ");
        string rest = parts.Length > 1 ? ", " + parts[1] : "";
        Diagnostic diagnostic = Single($$"""
            [Network]
            [Input(2, 4, 4)]
            [ConvTranspose2D(4, 3, {|TF0006:{{parts[0]}}|}{{rest}})]
            public partial class Net;
            """);
        Assert.Equal(message, diagnostic.GetMessage());
    }

    [Fact]
    public void TF1006_GroupsMustDivideTheTransposedChannels()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(4, 3, 3)]
            [ConvTranspose2D(6, 3, {|TF1006:Groups = 4|})]
            public partial class Net;
            """);
        Assert.Equal("ConvTranspose2D 'convtranspose2d1' has Groups = 4, which must divide both its input channels (4) and its output channels (6)", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1012_TransposedConvolutionAndUpsampleNeedImages()
    {
        var diagnostics = DiagnosticMarkup.Verify(Usings + """
            [Network]
            [Input(16)]
            [{|TF1012:ConvTranspose2D(4, 3)|}]
            [{|TF1012:Upsample(2, From = "input")|}]
            public partial class Net;
            """);
        Assert.Contains(diagnostics, d => d.GetMessage() == "ConvTranspose2D 'convtranspose2d1' expects an image [channels, height, width] but receives [16]");
        Assert.Contains(diagnostics, d => d.GetMessage() == "Upsample 'upsample1' expects an image [channels, height, width] but receives [16]");
    }

    [Fact]
    public void TF0006_UpsampleScaleMustBePositive()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(1, 4, 4)]
            [Upsample({|TF0006:0|})]
            public partial class Net;
            """);
        Assert.Equal("scale of Upsample 'upsample1' must be at least 1 but is 0", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1020_UnflattenShowsBothSizes()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(100)]
            [Dense(96, Name = "fc")]
            [{|TF1020:Unflatten(4, 5, 6)|}]
            public partial class Net;
            """);
        Assert.Equal("Unflatten 'unflatten1' reads a vector of 4·5·6 = 120 elements as [4, 5, 6], but receives [96] (96 elements) from 'fc'", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1020_UnflattenReadsOnlyVectors()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(1, 10, 10)]
            [{|TF1020:Unflatten(1, 10, 10)|}]
            public partial class Net;
            """);
        Assert.Equal("Unflatten 'unflatten1' reads a vector of 1·10·10 = 100 elements as [1, 10, 10], but receives [1, 10, 10] (100 elements) from 'input'", diagnostic.GetMessage());
    }

    [Fact]
    public void TF0006_UnflattenShapeHasTwoOrThreePositiveDimensions()
    {
        var diagnostics = DiagnosticMarkup.Verify(Usings + """
            [Network]
            [Input(4)]
            [{|TF0006:Unflatten(4)|}]
            public partial class Net;

            [Network]
            [Input(4)]
            [Unflatten(2, {|TF0006:0|}, 2)]
            public partial class Zero;
            """);
        // The two classes' diagnostics come in no fixed order.
        Assert.Equal(2, diagnostics.Count);
        Assert.Contains(diagnostics, d => d.GetMessage() == "shape of Unflatten 'unflatten1' must be two or three dimensions ((channels, height, width) or (time, features)) but is [4]");
        Assert.Contains(diagnostics, d => d.GetMessage() == "shape of Unflatten 'unflatten1' must be positive in every dimension but is [2, 0, 2]");
    }

    [Fact]
    public void TF1021_ReparameterizeNeedsAnEvenVector()
    {
        var diagnostics = DiagnosticMarkup.Verify(Usings + """
            [Network]
            [Input(5)]
            [{|TF1021:Reparameterize|}]
            public partial class Net;

            [Network]
            [Input(2, 2, 3)]
            [{|TF1021:Reparameterize(Name = "z")|}]
            public partial class Image;
            """);
        Assert.Equal(2, diagnostics.Count);
        Assert.Contains(diagnostics, d => d.GetMessage() == "Reparameterize 'reparameterize1' reads its input as the mean and the log-variance of d latents, a vector [2·d], but receives [5], whose width 5 is odd");
        Assert.Contains(diagnostics, d => d.GetMessage() == "Reparameterize 'z' reads its input as the mean and the log-variance of d latents, a vector [2·d], but receives [2, 2, 3], which is not a vector (add [Flatten] before it)");
    }

    [Fact]
    public void TF0006_ReductionMustBeDefined()
    {
        Diagnostic diagnostic = Single("""
            [Network(Loss = Loss.MeanSquaredError, {|TF0006:Reduction = (Reduction)3|})]
            [Input(4)]
            [Dense(2)]
            [Sgd]
            public partial class Net;
            """);
        Assert.Equal("Reduction of Network 'Net' must be a defined Reduction value but is 3", diagnostic.GetMessage());
    }

    [Fact]
    public void A_DCGAN_generator_and_a_VAE_compile_without_diagnostics()
    {
        Assert.Empty(DiagnosticMarkup.Verify(Usings + """
            [Network(Seed = 1)]
            [Input(100)]
            [Dense(3136, Bias = false)]
            [Unflatten(64, 7, 7)]
            [BatchNorm(Activation = Activation.ReLU)]
            [ConvTranspose2D(32, 4, Stride = 2, Padding = 1, Bias = false)]
            [BatchNorm(Activation = Activation.ReLU)]
            [ConvTranspose2D(1, 4, Stride = 2, Padding = 1, Activation = Activation.Tanh)]
            [Adam(LearningRate = 2e-4f, Beta1 = 0.5f)]
            public partial class Generator;

            [Network(Loss = Loss.BinaryCrossEntropyWithLogits, Reduction = Reduction.SumPerSample)]
            [Input(784)]
            [Dense(400, Activation = Activation.ReLU)]
            [Dense(40)]
            [Reparameterize]
            [Dense(400, Activation = Activation.ReLU)]
            [Dense(784)]
            [Adam]
            public partial class Vae;
            """));
    }
}
