using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Numerics.Tensors;
using System.Text;

namespace TensorForge.Samples
{
    /// <summary>The figures of one epoch of a character model.</summary>
    /// <param name="Epoch">From 1.</param>
    /// <param name="Loss">Mean training loss per predicted token over the epoch (each step's mean weighted by its predictions).</param>
    /// <param name="HeldOut">Held-out nats per predicted token after the epoch.</param>
    /// <param name="TokensPerSecond">Predicted (not padded) training tokens per second of the training steps, evaluation excluded.</param>
    /// <param name="Elapsed">Wall time of the epoch, evaluation included.</param>
    internal sealed record WordEpochResult(int Epoch, double Loss, double HeldOut, double TokensPerSecond, TimeSpan Elapsed);

    /// <summary>Trains, evaluates and samples any <see cref="ICharacterModel"/> the same way.</summary>
    internal static class CharacterModelTraining
    {
        /// <summary>Words per <see cref="ICharacterModel.Forward"/> call when evaluating.</summary>
        public const int EvaluationBatchSize = 256;

        private const int RowSize = WordTokens.Length * WordTokens.VocabularySize;

        /// <summary>Trains <paramref name="model"/> for <paramref name="epochs"/> epochs on the training words, epoch e in the
        /// order <see cref="WordBatches.Shuffle"/>(<paramref name="seed"/> + e), evaluates on the held-out words after each
        /// epoch and writes one <see cref="FormatEpoch"/> line per epoch to <paramref name="log"/>.</summary>
        /// <exception cref="InvalidOperationException">A step's loss was NaN or infinite (the message names the epoch and step).</exception>
        public static IReadOnlyList<WordEpochResult> Train(ICharacterModel model, WordList words, int epochs, int seed, TextWriter? log)
        {
            ArgumentNullException.ThrowIfNull(model);
            ArgumentNullException.ThrowIfNull(words);
            ArgumentOutOfRangeException.ThrowIfNegative(epochs);
            var batches = new WordBatches(words.Train, model.BatchSize);
            var heldOut = new WordBatches(words.HeldOut, EvaluationBatchSize);
            var logits = new float[heldOut.BatchSize * RowSize];
            var results = new List<WordEpochResult>(epochs);
            for (int epoch = 1; epoch <= epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                batches.Shuffle(seed + (long)epoch);
                double lossSum = 0;
                long predictions = 0;
                for (int step = 0; step < batches.Count; step++)
                {
                    WordBatch batch = batches.Get(step);
                    float loss = model.TrainStep(batch.Inputs, batch.Labels);
                    if (!float.IsFinite(loss))
                        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                            $"{model.Name}: the loss became {loss} at epoch {epoch}, step {step + 1} of {batches.Count}"));
                    lossSum += (double)loss * batch.Predictions;
                    predictions += batch.Predictions;
                }
                TimeSpan training = clock.Elapsed;
                double heldOutNats = Evaluate(model, heldOut, logits);
                var result = new WordEpochResult(epoch, lossSum / predictions, heldOutNats,
                    predictions / Math.Max(training.TotalSeconds, 1e-9), clock.Elapsed);
                results.Add(result);
                log?.WriteLine(FormatEpoch(result, epochs));
            }
            return results;
        }

        /// <summary>Mean negative log-likelihood of <paramref name="words"/> under <paramref name="model"/> (inference mode),
        /// in nats per predicted token: every letter and the final boundary of each word, padding excluded.</summary>
        public static double Evaluate(ICharacterModel model, IReadOnlyList<string> words)
        {
            ArgumentNullException.ThrowIfNull(model);
            var batches = new WordBatches(words, EvaluationBatchSize);
            return Evaluate(model, batches, new float[batches.BatchSize * RowSize]);
        }

        private static double Evaluate(ICharacterModel model, WordBatches batches, float[] logits)
        {
            batches.InFileOrder();
            double sum = 0;
            long predictions = 0;
            for (int index = 0; index < batches.Count; index++)
            {
                WordBatch batch = batches.Get(index);
                Span<float> output = logits.AsSpan(0, batch.Words * RowSize);
                model.Forward(batch.Inputs, output);
                for (int position = 0; position < batch.Labels.Length; position++)
                {
                    int label = batch.Labels[position];
                    if (label == WordTokens.IgnoredLabel)
                        continue;
                    sum += NegativeLogLikelihood(output.Slice(position * WordTokens.VocabularySize, WordTokens.VocabularySize), label);
                    predictions++;
                }
            }
            return sum / predictions;
        }

        /// <summary>−log softmax(<paramref name="logits"/>)[<paramref name="label"/>], computed in double with the maximum
        /// subtracted.</summary>
        public static double NegativeLogLikelihood(ReadOnlySpan<float> logits, int label)
        {
            float max = TensorPrimitives.Max(logits);
            double sum = 0;
            foreach (float logit in logits)
                sum += Math.Exp((double)logit - max);
            return max + Math.Log(sum) - logits[label];
        }

        /// <summary><paramref name="model"/>'s next-token distribution for <see cref="WordSampler"/>: runs the prefix, padded
        /// to <see cref="WordTokens.Length"/>, as a batch of one and takes the softmax of the logits at its last position
        /// (the model is causal, so the padding after it does not matter).</summary>
        public static NextTokenDistribution Distribution(ICharacterModel model)
        {
            ArgumentNullException.ThrowIfNull(model);
            var inputs = new int[WordTokens.Length];
            var logits = new float[RowSize];
            return (prefix, probabilities) =>
            {
                if (prefix.Length is 0 or > WordTokens.Length)
                    throw new ArgumentException($"a prefix has 1 to {WordTokens.Length} tokens but this one has {prefix.Length}", nameof(prefix));
                Array.Clear(inputs);
                prefix.CopyTo(inputs);
                model.Forward(inputs, logits);
                // Max-shifted (TensorPrimitives.SoftMax is not, and overflows for large logits).
                TensorForge.Kernels.Activations.Softmax(logits.AsSpan((prefix.Length - 1) * WordTokens.VocabularySize, WordTokens.VocabularySize), probabilities, 1, WordTokens.VocabularySize);
            };
        }

        /// <summary>e.g. <c>epoch  3/20  loss 1.7712  held-out 1.7456 nats/token  251,203 tokens/s  2.41 s</c>.</summary>
        public static string FormatEpoch(WordEpochResult result, int epochs)
        {
            CultureInfo invariant = CultureInfo.InvariantCulture;
            string total = epochs.ToString(invariant);
            var line = new StringBuilder();
            line.Append("epoch ").Append(result.Epoch.ToString(invariant).PadLeft(total.Length)).Append('/').Append(total);
            line.Append("  loss ").Append(result.Loss.ToString("F4", invariant));
            line.Append("  held-out ").Append(result.HeldOut.ToString("F4", invariant)).Append(" nats/token");
            line.Append("  ").Append(result.TokensPerSecond.ToString("N0", invariant)).Append(" tokens/s");
            line.Append("  ").Append(result.Elapsed.TotalSeconds.ToString("F2", invariant)).Append(" s");
            return line.ToString();
        }
    }
}
