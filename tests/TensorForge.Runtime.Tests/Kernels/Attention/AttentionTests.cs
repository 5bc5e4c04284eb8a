using TensorForge.Kernels;
using AttentionKernel = TensorForge.Kernels.Attention;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;

namespace TensorForge.Runtime.Tests.Kernels.Attention;

/// <summary>Multi-head scaled dot-product attention against its definition in double (outputs and probabilities), and its
/// backward pass against finite differences of that reference, with and without the causal mask and a dropout mask.</summary>
public class AttentionTests
{
    private static readonly int[] StepCounts = [1, 2, 5, 16];
    private static readonly (int Model, int Heads)[] Shapes = [(4, 1), (8, 2), (12, 3), (64, 4), (40, 2)];

    private sealed record Case(int Batch, int Steps, int Model, int Heads, bool Causal, float[] Q, float[] K, float[] V, float[] Mask)
    {
        public int HeadSize => Model / Heads;
        public override string ToString() => $"batch {Batch} steps {Steps} d {Model} heads {Heads}{(Causal ? " causal" : "")}{(Mask.Length > 0 ? " dropout" : "")}";
    }

    private static Case Create(int batch, int steps, int model, int heads, bool causal, bool dropout, int seed)
    {
        float[] mask = [];
        if (dropout)
        {
            var random = new Random(seed);
            mask = Enumerable.Range(0, batch * heads * steps * steps).Select(_ => random.NextDouble() < 0.2 ? 0f : 1.25f).ToArray();
        }
        return new Case(batch, steps, model, heads, causal, Random(batch * steps * model, seed, -2f, 2f),
            Random(batch * steps * model, seed + 1, -2f, 2f), Random(batch * steps * model, seed + 2), mask);
    }

