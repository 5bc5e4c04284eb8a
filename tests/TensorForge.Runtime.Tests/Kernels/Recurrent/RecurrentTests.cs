using TensorForge.Kernels;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;

namespace TensorForge.Runtime.Tests.Kernels.Recurrent;

/// <summary>Rnn (tanh and ReLU), Lstm and Gru against PyTorch's equations in double: the forward pass for every
/// combination of steps, batch, sizes, direction and bias; the backward pass against finite differences of that double
/// reference (every input and parameter tensor, several time steps); accumulation, repeatability, thread-count
/// determinism, allocations and argument checks.</summary>
public class RecurrentTests
{
    private static readonly int[] StepCounts = [1, 2, 5, 16];
    private static readonly int[] Batches = [1, 3, 6];

    /// <summary>Input and hidden sizes: hidden 5 has only a scalar/128-bit tail, 17 one 512-bit vector and a scalar
    /// column, 37 every width.</summary>
    // Hidden sizes that the fused recurrences take in single floats (5, 17, 37) and in vectors of 4, 8 and 16 (12, 24, 48).
    private static readonly (int Input, int Hidden)[] Sizes = [(3, 5), (4, 17), (6, 37), (5, 12), (7, 24), (4, 48)];

    public static TheoryData<CellKind> Kinds() => new(Enum.GetValues<CellKind>());

