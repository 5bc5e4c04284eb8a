using System.Runtime.InteropServices;
using TensorForge.Data;
using TensorForge.EndToEnd.Tests.Networks;
using TensorForge.Training;

namespace TensorForge.EndToEnd.Tests.Reliability;

/// <summary>Training that blows up (SGD with learning rate 10⁶) stops naming the epoch and step and keeps the last good
/// parameters, or reloads the last checkpoint it wrote.</summary>
public class DivergenceTests
{
    private const int BatchSize = 8;

    private static Dataset Data()
    {
        var random = new SeededRandom(5);
        var inputs = new float[32 * 4];
        var labels = new int[32];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = random.NextGaussian();
        for (int i = 0; i < labels.Length; i++) labels[i] = i % 3;
        return new Dataset(inputs, labels, 4);
    }

    /// <summary>Replays Fit's steps (no shuffling, same batches) on a twin network; returns the parameters before every step
    /// up to and including the first step whose loss is not finite, and that step's (epoch, step).</summary>
    private static (List<float[]> Before, int Epoch, int Step) Replay(Dataset data)
    {
        var twin = new DivergingNet();
        var before = new List<float[]>();
        int steps = data.Count / BatchSize;
        for (int epoch = 1; epoch <= 100; epoch++)
        {
            for (int step = 0; step < steps; step++)
            {
                before.Add(twin.Parameters.ToArray());
                float loss = twin.TrainStep(data.Inputs.AsSpan(step * BatchSize * 4, BatchSize * 4), data.Labels.AsSpan(step * BatchSize, BatchSize));
                if (!float.IsFinite(loss))
                    return (before, epoch, step + 1);
            }
        }
        throw new InvalidOperationException("DivergingNet did not diverge");
    }

    [Fact]
    public void A_blow_up_restores_the_parameters_before_the_bad_step()
    {
        Dataset data = Data();
        (List<float[]> before, int epoch, int step) = Replay(data);
        var network = new DivergingNet();
        var e = Assert.Throws<InvalidOperationException>(() => Trainer.Fit(network, data, null,
            new TrainerOptions { Epochs = 100, BatchSize = BatchSize, Shuffle = false, Log = null }));

        Assert.Contains($"at epoch {epoch}, step {step} of 4", e.Message);
        float[] expected = before[^1].All(float.IsFinite) ? before[^1] : before[^2];
        Assert.Contains(before[^1].All(float.IsFinite) ? "restored to those before this step" : "restored to those before the previous step", e.Message);
        Assert.All(network.Parameters.ToArray(), value => Assert.True(float.IsFinite(value)));
        Assert.True(MemoryMarshal.AsBytes(network.Parameters).SequenceEqual(MemoryMarshal.AsBytes(expected.AsSpan())),
            "the parameters are not the snapshot before the bad step");
        // The blow-up really made them non-finite or huge: restoring mattered.
        var unrestored = new DivergingNet();
        expected.CopyTo(unrestored.Parameters);
        float loss = unrestored.TrainStep(data.Inputs.AsSpan(((step - 1) * BatchSize) * 4, BatchSize * 4), data.Labels.AsSpan((step - 1) * BatchSize, BatchSize));
        Assert.False(float.IsFinite(loss));
        ReliabilityReport.Line($"divergence: stopped at epoch {epoch}, step {step}; parameters restored and finite");
    }