    /// <summary>Output [batch, steps, d] and probabilities [batch, heads, steps, steps] in double.</summary>
    private static (double[] Output, double[] Probabilities) Reference(Case c, double[] q, double[] k, double[] v)
    {
        int d = c.Model, dh = c.HeadSize, t = c.Steps;
        var output = new double[c.Batch * t * d];
        var probabilities = new double[c.Batch * c.Heads * t * t];
        double scale = 1 / Math.Sqrt(dh);
        for (int b = 0; b < c.Batch; b++)
            for (int h = 0; h < c.Heads; h++)
                for (int i = 0; i < t; i++)
                {
                    var scores = new double[t];
                    double max = double.NegativeInfinity;
                    for (int j = 0; j < t; j++)
                    {
                        if (c.Causal && j > i)
                        {
                            scores[j] = double.NegativeInfinity;
                            continue;
                        }
                        double s = 0;
                        for (int e = 0; e < dh; e++)
                            s += q[(b * t + i) * d + h * dh + e] * k[(b * t + j) * d + h * dh + e];
                        scores[j] = s * scale;
                        max = Math.Max(max, scores[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < t; j++)
                        sum += scores[j] = Math.Exp(scores[j] - max);
                    for (int j = 0; j < t; j++)
                    {
                        int at = ((b * c.Heads + h) * t + i) * t + j;
                        double p = probabilities[at] = scores[j] / sum;
                        double weight = p * (c.Mask.Length > 0 ? c.Mask[at] : 1);
                        for (int e = 0; e < dh; e++)
                            output[(b * t + i) * d + h * dh + e] += weight * v[(b * t + j) * d + h * dh + e];
                    }
                }
        return (output, probabilities);
    }

    private static (float[] Output, float[] Probabilities, float[] Workspace) RunForward(Case c)
    {
        var output = Enumerable.Repeat(float.NaN, c.Batch * c.Steps * c.Model).ToArray();
        var probabilities = Enumerable.Repeat(float.NaN, AttentionKernel.ProbabilitiesSize(c.Batch, c.Steps, c.Heads)).ToArray();
        var workspace = Enumerable.Repeat(float.NaN, AttentionKernel.WorkspaceSize(c.Steps, c.Model, c.Heads)).ToArray();
        AttentionKernel.Forward(c.Q, c.K, c.V, c.Mask, output, probabilities, workspace, c.Batch, c.Steps, c.Model, c.Heads, c.Causal);
        return (output, probabilities, workspace);
    }

    public static TheoryData<int> WidthsData() => WidthData();

    [Theory]
    [MemberData(nameof(WidthsData))]
    public void ForwardMatchesReference(int width)
    {
        using var scope = LimitWidth(width);
        int seed = 1;
        foreach (int steps in StepCounts)
            foreach (int batch in new[] { 1, 3 })
                foreach (var (model, heads) in Shapes)
                    foreach (bool causal in new[] { false, true })
                        foreach (bool dropout in new[] { false, true })
                        {
                            var c = Create(batch, steps, model, heads, causal, dropout, seed++);
                            var (output, probabilities, _) = RunForward(c);
                            var (expectedOutput, expectedProbabilities) = Reference(c, D(c.Q), D(c.K), D(c.V));
                            Near(expectedProbabilities, probabilities, 1e-6, 1e-7, $"{c} width {width} probabilities");
                            Near(expectedOutput, output, 2e-6, 2e-6 * Math.Sqrt(steps), $"{c} width {width} output");
                            if (causal)
                                for (int i = 0; i < probabilities.Length; i++)
                                    if (i % steps > i / steps % steps)
                                        Assert.Equal(0f, probabilities[i]); // above the diagonal: exactly zero
                        }
    }

    [Theory]
    [MemberData(nameof(WidthsData))]
    public void BackwardMatchesFiniteDifferences(int width)
    {
        using var scope = LimitWidth(width);
        int seed = 100;
        foreach (int steps in StepCounts)
            foreach (var (model, heads) in Shapes.Where(s => s.Model <= 12 || width == 0))
                foreach (bool causal in new[] { false, true })
                    foreach (bool dropout in new[] { false, true })
                    {
                        int batch = steps % 2 == 0 ? 3 : 1;
                        var c = Create(batch, steps, model, heads, causal, dropout, seed++);
                        CheckGradients(c, $"{c} width {width}");
                    }
    }

    private static void CheckGradients(Case c, string what)
    {
        var (_, probabilities, workspace) = RunForward(c);
        float[] dOutput = Random(c.Batch * c.Steps * c.Model, c.Steps * 7 + c.Model);
        int n = c.Batch * c.Steps * c.Model;
        float[] dq = Enumerable.Repeat(float.NaN, n).ToArray(), dk = Enumerable.Repeat(float.NaN, n).ToArray(), dv = Enumerable.Repeat(float.NaN, n).ToArray();
        AttentionKernel.Backward(c.Q, c.K, c.V, probabilities, c.Mask, dOutput, dq, dk, dv, workspace, c.Batch, c.Steps, c.Model, c.Heads, c.Causal);

        double[][] inputs = [D(c.Q), D(c.K), D(c.V)];
        float[][] gradients = [dq, dk, dv];
        string[] names = ["dq", "dk", "dv"];
        double Loss()
        {
            double[] output = Reference(c, inputs[0], inputs[1], inputs[2]).Output;
            double sum = 0;
            for (int i = 0; i < output.Length; i++)
                sum += dOutput[i] * output[i];
            return sum;
        }
        double tolerance = 3e-6 * Math.Sqrt(c.Steps * c.HeadSize);
        for (int t = 0; t < 3; t++)
        {
            int stride = Math.Max(1, n / 30);
            for (int i = 0; i < n; i += stride)
            {
                double saved = inputs[t][i];
                inputs[t][i] = saved + 1e-6;
                double plus = Loss();
                inputs[t][i] = saved - 1e-6;
                double minus = Loss();
                inputs[t][i] = saved;
                double expected = (plus - minus) / 2e-6;
                double error = Math.Abs(gradients[t][i] - expected);
                Assert.True(error <= tolerance * (1 + Math.Abs(expected)),
                    $"{what}: {names[t]}[{i}] is {gradients[t][i]:R} but finite differences give {expected:R} (error {error:E2})");
            }
        }
    }

    [Fact]
    public void ShortSpansAndBadHeadsAreRejected()
    {
        const int batch = 2, steps = 3, model = 8, heads = 2;
        int n = batch * steps * model, pn = AttentionKernel.ProbabilitiesSize(batch, steps, heads), wn = AttentionKernel.WorkspaceSize(steps, model, heads);
        Assert.Equal(batch * heads * steps * steps, pn);
        void Forward(int which, string name, string message)
        {
            float[][] spans = [new float[n], new float[n], new float[n], new float[pn], new float[n], new float[pn], new float[wn]];
            spans[which] = new float[spans[which].Length - 1];
            foreach (float[] s in spans.Skip(4))
                Array.Fill(s, float.NaN);
            var e = Assert.Throws<ArgumentException>(() => AttentionKernel.Forward(spans[0], spans[1], spans[2], spans[3], spans[4], spans[5], spans[6],
                batch, steps, model, heads, causal: true));
            Assert.Equal(name, e.ParamName);
            Assert.StartsWith(message, e.Message);
            Assert.True(spans.Skip(4).All(s => s.All(float.IsNaN)), $"{name} short, but something was written");
        }
        Forward(0, "q", $"q has {n - 1} elements but batch×steps×modelSize = 2×3×8 needs {n}");
        Forward(1, "k", "k has");
        Forward(2, "v", "v has");
        Forward(3, "dropoutMask", $"dropoutMask has {pn - 1} elements but batch×heads×steps×steps = 2×2×3×3 needs {pn}");
        Forward(4, "output", "output has");
        Forward(5, "probabilities", "probabilities has");
        Forward(6, "workspace", $"workspace has {wn - 1} elements but Attention.WorkspaceSize needs {wn}");

        void Backward(int which, string name)
        {
            float[][] spans = [new float[n], new float[n], new float[n], new float[pn], [], new float[n], new float[n], new float[n], new float[n], new float[wn]];
            spans[which] = new float[Math.Max(0, spans[which].Length - 1)];
            var e = Assert.Throws<ArgumentException>(() => AttentionKernel.Backward(spans[0], spans[1], spans[2], spans[3], spans[4], spans[5], spans[6],
                spans[7], spans[8], spans[9], batch, steps, model, heads, causal: false));
            Assert.Equal(name, e.ParamName);
        }
        string[] backwardNames = ["q", "k", "v", "probabilities", "", "outputGradient", "dq", "dk", "dv", "workspace"];
        for (int i = 0; i < backwardNames.Length; i++)
            if (i != 4)
                Backward(i, backwardNames[i]);

        var bad = Assert.Throws<ArgumentException>(() => AttentionKernel.WorkspaceSize(steps, 10, 4));
        Assert.Equal("heads", bad.ParamName);
        Assert.Contains("heads = 4 does not divide modelSize = 10", bad.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionKernel.WorkspaceSize(steps, 8, 0));
    }

    [Fact]
    public void EmptySizesDoNothing()
    {
        AttentionKernel.Forward([], [], [], [], [], [], new float[AttentionKernel.WorkspaceSize(0, 8, 2)], 0, 0, 8, 2, true);
        AttentionKernel.Forward([], [], [], [], [], [], new float[AttentionKernel.WorkspaceSize(4, 8, 2)], 0, 4, 8, 2, true);
        AttentionKernel.Backward([], [], [], [], [], [], [], [], [], new float[AttentionKernel.WorkspaceSize(4, 8, 2)], 0, 4, 8, 2, false);
    }

    [Fact]
    public void SteadyStateCallsAllocateNothing()
    {
        var c = Create(64, 16, 64, 4, causal: true, dropout: true, seed: 5);
        var (output, probabilities, workspace) = RunForward(c);
        float[] dq = new float[output.Length], dk = new float[output.Length], dv = new float[output.Length];
        void Round()
        {
            AttentionKernel.Forward(c.Q, c.K, c.V, c.Mask, output, probabilities, workspace, 64, 16, 64, 4, true);
            AttentionKernel.Backward(c.Q, c.K, c.V, probabilities, c.Mask, output, dq, dk, dv, workspace, 64, 16, 64, 4, true);
        }
        Round();
        Assert.Equal(0, SteadyStateAllocation.Least(Round));
    }

    private static double[] D(float[] values) => Array.ConvertAll(values, v => (double)v);
}
