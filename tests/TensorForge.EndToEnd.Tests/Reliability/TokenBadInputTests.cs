using TensorForge.EndToEnd.Tests.Networks;

namespace TensorForge.EndToEnd.Tests.Reliability;

/// <summary>Token networks (a character LSTM and a causal Transformer with dropout) reject bad calls before they change
/// anything: token ids out of range or negative (int and float-coded), wrong input, output and label lengths, labels out of
/// range, each an ArgumentException naming the expected and the actual. "Unchanged" is checked in full: the parameters, the
/// gradients, and — through the next good TrainStep, which must equal a fresh twin's bit for bit — the optimizer state, its
/// step count and the dropout stream.</summary>
public class TokenBadInputTests
{
    private const int Steps = 16, Classes = 27, Batch = 3;

    private sealed record BadCall(string Description, string ParamName, string[] Fragments, Action<ITokenCalls> Run);

    /// <summary>The token overloads of the two networks behind one interface.</summary>
    public interface ITokenCalls
    {
        IClassifierNetwork Network { get; }
        void Forward(ReadOnlySpan<int> tokens, Span<float> output);
        float TrainStep(ReadOnlySpan<int> tokens, ReadOnlySpan<int> labels);
    }

    private sealed class Lstm(CharacterLstm n) : ITokenCalls
    {
        public IClassifierNetwork Network => n;
        public void Forward(ReadOnlySpan<int> tokens, Span<float> output) => n.Forward(tokens, output);
        public float TrainStep(ReadOnlySpan<int> tokens, ReadOnlySpan<int> labels) => n.TrainStep(tokens, labels);
    }

    private sealed class Transformer(CharacterTransformer n) : ITokenCalls
    {
        public IClassifierNetwork Network => n;
        public void Forward(ReadOnlySpan<int> tokens, Span<float> output) => n.Forward(tokens, output);
        public float TrainStep(ReadOnlySpan<int> tokens, ReadOnlySpan<int> labels) => n.TrainStep(tokens, labels);
    }

    private static int[] Tokens(int seed, int count = Batch * Steps) => TestData.Labels(count, Classes, seed);

    private static float[] Floats(int[] tokens) => Array.ConvertAll(tokens, t => (float)t);

    private static int[] With(int[] values, int index, int value)
    {
        int[] copy = values.ToArray();
        copy[index] = value;
        return copy;
    }

    private static IEnumerable<BadCall> Cases()
    {
        int[] tokens = Tokens(1), labels = Tokens(2);
        var output = new float[Batch * Steps * Classes];
        int n = Batch * Steps;
        yield return new("Forward: token 27", "tokens", ["tokens[5] is the token id 27", "[0, 27)"], c => c.Forward(With(tokens, 5, 27), output));
        yield return new("Forward: token −1", "tokens", ["tokens[0] is the token id -1", "[0, 27)"], c => c.Forward(With(tokens, 0, -1), output));
        yield return new("Forward: token int.MinValue", "tokens", ["tokens[47] is the token id -2147483648"], c => c.Forward(With(tokens, 47, int.MinValue), output));
        yield return new("Forward: tokens not a whole number of samples", "tokens", ["tokens has 47 elements", "[16]"], c => c.Forward(tokens.AsSpan(0, n - 1), output));
        yield return new("Forward: no tokens", "tokens", ["tokens is empty"], c => c.Forward([], output));
        yield return new("Forward: output one short", "output", [$"output has {n * Classes - 1} elements", $"needs {n * Classes}"],
            c => c.Forward(tokens, output.AsSpan(0, output.Length - 1)));
        yield return new("Forward(float): 27f", "input", ["input[3] is 27", "whole token ids in [0, 27)"],
            c => c.Network.Forward(Floats(With(tokens, 3, 27)), output));
        yield return new("Forward(float): −1f", "input", ["input[3] is -1"], c => c.Network.Forward(Floats(With(tokens, 3, -1)), output));
        yield return new("Forward(float): 2.5f", "input", ["input[4] is 2.5"], c =>
        {
            float[] floats = Floats(tokens);
            floats[4] = 2.5f;
            c.Network.Forward(floats, output);
        });
        yield return new("Forward(float): NaN", "input", ["input[4] is NaN"], c =>
        {
            float[] floats = Floats(tokens);
            floats[4] = float.NaN;
            c.Network.Forward(floats, output);
        });

        yield return new("TrainStep: token 27", "tokens", ["tokens[9] is the token id 27"], c => c.TrainStep(With(tokens, 9, 27), labels));
        yield return new("TrainStep: token −5", "tokens", ["tokens[9] is the token id -5"], c => c.TrainStep(With(tokens, 9, -5), labels));
        yield return new("TrainStep(float): 1e9f", "input", ["input[9] is 1E+09"], c => c.Network.TrainStep(Floats(With(tokens, 9, 1_000_000_000)), labels));
        yield return new("TrainStep: one label per sample", "labels", ["labels has 3 elements", "needs 48 (16 labels per sample)"], c => c.TrainStep(tokens, labels.AsSpan(0, Batch)));
        yield return new("TrainStep: one label short", "labels", ["labels has 47 elements", "needs 48"], c => c.TrainStep(tokens, labels.AsSpan(0, n - 1)));
        yield return new("TrainStep: one label too many", "labels", ["labels has 49 elements", "needs 48"], c => c.TrainStep(tokens, [.. labels, 0]));
        yield return new("TrainStep: label 27", "labels", ["labels[7] is 27", "[0, 27) or be -100"], c => c.TrainStep(tokens, With(labels, 7, 27)));
        yield return new("TrainStep: label −1", "labels", ["labels[7] is -1"], c => c.TrainStep(tokens, With(labels, 7, -1)));
        yield return new("TrainStep: label −101", "labels", ["labels[0] is -101"], c => c.TrainStep(tokens, With(labels, 0, -101)));
        yield return new("TrainStep(float): label 30", "labels", ["labels[2] is 30"], c => c.Network.TrainStep(Floats(tokens), With(labels, 2, 30)));
        yield return new("TrainStep(float targets): targets of the wrong length", "targets", ["targets has 48 elements", $"needs {n * Classes}"],
            c => c.Network.TrainStep(Floats(tokens), new float[n]));
    }

