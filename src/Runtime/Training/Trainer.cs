using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Numerics.Tensors;
using TensorForge.Data;

namespace TensorForge.Training
{
    /// <summary>Changes a training batch in place before its step (data augmentation): <paramref name="inputs"/> holds
    /// <paramref name="count"/> samples; <paramref name="random"/> is seeded per epoch from <see cref="TrainerOptions.Seed"/>.</summary>
    public delegate void BatchTransform(Span<float> inputs, int count, ref SeededRandom random);

    /// <summary>Options of <see cref="Trainer.Fit"/>.</summary>
    public sealed class TrainerOptions
    {
        public int Epochs { get; set; } = 10;
        public int BatchSize { get; set; } = 32;
        /// <summary>Seed of the per-epoch shuffling: epoch e (from 1) is shuffled with <c>new SeededRandom(Seed + e)</c>.</summary>
        public int Seed { get; set; }
        public bool Shuffle { get; set; } = true;
        /// <summary>Where the progress lines go (null: nowhere).</summary>
        public TextWriter? Log { get; set; } = Console.Out;

        /// <summary>When true (the default), the network's whole state — the parameters and the buffers such as batch-norm running
        /// statistics (<see cref="INetwork.CopyStateTo"/>) — is copied before every training step, so that if a step's loss is
        /// NaN or infinite, <see cref="Trainer.Fit"/> puts back the last state with finite parameters before it throws. The cost
        /// is one copy of the state per step (a few per cent of a step for small models); set false to skip it.</summary>
        public bool KeepLastGoodParameters { get; set; } = true;

        /// <summary>If set, the parameters are saved here (safetensors, atomically: the previous checkpoint survives a failed
        /// write) after every epoch whose final parameters are all finite.</summary>
        public string? CheckpointPath { get; set; }

        /// <summary>When true and <see cref="CheckpointPath"/> has been written during this <see cref="Trainer.Fit"/>, a blow-up
        /// reloads that checkpoint (the parameters at the end of the last complete epoch) instead of the last good parameters.</summary>
        public bool RestoreCheckpointOnDivergence { get; set; }

        /// <summary>Applied to every training batch after it is copied from the dataset (e.g. <see cref="Data.Augmentation.RandomShift"/>);
        /// its random numbers come from <c>new SeededRandom(~(Seed + epoch))</c>, so a run is reproducible. Default none.</summary>
        public BatchTransform? Augment { get; set; }

        /// <summary>Whether to measure the accuracy on the whole training set after every epoch (default true). Off, the
        /// epoch's <see cref="EpochResult.TrainAccuracy"/> is NaN and the progress line omits it — an epoch is then only
        /// training and the test pass.</summary>
        public bool EvaluateTrainingSet { get; set; } = true;

        /// <summary>If set, <see cref="Trainer.Fit"/> appends every training step's mean loss to this list, in order, for a loss
        /// curve (a later <c>Fit</c> with the same list continues it). The capacity for all of a <c>Fit</c>'s steps is reserved
        /// before the first, so recording allocates nothing per step. A non-finite loss that stops training is recorded too, as
        /// the last entry. Default null: nothing is recorded. The per-epoch means are <see cref="EpochResult.Loss"/>.</summary>
        public List<float>? StepLosses { get; set; }
    }

    /// <summary>The metrics of one epoch.</summary>
    /// <param name="Epoch">The epoch number, from 1.</param>
    /// <param name="Loss">The mean training loss over the epoch's samples (each batch's mean loss weighted by its size).</param>
    /// <param name="TrainAccuracy">Accuracy on the whole training set after the epoch (inference mode); NaN when
    /// <see cref="TrainerOptions.EvaluateTrainingSet"/> is off.</param>
    /// <param name="TestAccuracy">Accuracy on the test set after the epoch, or null without one.</param>
    /// <param name="SamplesPerSecond">Training throughput (the training steps only, not the evaluation).</param>
    /// <param name="Elapsed">Wall time of the epoch, evaluation included.</param>
    public sealed record EpochResult(int Epoch, float Loss, float TrainAccuracy, float? TestAccuracy, double SamplesPerSecond, TimeSpan Elapsed);

