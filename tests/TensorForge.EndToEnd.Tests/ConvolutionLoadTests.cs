using TensorForge.EndToEnd.Tests.Networks;

namespace TensorForge.EndToEnd.Tests;

/// <summary>Load of convolutional networks checks every convolution weight and batch-norm buffer before it changes anything.</summary>
public class ConvolutionLoadTests
{
    private static byte[] Saved(INetwork network)
    {
        var stream = new MemoryStream();
        network.Save(stream);
        return stream.ToArray();
    }

    [Fact]
    public void A_file_whose_convolution_and_batch_norm_shapes_differ_is_rejected_and_nothing_changes()
    {
        var network = new ResidualBatchNormNet();
        network.ForwardTrain(TestData.Uniform(4 * ResidualBatchNormNet.InputSize, seed: 3), new float[4 * ResidualBatchNormNet.OutputSize]);
        byte[] before = Saved(network);
        var e = Assert.Throws<InvalidDataException>(() => network.Load(new MemoryStream(Saved(new WiderResidualBatchNormNet()))));
        Assert.Matches("c1.weight|bn1", e.Message);
        Assert.Contains("[5", e.Message);
        Assert.Equal(before, Saved(network));
    }

    [Fact]
    public void A_file_without_the_running_statistics_is_rejected_and_nothing_changes()
    {
        var network = new ResidualBatchNormNet();
        byte[] before = Saved(network);
        var e = Assert.Throws<InvalidDataException>(() => network.Load(new MemoryStream(Saved(new NoBatchNormNet()))));
        Assert.Contains("bn", e.Message);
        Assert.Equal(before, Saved(network));
    }
}
