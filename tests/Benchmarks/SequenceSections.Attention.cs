using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace TensorForge.Benchmarks
{
    /// <summary>Section 15's rows for additive attention: the LSTM word classifier of section 14 (embedding 32 → LSTM 128 →
    /// AdditiveAttention(64) → Dense 26, each word's last letter) against its TorchSharp twin. The issue sets no target for it;
    /// the rows are printed for the record.</summary>
    internal sealed partial class SequenceSections
    {
        private static Contestants Attention => new("LSTM + attention", () => new BenchWordsAttention(), AttentionTwin, WordEndings.Recipe,
            Dropout: false, Labels: WordEndings.Label);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static nn.Module<Tensor, Tensor> AttentionTwin() => new TorchAttentionClassifier(32, 128, 64, WordEndings.Classes);

        private void AttentionRows(Table table, ThreadSetting setting)
        {
            TrainRow(table, setting, Attention, double.NaN);
            InferenceRow(table, setting, Attention, 1, double.NaN);
        }

        private static void AttentionNotes(Table table)
        {
            table.Note("LSTM + attention: embedding 32 → LSTM 128 → AdditiveAttention(64) pooling all 16 steps → Dense 26, the word's last letter");
            table.Note($"({BenchWordsAttention.ParameterCount:N0} parameters; the LSTM's optimizer; no target in issue 8). Its twin pools with docs/generated-code.md's module.");
        }
    }
}