    /// <summary>Trains a classifier for a number of epochs with seeded shuffling and mini-batches, printing one progress line per epoch
    /// (loss, accuracy, samples/s) and evaluating on a test set after each epoch.</summary>
    /// <remarks>Every sample is used once per epoch; the last batch may be smaller than <see cref="TrainerOptions.BatchSize"/>.
    /// The batch buffers are allocated once per <see cref="Fit"/>. Accuracy is the share of samples whose arg-max output equals
    /// the label; a network with a single output (a binary classifier's logit) predicts 1 where the output is &gt; 0.</remarks>
    public static class Trainer
    {
        /// <exception cref="ArgumentException">The options are invalid, the training set is empty, or a dataset's sample size
        /// differs from the network's input size.</exception>
        /// <exception cref="InvalidOperationException">A loss was NaN or infinite. The message names the epoch and step and what the
        /// parameters were restored to: training stops with the network holding the last finite parameters seen before the bad
        /// step (the parameters before it, or, if the previous update had already made those non-finite, the ones before that),
        /// or with the last checkpoint if <see cref="TrainerOptions.RestoreCheckpointOnDivergence"/> is set. The buffers (batch-norm
        /// running statistics) are restored with the parameters, from the same moment. The optimizer's state (momentum, Adam
        /// moments) is not: it has seen the bad step and may hold NaN, so continue training in a fresh network loaded from this
        /// state (<c>Save</c>/<c>Load</c>).</exception>
        /// <remarks>With <see cref="TrainerOptions.KeepLastGoodParameters"/> off and no checkpoint, the parameters are left as the
        /// bad step made them (possibly non-finite).</remarks>
        public static IReadOnlyList<EpochResult> Fit(IClassifierNetwork network, Dataset train, Dataset? test, TrainerOptions options)
        {
            ArgumentNullException.ThrowIfNull(network);
            ArgumentNullException.ThrowIfNull(train);
            ArgumentNullException.ThrowIfNull(options);
            ArgumentOutOfRangeException.ThrowIfNegative(options.Epochs, nameof(options.Epochs));
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize, nameof(options.BatchSize));
            CheckSampleSize(network, train, nameof(train));
            if (train.Count == 0)
                throw new ArgumentException("the training set is empty", nameof(train));
            if (test is not null)
                CheckSampleSize(network, test, nameof(test));

