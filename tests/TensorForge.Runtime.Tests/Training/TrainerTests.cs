using System.Text.RegularExpressions;
using TensorForge.Data;
using TensorForge.Training;

namespace TensorForge.Runtime.Tests.Training;

public class TrainerTests
{
    [Fact]
    public void Fit_reduces_the_loss_and_learns_separable_blobs()
    {
        var network = new SoftmaxRegression(2, 3, learningRate: 0.1f, seed: 1);
        var log = new StringWriter();

        IReadOnlyList<EpochResult> results = Trainer.Fit(network, Blobs(300, seed: 1), Blobs(150, seed: 2),
            new TrainerOptions { Epochs = 5, BatchSize = 16, Seed = 3, Log = log });

        Assert.Equal([1, 2, 3, 4, 5], results.Select(r => r.Epoch));
        Assert.True(results[^1].Loss < results[0].Loss / 2, string.Join(", ", results.Select(r => r.Loss)));
        Assert.True(results[^1].TrainAccuracy > 0.95f, $"train accuracy {results[^1].TrainAccuracy}");
        Assert.True(results[^1].TestAccuracy > 0.95f, $"test accuracy {results[^1].TestAccuracy}");
        Assert.All(results, r => Assert.True(r.SamplesPerSecond > 0 && r.Elapsed > TimeSpan.Zero));

        string[] lines = log.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.All(lines, line => Assert.Matches(
            @"^epoch [1-5]/5  loss \d+\.\d{4}  train \d{1,3}\.\d{2}%  test \d{1,3}\.\d{2}%  [\d,]+ samples/s  \d+\.\d{2} s$", line));
    }

    [Fact]
    public void Progress_line_pads_the_epoch_and_omits_a_missing_test_set()
    {
        var log = new StringWriter();
        Trainer.Fit(new RecordingNetwork(), Indexed(4), null, new TrainerOptions { Epochs = 10, BatchSize = 4, Log = log });
        string first = log.ToString().Split(Environment.NewLine)[0];
        Assert.Matches(@"^epoch  1/10  loss 1\.0000  train \d+\.\d{2}%  [\d,]+ samples/s  \d+\.\d{2} s$", first);
    }

    [Fact]
    public void Same_seed_gives_identical_parameters_and_another_seed_does_not()
    {
        float[] Train(int seed)
        {
            var network = new SoftmaxRegression(2, 3, learningRate: 0.1f, seed: 1);
            Trainer.Fit(network, Blobs(100, seed: 1), null, new TrainerOptions { Epochs = 2, BatchSize = 8, Seed = seed, Log = null });
            return network.Parameters.ToArray();
        }

        Assert.Equal(Train(7), Train(7));
        Assert.NotEqual(Train(7), Train(8));
    }

    [Fact]
    public void Every_sample_is_used_once_per_epoch_including_the_last_partial_batch()
    {
        var network = new RecordingNetwork();
        Trainer.Fit(network, Indexed(10), null, new TrainerOptions { Epochs = 3, BatchSize = 4, Seed = 1, Log = null });

        Assert.Equal([4, 4, 2, 4, 4, 2, 4, 4, 2], network.Batches.Select(b => b.Length));
        int[][] epochs = [.. Enumerable.Range(0, 3).Select(e => network.Batches.Skip(3 * e).Take(3).SelectMany(b => b).ToArray())];
        Assert.All(epochs, order => Assert.Equal(Enumerable.Range(0, 10), order.Order()));
        Assert.NotEqual(epochs[0], epochs[1]); // reshuffled every epoch
        Assert.NotEqual(Enumerable.Range(0, 10), epochs[0]);
    }

    [Fact]
    public void Without_shuffling_the_order_is_the_dataset_order()
    {
        var network = new RecordingNetwork();
        Trainer.Fit(network, Indexed(5), null, new TrainerOptions { Epochs = 1, BatchSize = 2, Shuffle = false, Log = null });
        Assert.Equal([[0, 1], [2, 3], [4]], network.Batches);
    }

    [Fact]
    public void Step_losses_are_recorded_in_order_and_average_to_the_epoch_loss()
    {
        // The loss of call c is c, so the history must read 1, 2, …, 9 (3 epochs of 3 steps: batches 4, 4, 2).
        var network = new RecordingNetwork(call => call);
        var history = new List<float> { -1f }; // a second Fit continues the list
        IReadOnlyList<EpochResult> results = Trainer.Fit(network, Indexed(10), null,
            new TrainerOptions { Epochs = 3, BatchSize = 4, Log = null, StepLosses = history });

        Assert.Equal([-1f, 1, 2, 3, 4, 5, 6, 7, 8, 9], history);
        for (int e = 0; e < 3; e++)
        {
            float expected = (4f * history[1 + 3 * e] + 4f * history[2 + 3 * e] + 2f * history[3 + 3 * e]) / 10f;
            Assert.Equal(expected, results[e].Loss, 5);
        }
    }

