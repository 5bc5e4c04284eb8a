using System.Reflection;
using System.Runtime.InteropServices;
using TensorForge.EndToEnd.Tests.Networks;
using TensorForge.Optimizers;

namespace TensorForge.EndToEnd.Tests.Reliability;

/// <summary>Every public generated entry point validates before it mutates: wrong lengths, an empty batch, labels out of range,
/// NaN/Inf (with CheckFinite on) and spans aliasing the network's Parameters or Gradients each throw ArgumentException naming
/// the expected and the found, and leave the parameters, the gradients and the optimizer state (SGD momentum, Adam moments,
/// step count) byte-for-byte unchanged.</summary>
public class BadBatchTests
{
    private delegate void Call();

    private sealed record BadCase(string Description, string ParamName, string[] Fragments, Call Run);

    [Fact]
    public void Every_bad_call_throws_before_it_changes_anything()
    {
        int tried = 0;
        var failures = new List<string>();
        void RunAll(ITrainableNetwork network, IEnumerable<BadCase> cases)
        {
            network.CheckFiniteProperty(true);
            foreach (BadCase bad in cases)
            {
                tried++;
                string context = $"{network.GetType().Name}: {bad.Description}";
                State before = State.Of(network);
                Exception? error = Record.Exception(() => bad.Run());
                if (error is not ArgumentException argument)
                    failures.Add($"{context}: expected ArgumentException, got {error?.GetType().Name ?? "no exception"} {error?.Message}");
                else
                {
                    if (argument.ParamName != bad.ParamName)
                        failures.Add($"{context}: ParamName is {argument.ParamName}, expected {bad.ParamName}");
                    foreach (string fragment in bad.Fragments)
                    {
                        if (!argument.Message.Contains(fragment, StringComparison.Ordinal))
                            failures.Add($"{context}: message \"{argument.Message}\" lacks \"{fragment}\"");
                    }
                }
                string? changed = before.Compare(State.Of(network));
                if (changed is not null)
                    failures.Add($"{context}: {changed} changed");
            }
        }

        var classifier = Trained(new GuardedClassifier());
        RunAll(classifier, ForwardCases(classifier, classifier, classifier.Forward, "Forward", GuardedClassifier.InputSize, GuardedClassifier.OutputSize));
        RunAll(classifier, ForwardCases(classifier, classifier, classifier.ForwardTrain, "ForwardTrain", GuardedClassifier.InputSize, GuardedClassifier.OutputSize));
        RunAll(classifier, BackwardCases(classifier, GuardedClassifier.InputSize, GuardedClassifier.OutputSize));
        RunAll(classifier, LabelCases(classifier, GuardedClassifier.InputSize, perSample: 1, classes: 3));
        RunAll(classifier, TargetCases(classifier, GuardedClassifier.InputSize, GuardedClassifier.OutputSize));

        var regressor = Trained(new GuardedRegressor());
        RunAll(regressor, ForwardCases(regressor, regressor, regressor.Forward, "Forward", GuardedRegressor.InputSize, GuardedRegressor.OutputSize));
        RunAll(regressor, ForwardCases(regressor, regressor, regressor.ForwardTrain, "ForwardTrain", GuardedRegressor.InputSize, GuardedRegressor.OutputSize));
        RunAll(regressor, BackwardCases(regressor, GuardedRegressor.InputSize, GuardedRegressor.OutputSize));
        RunAll(regressor, TargetCases(regressor, GuardedRegressor.InputSize, GuardedRegressor.OutputSize));

        var binary = Trained(new GuardedBinary());
        RunAll(binary, ForwardCases(binary, binary, binary.Forward, "Forward", GuardedBinary.InputSize, GuardedBinary.OutputSize));
        RunAll(binary, BackwardCases(binary, GuardedBinary.InputSize, GuardedBinary.OutputSize));
        RunAll(binary, LabelCases(binary, GuardedBinary.InputSize, perSample: GuardedBinary.OutputSize, classes: 2));
        RunAll(binary, TargetCases(binary, GuardedBinary.InputSize, GuardedBinary.OutputSize));

        // Inference only: no gradients or optimizer, the same checks on Forward.
        var inference = new GuardedInference { CheckFinite = true };
        foreach (BadCase bad in ForwardCases(inference, null, inference.Forward, "Forward", GuardedInference.InputSize, GuardedInference.OutputSize))
        {
            tried++;
            byte[] before = MemoryMarshal.AsBytes(inference.Parameters).ToArray();
            Exception? error = Record.Exception(() => bad.Run());
            if (error is not ArgumentException || ((ArgumentException)error).ParamName != bad.ParamName)
                failures.Add($"GuardedInference: {bad.Description}: got {error?.GetType().Name ?? "no exception"} {error?.Message}");
            if (!MemoryMarshal.AsBytes(inference.Parameters).SequenceEqual(before))
                failures.Add($"GuardedInference: {bad.Description}: parameters changed");
        }

        ReliabilityReport.Line($"bad-input cases: {tried} tried, {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(30)));
        Assert.True(tried >= 100, $"only {tried} cases");
    }

    [Fact]
    public void With_CheckFinite_off_non_finite_inputs_pass_through_and_the_check_is_opt_in()
    {
        var network = new GuardedClassifier();
        Assert.False(network.CheckFinite);
        var output = new float[GuardedClassifier.OutputSize];
        float[] input = [1, 2, float.NaN, 4, 5, 6];
        network.Forward(input, output); // no throw: the check is off
        network.CheckFinite = true;
        var e = Assert.Throws<ArgumentException>(() => network.Forward(input, output));
        Assert.Equal("input[2] is NaN; expected finite values (CheckFinite is on) (Parameter 'input')", e.Message);

        // The process-wide default seeds new instances only.
        bool old = Validation.CheckFinite;
        try
        {
            Validation.CheckFinite = true;
            Assert.True(new GuardedClassifier().CheckFinite);
            Assert.False(new GuardedClassifier { CheckFinite = false }.CheckFinite);
        }
        finally
        {
            Validation.CheckFinite = old;
        }
    }

    [Fact]
    public void Aliasing_messages_name_the_buffer_and_the_offset()
    {
        var network = new GuardedClassifier();
        var e = Assert.Throws<ArgumentException>(() => network.Forward(new float[6], network.Parameters.Slice(10, 3)));
        Assert.Equal("output (3 elements) shares memory with the network's Parameters (83 elements), starting at element 10 of Parameters; " +
            "expected a separate buffer (copy the values first) (Parameter 'output')", e.Message);
    }

    // ---- cases ---------------------------------------------------------------------------------------

    private delegate void SpanCall(ReadOnlySpan<float> input, Span<float> output);

    private static IEnumerable<BadCase> ForwardCases(INetwork owner, ITrainableNetwork? trainable, SpanCall call, string name, int inputSize, int outputSize)
    {
        const int Batch = 3;
        float[] Input(int length) => Enumerable.Range(0, length).Select(i => 0.1f * (i % 7)).ToArray();
        float[] WithValue(float value) { float[] x = Input(Batch * inputSize); x[inputSize + 1] = value; return x; }
        var cases = new List<BadCase>
        {
            new($"{name}: input one element short", "input", ["input has " + (Batch * inputSize - 1), "not a whole number", $"({inputSize} element"],
                () => call(Input(Batch * inputSize - 1), new float[Batch * outputSize])),
            new($"{name}: input one element long", "input", ["input has " + (Batch * inputSize + 1)],
                () => call(Input(Batch * inputSize + 1), new float[Batch * outputSize])),
            new($"{name}: empty batch", "input", ["input is empty; expected a batch of one or more samples"],
                () => call([], [])),
            new($"{name}: output one short", "output", [$"output has {Batch * outputSize - 1} element", $"a batch of {Batch} samples", $"needs {Batch * outputSize}"],
                () => call(Input(Batch * inputSize), new float[Batch * outputSize - 1])),
            new($"{name}: output one long", "output", [$"output has {Batch * outputSize + 1} element", $"needs {Batch * outputSize}"],
                () => call(Input(Batch * inputSize), new float[Batch * outputSize + 1])),
            new($"{name}: output for another batch", "output", [$"needs {Batch * outputSize}"],
                () => call(Input(Batch * inputSize), new float[(Batch + 1) * outputSize])),
            new($"{name}: NaN input", "input", [$"input[{inputSize + 1}] is NaN", "expected finite values"],
                () => call(WithValue(float.NaN), new float[Batch * outputSize])),
            new($"{name}: +Inf input", "input", [$"input[{inputSize + 1}] is Infinity"],
                () => call(WithValue(float.PositiveInfinity), new float[Batch * outputSize])),
            new($"{name}: -Inf input", "input", [$"input[{inputSize + 1}] is -Infinity"],
                () => call(WithValue(float.NegativeInfinity), new float[Batch * outputSize])),
        };
        // Spans over the network's own memory, taken inside each call (a lambda cannot capture a span).
        cases.Add(new($"{name}: output is Parameters", "output", ["shares memory with the network's Parameters", "expected a separate buffer"],
            () => call(Input(inputSize), owner.Parameters[..outputSize])));
        cases.Add(new($"{name}: input is Parameters", "input", ["shares memory with the network's Parameters"],
            () => call(owner.Parameters[..inputSize], new float[outputSize])));
        cases.Add(new($"{name}: output overlaps the end of Parameters", "output", ["shares memory with the network's Parameters"],
            () => call(Input(inputSize), owner.Parameters[^outputSize..])));
        if (trainable is not null)
        {
            cases.Add(new($"{name}: output overlaps the end of Gradients", "output", ["shares memory with the network's Gradients"],
                () => call(Input(inputSize), trainable.Gradients[^outputSize..])));
            cases.Add(new($"{name}: input is Gradients", "input", ["shares memory with the network's Gradients"],
                () => call(trainable.Gradients[..inputSize], new float[outputSize])));
        }
        return cases;
    }

    private static IEnumerable<BadCase> BackwardCases(ITrainableNetwork network, int inputSize, int outputSize)
    {
        const int Batch = 2;
        float[] Gradient(int length) => Enumerable.Range(0, length).Select(i => 0.01f * i).ToArray();
        // Every case first runs a valid ForwardTrain (which changes neither parameters nor gradients nor optimizer state).
        void Prepare() => network.ForwardTrain(new float[Batch * inputSize], new float[Batch * outputSize]);
        BadCase Case(string description, string paramName, string[] fragments, Action run) =>
            new($"Backward: {description}", paramName, fragments, () => { Prepare(); run(); });
        float[] WithValue(float value) { float[] x = Gradient(Batch * outputSize); x[1] = value; return x; }
        return
        [
            Case("outputGradient one short", "outputGradient", [$"outputGradient has {Batch * outputSize - 1}", $"needs {Batch * outputSize}"],
                () => network.Backward(Gradient(Batch * outputSize - 1), [])),
            Case("outputGradient of another batch", "outputGradient", [$"a batch of {Batch} samples", $"needs {Batch * outputSize}"],
                () => network.Backward(Gradient(3 * outputSize), [])),
            Case("empty outputGradient", "outputGradient", ["outputGradient has 0 elements", $"needs {Batch * outputSize}"],
                () => network.Backward([], [])),
            Case("inputGradient one long", "inputGradient", [$"inputGradient has {Batch * inputSize + 1}", $"needs {Batch * inputSize}"],
                () => network.Backward(Gradient(Batch * outputSize), new float[Batch * inputSize + 1])),
            Case("NaN outputGradient", "outputGradient", ["outputGradient[1] is NaN"],
                () => network.Backward(WithValue(float.NaN), [])),
            Case("Inf outputGradient", "outputGradient", ["outputGradient[1] is Infinity"],
                () => network.Backward(WithValue(float.PositiveInfinity), [])),
            Case("inputGradient is Parameters", "inputGradient", ["shares memory with the network's Parameters"],
                () => network.Backward(Gradient(Batch * outputSize), network.Parameters[..(Batch * inputSize)])),
            Case("inputGradient is Gradients", "inputGradient", ["shares memory with the network's Gradients"],
                () => network.Backward(Gradient(Batch * outputSize), network.Gradients[..(Batch * inputSize)])),
            Case("outputGradient is Gradients", "outputGradient", ["shares memory with the network's Gradients"],
                () => network.Backward(network.Gradients[..(Batch * outputSize)], [])),
        ];
    }

    private static IEnumerable<BadCase> LabelCases(IClassifierNetwork network, int inputSize, int perSample, int classes)
    {
        const int Batch = 3;
        float[] Input(int length) => Enumerable.Range(0, length).Select(i => 0.1f * (i % 5)).ToArray();
        int[] Labels(int count, int bad = -2, int at = 1) => Enumerable.Range(0, count).Select(i => i == at && bad != -2 ? bad : i % classes).ToArray();
        int labels = Batch * perSample;
        float[] WithValue(float value) { float[] x = Input(Batch * inputSize); x[0] = value; return x; }
        return
        [
            new("TrainStep(labels): input not whole samples", "input", [$"input has {Batch * inputSize - 1}", "not a whole number"],
                () => network.TrainStep(Input(Batch * inputSize - 1), Labels(labels))),
            new("TrainStep(labels): empty batch", "input", ["input is empty"],
                () => network.TrainStep([], ReadOnlySpan<int>.Empty)),
            new("TrainStep(labels): one label short", "labels", [$"labels has {labels - 1} element", $"needs {labels}"],
                () => network.TrainStep(Input(Batch * inputSize), Labels(labels - 1))),
            new("TrainStep(labels): one label too many", "labels", [$"labels has {labels + 1} element", $"needs {labels}"],
                () => network.TrainStep(Input(Batch * inputSize), Labels(labels + 1))),
            new("TrainStep(labels): label = classes", "labels", [$"labels[1] is {classes} but must lie in [0, {classes})"],
                () => network.TrainStep(Input(Batch * inputSize), Labels(labels, classes))),
            new("TrainStep(labels): label -1", "labels", [$"labels[1] is -1 but must lie in [0, {classes})"],
                () => network.TrainStep(Input(Batch * inputSize), Labels(labels, -1))),
            new("TrainStep(labels): label int.MaxValue at the end", "labels", [$"labels[{labels - 1}] is {int.MaxValue}"],
                () => network.TrainStep(Input(Batch * inputSize), Labels(labels, int.MaxValue, labels - 1))),
            new("TrainStep(labels): label int.MinValue", "labels", [$"labels[0] is {int.MinValue}"],
                () => network.TrainStep(Input(Batch * inputSize), Labels(labels, int.MinValue, 0))),
            new("TrainStep(labels): NaN input", "input", ["input[0] is NaN"],
                () => network.TrainStep(WithValue(float.NaN), Labels(labels))),
            new("TrainStep(labels): -Inf input", "input", ["input[0] is -Infinity"],
                () => network.TrainStep(WithValue(float.NegativeInfinity), Labels(labels))),
            new("TrainStep(labels): input is Gradients", "input", ["shares memory with the network's Gradients"],
                () => network.TrainStep(network.Gradients[..inputSize], Labels(perSample))),
            new("TrainStep(labels): input is Parameters", "input", ["shares memory with the network's Parameters"],
                () => network.TrainStep(network.Parameters[..inputSize], Labels(perSample))),
        ];
    }

    private static IEnumerable<BadCase> TargetCases(ISupervisedNetwork network, int inputSize, int outputSize)
    {
        const int Batch = 2;
        float[] Input(int length) => Enumerable.Range(0, length).Select(i => 0.1f * (i % 5)).ToArray();
        float[] Targets(int length) => Enumerable.Range(0, length).Select(i => i % outputSize == 0 ? 1f : 0f).ToArray();
        float[] TargetsWith(float value) { float[] t = Targets(Batch * outputSize); t[^1] = value; return t; }
        return
        [
            new("TrainStep(targets): input one long", "input", [$"input has {Batch * inputSize + 1}"],
                () => network.TrainStep(Input(Batch * inputSize + 1), Targets(Batch * outputSize))),
            new("TrainStep(targets): empty batch", "input", ["input is empty"],
                () => network.TrainStep([], ReadOnlySpan<float>.Empty)),
            new("TrainStep(targets): targets one short", "targets", [$"targets has {Batch * outputSize - 1}", $"needs {Batch * outputSize}"],
                () => network.TrainStep(Input(Batch * inputSize), Targets(Batch * outputSize - 1))),
            new("TrainStep(targets): targets for one sample", "targets", [$"a batch of {Batch} samples", $"needs {Batch * outputSize}"],
                () => network.TrainStep(Input(Batch * inputSize), Targets(outputSize))),
            new("TrainStep(targets): empty targets", "targets", ["targets has 0 elements"],
                () => network.TrainStep(Input(Batch * inputSize), ReadOnlySpan<float>.Empty)),
            new("TrainStep(targets): NaN target", "targets", [$"targets[{Batch * outputSize - 1}] is NaN"],
                () => network.TrainStep(Input(Batch * inputSize), TargetsWith(float.NaN))),
            new("TrainStep(targets): Inf target", "targets", [$"targets[{Batch * outputSize - 1}] is Infinity"],
                () => network.TrainStep(Input(Batch * inputSize), TargetsWith(float.PositiveInfinity))),
            new("TrainStep(targets): targets are Parameters", "targets", ["shares memory with the network's Parameters"],
                () => network.TrainStep(Input(inputSize), network.Parameters[..outputSize])),
            new("TrainStep(targets): targets are Gradients", "targets", ["shares memory with the network's Gradients"],
                () => network.TrainStep(Input(inputSize), network.Gradients[..outputSize])),
            new("TrainStep(targets): input is Gradients", "input", ["shares memory with the network's Gradients"],
                () => network.TrainStep(network.Gradients[..inputSize], Targets(outputSize))),
        ];
    }

    // ---- state ---------------------------------------------------------------------------------------

    /// <summary>A few real steps, so that moments, momentum and gradients hold non-zero values worth protecting.</summary>
    private static T Trained<T>(T network) where T : ISupervisedNetwork
    {
        var random = new SeededRandom(3);
        float[] input = new float[4 * network.InputSize];
        float[] targets = new float[4 * network.OutputSize];
        for (int step = 0; step < 3; step++)
        {
            for (int i = 0; i < input.Length; i++) input[i] = random.NextGaussian();
            for (int i = 0; i < targets.Length; i++) targets[i] = i % network.OutputSize == step % network.OutputSize ? 1f : 0f;
            network.TrainStep(input, targets);
        }
        return network;
    }

    /// <summary>Parameters, gradients and optimizer state (read through the optimizers' read-only views).</summary>
    private sealed record State(byte[] Parameters, byte[] Gradients, byte[] Optimizer, long StepCount)
    {
        public static State Of(ITrainableNetwork network)
        {
            object optimizer = network.GetType().GetField("_optimizer", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(network)!;
            byte[] moments = optimizer switch
            {
                Adam adam => [.. MemoryMarshal.AsBytes(adam.FirstMoment), .. MemoryMarshal.AsBytes(adam.SecondMoment)],
                Sgd sgd => MemoryMarshal.AsBytes(sgd.MomentumBuffer).ToArray(),
                _ => throw new InvalidOperationException(optimizer.GetType().Name),
            };
            Assert.Contains(moments, b => b != 0); // the state under test is not trivially zero
            return new State(MemoryMarshal.AsBytes(network.Parameters).ToArray(), MemoryMarshal.AsBytes(network.Gradients).ToArray(),
                moments, ((IOptimizer)optimizer).StepCount);
        }

        public string? Compare(State after) =>
            !Parameters.AsSpan().SequenceEqual(after.Parameters) ? "the parameters"
            : !Gradients.AsSpan().SequenceEqual(after.Gradients) ? "the gradients"
            : !Optimizer.AsSpan().SequenceEqual(after.Optimizer) ? "the optimizer state"
            : StepCount != after.StepCount ? "the optimizer's step count"
            : null;
    }
}

internal static class CheckFiniteExtensions
{
    /// <summary>Sets the generated CheckFinite property (not part of the interfaces).</summary>
    public static void CheckFiniteProperty(this INetwork network, bool value) =>
        network.GetType().GetProperty("CheckFinite")!.SetValue(network, value);
}