            int sampleSize = train.SampleSize;
            int batchSize = Math.Min(options.BatchSize, train.Count);
            var batchInputs = new float[batchSize * sampleSize];
            var batchLabels = new int[batchSize];
            var order = new int[train.Count];
            var results = new List<EpochResult>(options.Epochs);
            int stepsPerEpoch = (train.Count + batchSize - 1) / batchSize;
            // Two snapshots of the whole state (parameters, then buffers such as running statistics, which a training-mode forward
            // moves too): before the current step and before the previous one (swapped, not copied twice).
            int stateSize = network.StateSize;
            float[] beforeStep = options.KeepLastGoodParameters ? new float[stateSize] : [];
            float[] beforePreviousStep = options.KeepLastGoodParameters ? new float[stateSize] : [];
            bool havePrevious = false;
            bool checkpointWritten = false;
            List<float>? stepLosses = options.StepLosses;
            stepLosses?.EnsureCapacity(checked(stepLosses.Count + options.Epochs * stepsPerEpoch));

            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                var epochClock = Stopwatch.StartNew();
                Order(order, options.Shuffle, options.Seed + (long)epoch);
                var augmentRandom = new SeededRandom(~(options.Seed + (long)epoch));
                double lossSum = 0;
                for (int step = 0; step < stepsPerEpoch; step++)
                {
                    int start = step * batchSize;
                    int count = Math.Min(batchSize, train.Count - start);
                    for (int i = 0; i < count; i++)
                    {
                        int sample = order[start + i];
                        train.Sample(sample).CopyTo(batchInputs.AsSpan(i * sampleSize, sampleSize));
                        batchLabels[i] = train.Labels[sample];
                    }
                    options.Augment?.Invoke(batchInputs.AsSpan(0, count * sampleSize), count, ref augmentRandom);
                    if (options.KeepLastGoodParameters)
                    {
                        (beforeStep, beforePreviousStep) = (beforePreviousStep, beforeStep);
                        havePrevious = epoch > 1 || step > 0;
                        network.CopyStateTo(beforeStep);
                    }
                    float loss = network.TrainStep(batchInputs.AsSpan(0, count * sampleSize), batchLabels.AsSpan(0, count));
                    stepLosses?.Add(loss);
                    if (!float.IsFinite(loss))
                    {
                        string restored = Restore(network, options, checkpointWritten, beforeStep, havePrevious ? beforePreviousStep : null);
                        throw new InvalidOperationException(
                            $"Training stopped: the loss became {loss.ToString(CultureInfo.InvariantCulture)} at epoch {epoch}, " +
                            $"step {step + 1} of {stepsPerEpoch} (samples {start}–{start + count - 1} of the shuffled order). " +
                            $"{restored} Try a lower learning rate or check the inputs for NaN/Inf.");
                    }
                    lossSum += (double)loss * count;
                }
                TimeSpan trainingTime = epochClock.Elapsed;
                if (options.CheckpointPath is string checkpoint && Guard.AllFinite(network.Parameters))
                {
                    network.Save(checkpoint);
                    checkpointWritten = true;
                }

