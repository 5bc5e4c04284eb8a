namespace TensorForge.Samples.Tests;

public sealed class MnistScoreTests
{
    [Fact]
    public void Uniform_predictions_score_one()
    {
        float[] p = Enumerable.Repeat(0.1f, 50 * 10).ToArray();
        Assert.Equal(1.0, MnistScore.FromProbabilities(p, 50, 10), 6);
    }

    [Fact]
    public void Identical_confident_predictions_score_one()
    {
        float[] p = new float[20 * 10];
        for (int i = 0; i < 20; i++)
            p[i * 10 + 3] = 1f;
        Assert.Equal(1.0, MnistScore.FromProbabilities(p, 20, 10), 12);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(2_000)]
    public void One_hot_predictions_spread_evenly_over_ten_classes_score_ten(int count)
    {
        float[] p = new float[count * 10];
        for (int i = 0; i < count; i++)
            p[i * 10 + i % 10] = 1f;
        Assert.Equal(10.0, MnistScore.FromProbabilities(p, count, 10), 9);
    }

    [Fact]
    public void Two_images_two_classes_match_the_closed_form()
    {
        // p(y) = (0.5, 0.5); each KL = 0.9 ln(0.9/0.5) + 0.1 ln(0.1/0.5).
        float[] p = [0.9f, 0.1f, 0.1f, 0.9f];
        double kl = 0.9 * Math.Log(0.9 / 0.5) + 0.1 * Math.Log(0.1 / 0.5);
        Assert.Equal(Math.Exp(kl), MnistScore.FromProbabilities(p, 2, 2), 6);
    }

    [Fact]
    public void Five_classes_used_evenly_score_five()
    {
        float[] p = new float[100 * 10];
        for (int i = 0; i < 100; i++)
            p[i * 10 + 2 * (i % 5)] = 1f;
        Assert.Equal(5.0, MnistScore.FromProbabilities(p, 100, 10), 9);
    }

    [Fact]
    public void Measure_applies_the_softmax_to_the_classifier_outputs()
    {
        // The classifier returns its input as logits: 100 × one-hot over 10 classes is a near-certain prediction.
        var classifier = new LogitsAreInputs(10);
        float[] images = new float[30 * 10];
        for (int i = 0; i < 30; i++)
            images[i * 10 + i % 10] = 100f;
        Assert.Equal(10.0, MnistScore.Measure(classifier, images, batchSize: 7), 6);

        float[] constant = new float[30 * 10];
        Assert.Equal(1.0, MnistScore.Measure(classifier, constant, batchSize: 7), 6);
        Assert.Equal([7, 7, 7, 7, 2, 7, 7, 7, 7, 2], classifier.Batches);
    }

    [Fact]
    public void Wrong_lengths_throw_naming_the_sizes()
    {
        var e = Assert.Throws<ArgumentException>(() => MnistScore.FromProbabilities(new float[19], 2, 10));
        Assert.Contains("19", e.Message);
        Assert.Contains("20", e.Message);
        Assert.Throws<ArgumentException>(() => MnistScore.Measure(new LogitsAreInputs(10), new float[15]));
        Assert.Throws<ArgumentException>(() => MnistScore.Measure(new LogitsAreInputs(10), []));
    }

    private sealed class LogitsAreInputs(int size) : INetwork
    {
        public List<int> Batches { get; } = [];
        public int InputSize => size;
        public int OutputSize => size;
        public int ParameterCount => 0;
        public Span<float> Parameters => [];

        public void Forward(ReadOnlySpan<float> input, Span<float> output)
        {
            Assert.Equal(input.Length, output.Length);
            Batches.Add(input.Length / size);
            input.CopyTo(output);
        }

        public void Save(string path) => throw new NotSupportedException();
        public void Save(Stream stream) => throw new NotSupportedException();
        public void Load(string path) => throw new NotSupportedException();
        public void Load(Stream stream) => throw new NotSupportedException();
    }
}
