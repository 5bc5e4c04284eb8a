using TensorForge.Data;

namespace TensorForge.Runtime.Tests.Data;

public class DatasetTests
{
    [Fact]
    public void Inputs_must_be_one_sample_per_label()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset(new float[7], new int[2], 4));
        Assert.Equal("inputs", e.ParamName);
        Assert.Contains("inputs has 7 elements but 2 labels with samples of 4 elements need 8", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset(new float[0], new int[0], 0));
        Assert.Throws<ArgumentNullException>(() => new Dataset(null!, new int[0], 1));
        Assert.Equal(0, new Dataset([], [], 3).Count);
    }

    [Fact]
    public void Slice_copies_a_range_of_samples()
    {
        var data = new Dataset([0, 1, 2, 3, 4, 5], [10, 11, 12], 2);
        Dataset slice = data.Slice(1, 2);
        Assert.Equal([2f, 3f, 4f, 5f], slice.Inputs);
        Assert.Equal([11, 12], slice.Labels);
        slice.Inputs[0] = 99;
        Assert.Equal(2f, data.Inputs[2]);
        Assert.Equal(0, data.Slice(3, 0).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Slice(2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Slice(-1, 1));
    }
}
