using System.Runtime.InteropServices;
using TensorForge.EndToEnd.Tests.Networks;

namespace TensorForge.EndToEnd.Tests.Reliability;

/// <summary>The threading model: an instance is not thread-safe, separate instances are. Threads each with their own instance
/// or Clone give bit-identical results to one thread.</summary>
public class ConcurrencyTests
{
    private const int Threads = 6;

    private static float[] Batch(int seed, int samples)
    {
        var random = new SeededRandom(seed);
        var input = new float[samples * MnistMlp.InputSize];
        for (int i = 0; i < input.Length; i++) input[i] = random.NextSingle();
        return input;
    }

    private static MnistMlp TrainedModel()
    {
        var model = new MnistMlp();
        var labels = new int[16];
        for (int step = 0; step < 3; step++)
        {
            for (int i = 0; i < labels.Length; i++) labels[i] = (i + step) % 10;
            model.TrainStep(Batch(step, 16), labels);
        }
        return model;
    }

    [Fact]
    public void Clones_infer_in_parallel_exactly_as_one_thread()
    {
        MnistMlp model = TrainedModel();
        float[][] batches = [.. Enumerable.Range(0, 8).Select(i => Batch(100 + i, 1 + 7 * i))];
        float[][] expected = [.. batches.Select(b => { var o = new float[b.Length / MnistMlp.InputSize * MnistMlp.OutputSize]; model.Forward(b, o); return o; })];

        var results = new float[Threads][][];
        var clones = Enumerable.Range(0, Threads).Select(_ => model.Clone()).ToArray();
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            results[t] = new float[batches.Length][];
            for (int round = 0; round < 20; round++)
            {
                // Each thread walks the batches in its own order, so batch sizes (and buffer growth) interleave across threads.
                for (int j = 0; j < batches.Length; j++)
                {
                    int i = (j + t) % batches.Length;
                    var output = new float[expected[i].Length];
                    clones[t].Forward(batches[i], output);
                    results[t][i] = output;
                    if (!output.AsSpan().SequenceEqual(expected[i]))
                        throw new InvalidOperationException($"thread {t}, round {round}, batch {i} differs");
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        for (int t = 0; t < Threads; t++)
            for (int i = 0; i < batches.Length; i++)
                Assert.Equal(expected[i], results[t][i]);
        ReliabilityReport.Line($"concurrency: {Threads} threads × 20 rounds × {batches.Length} batches on clones, 0 differences");
    }

    [Fact]
    public void Separate_instances_train_in_parallel_exactly_as_one_thread()
    {
        static byte[] Train(int seed)
        {
            var network = new GuardedClassifier(seed);
            var random = new SeededRandom(seed);
            var input = new float[8 * GuardedClassifier.InputSize];
            var labels = new int[8];
            for (int step = 0; step < 50; step++)
            {
                for (int i = 0; i < input.Length; i++) input[i] = random.NextGaussian();
                for (int i = 0; i < labels.Length; i++) labels[i] = (i + step) % 3;
                network.TrainStep(input, labels);
            }
            return MemoryMarshal.AsBytes(network.Parameters).ToArray();
        }

        byte[][] sequential = [.. Enumerable.Range(0, Threads).Select(t => Train(t % 2))];
        var parallel = new byte[Threads][];
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t => parallel[t] = Train(t % 2));
        for (int t = 0; t < Threads; t++)
            Assert.Equal(sequential[t], parallel[t]);
        Assert.Equal(sequential[0], sequential[2]);
    }

    [Fact]
    public void A_clone_is_independent_and_continues_training_exactly_as_the_original()
    {
        MnistMlp model = TrainedModel();
        model.CheckFinite = true;
        MnistMlp clone = model.Clone();
        Assert.Equal(model.Parameters.ToArray(), clone.Parameters.ToArray());
        Assert.True(clone.CheckFinite);
        Assert.False(clone.Parameters.Overlaps(model.Parameters));
        Assert.False(clone.Gradients.Overlaps(model.Gradients));
        Assert.All(clone.Gradients.ToArray(), g => Assert.Equal(0f, g));
        Assert.Equal(model.LearningRate, clone.LearningRate); // the step count (and so the schedule) is copied

        // Training the clone changes neither the model's parameters nor its optimizer.
        float[] before = model.Parameters.ToArray();
        clone.TrainStep(Batch(9, 4), [1, 2, 3, 4]);
        Assert.Equal(before, model.Parameters.ToArray());
        Assert.NotEqual(before, clone.Parameters.ToArray());

        // The clone's optimizer state is a copy (momentum here): the clone and the original, given the same batches, stay
        // bit-identical, while a new network given only the parameters (fresh momentum) does not.
        var regressor = new GuardedRegressor();
        float[] x = Batch(10, 1)[..(2 * GuardedRegressor.InputSize)];
        float[] y = [0.5f, -0.25f, 1f, 0f];
        for (int step = 0; step < 3; step++) regressor.TrainStep(x, y);
        var regressorClone = regressor.Clone();
        var fresh = new GuardedRegressor();
        regressor.Parameters.CopyTo(fresh.Parameters);
        for (int step = 0; step < 2; step++)
        {
            regressorClone.TrainStep(x, y);
            regressor.TrainStep(x, y);
            fresh.TrainStep(x, y);
        }
        Assert.Equal(regressor.Parameters.ToArray(), regressorClone.Parameters.ToArray());
        Assert.NotEqual(fresh.Parameters.ToArray(), regressorClone.Parameters.ToArray());
    }
}
