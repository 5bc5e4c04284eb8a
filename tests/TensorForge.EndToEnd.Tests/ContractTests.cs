using System.Text;
using TensorForge.EndToEnd.Tests.Networks;

namespace TensorForge.EndToEnd.Tests;

/// <summary>The public contract of generated code (DESIGN.md §2): constants, shapes, argument checks that change nothing,
/// save/load, determinism and allocation-free steady state.</summary>
public class ContractTests
{
    [Fact]
    public void Constants_shapes_and_summary_describe_the_network()
    {
        Assert.Equal(784, MnistMlp.InputSize);
        Assert.Equal(10, MnistMlp.OutputSize);
        Assert.Equal(784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10, MnistMlp.ParameterCount);
        Assert.Equal(new[] { 1, 28, 28 }, MnistMlp.InputShape.ToArray());
        Assert.Equal(new[] { 10 }, MnistMlp.OutputShape.ToArray());
        Assert.Contains("fc1       Dense, ReLU   [128]           100,480", MnistMlp.Summary);
        Assert.Contains("Total parameters: 109,386", MnistMlp.Summary);
        var network = new MnistMlp();
        Assert.Equal(MnistMlp.ParameterCount, network.Parameters.Length);
        Assert.Equal(MnistMlp.ParameterCount, network.Gradients.Length);
    }

    [Fact]
    public void Inference_only_network_has_no_training_members()
    {
        Assert.False(typeof(ITrainableNetwork).IsAssignableFrom(typeof(MnistMlpInference)));
        Assert.Null(typeof(MnistMlpInference).GetMethod("TrainStep"));
        Assert.Null(typeof(MnistMlpInference).GetMethod("Backward"));
        Assert.True(typeof(IClassifierNetwork).IsAssignableFrom(typeof(MnistMlp)));
        Assert.False(typeof(IClassifierNetwork).IsAssignableFrom(typeof(MeanSquaredErrorNet)));
    }

