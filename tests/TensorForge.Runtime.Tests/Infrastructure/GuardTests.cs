namespace TensorForge.Runtime.Tests.Infrastructure;

public class GuardTests
{
    [Fact]
    public void Batch_returns_the_number_of_samples()
    {
        Assert.Equal(3, Guard.Batch(3 * 784, 784, "[1, 28, 28]", 30, 10, "[10]"));
        Assert.Equal(1, Guard.Batch(784, 784, "[1, 28, 28]", 10, 10, "[10]"));
    }

    [Fact]
    public void Input_that_is_not_whole_samples_names_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Guard.Batch(1000, 784, "[1, 28, 28]", 10, 10, "[10]"));
        Assert.Equal("input", e.ParamName);
        Assert.StartsWith("input has 1000 elements, which is not a whole number of samples of shape [1, 28, 28] (784 elements each)", e.Message);
    }

    [Fact]
    public void Wrong_output_length_names_the_batch_and_the_needed_length()
    {
        var e = Assert.Throws<ArgumentException>(() => Guard.Batch(3 * 784, 784, "[784]", 20, 10, "[10]"));
        Assert.Equal("output", e.ParamName);
        Assert.StartsWith("output has 20 elements but a batch of 3 samples of shape [10] needs 30", e.Message);
    }

    [Fact]
    public void Empty_input_throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Guard.Batch(0, 784, "[784]", 0, 10, "[10]"));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("empty", e.Message);
        Assert.Contains("[784]", e.Message);
    }

    [Fact]
    public void Custom_names_are_used()
    {
        var e = Assert.Throws<ArgumentException>(() => Guard.Batch(5, 2, "[2]", 4, 2, "[2]", inputName: "x", outputName: "y"));
        Assert.Equal("x", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Guard.Length(5, 1, 4, "[2, 2]", "targets"));
        Assert.Equal("targets", e.ParamName);
        Assert.StartsWith("targets has 5 elements but a batch of 1 sample of shape [2, 2] needs 4", e.Message);
    }

    [Fact]
    public void Labels_out_of_range_name_the_index_value_and_range()
    {
        int[] labels = [0, 1, 2, 3, 4, 12];
        var e = Assert.Throws<ArgumentException>(() => Guard.Labels(labels, 6, 1, 10));
        Assert.Equal("labels", e.ParamName);
        Assert.StartsWith("labels[5] is 12 but must lie in [0, 10)", e.Message);

        e = Assert.Throws<ArgumentException>(() => Guard.Labels([-1], 1, 1, 10));
        Assert.StartsWith("labels[0] is -1 but must lie in [0, 10)", e.Message);
    }

    [Fact]
    public void Labels_count_must_match_the_batch()
    {
        Guard.Labels([1, 2, 3, 4], 2, 2, 5); // two labels per sample (e.g. a sequence)
        var e = Assert.Throws<ArgumentException>(() => Guard.Labels([1, 2, 3], 4, 1, 5));
        Assert.StartsWith("labels has 3 elements but a batch of 4 samples needs 4 (one label per sample)", e.Message);
    }
}