    public static TheoryData<string> Networks => new() { nameof(CharacterLstm), nameof(CharacterTransformer) };

    private static ITokenCalls Create(string name) => name == nameof(CharacterLstm) ? new Lstm(new CharacterLstm()) : new Transformer(new CharacterTransformer());

    [Theory]
    [MemberData(nameof(Networks))]
    public void Every_bad_call_throws_naming_expected_and_actual_and_changes_nothing(string name)
    {
        ITokenCalls calls = Create(name), twin = Create(name);
        int[] tokens = Tokens(3), labels = With(Tokens(4), 0, -100);
        // Both have trained once (optimizer state and dropout stream in use), and the tested one has buffers for a larger batch.
        calls.TrainStep(tokens, labels);
        twin.TrainStep(tokens, labels);
        calls.Forward(Tokens(5, 2 * Batch * Steps), new float[2 * Batch * Steps * Classes]);

        var failures = new List<string>();
        int tried = 0;
        foreach (BadCall bad in Cases())
        {
            tried++;
            var trainable = (ITrainableNetwork)calls.Network;
            byte[] parameters = System.Runtime.InteropServices.MemoryMarshal.AsBytes(trainable.Parameters).ToArray();
            byte[] gradients = System.Runtime.InteropServices.MemoryMarshal.AsBytes(trainable.Gradients).ToArray();
            Exception? error = Record.Exception(() => bad.Run(calls));
            if (error is not ArgumentException argument)
            {
                failures.Add($"{bad.Description}: expected ArgumentException, got {error?.GetType().Name ?? "no exception"} {error?.Message}");
                continue;
            }
            if (argument.ParamName != bad.ParamName) failures.Add($"{bad.Description}: ParamName is {argument.ParamName}, expected {bad.ParamName}");
            foreach (string fragment in bad.Fragments)
                if (!argument.Message.Contains(fragment, StringComparison.Ordinal))
                    failures.Add($"{bad.Description}: message \"{argument.Message}\" lacks \"{fragment}\"");
            if (!System.Runtime.InteropServices.MemoryMarshal.AsBytes(trainable.Parameters).SequenceEqual(parameters)) failures.Add($"{bad.Description}: the parameters changed");
            if (!System.Runtime.InteropServices.MemoryMarshal.AsBytes(trainable.Gradients).SequenceEqual(gradients)) failures.Add($"{bad.Description}: the gradients changed");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {tried} bad calls misbehaved:\n" + string.Join("\n", failures));

        // The optimizer's moments and step count, and the dropout stream, are as they were: the next step is the twin's.
        Assert.Equal(twin.TrainStep(tokens, labels), calls.TrainStep(tokens, labels));
        Assert.True(calls.Network.Parameters.SequenceEqual(twin.Network.Parameters));
    }
}
