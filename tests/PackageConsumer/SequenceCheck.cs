using TensorForge;

/// <summary>Sequence networks from the package, under the JIT and Native AOT alike: token ids through an embedding, an LSTM read
/// by additive attention (a classifier), and a causal Transformer encoder layer (next-token logits at every step). Each trains
/// until its loss has fallen, then Forward and TrainStep must allocate nothing, and a saved and reloaded twin must give
/// bit-identical outputs. Returns the failures.</summary>
internal static class SequenceCheck
{
    private const int Steps = 8, Vocabulary = 10, Batch = 16;

    public static List<string> Run()
    {
        var failures = new List<string>();
        var random = new Random(2024);
        var tokens = new int[Batch * Steps];
        var stepLabels = new int[Batch * Steps];
        var sampleLabels = new int[Batch];

        // Does the sequence contain token 0? Attention pooling learns to look for it.
        void ContainsZero()
        {
            for (int i = 0; i < tokens.Length; i++) tokens[i] = random.Next(Vocabulary);
            for (int s = 0; s < Batch; s++) sampleLabels[s] = random.Next(2) == 0 ? 0 : 1;
            for (int s = 0; s < Batch; s++)
                for (int t = 0; t < Steps; t++)
                {
                    ref int token = ref tokens[s * Steps + t];
                    if (sampleLabels[s] == 0 && token == 0) token = 1 + random.Next(Vocabulary - 1);
                }
            for (int s = 0; s < Batch; s++)
                if (sampleLabels[s] == 1) tokens[s * Steps + random.Next(Steps)] = 0;
        }

        // The previous token, at every step but the first (−100: ignored).
        void PreviousToken()
        {
            for (int i = 0; i < tokens.Length; i++) tokens[i] = random.Next(Vocabulary);
            for (int i = 0; i < tokens.Length; i++) stepLabels[i] = i % Steps == 0 ? -100 : tokens[i - 1];
        }

        var lstm = new ConsumerLstm();
        Train("LSTM + additive attention", 150, Batch, () => { ContainsZero(); return lstm.TrainStep(tokens, sampleLabels); }, failures);
        var lstmOutput = new float[Batch * ConsumerLstm.OutputSize];
        CheckSteadyState("LSTM + additive attention", () => { lstm.Forward(tokens, lstmOutput); lstm.TrainStep(tokens, sampleLabels); }, failures);
        CheckReload("LSTM + additive attention", lstm, new ConsumerLstm(seed: 5), lstmOutput, (n, y) => ((ConsumerLstm)n).Forward(tokens, y), failures);

        var transformer = new ConsumerTransformer();
        Train("causal Transformer", 150, Batch, () => { PreviousToken(); return transformer.TrainStep(tokens, stepLabels); }, failures);
        var transformerOutput = new float[Batch * ConsumerTransformer.OutputSize];
        CheckSteadyState("causal Transformer", () => { transformer.Forward(tokens, transformerOutput); transformer.TrainStep(tokens, stepLabels); }, failures);
        CheckReload("causal Transformer", transformer, new ConsumerTransformer(seed: 5), transformerOutput,
            (n, y) => ((ConsumerTransformer)n).Forward(tokens, y), failures);
        return failures;
    }

    internal static void Train(string what, int steps, int batch, Func<float> step, List<string> failures)
    {
        float first = 0, last = 0;
        for (int i = 0; i < steps; i++)
        {
            float loss = step();
            if (!float.IsFinite(loss)) { failures.Add($"{what}: step {i + 1}: the loss is {loss}"); return; }
            if (i < 10) first += loss / 10;
            if (i >= steps - 10) last += loss / 10;
        }
        Console.WriteLine($"{what}: {steps} steps of batch {batch}, mean loss of the first 10 {first:F4}, of the last 10 {last:F4}");
        if (!(last < 0.6f * first)) failures.Add($"{what}: the loss did not fall below 60%: {first:F4} -> {last:F4}");
    }

    internal static void CheckSteadyState(string what, Action round, List<string> failures)
    {
        round();
        long least = long.MaxValue;
        for (int i = 0; i < 10 && least != 0; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            round();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Console.WriteLine($"{what}: Forward + TrainStep allocate {least} bytes after the first call");
        if (least != 0) failures.Add($"{what}: Forward + TrainStep allocate {least} bytes per call");
    }

    /// <summary>Saves <paramref name="network"/>, loads it into <paramref name="twin"/> (another seed) and checks that the twin's
    /// outputs are then bit-identical — and were not before, or the check would prove nothing. <paramref name="forward"/> runs
    /// a network's Forward on the fixed input into the given output.</summary>
    internal static void CheckReload(string what, INetwork network, INetwork twin, float[] output, Action<INetwork, float[]> forward, List<string> failures)
    {
        forward(network, output);
        var before = new float[output.Length];
        forward(twin, before);
        using var stream = new MemoryStream();
        network.Save(stream);
        stream.Position = 0;
        twin.Load(stream);
        var reloaded = new float[output.Length];
        forward(twin, reloaded);
        bool same = reloaded.AsSpan().SequenceEqual(output);
        Console.WriteLine($"{what}: saved {stream.Length:N0} bytes, loaded into a second instance: outputs {(same ? "bit-identical" : "DIFFERENT")}");
        if (!same) failures.Add($"{what}: the reloaded network's outputs differ");
        if (before.AsSpan().SequenceEqual(output)) failures.Add($"{what}: the second instance gave the same outputs before loading: the check proves nothing");
    }
}

[Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 8)]
[Input(8)]
[Embedding(10, 8)]
[Lstm(16)]
[AdditiveAttention(8, Name = "pool")]
[Dense(2)]
[Adam(LearningRate = 0.01f, MaxGradientNorm = 1f)]
public partial class ConsumerLstm;

[Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 9)]
[Input(8)]
[Embedding(10, 16)]
[PositionalEncoding(16)]
[TransformerEncoderLayer(2, FeedForward = 32, Dropout = 0.1f, Causal = true, Name = "layers.0")]
[Dense(10)]
[Adam(LearningRate = 0.01f)]
public partial class ConsumerTransformer;