    [Fact]
    public void Same_seed_gives_identical_parameters_and_training()
    {
        var a = new MnistMlp(7);
        var b = new MnistMlp(7);
        var c = new MnistMlp(8);
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
        Assert.False(a.Parameters.SequenceEqual(c.Parameters));
        Assert.True(new MnistMlp().Parameters.SequenceEqual(new MnistMlp(42).Parameters)); // [Network(Seed = 42)]

        float[] input = TestData.Uniform(16 * 784, seed: 1, lo: 0, hi: 1);
        int[] labels = TestData.Labels(16, 10, seed: 2);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(a.TrainStep(input, labels), b.TrainStep(input, labels));
        }
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
    }

    [Fact]
    public void Initialisation_follows_the_documented_bounds()
    {
        var network = new MnistMlp(3);
        ReadOnlySpan<float> p = network.Parameters;
        float he = MathF.Sqrt(6f / 784);          // fc1 weight, ReLU: He uniform
        float bias = 1f / MathF.Sqrt(784);        // fc1 bias: PyTorch's U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        float xavier = MathF.Sqrt(6f / (64 + 10)); // fc3 weight, no activation: Xavier uniform
        Assert.All(p.Slice(0, 100352).ToArray(), w => Assert.InRange(w, -he, he));
        Assert.True(p.Slice(0, 100352).ToArray().Max() > 0.95f * he);
        Assert.All(p.Slice(100352, 128).ToArray(), w => Assert.InRange(w, -bias, bias));
        Assert.All(p.Slice(108736, 640).ToArray(), w => Assert.InRange(w, -xavier, xavier));
        Assert.True(p.Slice(108736, 640).ToArray().Max() > 0.9f * xavier);
    }

    [Fact]
    public void Bad_lengths_and_labels_throw_naming_the_shapes_and_change_nothing()
    {
        var network = new MnistMlp();
        float[] before = network.Parameters.ToArray();
        var output = new float[20];

        var e1 = Assert.Throws<ArgumentException>(() => network.Forward(new float[1000], output));
        Assert.Contains("[1, 28, 28]", e1.Message);
        Assert.Contains("1000", e1.Message);

        var e2 = Assert.Throws<ArgumentException>(() => network.Forward(new float[3 * 784], output));
        Assert.Contains("[10]", e2.Message);
        Assert.Contains("30", e2.Message);

        Assert.Throws<ArgumentException>(() => network.Forward(Array.Empty<float>(), Array.Empty<float>()));

        var e3 = Assert.Throws<ArgumentException>(() => network.TrainStep(new float[2 * 784], new[] { 3, 12 }));
        Assert.Contains("12", e3.Message);
        Assert.Contains("[0, 10)", e3.Message);

        Assert.Throws<ArgumentException>(() => network.TrainStep(new float[2 * 784], new[] { 3 }));
        Assert.Throws<ArgumentException>(() => network.TrainStep(new float[2 * 784], new[] { -1, 0 }));
        Assert.Throws<ArgumentException>(() => network.TrainStep(new float[2 * 784], new float[19]));

        network.ForwardTrain(new float[2 * 784], new float[20]);
        Assert.Throws<ArgumentException>(() => network.Backward(new float[10], Span<float>.Empty));
        Assert.Throws<ArgumentException>(() => network.Backward(new float[20], new float[784]));

        Assert.True(network.Parameters.SequenceEqual(before));
        Assert.All(network.Gradients.ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Backward_without_ForwardTrain_throws()
    {
        var network = new FusedActivationNet();
        Assert.Throws<InvalidOperationException>(() => network.Backward(new float[2], Span<float>.Empty));
        network.ForwardTrain(new float[6], new float[2]);
        network.Forward(new float[6], new float[2]); // discards the training activations
        Assert.Throws<InvalidOperationException>(() => network.Backward(new float[2], Span<float>.Empty));
    }

    [Fact]
    public void Save_and_load_round_trip_through_a_file_and_a_stream()
    {
        var trained = new MnistMlp(1);
        trained.TrainStep(TestData.Uniform(8 * 784, seed: 5, lo: 0, hi: 1), TestData.Labels(8, 10, seed: 6));
        string path = Path.Combine(Path.GetTempPath(), $"tf-{Guid.NewGuid():N}.safetensors");
        try
        {
            trained.Save(path);
            var loaded = new MnistMlp(2);
            loaded.Load(path);
            Assert.True(loaded.Parameters.SequenceEqual(trained.Parameters));

            // The inference twin shares the layer names fc1..fc3, so it loads the training network's file.
            var deployed = new MnistMlpInference();
            deployed.Load(path);
            Assert.True(deployed.Parameters.SequenceEqual(trained.Parameters));
            float[] x = TestData.Uniform(4 * 784, seed: 9, lo: 0, hi: 1);
            float[] y1 = new float[40], y2 = new float[40];
            trained.Forward(x, y1);
            deployed.Forward(x, y2);
            Assert.Equal(y1, y2);
        }
        finally
        {
            File.Delete(path);
        }

        using var stream = new MemoryStream();
        trained.Save(stream);
        stream.Position = 0;
        var fromStream = new MnistMlp(3);
        fromStream.Load(stream);
        Assert.True(fromStream.Parameters.SequenceEqual(trained.Parameters));

        // The header names every tensor under its layer name, PyTorch style.
        string header = Encoding.UTF8.GetString(stream.ToArray(), 8, (int)BitConverter.ToUInt64(stream.ToArray(), 0));
        foreach (string name in new[] { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias" })
        {
            Assert.Contains($"\"{name}\"", header);
        }
        Assert.Contains("[128,784]", header.Replace(" ", ""));
    }

    [Fact]
    public void Load_of_a_file_with_other_names_shapes_or_dtype_throws_and_leaves_the_model_unchanged()
    {
        var target = new MnistMlp(1);
        float[] before = target.Parameters.ToArray();

        using var otherNames = new MemoryStream();
        new MeanSquaredErrorNet().Save(otherNames); // dense1/dense2 with other shapes
        otherNames.Position = 0;
        var e = Assert.Throws<InvalidDataException>(() => target.Load(otherNames));
        Assert.Matches("fc1|dense1", e.Message);
        Assert.True(target.Parameters.SequenceEqual(before));

        // Same names, wrong dtype: rewrite one dtype in the header of a valid file.
        using var valid = new MemoryStream();
        new MnistMlp(2).Save(valid);
        byte[] bytes = valid.ToArray();
        int headerLength = (int)BitConverter.ToUInt64(bytes, 0);
        string header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        int at = header.IndexOf("\"F32\"", StringComparison.Ordinal);
        byte[] f16 = (byte[])bytes.Clone();
        Encoding.UTF8.GetBytes("\"F16\"").CopyTo(f16, 8 + at);
        Assert.Throws<InvalidDataException>(() => target.Load(new MemoryStream(f16)));
        Assert.True(target.Parameters.SequenceEqual(before));

        // Truncated data.
        Assert.ThrowsAny<Exception>(() => target.Load(new MemoryStream(bytes, 0, bytes.Length - 100)));
        Assert.True(target.Parameters.SequenceEqual(before));
    }

    [Fact]
    public void Forward_and_TrainStep_allocate_nothing_after_the_first_call()
    {
        var network = new MnistMlp();
        float[] input = TestData.Uniform(32 * 784, seed: 1, lo: 0, hi: 1);
        int[] labels = TestData.Labels(32, 10, seed: 2);
        var output = new float[320];
        network.Forward(input, output);
        network.TrainStep(input, labels);
        network.Forward(input, output);
        network.TrainStep(input, labels);

        // The least of up to 20 rounds of ten steps: an allocation made per call shows in every round (see
        // SteadyStateAllocation for the one-off runtime allocations this tolerates).
        long least = SteadyStateAllocation.Least(() =>
        {
            for (int i = 0; i < 10; i++)
            {
                network.Forward(input, output);
                network.TrainStep(input, labels);
            }
        });
        Assert.Equal(0, least);

        // A smaller batch reuses the buffers of the larger one.
        Assert.Equal(0, SteadyStateAllocation.Least(() => network.Forward(input.AsSpan(0, 784), output.AsSpan(0, 10))));
    }

    [Fact]
    public void TrainStep_ignores_gradients_left_by_an_earlier_Backward()
    {
        // TrainStep overwrites the gradients instead of zeroing them first; stale ones must not leak into the update.
        // (A network without dropout: a ForwardTrain would otherwise advance the dropout stream.)
        float[] input = TestData.Uniform(4 * CrossEntropyNet.InputSize, seed: 3);
        int[] labels = TestData.Labels(4, 3, seed: 4);
        var dirty = new CrossEntropyNet(5);
        var clean = new CrossEntropyNet(5);
        dirty.ForwardTrain(input, new float[12]);
        dirty.Backward(TestData.Uniform(12, seed: 6), Span<float>.Empty);
        Assert.Contains(dirty.Gradients.ToArray(), g => g != 0f);

        Assert.Equal(clean.TrainStep(input, labels), dirty.TrainStep(input, labels));
        Assert.True(dirty.Gradients.SequenceEqual(clean.Gradients));
        Assert.True(dirty.Parameters.SequenceEqual(clean.Parameters));
    }

    [Fact]
    public void Schedule_drives_the_learning_rate_per_step()
    {
        var network = new MnistMlp();
        Assert.Equal(1e-3f, network.LearningRate);
        for (int i = 0; i < 1250; i++) network.Step(); // half of TMax = 2500
        Assert.Equal(5e-4f, network.LearningRate, 6);
    }
}
