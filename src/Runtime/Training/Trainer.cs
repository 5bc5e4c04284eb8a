using System;
using System.Collections.Generic;
using System.IO;
using TensorForge.Data;

namespace TensorForge.Training
{
    /// <summary>Options of <see cref="Trainer.Fit"/>.</summary>
    public sealed class TrainerOptions
    {
        public int Epochs { get; set; } = 10;
        public int BatchSize { get; set; } = 32;
        /// <summary>Seed of the per-epoch shuffling.</summary>
        public int Seed { get; set; }
        public bool Shuffle { get; set; } = true;
        /// <summary>Where the progress lines go (null: nowhere).</summary>
        public TextWriter? Log { get; set; } = Console.Out;
    }

    /// <summary>The metrics of one epoch.</summary>
    public sealed record EpochResult(int Epoch, float Loss, float TrainAccuracy, float? TestAccuracy, double SamplesPerSecond, TimeSpan Elapsed);

    /// <summary>Trains a classifier for a number of epochs with seeded shuffling and mini-batches, printing one progress line per epoch
    /// (loss, accuracy, samples/s) and evaluating on a test set after each epoch.</summary>
    public static class Trainer
    {
        public static IReadOnlyList<EpochResult> Fit(IClassifierNetwork network, Dataset train, Dataset? test, TrainerOptions options) => throw new NotImplementedException();

        /// <summary>Fraction of samples whose arg-max output equals the label.</summary>
        public static float Evaluate(INetwork network, Dataset data, int batchSize = 256) => throw new NotImplementedException();
    }
}
