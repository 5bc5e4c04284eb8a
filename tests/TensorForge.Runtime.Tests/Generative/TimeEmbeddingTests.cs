using TensorForge.Generative;
using TensorForge.Kernels;
using TensorForge.Runtime.Tests.Kernels;

namespace TensorForge.Runtime.Tests.Generative;

public sealed class TimeEmbeddingTests
{
    [Theory]
    [InlineData(16)]
    [InlineData(7)]
    [InlineData(1)]
    public void The_embedding_of_t_is_the_positional_encoding_at_position_t(int dimension)
    {
        AlignedBuffer table = PositionalEncoding.CreateTable(1000, dimension);
        float[] embedding = new float[dimension];
        foreach (int t in new[] { 0, 1, 2, 37, 500, 999 })
        {
            TimeEmbedding.Sinusoidal(t, embedding);
            Assert.Equal(table.Span.Slice(t * dimension, dimension).ToArray(), embedding);
        }
    }

    [Fact]
    public void The_embedding_is_sin_and_cos_of_t_over_10000_to_the_2i_over_d()
    {
        float[] e = new float[8];
        TimeEmbedding.Sinusoidal(123, e);
        for (int i = 0; i < 4; i++)
        {
            double angle = 123 / Math.Pow(10000, 2.0 * i / 8);
            Assert.Equal(Math.Sin(angle), e[2 * i], 1e-6);
            Assert.Equal(Math.Cos(angle), e[2 * i + 1], 1e-6);
        }
    }

    [Fact]
    public void Appended_channels_follow_the_image_and_are_constant_planes_of_each_samples_embedding()
    {
        const int batch = 3, channels = 2, plane = 12, d = 5;
        float[] images = KernelTestSupport.Random(batch * channels * plane, 1);
        int[] timesteps = [0, 999, 42];
        float[] conditioned = new float[batch * (channels + d) * plane];

        TimeEmbedding.AppendAsChannels(images, timesteps, channels, plane, d, conditioned);

        float[] e = new float[d];
        for (int b = 0; b < batch; b++)
        {
            TimeEmbedding.Sinusoidal(timesteps[b], e);
            for (int c = 0; c < channels + d; c++)
            {
                for (int p = 0; p < plane; p++)
                {
                    float expected = c < channels ? images[(b * channels + c) * plane + p] : e[c - channels];
                    Assert.Equal(expected, conditioned[(b * (channels + d) + c) * plane + p]);
                }
            }
        }
    }

    [Fact]
    public void Wrong_lengths_throw_naming_the_sizes_and_write_nothing()
    {
        float[] destination = Enumerable.Repeat(3f, 2 * 3 * 4).ToArray();
        var e = Assert.Throws<ArgumentException>(() => TimeEmbedding.AppendAsChannels(new float[7], [1, 2], 1, 4, 2, destination));
        Assert.Contains("7", e.Message);
        Assert.Contains("8", e.Message);
        e = Assert.Throws<ArgumentException>(() => TimeEmbedding.AppendAsChannels(new float[8], [1, 2], 1, 4, 2, new float[23]));
        Assert.Contains("23", e.Message);
        Assert.Contains("24", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeEmbedding.AppendAsChannels(new float[8], [1, -2], 1, 4, 2, destination));
        Assert.All(destination, v => Assert.Equal(3f, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeEmbedding.Sinusoidal(-1, new float[4]));
    }

    [Fact]
    public void Appending_allocates_nothing()
    {
        float[] images = new float[8 * 784], conditioned = new float[8 * 17 * 784];
        int[] timesteps = [1, 2, 3, 4, 5, 6, 7, 8];
        Assert.Equal(0, SteadyStateAllocation.Least(() => TimeEmbedding.AppendAsChannels(images, timesteps, 1, 784, 16, conditioned)));
    }
}
