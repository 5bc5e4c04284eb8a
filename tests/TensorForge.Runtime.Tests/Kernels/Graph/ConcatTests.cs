using TensorForge.Kernels;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;

namespace TensorForge.Runtime.Tests.Kernels.Graph;

public class ConcatTests
{
    [Theory]
    [InlineData(1, 3, 5)]
    [InlineData(3, 12, 4)]   // e.g. [3, 2, 2] ‖ [1, 2, 2]
    [InlineData(16, 64, 128)]
    [InlineData(4, 0, 7)]
    [InlineData(4, 7, 0)]
    public void Forward_joins_samples_and_backward_splits_them(int batch, int first, int second)
    {
        float[] a = Random(batch * first, 1), b = Random(batch * second, 2);
        var y = new float[batch * (first + second)];
        Concat.Forward(a, first, b, second, y, batch);
        for (int n = 0; n < batch; n++)
        {
            Assert.Equal(a.Skip(n * first).Take(first), y.Skip(n * (first + second)).Take(first));
            Assert.Equal(b.Skip(n * second).Take(second), y.Skip(n * (first + second) + first).Take(second));
        }

        // Backward of the forward: overwriting gives back exactly the inputs' layout.
        float[] da = Enumerable.Repeat(float.NaN, batch * first).ToArray(), db = Enumerable.Repeat(float.NaN, batch * second).ToArray();
        Concat.Backward(y, da, first, db, second, batch, accumulate: false);
        Assert.Equal(a, da);
        Assert.Equal(b, db);

        // Accumulating adds (a fanned-out input); an empty destination is skipped.
        Concat.Backward(y, da, first, [], second, batch, accumulate: true);
        Assert.Equal(a.Select(v => v + v), da);
        Concat.Backward(y, [], first, db, second, batch, accumulate: true);
        Assert.Equal(b.Select(v => v + v), db);
    }

    [Fact]
    public void Bad_lengths_throw_before_writing_and_name_the_sizes()
    {
        var y = new float[14];
        var e = Assert.Throws<ArgumentException>(() => Concat.Forward(new float[5], 3, new float[8], 4, y, 2));
        Assert.Contains("first has 5 elements but batch×firstPerSample = 2×3 needs 6", e.Message);
        e = Assert.Throws<ArgumentException>(() => Concat.Forward(new float[6], 3, new float[7], 4, y, 2));
        Assert.Contains("second has 7 elements but batch×secondPerSample = 2×4 needs 8", e.Message);
        e = Assert.Throws<ArgumentException>(() => Concat.Forward(new float[6], 3, new float[8], 4, new float[13], 2));
        Assert.Contains("output has 13 elements but batch×firstPerSample+secondPerSample = 2×7 needs 14", e.Message);
        float[] da = Enumerable.Repeat(5f, 6).ToArray();
        e = Assert.Throws<ArgumentException>(() => Concat.Backward(new float[14], da, 3, new float[7], 4, 2, false));
        Assert.Contains("secondGradient has 7 elements but batch×secondPerSample = 2×4 needs 8", e.Message);
        Assert.All(da, v => Assert.Equal(5f, v));
        e = Assert.Throws<ArgumentException>(() => Concat.Backward(new float[13], da, 3, [], 4, 2, false));
        Assert.Contains("outputGradient has 13 elements", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Concat.Forward(new float[6], -3, new float[8], 4, y, 2));
    }
}