    [Fact]
    public void A_blow_up_can_reload_the_last_checkpoint_written_after_an_epoch()
    {
        Dataset data = Data();
        (List<float[]> before, int epoch, int step) = Replay(data);
        Assert.True(epoch >= 2, $"the network must survive one epoch for a checkpoint to exist (diverged at epoch {epoch})");
        float[] endOfLastEpoch = before[(epoch - 1) * 4]; // the parameters before the first step of the diverging epoch

        string folder = Path.Combine(Path.GetTempPath(), "tensorforge-divergence-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string checkpoint = Path.Combine(folder, "checkpoint.safetensors");
            var network = new DivergingNet();
            var e = Assert.Throws<InvalidOperationException>(() => Trainer.Fit(network, data, null, new TrainerOptions
            {
                Epochs = 100, BatchSize = BatchSize, Shuffle = false, Log = null,
                CheckpointPath = checkpoint, RestoreCheckpointOnDivergence = true,
            }));
            Assert.Contains($"at epoch {epoch}, step {step} of 4", e.Message);
            Assert.Contains("restored from the last checkpoint", e.Message);
            Assert.Equal(endOfLastEpoch, network.Parameters.ToArray());
            var fromFile = new DivergingNet();
            fromFile.Load(checkpoint);
            Assert.Equal(endOfLastEpoch, fromFile.Parameters.ToArray());
            Assert.Equal(["checkpoint.safetensors"], Directory.GetFiles(folder).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_blow_up_restores_the_batch_norm_buffers_with_the_parameters()
    {
        Dataset data = Data();
        // Replay Fit's steps on a twin, keeping the whole state (parameters and running statistics) before every step.
        var twin = new DivergingBatchNormNet();
        INetwork twinState = twin;
        Assert.True(twinState.StateSize > twin.Parameters.Length);
        var before = new List<float[]>();
        int steps = data.Count / BatchSize, epoch = 0, step = 0;
        float[] afterBadStep = [];
        for (int e = 1; e <= 100 && epoch == 0; e++)
        {
            for (int s = 0; s < steps; s++)
            {
                var state = new float[twinState.StateSize];
                twinState.CopyStateTo(state);
                before.Add(state);
                float loss = twin.TrainStep(data.Inputs.AsSpan(s * BatchSize * 4, BatchSize * 4), data.Labels.AsSpan(s * BatchSize, BatchSize));
                if (!float.IsFinite(loss))
                {
                    (epoch, step) = (e, s + 1);
                    afterBadStep = new float[twinState.StateSize];
                    twinState.CopyStateTo(afterBadStep);
                    break;
                }
            }
        }
        Assert.True(epoch > 0, "DivergingBatchNormNet did not diverge");
        int parameters = twin.Parameters.Length;
        float[] expected = before[^1].AsSpan(0, parameters).ToArray().All(float.IsFinite) ? before[^1] : before[^2];
        // The bad step moved the running statistics: restoring the parameters alone would leave them as it made them.
        Assert.False(afterBadStep.AsSpan(parameters).SequenceEqual(expected.AsSpan(parameters)), "the bad step left the buffers unchanged");

        var network = new DivergingBatchNormNet();
        var error = Assert.Throws<InvalidOperationException>(() => Trainer.Fit(network, data, null,
            new TrainerOptions { Epochs = 100, BatchSize = BatchSize, Shuffle = false, Log = null }));
        Assert.Contains($"at epoch {epoch}, step {step} of 4", error.Message);
        var restored = new float[twinState.StateSize];
        ((INetwork)network).CopyStateTo(restored);
        Assert.True(MemoryMarshal.AsBytes(restored.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(expected.AsSpan())),
            "the parameters and running statistics are not the snapshot before the bad step");
        // What Save writes agrees: the restored network saves the same bytes as a network given that state.
        var reference = new DivergingBatchNormNet();
        ((INetwork)reference).CopyStateFrom(expected);
        Assert.Equal(Saved(reference), Saved(network));
    }

    [Fact]
    public void A_state_snapshot_of_the_wrong_length_is_rejected_naming_both_sizes()
    {
        INetwork network = new DivergingBatchNormNet();
        var error = Assert.Throws<ArgumentException>(() => network.CopyStateTo(new float[network.StateSize - 1]));
        Assert.Equal("destination", error.ParamName);
        Assert.Contains($"has {network.StateSize - 1:N0} elements but the network's state (parameters and buffers) has {network.StateSize:N0} elements", error.Message);
        float[] before = network.Parameters.ToArray();
        Assert.Throws<ArgumentException>(() => network.CopyStateFrom(new float[network.StateSize + 1]));
        Assert.Equal(before, network.Parameters.ToArray());
        // Without buffers the state is the parameters.
        INetwork plain = new DivergingNet();
        Assert.Equal(plain.ParameterCount, plain.StateSize);
    }

    private static byte[] Saved(INetwork network)
    {
        using var stream = new MemoryStream();
        network.Save(stream);
        return stream.ToArray();
    }

    [Fact]
    public void Without_snapshots_the_parameters_are_left_as_the_bad_step_made_them()
    {
        Dataset data = Data();
        var network = new DivergingNet();
        var e = Assert.Throws<InvalidOperationException>(() => Trainer.Fit(network, data, null,
            new TrainerOptions { Epochs = 100, BatchSize = BatchSize, Shuffle = false, Log = null, KeepLastGoodParameters = false }));
        Assert.Contains("KeepLastGoodParameters is off", e.Message);
    }
}
