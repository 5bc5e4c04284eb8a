using AdditiveKernel = TensorForge.Kernels.AdditiveAttention;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;

namespace TensorForge.Runtime.Tests.Kernels.Attention;

/// <summary>Additive attention pooling against its definition in double (outputs and weights α), and its backward pass
/// against finite differences of that reference (x, proj.weight, proj.bias, v.weight).</summary>
public class AdditiveAttentionTests
{
    private sealed record Case(int Batch, int Steps, int Features, int Size, float[] X, float[] W, float[] B, float[] V)
    {
        public override string ToString() => $"batch {Batch} steps {Steps} features {Features} attention {Size}";
    }

    private static Case Create(int batch, int steps, int features, int size, int seed)
        => new(batch, steps, features, size, Random(batch * steps * features, seed, -2f, 2f), Random(size * features, seed + 1),
            Random(size, seed + 2), Random(size, seed + 3, -2f, 2f));

    /// <summary>y [batch, features] and α [batch, steps] in double, by the definition.</summary>
    private static (double[] Output, double[] Weights) Reference(Case c, double[] x, double[] w, double[] b, double[] v)
    {
        var output = new double[c.Batch * c.Features];
        var weights = new double[c.Batch * c.Steps];
        for (int n = 0; n < c.Batch; n++)
        {
            var e = new double[c.Steps];
            for (int t = 0; t < c.Steps; t++)
                for (int a = 0; a < c.Size; a++)
                {
                    double z = b[a];
                    for (int f = 0; f < c.Features; f++)
                        z += w[a * c.Features + f] * x[(n * c.Steps + t) * c.Features + f];
                    e[t] += v[a] * Math.Tanh(z);
                }
            double max = e.Max(), sum = e.Sum(s => Math.Exp(s - max));
            for (int t = 0; t < c.Steps; t++)
            {
                double alpha = weights[n * c.Steps + t] = Math.Exp(e[t] - max) / sum;
                for (int f = 0; f < c.Features; f++)
                    output[n * c.Features + f] += alpha * x[(n * c.Steps + t) * c.Features + f];
            }
        }
        return (output, weights);
    }

    private static (float[] Output, float[] Projection, float[] Weights) RunForward(Case c)
    {
        var output = Enumerable.Repeat(float.NaN, c.Batch * c.Features).ToArray();
        var projection = Enumerable.Repeat(float.NaN, c.Batch * c.Steps * c.Size).ToArray();
        var weights = Enumerable.Repeat(float.NaN, c.Batch * c.Steps).ToArray();
        AdditiveKernel.Forward(c.X, c.W, c.B, c.V, output, projection, weights, c.Batch, c.Steps, c.Features, c.Size);
        return (output, projection, weights);
    }

    private static readonly (int Steps, int Features, int Size)[] Shapes = [(1, 3, 2), (2, 1, 1), (5, 4, 3), (7, 16, 8), (16, 33, 17), (12, 64, 32)];

    public static TheoryData<int> WidthsData() => WidthData();

    [Theory]
    [MemberData(nameof(WidthsData))]
    public void ForwardMatchesReference(int width)
    {
        using var scope = LimitWidth(width);
        int seed = 1;
        foreach (var (steps, features, size) in Shapes)
            foreach (int batch in new[] { 1, 3 })
            {
                var c = Create(batch, steps, features, size, seed += 4);
                var (output, projection, weights) = RunForward(c);
                var (expectedOutput, expectedWeights) = Reference(c, D(c.X), D(c.W), D(c.B), D(c.V));
                // A score sums A tanh terms of an F-long dot product; tolerance scaled to those reductions.
                double scores = 1e-6 * Math.Sqrt(features) * Math.Sqrt(size);
                Near(expectedWeights, weights, 4 * scores, 1e-7, $"{c} width {width} weights");
                Near(expectedOutput, output, 4 * scores + 1e-6 * Math.Sqrt(steps), 1e-6 * Math.Sqrt(steps), $"{c} width {width} output");
                Assert.DoesNotContain(projection, float.IsNaN);
            }
    }

    [Theory]
    [MemberData(nameof(WidthsData))]
    public void BackwardMatchesFiniteDifferences(int width)
    {
        using var scope = LimitWidth(width);
        int seed = 200;
        foreach (var (steps, features, size) in Shapes.Where(s => s.Features <= 16 || width == 0))
            foreach (bool accumulate in new[] { false, true })
            {
                int batch = steps % 2 == 0 ? 3 : 2;
                CheckGradients(Create(batch, steps, features, size, seed += 4), accumulate, width);
            }
    }