    [Fact]
    public void The_non_finite_loss_that_stops_training_is_the_last_recorded()
    {
        var network = new RecordingNetwork(call => call == 5 ? float.NaN : 0.5f);
        var history = new List<float>();
        Assert.Throws<InvalidOperationException>(() =>
            Trainer.Fit(network, Indexed(10), null, new TrainerOptions { Epochs = 4, BatchSize = 4, Log = null, StepLosses = history }));
        Assert.Equal(5, history.Count);
        Assert.True(float.IsNaN(history[^1]));
        Assert.All(history.Take(4), loss => Assert.Equal(0.5f, loss));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void A_non_finite_loss_stops_training_naming_epoch_and_step(float badLoss)
    {
        var network = new RecordingNetwork(call => call == 7 ? badLoss : 1f);
        var e = Assert.Throws<InvalidOperationException>(() =>
            Trainer.Fit(network, Indexed(10), null, new TrainerOptions { Epochs = 5, BatchSize = 4, Log = null }));
        // Calls 1–3 are epoch 1; call 7 is the first step of epoch 3.
        Assert.Contains("at epoch 3, step 1 of 3", e.Message);
        Assert.Equal(7, network.Batches.Count);
    }

    [Fact]
    public void Evaluate_counts_arg_max_hits_in_batches()
    {
        // The network outputs its input, so the arg-max is the position of the largest input.
        var identity = new PassThrough(3);
        var data = new Dataset([0, 5, 1, /**/ 9, 0, 0, /**/ 0, 0, 2, /**/ 1, 0, 0, /**/ 0, 3, 0], [1, 0, 1, 0, 1], 3);
        Assert.Equal(0.8f, Trainer.Evaluate(identity, data, batchSize: 2));
        Assert.Equal(0.8f, Trainer.Evaluate(identity, data));
    }

    [Fact]
    public void Evaluate_of_a_single_logit_predicts_one_when_positive()
    {
        var data = new Dataset([2f, -1f, 0.5f, -3f], [1, 0, 0, 0], 1);
        Assert.Equal(0.75f, Trainer.Evaluate(new PassThrough(1), data));
    }

    [Fact]
    public void Mismatched_or_empty_data_is_rejected()
    {
        var network = new SoftmaxRegression(2, 3, 0.1f, 1);
        var options = new TrainerOptions { Log = null };
        var e = Assert.Throws<ArgumentException>(() => Trainer.Fit(network, new Dataset(new float[3], new int[1], 3), null, options));
        Assert.Contains("samples of 3 elements but the network's input has 2", e.Message);
        Assert.Throws<ArgumentException>(() => Trainer.Fit(network, Blobs(10, 1), new Dataset(new float[3], new int[1], 3), options));
        Assert.Throws<ArgumentException>(() => Trainer.Fit(network, new Dataset([], [], 2), null, options));
        Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Fit(network, Blobs(10, 1), null, new TrainerOptions { BatchSize = 0 }));
        Assert.Throws<ArgumentException>(() => Trainer.Evaluate(network, new Dataset([], [], 2)));
    }

    /// <summary>Three Gaussian blobs in the plane (σ = 0.5 around (−2, 0), (2, 0), (0, 3)), labels 0–2.</summary>
    private static Dataset Blobs(int count, int seed)
    {
        (float X, float Y)[] centres = [(-2f, 0f), (2f, 0f), (0f, 3f)];
        var random = new SeededRandom(seed);
        var inputs = new float[2 * count];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % 3;
            inputs[2 * i] = centres[labels[i]].X + 0.5f * random.NextGaussian();
            inputs[2 * i + 1] = centres[labels[i]].Y + 0.5f * random.NextGaussian();
        }
        return new Dataset(inputs, labels, 2);
    }

    /// <summary>Sample i has input i and label i.</summary>
    private static Dataset Indexed(int count) =>
        new(Enumerable.Range(0, count).Select(i => (float)i).ToArray(), Enumerable.Range(0, count).ToArray(), 1);

    private sealed class PassThrough(int size) : ClassifierStub(size, size, 0)
    {
        public override void Forward(ReadOnlySpan<float> input, Span<float> output) => input.CopyTo(output);
        public override float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<int> labels) => throw new NotSupportedException();
    }
}
