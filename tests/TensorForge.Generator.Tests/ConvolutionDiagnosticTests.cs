using Microsoft.CodeAnalysis;
using TensorForge.Generator.Tests.Infrastructure;

namespace TensorForge.Generator.Tests;

/// <summary>The diagnostics of convolution, pooling, batch norm, graphs and blocks (TF0013–TF0014, TF1005–TF1012), each at its
/// exact location with its exact message, and with no cascade.</summary>
public class ConvolutionDiagnosticTests
{
    private const string Usings = "using TensorForge;\n";

    private static Diagnostic Single(string markup) => Assert.Single(DiagnosticMarkup.Verify(Usings + markup));

    [Fact]
    public void TF1005_KernelLargerThanInputShowsTheArithmetic()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(1, 4, 28)]
            [{|TF1005:Conv2D(6, 5)|}]
            public partial class Net;
            """);
        Assert.Equal("Conv2D 'conv2d1' has no output rows: (4 + 2·0 − 5)/1 + 1 = 0; the 5-wide window is larger than the padded input; " +
            "use a smaller kernel or more padding, or remove a downsampling layer before it", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1005_AfterPoolingTheSecondConvolutionHasNoOutput()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(1, 12, 12)]
            [Conv2D(6, 5)]
            [MaxPool2D(2)]
            [{|TF1005:Conv2D(16, 5, Dilation = 2, Name = "c2")|}]
            public partial class Net;
            """);
        Assert.StartsWith("Conv2D 'c2' has no output rows: (4 + 2·0 − 2·(5 − 1) − 1)/1 + 1 = -4; the 5-wide (dilated to 9) window", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1005_PoolingWindowLargerThanInput()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(3, 2, 2)]
            [{|TF1005:AvgPool2D(3)|}]
            public partial class Net;
            """);
        Assert.StartsWith("AvgPool2D 'avgpool2d1' has no output rows: (2 + 2·0 − 3)/3 + 1 = 0", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1006_GroupsMustDivideTheChannels()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(6, 8, 8)]
            [Conv2D(8, 3, {|TF1006:Groups = 4|})]
            public partial class Net;
            """);
        Assert.Equal("Conv2D 'conv2d1' has Groups = 4, which must divide both its input channels (6) and its output channels (8)", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("Stride = 0", "Stride of Conv2D 'conv2d1' must be at least 1 but is 0")]
    [InlineData("Dilation = -1", "Dilation of Conv2D 'conv2d1' must be at least 1 but is -1")]
    [InlineData("Padding = -2", "Padding of Conv2D 'conv2d1' must be non-negative but is -2")]
    [InlineData("Groups = 0", "Groups of Conv2D 'conv2d1' must be at least 1 but is 0")]
    [InlineData("PaddingMode = PaddingMode.Same, Stride = 2", "PaddingMode of Conv2D 'conv2d1' must be Explicit or Valid when Stride is not 1 (PyTorch allows padding=\"same\" only at stride 1) but is Same")]
    public void TF0006_ConvolutionArguments(string argument, string message)
    {
        Diagnostic diagnostic = Single($$"""
            [Network]
            [Input(1, 8, 8)]
            [Conv2D(4, 3, {|TF0006:{{argument.Split(", ")[0]}}|}{{(argument.Contains(", ") ? ", " + argument.Split(", ")[1] : "")}})]
            public partial class Net;
            """);
        Assert.Equal(message, diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("MaxPool2D({|TF0006:0|})", "kernelSize of MaxPool2D 'maxpool2d1' must be at least 1 but is 0")]
    [InlineData("MaxPool2D(2, {|TF0006:Padding = 2|})", "Padding of MaxPool2D 'maxpool2d1' must be between 0 and half the kernel size but is 2")]
    [InlineData("AvgPool2D(2, {|TF0006:Stride = -1|})", "Stride of AvgPool2D 'avgpool2d1' must be at least 1 (or 0 for the kernel size) but is -1")]
    public void TF0006_PoolingArguments(string layer, string message)
    {
        Diagnostic diagnostic = Single($$"""
            [Network]
            [Input(1, 8, 8)]
            [{{layer}}]
            public partial class Net;
            """);
        Assert.Equal(message, diagnostic.GetMessage());
    }

    [Fact]
    public void TF1007_AddOfDifferentShapesNamesBothSources()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(16, 8, 8)]
            [Conv2D(16, 3, Padding = 1, Name = "c1")]
            [Conv2D(32, 3, Stride = 2, Padding = 1, Name = "c2")]
            [{|TF1007:Add("c1")|}]
            public partial class Net;
            """);
        Assert.Equal("Add 'add1' adds [32, 4, 4] from 'c2' to [16, 8, 8] from 'c1'; the two shapes must be equal", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1008_ConcatOfDifferentSpatialSizes()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(4, 8, 8)]
            [MaxPool2D(2, Name = "down")]
            [{|TF1008:Concat("input")|}]
            public partial class Net;
            """);
        Assert.Equal("Concat 'concat1' joins [4, 4, 4] from 'down' and [4, 8, 8] from 'input' along the channel axis; every other axis must be equal",
            diagnostic.GetMessage());
    }

    [Fact]
    public void TF1009_UnknownName()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(8)]
            [Dense(8, Name = "fc1")]
            [Dense(8, {|TF1009:From = "fc0"|})]
            public partial class Net;
            """);
        Assert.Equal("From of Dense 'dense2' refers to 'fc0', which is not a layer of 'Net'; earlier layers are 'input', 'fc1'", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1009_ForwardReference()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(8)]
            [Dense(8, Name = "fc1")]
            [Add({|TF1009:"fc2"|})]
            [Dense(8, Name = "fc2")]
            public partial class Net;
            """);
        Assert.Equal("The name of Add 'add1' refers to 'fc2', which comes later; a layer can only read earlier layers (the declaration order is the order of evaluation)",
            diagnostic.GetMessage());
    }

    [Fact]
    public void TF1009_SelfReference()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(8)]
            [Dense(8, Name = "fc1", {|TF1009:From = "fc1"|})]
            public partial class Net;
            """);
        Assert.Equal("From of Dense 'fc1' refers to 'fc1', which is the layer itself", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1011_BatchNormOnASequence()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(10, 8)]
            [{|TF1011:BatchNorm|}]
            public partial class Net;
            """);
        Assert.Equal("BatchNorm 'batchnorm1' normalises features [C] (BatchNorm1d) or images [C, H, W] (BatchNorm2d), but receives [10, 8]", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1012_ConvolutionOnAVector()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(784)]
            [{|TF1012:Conv2D(6, 5)|}]
            public partial class Net;
            """);
        Assert.Equal("Conv2D 'conv2d1' expects an image [channels, height, width] but receives [784]", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1001_DenseOnAConvolutionOutputStillAsksForFlatten()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(1, 28, 28)]
            [Conv2D(6, 5)]
            [{|TF1001:Dense(10)|}]
            public partial class Net;
            """);
        Assert.Equal("Dense 'dense1' expects a vector but receives [6, 24, 24]; add [Flatten] before it", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1010_BlockInputMismatchIsReportedOnTheUse()
    {
        Diagnostic diagnostic = Single("""
            [Block]
            [Input(16, 8, 8)]
            [Conv2D(16, 3, Padding = 1)]
            public partial class Stage;

            [Network]
            [Input(8, 8, 8)]
            [{|TF1010:Use(typeof(Stage), Name = "layer1")|}]
            public partial class Net;
            """);
        Assert.Equal("Block 'Stage' used as 'layer1' expects the input [16, 8, 8] but receives [8, 8, 8] from 'input'", diagnostic.GetMessage());
    }

    [Fact]
    public void ShapeErrorInsideABlockIsReportedOnTheUseNamingTheInnerLayer()
    {
        Diagnostic diagnostic = Single("""
            [Block]
            [Conv2D(BlockArguments.Width, 3, Padding = 1, Name = "conv1")]
            [{|TF1001:Dense(10, Name = "head")|}]
            public partial class Bad;

            [Network]
            [Input(3, 8, 8)]
            [{|#0:Use(typeof(Bad), Width = 4, Name = "layer1")|}]
            public partial class Net;
            """.Replace("{|TF1001:Dense(10, Name = \"head\")|}", "Dense(10, Name = \"head\")").Replace("{|#0:", "{|TF1001:"));
        Assert.Equal("Dense 'layer1.head' expects a vector but receives [4, 8, 8]; add [Flatten] before it", diagnostic.GetMessage());
    }

    [Fact]
    public void TF0006_UseWithoutTheWidthItsBlockNeeds()
    {
        Diagnostic diagnostic = Single("""
            [Block]
            [Conv2D(BlockArguments.Width, 3, Padding = 1)]
            public partial class Stage;

            [Network]
            [Input(3, 8, 8)]
            [{|TF0006:Use(typeof(Stage))|}]
            public partial class Net;
            """);
        Assert.Equal("Width of Use 'stage1' must be positive (block 'Stage' uses BlockArguments.Width) but is 0", diagnostic.GetMessage());
    }

    [Fact]
    public void TF0013_UseOfAClassThatIsNotABlock()
    {
        Diagnostic diagnostic = Single("""
            public class NotABlock { }

            [Network]
            [Input(3, 8, 8)]
            [Use({|TF0013:typeof(NotABlock)|})]
            public partial class Net;
            """);
        Assert.Equal("[Use(typeof(NotABlock))] in 'Net' needs a class marked [Block] and declared in this project", diagnostic.GetMessage());
    }

    [Fact]
    public void TF0014_BlockThatUsesItself()
    {
        Diagnostic diagnostic = Single("""
            [Block]
            [Conv2D(4, 3, Padding = 1)]
            [Use(typeof(Loop))]
            public partial class Loop;

            [Network]
            [Input(4, 8, 8)]
            [{|TF0014:Use(typeof(Loop))|}]
            public partial class Net;
            """);
        Assert.Equal("Block 'Loop' uses itself through Loop → Loop; a block cannot contain itself", diagnostic.GetMessage());
    }

    [Fact]
    public void AnInvalidConvolutionDoesNotCascadeIntoLaterLayers()
    {
        // The first convolution is wrong; the pooling and the Add after it only check their own arguments.
        Single("""
            [Network(Loss = Loss.SoftmaxCrossEntropy)]
            [Input(1, 28, 28)]
            [Conv2D(6, 5, {|TF1006:Groups = 4|}, Name = "c1")]
            [MaxPool2D(2)]
            [Add("c1")]
            [Flatten]
            [Dense(10)]
            [Adam]
            public partial class Net;
            """);
    }
}
