using TensorForge.Kernels;

namespace TensorForge.Runtime.Tests.Kernels.Convolution;

public class Conv2DGeometryTests
{
    [Fact]
    public void ComputesPyTorchOutputSizes()
    {
        // nn.Conv2d(64, 64, 3, padding=1) on 28×28.
        var same = new Conv2DGeometry(64, 28, 28, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        Assert.Equal((28, 28), (same.OutHeight, same.OutWidth));
        Assert.Equal(64 * 784, same.InputSize);
        Assert.Equal(64 * 784, same.OutputSize);
        Assert.Equal(64 * 64 * 9, same.WeightSize);

        // nn.Conv2d(16, 32, 3, stride=2, padding=1) on 28×28 → 14×14; on 7×7 → 4×4.
        Assert.Equal(14, new Conv2DGeometry(16, 28, 28, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1).OutHeight);
        Assert.Equal(4, new Conv2DGeometry(16, 7, 7, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1).OutWidth);

        // Dilation 2, kernel 3, no padding on 10: 10 − 4 = 6. Stride 3 on 10 with kernel 2: (10 − 2)/3 + 1 = 3.
        Assert.Equal(6, new Conv2DGeometry(1, 10, 10, 1, 3, 3, 1, 1, 0, 0, 0, 0, 2, 2, 1).OutHeight);
        Assert.Equal(3, new Conv2DGeometry(1, 10, 10, 1, 2, 2, 3, 3, 0, 0, 0, 0, 1, 1, 1).OutWidth);

        // padding="same" with a 4×4 kernel: total 3, left 1, right 2.
        var even = new Conv2DGeometry(3, 8, 9, 4, 4, 4, 1, 1, 1, 1, 2, 2, 1, 1, 1);
        Assert.Equal((8, 9), (even.OutHeight, even.OutWidth));

        // Depthwise with multiplier 2: weight [8, 1, 5, 5].
        var depthwise = new Conv2DGeometry(4, 9, 9, 8, 5, 5, 2, 2, 2, 2, 2, 2, 1, 1, 4);
        Assert.Equal(8 * 1 * 25, depthwise.WeightSize);
        Assert.Equal(5, depthwise.OutHeight);
    }

    [Theory]
    [InlineData(0, "inChannels")]
    [InlineData(1, "inHeight")]
    [InlineData(2, "inWidth")]
    [InlineData(3, "outChannels")]
    [InlineData(4, "kernelHeight")]
    [InlineData(5, "kernelWidth")]
    [InlineData(6, "strideHeight")]
    [InlineData(7, "strideWidth")]
    [InlineData(8, "padTop")]
    [InlineData(9, "padLeft")]
    [InlineData(10, "padBottom")]
    [InlineData(11, "padRight")]
    [InlineData(12, "dilationHeight")]
    [InlineData(13, "dilationWidth")]
    [InlineData(14, "groups")]
    public void RejectsOutOfRangeValuesNamingThem(int index, string name)
    {
        int[] values = [4, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1];
        values[index] = index is >= 8 and <= 11 ? -1 : 0;
        var e = Assert.ThrowsAny<ArgumentException>(() => new Conv2DGeometry(values[0], values[1], values[2], values[3], values[4],
            values[5], values[6], values[7], values[8], values[9], values[10], values[11], values[12], values[13], values[14]));
        Assert.Equal(name, e.ParamName);
        Assert.Contains($"{name} must be at least", e.Message);
        Assert.Contains($"but is {values[index]}", e.Message);
    }

    [Fact]
    public void RejectsChannelsNotDivisibleByGroups()
    {
        var e = Assert.Throws<ArgumentException>(() => new Conv2DGeometry(6, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4));
        Assert.Equal("inChannels", e.ParamName);
        Assert.Contains("inChannels (6) must be divisible by groups (4)", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Conv2DGeometry(4, 8, 8, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4));
        Assert.Equal("outChannels", e.ParamName);
    }

    [Fact]
    public void RejectsAKernelLargerThanThePaddedInput()
    {
        var e = Assert.Throws<ArgumentException>(() => new Conv2DGeometry(1, 4, 8, 1, 3, 3, 1, 1, 0, 0, 0, 0, 2, 1, 1));
        Assert.Equal("kernelHeight", e.ParamName);
        Assert.Contains("spans 5 rows but the padded input has only 4", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Conv2DGeometry(1, 8, 4, 1, 3, 6, 1, 1, 0, 1, 0, 0, 1, 1, 1));
        Assert.Equal("kernelWidth", e.ParamName);
        // Exactly the padded input is fine: one output.
        var fits = new Conv2DGeometry(1, 4, 5, 1, 6, 7, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        Assert.Equal((1, 1), (fits.OutHeight, fits.OutWidth));
    }

    [Fact]
    public void EqualityComparesEveryField()
    {
        var a = new Conv2DGeometry(4, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        var b = new Conv2DGeometry(4, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        var c = new Conv2DGeometry(4, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 2, 1, 1, 1);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(a != c);
        Assert.Contains("3×3", a.ToString());
    }
}