    private static void CheckGradients(Case c, bool accumulate, int width)
    {
        var (_, projection, weights) = RunForward(c);
        float[] projectionBefore = projection.ToArray(), weightsBefore = weights.ToArray();
        float[] dOutput = Random(c.Batch * c.Features, c.Steps * 7 + c.Features);
        var dx = Enumerable.Repeat(float.NaN, c.X.Length).ToArray();
        const float prior = 0.25f;
        float[] dw = Enumerable.Repeat(prior, c.W.Length).ToArray(), db = Enumerable.Repeat(prior, c.Size).ToArray(), dv = Enumerable.Repeat(prior, c.Size).ToArray();
        float[] dz = new float[c.Batch * c.Steps * c.Size], de = new float[c.Batch * c.Steps];
        AdditiveKernel.Backward(c.X, c.W, c.V, projection, weights, dOutput, dx, dw, db, dv, dz, de, c.Batch, c.Steps, c.Features, c.Size, accumulate);
        Assert.Equal(projectionBefore, projection);
        Assert.Equal(weightsBefore, weights);

        double[][] inputs = [D(c.X), D(c.W), D(c.B), D(c.V)];
        float[][] gradients = [dx, dw, db, dv];
        string[] names = ["dx", "dproj.weight", "dproj.bias", "dv.weight"];
        double Loss()
        {
            double[] output = Reference(c, inputs[0], inputs[1], inputs[2], inputs[3]).Output;
            double sum = 0;
            for (int i = 0; i < output.Length; i++)
                sum += dOutput[i] * output[i];
            return sum;
        }
        double tolerance = 3e-6 * Math.Sqrt(c.Batch * c.Steps * (c.Features + c.Size));
        for (int p = 0; p < inputs.Length; p++)
        {
            double offset = p == 0 || !accumulate ? 0 : prior;
            int n = inputs[p].Length, stride = Math.Max(1, n / 25);
            for (int i = 0; i < n; i += stride)
            {
                double saved = inputs[p][i];
                inputs[p][i] = saved + 1e-6;
                double plus = Loss();
                inputs[p][i] = saved - 1e-6;
                double minus = Loss();
                inputs[p][i] = saved;
                double expected = (plus - minus) / 2e-6 + offset;
                double error = Math.Abs(gradients[p][i] - expected);
                Assert.True(error <= tolerance * (1 + Math.Abs(expected)),
                    $"{c} width {width} accumulate {accumulate}: {names[p]}[{i}] is {gradients[p][i]:R} but finite differences give {expected:R} (error {error:E2})");
            }
        }

        // Without an input gradient the parameter gradients are the same.
        float[] dw2 = Enumerable.Repeat(prior, c.W.Length).ToArray(), db2 = Enumerable.Repeat(prior, c.Size).ToArray(), dv2 = Enumerable.Repeat(prior, c.Size).ToArray();
        AdditiveKernel.Backward(c.X, c.W, c.V, projection, weights, dOutput, [], dw2, db2, dv2, dz, de, c.Batch, c.Steps, c.Features, c.Size, accumulate);
        Assert.Equal(dw, dw2);
        Assert.Equal(db, db2);
        Assert.Equal(dv, dv2);
    }

    [Fact]
    public void LargeScoresDoNotOverflow()
    {
        // |e| up to 400: a softmax without the max shift would give exp(400) = ∞ and NaN weights.
        var c = Create(2, 6, 4, 8, seed: 9) with { V = Enumerable.Repeat(50f, 8).ToArray() };
        var (output, _, weights) = RunForward(c);
        Assert.All(weights, w => Assert.True(float.IsFinite(w)));
        Assert.All(output, y => Assert.True(float.IsFinite(y)));
        var (expected, _) = Reference(c, D(c.X), D(c.W), D(c.B), D(c.V));
        Near(expected, output, 1e-4, 1e-4, "large scores");
    }

