using System;

namespace TensorForge.Samples
{
    /// <summary>A character-level language model of the words sample, usually a thin wrapper around one generated network
    /// whose input is <see cref="WordTokens.Length"/> token ids (vocabulary <see cref="WordTokens.VocabularySize"/>) and whose
    /// output is one row of <see cref="WordTokens.VocabularySize"/> logits per time step, trained with
    /// <c>SoftmaxCrossEntropy</c> per time step. Causal: the output at step t depends only on the inputs 0…t, so padding
    /// after a word changes nothing before it. <see cref="CharacterModelTraining"/> does the rest (batches, epochs,
    /// evaluation, sampling).</summary>
    internal interface ICharacterModel
    {
        /// <summary>The name on the command line and in the final line: <c>lstm</c>, <c>gru</c> or <c>transformer</c>.</summary>
        string Name { get; }

        /// <summary>The layer table (the generated <c>Summary</c>).</summary>
        string Summary { get; }

        /// <summary>The training recipe in a few words, for the log and the README (e.g. "embedding 32, LSTM 128, Adam 2e-3,
        /// batch 64, clipping 1.0").</summary>
        string Recipe { get; }

        /// <summary>The held-out nats/token the full run must reach (≤), e.g. 1.70 for the LSTM.</summary>
        double Bar { get; }

        /// <summary>Epochs of the full run (the default without <c>--quick</c> or <c>--epochs</c>).</summary>
        int Epochs { get; }

        /// <summary>Epochs of the short CI run (<c>--quick</c>), enough to beat the trigram baseline.</summary>
        int QuickEpochs { get; }

        /// <summary>Words per training step.</summary>
        int BatchSize { get; }

        /// <summary>One optimisation step (the generated <c>TrainStep</c>): <paramref name="inputs"/> and
        /// <paramref name="labels"/> are <c>[batch, WordTokens.Length]</c>, labels <see cref="WordTokens.IgnoredLabel"/> at
        /// padded positions. Returns the mean loss over the labels that are not ignored.</summary>
        float TrainStep(ReadOnlySpan<int> inputs, ReadOnlySpan<int> labels);

        /// <summary>Inference (the generated <c>Forward</c>): <paramref name="logits"/> is
        /// <c>[batch, WordTokens.Length, WordTokens.VocabularySize]</c> for <paramref name="inputs"/> <c>[batch, WordTokens.Length]</c>.</summary>
        void Forward(ReadOnlySpan<int> inputs, Span<float> logits);
    }
}
