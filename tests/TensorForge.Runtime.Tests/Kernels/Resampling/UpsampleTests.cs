using TensorForge.Kernels;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;

namespace TensorForge.Runtime.Tests.Kernels.Resampling;

/// <summary>Nearest upsampling against plain loops over every index: forward copies input[⌊y/s⌋, ⌊x/s⌋], backward sums
/// each s×s block (s² terms, so the tolerance is that of an s²-long sum).</summary>
public class UpsampleTests
{
    private static double[] ReferenceForward(float[] input, int batch, int channels, int height, int width, int scale)
    {
        var output = new double[batch * channels * height * scale * width * scale];
        int oh = height * scale, ow = width * scale;
        for (int p = 0; p < batch * channels; p++)
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++)
                    output[(p * oh + y) * ow + x] = input[(p * height + y / scale) * width + x / scale];
        return output;
    }

    private static double[] ReferenceBackward(float[] outputGradient, int batch, int channels, int height, int width, int scale)
    {
        var inputGradient = new double[batch * channels * height * width];
        int oh = height * scale, ow = width * scale;
        for (int p = 0; p < batch * channels; p++)
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++)
                    inputGradient[(p * height + y / scale) * width + x / scale] += outputGradient[(p * oh + y) * ow + x];
        return inputGradient;
    }

    public static TheoryData<int, int, int, int, int> Cases => new()
    {
        { 1, 1, 1, 1, 1 }, { 2, 3, 4, 5, 2 }, { 1, 2, 7, 7, 2 }, { 3, 1, 3, 2, 3 }, { 2, 4, 1, 9, 4 }, { 1, 16, 14, 14, 2 }, { 2, 2, 5, 3, 5 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_backward_match_the_reference(int batch, int channels, int height, int width, int scale)
    {
        float[] input = Random(batch * channels * height * width, seed: height * 31 + width);
        var output = new float[input.Length * scale * scale];
        Upsample.NearestForward(input, output, batch, channels, height, width, scale);
        Near(ReferenceForward(input, batch, channels, height, width, scale), output, 0, 0, "forward");

        float[] outputGradient = Random(output.Length, seed: scale * 7 + channels);
        var inputGradient = new float[input.Length];
        inputGradient.AsSpan().Fill(float.NaN); // overwritten, not added to
        Upsample.NearestBackward(outputGradient, inputGradient, batch, channels, height, width, scale);
        Near(ReferenceBackward(outputGradient, batch, channels, height, width, scale), inputGradient, 1e-6, 1e-6 * scale * scale, "backward");
    }

    [Fact]
    public void Empty_batches_write_nothing()
    {
        var output = new float[4];
        Upsample.NearestForward(ReadOnlySpan<float>.Empty, output, 0, 3, 2, 2, 2);
        Assert.All(output, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Short_spans_and_bad_sizes_throw_naming_the_sizes()
    {
        var small = new float[2 * 3 * 4 * 4];
        var large = new float[2 * 3 * 8 * 8];
        var error = Assert.Throws<ArgumentException>(() => Upsample.NearestForward(small.AsSpan(1), large, 2, 3, 4, 4, 2));
        Assert.Contains("input has 95 elements but batch×channels×height×width = 2×3×4×4 needs 96", error.Message);
        error = Assert.Throws<ArgumentException>(() => Upsample.NearestForward(small, large.AsSpan(1), 2, 3, 4, 4, 2));
        Assert.Contains("output has 383 elements but batch×channels×(height·scale)×(width·scale) = 2×3×8×8 needs 384", error.Message);
        error = Assert.Throws<ArgumentException>(() => Upsample.NearestBackward(large.AsSpan(1), small, 2, 3, 4, 4, 2));
        Assert.Contains("outputGradient has 383 elements", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Upsample.NearestForward(small, large, 2, 3, 4, 4, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Upsample.NearestBackward(large, small, -1, 3, 4, 4, 2));
    }

    [Fact]
    public void Calls_allocate_nothing()
    {
        float[] input = Random(2 * 3 * 5 * 5, seed: 1);
        var output = new float[input.Length * 4];
        var gradient = new float[input.Length];
        Upsample.NearestForward(input, output, 2, 3, 5, 5, 2);
        Upsample.NearestBackward(output, gradient, 2, 3, 5, 5, 2);
        Assert.Equal(0, SteadyStateAllocation.Least(() =>
        {
            Upsample.NearestForward(input, output, 2, 3, 5, 5, 2);
            Upsample.NearestBackward(output, gradient, 2, 3, 5, 5, 2);
        }));
    }
}
