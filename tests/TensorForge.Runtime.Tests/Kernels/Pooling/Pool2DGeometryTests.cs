using TensorForge.Kernels;

namespace TensorForge.Runtime.Tests.Kernels.Pooling;

public class Pool2DGeometryTests
{
    [Theory]
    // channels, inH, inW, kH, kW, sH, sW, pH, pW, outH, outW
    [InlineData(3, 28, 28, 2, 2, 2, 2, 0, 0, 14, 14)]
    [InlineData(64, 112, 112, 3, 3, 2, 2, 1, 1, 56, 56)] // ResNet's stem pooling
    [InlineData(1, 7, 9, 3, 3, 2, 2, 1, 1, 4, 5)]
    [InlineData(1, 5, 5, 2, 2, 2, 2, 0, 0, 2, 2)] // the last row and column fall off (ceil_mode=False)
    [InlineData(2, 6, 19, 6, 4, 1, 3, 3, 2, 7, 7)]
    [InlineData(1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1)]
    [InlineData(1, 1, 1, 2, 2, 1, 1, 1, 1, 2, 2)]
    public void Output_size_is_pytorchs_floor_formula(int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int outH, int outW)
    {
        var g = new Pool2DGeometry(c, h, w, kh, kw, sh, sw, ph, pw);
        Assert.Equal((outH, outW), (g.OutHeight, g.OutWidth));
        Assert.Equal((c * h * w, c * outH * outW), (g.InputSize, g.OutputSize));
        Assert.Equal((c, h, w, kh, kw, sh, sw, ph, pw),
            (g.Channels, g.InHeight, g.InWidth, g.KernelHeight, g.KernelWidth, g.StrideHeight, g.StrideWidth, g.PadHeight, g.PadWidth));
    }

    [Theory]
    [InlineData(0, 4, 4, 2, 2, 2, 2, 0, 0, "channels must be at least 1 but is 0")]
    [InlineData(1, 4, 4, 0, 2, 2, 2, 0, 0, "kernelHeight must be at least 1 but is 0")]
    [InlineData(1, 4, 4, 2, 2, 2, 0, 0, 0, "strideWidth must be at least 1 but is 0")]
    [InlineData(1, 4, 4, 2, 2, 2, 2, 2, 0, "padHeight is 2 but must lie in [0, kernelHeight / 2] = [0, 1]")]
    [InlineData(1, 4, 4, 3, 3, 2, 2, 0, -1, "padWidth is -1")]
    [InlineData(1, 4, 3, 2, 5, 1, 1, 0, 0, "the width window (5) is larger than the padded input (3 + 2×0 = 3)")]
    [InlineData(1, 0, 4, 1, 1, 1, 1, 0, 0, "inHeight must be at least 1 but is 0")]
    [InlineData(65536, 256, 256, 2, 2, 2, 2, 0, 0, "does not fit in an int")]
    public void Invalid_geometries_are_rejected_with_the_rule(int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => new Pool2DGeometry(c, h, w, kh, kw, sh, sw, ph, pw));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ToString_shows_the_shapes_and_arguments()
    {
        Assert.Equal("[64, 112, 112] -> [64, 56, 56] (kernel 3×3, stride 2×2, padding 1×1)", new Pool2DGeometry(64, 112, 112, 3, 3, 2, 2, 1, 1).ToString());
    }
}