    [Fact]
    public void ShortSpansAreRejectedBeforeAnythingIsWritten()
    {
        const int batch = 2, steps = 3, features = 5, size = 4;
        int x = batch * steps * features, w = size * features, y = batch * features, u = batch * steps * size, a = batch * steps;
        void Forward(int which, string name, string message)
        {
            float[][] spans = [new float[x], new float[w], new float[size], new float[size], new float[y], new float[u], new float[a]];
            spans[which] = new float[spans[which].Length - 1];
            foreach (float[] s in spans.Skip(4))
                Array.Fill(s, float.NaN);
            var e = Assert.Throws<ArgumentException>(() => AdditiveKernel.Forward(spans[0], spans[1], spans[2], spans[3], spans[4], spans[5], spans[6],
                batch, steps, features, size));
            Assert.Equal(name, e.ParamName);
            Assert.StartsWith(message, e.Message);
            Assert.True(spans.Skip(4).All(s => s.All(float.IsNaN)), $"{name} short, but something was written");
        }
        Forward(0, "x", $"x has {x - 1} elements but batch×steps×features = 2×3×5 needs {x}");
        Forward(1, "weight", $"weight has {w - 1} elements but attentionSize×features = 4×5 needs {w}");
        Forward(2, "bias", "bias has 3 elements but attentionSize = 4 needs as many");
        Forward(3, "v", "v has 3 elements");
        Forward(4, "output", $"output has {y - 1} elements but batch×features = 2×5 needs {y}");
        Forward(5, "projection", "projection has");
        Forward(6, "weights", "weights has");

        void Backward(int which, string name)
        {
            float[][] spans = [new float[x], new float[w], new float[size], new float[u], new float[a], new float[y], new float[x],
                new float[w], new float[size], new float[size], new float[u], new float[a]];
            spans[which] = new float[spans[which].Length - 1];
            foreach (float[] s in spans.Skip(6))
                Array.Fill(s, float.NaN);
            var e = Assert.Throws<ArgumentException>(() => AdditiveKernel.Backward(spans[0], spans[1], spans[2], spans[3], spans[4], spans[5], spans[6],
                spans[7], spans[8], spans[9], spans[10], spans[11], batch, steps, features, size, accumulate: false));
            Assert.Equal(name, e.ParamName);
            Assert.True(spans.Skip(6).All(s => s.All(float.IsNaN)), $"{name} short, but something was written");
        }
        string[] names = ["x", "weight", "v", "projection", "weights", "outputGradient", "inputGradient", "weightGradient", "biasGradient", "vGradient",
            "projectionGradient", "scoreGradient"];
        for (int i = 0; i < names.Length; i++)
            Backward(i, names[i]);
        Assert.Throws<ArgumentOutOfRangeException>(() => AdditiveKernel.Forward([], [], [], [], [], [], [], 1, 1, 1, -1));
    }

    [Fact]
    public void EmptySizes()
    {
        AdditiveKernel.Forward([], new float[8], new float[2], new float[2], [], [], [], 0, 3, 4, 2);
        var output = new float[4] { 1, 2, 3, 4 };
        AdditiveKernel.Forward([], new float[8], new float[2], new float[2], output, [], [], 1, 0, 4, 2);
        Assert.Equal(new float[4], output); // a sum over no steps
        float[] dw = [1, 1], db = [1], dv = [1];
        AdditiveKernel.Backward([], new float[2], new float[1], [], [], new float[2], [], dw, db, dv, [], [], 1, 0, 2, 1, accumulate: false);
        Assert.Equal(new float[2], dw);
        Assert.Equal(new float[1], db);
        Assert.Equal(new float[1], dv);
    }

    [Fact]
    public void SteadyStateCallsAllocateNothing()
    {
        var c = Create(64, 16, 128, 64, seed: 5);
        var (output, projection, weights) = RunForward(c);
        float[] dx = new float[c.X.Length], dw = new float[c.W.Length], db = new float[c.Size], dv = new float[c.Size];
        float[] dz = new float[projection.Length], de = new float[weights.Length];
        void Round()
        {
            AdditiveKernel.Forward(c.X, c.W, c.B, c.V, output, projection, weights, 64, 16, 128, 64);
            AdditiveKernel.Backward(c.X, c.W, c.V, projection, weights, output, dx, dw, db, dv, dz, de, 64, 16, 128, 64, accumulate: true);
        }
        Round();
        Assert.Equal(0, SteadyStateAllocation.Least(Round));
    }

    private static double[] D(float[] values) => Array.ConvertAll(values, v => (double)v);
}