    public static TheoryData<CellKind, int> KindsAndWidths()
    {
        var data = new TheoryData<CellKind, int>();
        foreach (CellKind kind in Enum.GetValues<CellKind>())
            foreach (int width in Widths)
                data.Add(kind, width);
        return data;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ForwardMatchesReference(CellKind kind)
    {
        int seed = 1;
        foreach (int steps in StepCounts)
            foreach (int batch in Batches)
                foreach (var (input, hidden) in Sizes)
                    foreach (bool reverse in new[] { false, true })
                        foreach (bool bias in new[] { true, false })
                        {
                            var c = RecurrentCase.Create(kind, batch, steps, input, hidden, reverse, bias, seed++);
                            float[] training = RunForward(c, training: true, out _);
                            float[] inference = RunForward(c, training: false, out _);
                            // Inference skips the cache but computes the same operations in the same order.
                            AssertBits(training, inference, $"{c}: inference against training");
                            AssertNearReference(c, training, c.ToString());
                        }
    }

    [Theory]
    [MemberData(nameof(KindsAndWidths))]
    public void ForwardMatchesReferenceAtEveryVectorWidth(CellKind kind, int width)
    {
        using var scope = LimitWidth(width);
        foreach (var (input, hidden) in Sizes.Append((8, 64)))
        {
            var c = RecurrentCase.Create(kind, 3, 5, input, hidden, reverse: width % 2 == 0, bias: true, seed: hidden);
            AssertNearReference(c, RunForward(c, training: true, out _), $"{c} width {width}");
        }
    }

    /// <summary>A missing bias is the same as a zero bias, and either bias alone is used.</summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void EmptyBiasIsZero(CellKind kind)
    {
        var c = RecurrentCase.Create(kind, 3, 5, 4, 17, reverse: false, bias: true, seed: 7);
        var zeros = new float[c.GateRows];
        var noBias = new RecurrentCase { Kind = kind, Batch = 3, Steps = 5, Input = 4, Hidden = 17, Reverse = false, X = c.X, WeightIh = c.WeightIh, WeightHh = c.WeightHh, BiasIh = [], BiasHh = [] };
        var zeroBias = new RecurrentCase { Kind = kind, Batch = 3, Steps = 5, Input = 4, Hidden = 17, Reverse = false, X = c.X, WeightIh = c.WeightIh, WeightHh = c.WeightHh, BiasIh = zeros, BiasHh = zeros };
        AssertBits(RunForward(zeroBias, true, out _), RunForward(noBias, true, out _), "empty against zero biases");
        var onlyIh = new RecurrentCase { Kind = kind, Batch = 3, Steps = 5, Input = 4, Hidden = 17, Reverse = false, X = c.X, WeightIh = c.WeightIh, WeightHh = c.WeightHh, BiasIh = c.BiasIh, BiasHh = [] };
        var onlyHh = new RecurrentCase { Kind = kind, Batch = 3, Steps = 5, Input = 4, Hidden = 17, Reverse = false, X = c.X, WeightIh = c.WeightIh, WeightHh = c.WeightHh, BiasIh = [], BiasHh = c.BiasHh };
        AssertNearReference(onlyIh, RunForward(onlyIh, true, out _), "bias_ih only");
        AssertNearReference(onlyHh, RunForward(onlyHh, true, out _), "bias_hh only");
    }

    public static TheoryData<CellKind, int, int, int, int, bool, bool> GradientCases()
    {
        var data = new TheoryData<CellKind, int, int, int, int, bool, bool>();
        foreach (CellKind kind in Enum.GetValues<CellKind>())
        {
            int i = 0;
            foreach (int steps in StepCounts)
                foreach (int batch in Batches)
                {
                    // Every direction and bias setting, spread over the shapes.
                    bool reverse = i % 2 == 1, bias = i % 4 < 2;
                    data.Add(kind, batch, steps, 3, 5, reverse, bias);
                    data.Add(kind, batch, steps, 4, 17, !reverse, !bias);
                    // Vectors of 8 in the fused recurrences (ReLU's kinks make finite differences unreliable at this size).
                    if (kind != CellKind.RnnReLU)
                        data.Add(kind, batch, steps, 5, 24, reverse, !bias);
                    i++;
                }
        }
        return data;
    }

    /// <summary>Every gradient against central differences of the double reference, for the loss Σ w ⊙ h with random w
    /// at every step, and again with w zero except at the last time step (the generator's "last step" output).</summary>
    [Theory]
    [MemberData(nameof(GradientCases))]
    public void BackwardMatchesFiniteDifferences(CellKind kind, int batch, int steps, int input, int hidden, bool reverse, bool bias)
    {
        var c = RecurrentCase.Create(kind, batch, steps, input, hidden, reverse, bias, seed: steps * 100 + batch * 10 + hidden);
        foreach (bool lastStepOnly in new[] { false, true })
        {
            float[] dh = Random(batch * steps * hidden, seed: steps + hidden);
            if (lastStepOnly)
                for (int b = 0; b < batch; b++)
                    Array.Clear(dh, b * steps * hidden, (steps - 1) * hidden);
            CheckGradients(c, dh, $"{c}{(lastStepOnly ? " last step only" : "")}");
        }
    }

    [Theory]
    [MemberData(nameof(KindsAndWidths))]
    public void BackwardMatchesFiniteDifferencesAtEveryVectorWidth(CellKind kind, int width)
    {
        using var scope = LimitWidth(width);
        var c = RecurrentCase.Create(kind, 3, 5, 6, 37, reverse: true, bias: true, seed: 11);
        CheckGradients(c, Random(3 * 5 * 37, seed: 12), $"{c} width {width}");
    }

    /// <summary>accumulate adds to what the gradients held, accumulateInputGradient to dx; a second backward pass over the
    /// same cache gives the same bits (the cache is left as it was).</summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void BackwardAccumulatesAndRepeats(CellKind kind)
    {
        var c = RecurrentCase.Create(kind, 3, 5, 4, 17, reverse: true, bias: true, seed: 21);
        float[] dh = Random(3 * 5 * 17, seed: 22);
        RunForward(c, training: true, out float[] workspace);
        Gradients fresh = RunBackward(c, dh, workspace, null);
        Gradients again = RunBackward(c, dh, workspace, null);
        foreach (var (name, a, b) in fresh.Pairs(again))
            AssertBits(a, b, $"{kind} second backward, {name}");

        var start = Gradients.Random(c, seed: 23);
        Gradients accumulated = RunBackward(c, dh, workspace, start);
        foreach (var ((name, sum, initial), (_, grad, _)) in accumulated.Pairs(start).Zip(fresh.Pairs(start)))
            for (int i = 0; i < sum.Length; i++)
                Assert.True(Math.Abs(sum[i] - (initial[i] + grad[i])) <= 1e-6f * (1 + Math.Abs(initial[i]) + Math.Abs(grad[i])),
                    $"{kind} accumulated {name}[{i}] is {sum[i]} but {initial[i]} + {grad[i]}");
    }

    /// <summary>Sizes at which the GEMMs split across threads: every result bit-identical for 1, 2 and 3 threads.</summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void ResultsDoNotDependOnTheThreadCount(CellKind kind)
    {
        // A batch of 64 splits into whole strips of rows; 63 also leaves strips of 2 and 1 inside the tiles.
        ThreadCountCheck(RecurrentCase.Create(kind, 64, 4, 32, 128, reverse: false, bias: true, seed: 31));
        ThreadCountCheck(RecurrentCase.Create(kind, 63, 4, 16, 64, reverse: true, bias: true, seed: 33));
    }

    private static void ThreadCountCheck(RecurrentCase c)
    {
        CellKind kind = c.Kind;
        float[] dh = Random(c.Batch * c.Steps * c.Hidden, seed: 32);
        int saved = Gemm.MaxThreads;
        try
        {
            (float[] H, Gradients G)? serial = null;
            foreach (int threads in new[] { 1, 2, 3 })
            {
                Gemm.MaxThreads = threads;
                float[] h = RunForward(c, training: true, out float[] workspace);
                Gradients g = RunBackward(c, dh, workspace, null);
                if (serial is not { } one)
                {
                    serial = (h, g);
                    continue;
                }
                AssertBits(one.H, h, $"{kind} h with {threads} threads");
                foreach (var (name, a, b) in one.G.Pairs(g))
                    AssertBits(a, b, $"{kind} {name} with {threads} threads");
            }
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SteadyStateCallsAllocateNothing(CellKind kind)
    {
        var c = RecurrentCase.Create(kind, 16, 8, 32, 64, reverse: true, bias: true, seed: 41);
        float[] dh = Random(16 * 8 * 64, seed: 42);
        RunForward(c, training: true, out float[] workspace);
        var inference = new float[RecurrentKernels.WorkspaceSize(kind, 16, 8, 32, 64, training: false)];
        var h = new float[16 * 8 * 64];
        var g = Gradients.Random(c, seed: 43);
        void Round()
        {
            RecurrentKernels.Forward(kind, c.X, c.WeightIh, c.WeightHh, c.BiasIh, c.BiasHh, h, workspace, 16, 8, 32, 64, true, training: true);
            RecurrentKernels.Backward(kind, dh, c.WeightIh, c.WeightHh, g.X, g.WeightIh, g.WeightHh, g.BiasIh, g.BiasHh, workspace,
                16, 8, 32, 64, true, accumulate: false, accumulateInputGradient: false);
            RecurrentKernels.Forward(kind, c.X, c.WeightIh, c.WeightHh, c.BiasIh, c.BiasHh, h, inference, 16, 8, 32, 64, true, training: false);
        }
        Round();
        Assert.Equal(0, SteadyStateAllocation.Least(Round));
    }

    /// <summary>No sample, no step or no hidden unit: nothing to compute, an overwritten gradient is zero.</summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void EmptySizesAreHandled(CellKind kind)
    {
        foreach (var (batch, steps, hidden) in new[] { (0, 5, 7), (3, 0, 7), (3, 5, 0) })
        {
            var c = RecurrentCase.Create(kind, batch, steps, 4, hidden, reverse: false, bias: true, seed: 51);
            float[] h = RunForward(c, training: true, out float[] workspace);
            Assert.All(h, v => Assert.Equal(0f, v));
            var g = Gradients.Random(c, seed: 52);
            RecurrentKernels.Backward(kind, new float[h.Length], c.WeightIh, c.WeightHh, g.X, g.WeightIh, g.WeightHh, g.BiasIh, g.BiasHh,
                workspace, batch, steps, 4, hidden, false, accumulate: false, accumulateInputGradient: false);
            foreach (var (name, values, _) in g.Pairs(g))
                Assert.True(values.All(v => v == 0f), $"{kind} {batch}×{steps}×{hidden}: {name} not cleared");
        }
    }

    /// <summary>Every span one element short throws ArgumentException naming it and the sizes, before anything is written.</summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void ShortSpansAreRejectedBeforeAnythingIsWritten(CellKind kind)
    {
        const int batch = 2, steps = 3, input = 4, hidden = 5;
        var c = RecurrentCase.Create(kind, batch, steps, input, hidden, reverse: false, bias: true, seed: 61);
        int g = c.GateRows;
        int trainingSize = RecurrentKernels.WorkspaceSize(kind, batch, steps, input, hidden, training: true);
        string gh = g == hidden ? "hiddenSize" : $"{c.Gates}·hiddenSize";

        void Forward(int which, string name, string sizes)
        {
            float[][] spans = [c.X, c.WeightIh, c.WeightHh, c.BiasIh, c.BiasHh, new float[batch * steps * hidden], new float[trainingSize]];
            spans[which] = new float[spans[which].Length - 1];
            float[] h = spans[5], workspace = spans[6];
            Array.Fill(h, float.NaN);
            Array.Fill(workspace, float.NaN);
            var e = Assert.Throws<ArgumentException>(() => RecurrentKernels.Forward(kind, spans[0], spans[1], spans[2], spans[3], spans[4],
                h, workspace, batch, steps, input, hidden, false, true));
            Assert.Equal(name, e.ParamName);
            Assert.Contains(sizes, e.Message);
            Assert.True(h.All(float.IsNaN) && workspace.All(float.IsNaN), $"{kind}: {name} short, but something was written");
        }
        Forward(0, "x", $"x has {batch * steps * input - 1} elements but batch×steps×inputSize = {batch}×{steps}×{input} needs {batch * steps * input}");
        Forward(1, "weightIh", $"{gh}×inputSize = {g}×{input}");
        Forward(2, "weightHh", $"{gh}×hiddenSize = {g}×{hidden}");
        Forward(3, "biasIh", $"biasIh has {g - 1} elements but {gh} = {g} needs as many");
        Forward(4, "biasHh", $"biasHh has {g - 1} elements");
        Forward(5, "h", $"batch×steps×hiddenSize = {batch}×{steps}×{hidden}");
        Forward(6, "workspace", $"workspace has {trainingSize - 1} elements but {kind switch { CellKind.Lstm => "Lstm", CellKind.Gru => "Gru", _ => "Rnn" }}.WorkspaceSize needs {trainingSize}");

        RunForward(c, training: true, out float[] cache);
        void Backward(int which, string name, string sizes)
        {
            var grads = Gradients.Random(c, seed: 62);
            float[][] spans = [new float[batch * steps * hidden], c.WeightIh, c.WeightHh, grads.X, grads.WeightIh, grads.WeightHh, grads.BiasIh, grads.BiasHh, (float[])cache.Clone()];
            spans[which] = new float[spans[which].Length - 1];
            float[][] before = spans.Select(s => (float[])s.Clone()).ToArray();
            var e = Assert.Throws<ArgumentException>(() => RecurrentKernels.Backward(kind, spans[0], spans[1], spans[2], spans[3], spans[4],
                spans[5], spans[6], spans[7], spans[8], batch, steps, input, hidden, false, false, false));
            Assert.Equal(name, e.ParamName);
            Assert.Contains(sizes, e.Message);
            for (int i = 3; i < spans.Length; i++)
                Assert.True(before[i].AsSpan().SequenceEqual(spans[i]), $"{kind}: {name} short, but span {i} was written");
        }
        Backward(0, "dh", $"batch×steps×hiddenSize = {batch}×{steps}×{hidden}");
        Backward(1, "weightIh", $"{gh}×inputSize = {g}×{input}");
        Backward(2, "weightHh", $"{gh}×hiddenSize = {g}×{hidden}");
        Backward(3, "dx", $"batch×steps×inputSize = {batch}×{steps}×{input}");
        Backward(4, "weightIhGradient", $"{gh}×inputSize = {g}×{input}");
        Backward(5, "weightHhGradient", $"{gh}×hiddenSize = {g}×{hidden}");
        Backward(6, "biasIhGradient", $"biasIhGradient has {g - 1} elements but {gh} = {g}");
        Backward(7, "biasHhGradient", $"biasHhGradient has {g - 1} elements");
        Backward(8, "workspace", $"needs {trainingSize}");

        // An inference workspace is too small for a training forward.
        int inferenceSize = RecurrentKernels.WorkspaceSize(kind, batch, steps, input, hidden, training: false);
        Assert.True(inferenceSize < trainingSize);
        Assert.Throws<ArgumentException>(() => RecurrentKernels.Forward(kind, c.X, c.WeightIh, c.WeightHh, c.BiasIh, c.BiasHh,
            new float[batch * steps * hidden], new float[inferenceSize], batch, steps, input, hidden, false, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => RecurrentKernels.WorkspaceSize(kind, -1, steps, input, hidden, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => RecurrentKernels.WorkspaceSize(kind, 1 << 16, steps, input, 1 << 16, true));
    }

    [Fact]
    public void UnknownNonlinearityIsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Rnn.Forward(new float[4], new float[4], new float[4], [], [], new float[4],
            new float[Rnn.WorkspaceSize(1, 1, 4, 4, false)], 1, 1, 4, 4, (RnnNonlinearity)7, false, false));
        Assert.Equal("nonlinearity", e.ParamName);
    }

    // ---- helpers ----

    internal sealed class Gradients
    {
        public required float[] X, WeightIh, WeightHh, BiasIh, BiasHh;

        public static Gradients Random(RecurrentCase c, int seed) => new()
        {
            X = KernelTestSupport.Random(c.X.Length, seed),
            WeightIh = KernelTestSupport.Random(c.WeightIh.Length, seed + 1),
            WeightHh = KernelTestSupport.Random(c.WeightHh.Length, seed + 2),
            BiasIh = KernelTestSupport.Random(c.BiasIh.Length, seed + 3),
            BiasHh = KernelTestSupport.Random(c.BiasHh.Length, seed + 4),
        };

        public Gradients Clone() => new() { X = (float[])X.Clone(), WeightIh = (float[])WeightIh.Clone(), WeightHh = (float[])WeightHh.Clone(), BiasIh = (float[])BiasIh.Clone(), BiasHh = (float[])BiasHh.Clone() };

        public IEnumerable<(string Name, float[] Mine, float[] Theirs)> Pairs(Gradients other)
        {
            yield return ("dx", X, other.X);
            yield return ("weight_ih", WeightIh, other.WeightIh);
            yield return ("weight_hh", WeightHh, other.WeightHh);
            yield return ("bias_ih", BiasIh, other.BiasIh);
            yield return ("bias_hh", BiasHh, other.BiasHh);
        }
    }

    private static float[] RunForward(RecurrentCase c, bool training, out float[] workspace)
    {
        workspace = new float[RecurrentKernels.WorkspaceSize(c.Kind, c.Batch, c.Steps, c.Input, c.Hidden, training)];
        Array.Fill(workspace, float.NaN); // nothing may be read before it is written
        var h = new float[c.Batch * c.Steps * c.Hidden];
        RecurrentKernels.Forward(c.Kind, c.X, c.WeightIh, c.WeightHh, c.BiasIh, c.BiasHh, h, workspace,
            c.Batch, c.Steps, c.Input, c.Hidden, c.Reverse, training);
        return h;
    }

    /// <summary>Backward into fresh gradients (overwriting NaNs), or accumulating onto a copy of <paramref name="start"/>.</summary>
    private static Gradients RunBackward(RecurrentCase c, float[] dh, float[] workspace, Gradients? start)
    {
        Gradients g = start?.Clone() ?? new Gradients
        {
            X = Enumerable.Repeat(float.NaN, c.X.Length).ToArray(),
            WeightIh = Enumerable.Repeat(float.NaN, c.WeightIh.Length).ToArray(),
            WeightHh = Enumerable.Repeat(float.NaN, c.WeightHh.Length).ToArray(),
            BiasIh = Enumerable.Repeat(float.NaN, c.BiasIh.Length).ToArray(),
            BiasHh = Enumerable.Repeat(float.NaN, c.BiasHh.Length).ToArray(),
        };
        RecurrentKernels.Backward(c.Kind, dh, c.WeightIh, c.WeightHh, g.X, g.WeightIh, g.WeightHh, g.BiasIh, g.BiasHh, workspace,
            c.Batch, c.Steps, c.Input, c.Hidden, c.Reverse, accumulate: start is not null, accumulateInputGradient: start is not null);
        return g;
    }

    /// <summary>|h − reference| ≤ 1e-7·√(steps·(input + hidden))·(1 + |reference|): float rounding of the sums, carried
    /// through the recurrence.</summary>
    private static void AssertNearReference(RecurrentCase c, float[] h, string what)
    {
        double[] expected = ReferenceForward(c, RecurrentReference.ToDouble(c.X), RecurrentReference.ToDouble(c.WeightIh),
            RecurrentReference.ToDouble(c.WeightHh), RecurrentReference.ToDouble(c.BiasIh), RecurrentReference.ToDouble(c.BiasHh));
        double scale = 1e-7 * Math.Sqrt(c.Steps * (c.Input + c.Hidden));
        Near(expected, h, scale, scale, what);
    }

    private static double[] ReferenceForward(RecurrentCase c, double[] x, double[] wih, double[] whh, double[] bih, double[] bhh)
        => RecurrentReference.Forward(c.Kind, x, wih, whh, bih, bhh, c.Batch, c.Steps, c.Input, c.Hidden, c.Reverse);

    /// <summary>The kernel's gradients of L = Σ dh ⊙ h against central differences of the double reference, on up to 40
    /// elements of every tensor (evenly spread, first and last included).</summary>
    private static void CheckGradients(RecurrentCase c, float[] dh, string what)
    {
        RunForward(c, training: true, out float[] workspace);
        Gradients actual = RunBackward(c, dh, workspace, null);

        double[][] tensors = [RecurrentReference.ToDouble(c.X), RecurrentReference.ToDouble(c.WeightIh), RecurrentReference.ToDouble(c.WeightHh),
            RecurrentReference.ToDouble(c.BiasIh), RecurrentReference.ToDouble(c.BiasHh)];
        double[] weights = RecurrentReference.ToDouble(dh);
        double Loss()
        {
            double[] h = ReferenceForward(c, tensors[0], tensors[1], tensors[2], tensors[3], tensors[4]);
            double sum = 0;
            for (int i = 0; i < h.Length; i++)
                sum += weights[i] * h[i];
            return sum;
        }

        float[][] kernel = [actual.X, actual.WeightIh, actual.WeightHh, actual.BiasIh, actual.BiasHh];
        string[] names = ["dx", "weight_ih", "weight_hh", "bias_ih", "bias_hh"];
        // Float rounding in the forward states and in sums over steps·batch terms.
        double tolerance = 1e-6 * Math.Sqrt(c.Steps * c.Batch * (c.Input + c.Hidden));
        for (int t = 0; t < tensors.Length; t++)
        {
            double[] values = tensors[t];
            if (values.Length == 0)
                continue;
            int stride = Math.Max(1, values.Length / 40);
            foreach (int i in Enumerable.Range(0, values.Length).Where(i => i % stride == 0 || i == values.Length - 1))
            {
                const double Epsilon = 1e-5;
                double saved = values[i];
                values[i] = saved + Epsilon;
                double plus = Loss();
                values[i] = saved - Epsilon;
                double minus = Loss();
                values[i] = saved;
                double expected = (plus - minus) / (2 * Epsilon);
                double error = Math.Abs(kernel[t][i] - expected);
                if (!(error <= tolerance * (1 + Math.Abs(expected))))
                    Assert.Fail($"{what}: {names[t]}[{i}] is {kernel[t][i]:R} but finite differences give {expected:R} (error {error:E2})");
            }
        }
    }

    private static void AssertBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]:R} but {expected[i]:R}");
    }
}