                float trainAccuracy = options.EvaluateTrainingSet ? Evaluate(network, train, EvaluationBatchSize(batchSize)) : float.NaN;
                float? testAccuracy = test is null || test.Count == 0 ? null : Evaluate(network, test, EvaluationBatchSize(batchSize));
                var result = new EpochResult(epoch, (float)(lossSum / train.Count), trainAccuracy, testAccuracy,
                    train.Count / Math.Max(trainingTime.TotalSeconds, 1e-9), epochClock.Elapsed);
                results.Add(result);
                options.Log?.WriteLine(FormatLine(result, options.Epochs));
            }
            return results;
        }

        /// <summary>Puts back the last state with finite parameters after a non-finite loss; returns a sentence saying what was restored.
        /// The snapshots hold the parameters first (<see cref="INetwork.CopyStateTo"/>), so only those are checked for finiteness: the
        /// rest is buffers, whose counters are integers in float storage.</summary>
        private static string Restore(INetwork network, TrainerOptions options, bool checkpointWritten, float[] beforeStep, float[]? beforePreviousStep)
        {
            string? checkpointProblem = null;
            if (options.RestoreCheckpointOnDivergence && checkpointWritten)
            {
                try
                {
                    network.Load(options.CheckpointPath!);
                    return $"The parameters were restored from the last checkpoint, '{options.CheckpointPath}'.";
                }
                catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    checkpointProblem = $"The checkpoint '{options.CheckpointPath}' could not be reloaded ({e.Message}). ";
                }
            }
            if (!options.KeepLastGoodParameters)
                return checkpointProblem + "The parameters are as the bad step left them (KeepLastGoodParameters is off).";
            int parameterCount = network.ParameterCount;
            if (Guard.AllFinite(beforeStep.AsSpan(0, parameterCount)))
            {
                network.CopyStateFrom(beforeStep);
                return checkpointProblem + "The parameters were restored to those before this step.";
            }
            if (beforePreviousStep is not null && Guard.AllFinite(beforePreviousStep.AsSpan(0, parameterCount)))
            {
                network.CopyStateFrom(beforePreviousStep);
                return checkpointProblem + "The parameters were restored to those before the previous step (the previous update had made them non-finite).";
            }
            network.CopyStateFrom(beforeStep);
            return checkpointProblem + "No finite parameters were kept: the parameters are those before this step, which are not all finite.";
        }

        /// <summary>Fraction of samples whose arg-max output equals the label.</summary>
        /// <exception cref="ArgumentException"><paramref name="data"/> is empty or its sample size differs from the network's input size.</exception>
        public static float Evaluate(INetwork network, Dataset data, int batchSize = 256)
        {
            ArgumentNullException.ThrowIfNull(network);
            ArgumentNullException.ThrowIfNull(data);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
            CheckSampleSize(network, data, nameof(data));
            if (data.Count == 0)
                throw new ArgumentException("cannot measure accuracy on an empty dataset", nameof(data));

            int outputSize = network.OutputSize;
            batchSize = Math.Min(batchSize, data.Count);
            var outputs = new float[batchSize * outputSize];
            int correct = 0;
            for (int start = 0; start < data.Count; start += batchSize)
            {
                int count = Math.Min(batchSize, data.Count - start);
                Span<float> output = outputs.AsSpan(0, count * outputSize);
                network.Forward(data.Inputs.AsSpan(start * data.SampleSize, count * data.SampleSize), output);
                for (int i = 0; i < count; i++)
                {
                    if (Predict(output.Slice(i * outputSize, outputSize)) == data.Labels[start + i])
                        correct++;
                }
            }
            return (float)correct / data.Count;
        }

        /// <summary>The predicted class of one output row: the arg-max, or (for one output) whether the logit is positive.</summary>
        private static int Predict(ReadOnlySpan<float> output) =>
            output.Length == 1 ? (output[0] > 0f ? 1 : 0) : TensorPrimitives.IndexOfMax(output);

        /// <summary>Identity order, then (if shuffling) a Fisher–Yates shuffle seeded by <paramref name="seed"/>, so an epoch's
        /// order depends only on the seed and the epoch number.</summary>
        private static void Order(int[] order, bool shuffle, long seed)
        {
            for (int i = 0; i < order.Length; i++)
                order[i] = i;
            if (!shuffle)
                return;
            var random = new SeededRandom(seed);
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = random.NextInt32(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }

        // Inference holds no activations for backward, so it can use larger batches than training.
        private static int EvaluationBatchSize(int trainingBatchSize) => Math.Max(trainingBatchSize, 256);

        private static void CheckSampleSize(INetwork network, Dataset data, string name)
        {
            if (data.SampleSize != network.InputSize)
                throw new ArgumentException(
                    $"{name} has samples of {data.SampleSize} elements but the network's input has {network.InputSize}", name);
        }

        /// <summary>e.g. <c>epoch  3/10  loss 0.1234  train 96.10%  test 95.20%  41,230 samples/s  0.19 s</c>.</summary>
        private static string FormatLine(EpochResult result, int epochs)
        {
            CultureInfo invariant = CultureInfo.InvariantCulture;
            string total = epochs.ToString(invariant);
            var line = new System.Text.StringBuilder();
            line.Append("epoch ").Append(result.Epoch.ToString(invariant).PadLeft(total.Length)).Append('/').Append(total);
            line.Append("  loss ").Append(result.Loss.ToString("F4", invariant));
            if (!float.IsNaN(result.TrainAccuracy))
                line.Append("  train ").Append((result.TrainAccuracy * 100).ToString("F2", invariant)).Append('%');
            if (result.TestAccuracy is float test)
                line.Append("  test ").Append((test * 100).ToString("F2", invariant)).Append('%');
            line.Append("  ").Append(result.SamplesPerSecond.ToString("N0", invariant)).Append(" samples/s");
            line.Append("  ").Append(result.Elapsed.TotalSeconds.ToString("F2", invariant)).Append(" s");
            return line.ToString();
        }
    }
}
