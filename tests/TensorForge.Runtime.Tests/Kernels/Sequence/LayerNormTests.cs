using TensorForge.Kernels;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;

namespace TensorForge.Runtime.Tests.Kernels.Sequence;

/// <summary>LayerNorm against nn.LayerNorm's definition in double (forward, cached statistics) and its backward pass
/// against finite differences of that reference, with and without weight and bias, at every vector width.</summary>
public class LayerNormTests
{
    private const float Epsilon = LayerNorm.DefaultEpsilon;

    private static IEnumerable<int> Sizes() => Enumerable.Range(1, 40).Concat([63, 64, 65, 128, 257]);

    public static TheoryData<int> WidthsData() => WidthData();

    /// <summary>Affine settings: weight and bias, weight only, bias only, none.</summary>
    private static readonly (bool Weight, bool Bias)[] Affine = [(true, true), (true, false), (false, true), (false, false)];

    private static double[] Reference(float[] x, float[] weight, float[] bias, int rows, int size, double[]? mean = null, double[]? inverseStd = null)
    {
        var y = new double[rows * size];
        for (int r = 0; r < rows; r++)
        {
            double m = 0, v = 0;
            for (int j = 0; j < size; j++)
                m += x[r * size + j];
            m /= size;
            for (int j = 0; j < size; j++)
                v += (x[r * size + j] - m) * (x[r * size + j] - m);
            double s = 1 / Math.Sqrt(v / size + Epsilon);
            if (mean != null)
            {
                mean[r] = m;
                inverseStd![r] = s;
            }
            for (int j = 0; j < size; j++)
                y[r * size + j] = (x[r * size + j] - m) * s * (weight.Length > 0 ? weight[j] : 1) + (bias.Length > 0 ? bias[j] : 0);
        }
        return y;
    }

    [Theory]
    [MemberData(nameof(WidthsData))]
    public void ForwardMatchesReference(int width)
    {
        using var scope = LimitWidth(width);
        foreach (int rows in new[] { 0, 1, 3 })
            foreach (int size in Sizes())
                foreach (var (hasWeight, hasBias) in Affine)
                {
                    // An offset mean tests the two-pass variance.
                    float[] x = Random(rows * size, size * 10 + rows, 10f, 12f);
                    float[] weight = hasWeight ? Random(size, size, 0.5f, 1.5f) : [], bias = hasBias ? Random(size, size + 1) : [];
                    var expectedMean = new double[rows];
                    var expectedInverse = new double[rows];
                    double[] expected = Reference(x, weight, bias, rows, size, expectedMean, expectedInverse);

                    var y = new float[rows * size];
                    var mean = new float[rows];
                    var inverse = new float[rows];
                    LayerNorm.Forward(x, weight, bias, y, mean, inverse, rows, size, Epsilon);
                    string what = $"{rows}×{size} weight {hasWeight} bias {hasBias} width {width}";
                    // The rounding of the mean (relative to |mean|, not to x − mean) is scaled by 1/std.
                    var tolerance = new double[rows * size];
                    for (int i = 0; i < tolerance.Length; i++)
                        tolerance[i] = 1e-6 * Math.Sqrt(size) * (1 + Math.Abs(expected[i]) + Math.Abs(expectedMean[i / size]) * expectedInverse[i / size]);
                    Near(expected, y, tolerance, what);
                    Near(expectedMean, mean, 1e-6, 0, what + " mean");
                    Near(expectedInverse, inverse, 1e-5 * Math.Sqrt(size), 0, what + " 1/std");

                    // Inference (no cache) and in place give the same bits.
                    var inference = new float[rows * size];
                    LayerNorm.Forward(x, weight, bias, inference, [], [], rows, size, Epsilon);
                    Assert.Equal(y, inference);
                    float[] inPlace = (float[])x.Clone();
                    LayerNorm.Forward(inPlace, weight, bias, inPlace, [], [], rows, size, Epsilon);
                    Assert.Equal(y, inPlace);
                }
    }

    /// <summary>A constant row has zero variance: y = bias, 1/std = 1/√ε, and the input gradient is zero.</summary>
    [Fact]
    public void ConstantRowsNormaliseToTheBias()
    {
        float[] x = Enumerable.Repeat(3f, 8).ToArray(), bias = Random(8, 1), weight = Random(8, 2);
        var y = new float[8];
        var mean = new float[1];
        var inverse = new float[1];
        LayerNorm.Forward(x, weight, bias, y, mean, inverse, 1, 8, Epsilon);
        Assert.Equal(bias, y);
        Assert.Equal(3f, mean[0]);
        Assert.Equal(1 / Math.Sqrt(Epsilon), inverse[0], 1e-2);
    }

    [Theory]
    [MemberData(nameof(WidthsData))]
    public void BackwardMatchesFiniteDifferences(int width)
    {
        using var scope = LimitWidth(width);
        foreach (int rows in new[] { 1, 3 })
            foreach (int size in new[] { 1, 2, 5, 16, 17, 37, 64 })
                foreach (var (hasWeight, hasBias) in Affine)
                    CheckGradients(rows, size, hasWeight, hasBias, $"{rows}×{size} weight {hasWeight} bias {hasBias} width {width}");
    }

    private static void CheckGradients(int rows, int size, bool hasWeight, bool hasBias, string what)
    {
        float[] x = Random(rows * size, size + rows, -2f, 2f);
        float[] weight = hasWeight ? Random(size, size + 2, 0.5f, 1.5f) : [], bias = hasBias ? Random(size, size + 3) : [];
        float[] dy = Random(rows * size, size + 4);
        var y = new float[rows * size];
        var mean = new float[rows];
        var inverse = new float[rows];
        LayerNorm.Forward(x, weight, bias, y, mean, inverse, rows, size, Epsilon);

        float[] dx = Enumerable.Repeat(float.NaN, rows * size).ToArray();
        float[] dWeight = Enumerable.Repeat(float.NaN, weight.Length).ToArray(), dBias = Enumerable.Repeat(float.NaN, bias.Length).ToArray();
        LayerNorm.Backward(x, dy, weight, mean, inverse, dx, dWeight, dBias, rows, size, accumulate: false, accumulateInputGradient: false);

        // Accumulating adds to what was there.
        float[] dx2 = Random(rows * size, 7), dWeight2 = Random(weight.Length, 8), dBias2 = Random(bias.Length, 9);
        float[] dx2Start = (float[])dx2.Clone(), dWeight2Start = (float[])dWeight2.Clone(), dBias2Start = (float[])dBias2.Clone();
        LayerNorm.Backward(x, dy, weight, mean, inverse, dx2, dWeight2, dBias2, rows, size, accumulate: true, accumulateInputGradient: true);
        AssertSum(dx2Start, dx, dx2, what + " accumulated dx");
        AssertSum(dWeight2Start, dWeight, dWeight2, what + " accumulated dweight");
        AssertSum(dBias2Start, dBias, dBias2, what + " accumulated dbias");

        // dx in place over dy.
        float[] dyInPlace = (float[])dy.Clone();
        LayerNorm.Backward(x, dyInPlace, weight, mean, inverse, dyInPlace, [], [], rows, size, false, false);
        Assert.Equal(dx, dyInPlace);

        (float[] Values, float[] Gradient, string Name)[] tensors = [(x, dx, "dx"), (weight, dWeight, "dweight"), (bias, dBias, "dbias")];
        foreach (var (values, gradient, name) in tensors)
        {
            for (int i = 0; i < values.Length; i++)
            {
                float saved = values[i];
                // Differences in double through the double reference, with the float inputs perturbed as doubles.
                double Loss(double delta)
                {
                    double[] xs = Array.ConvertAll(x, v => (double)v), ws = Array.ConvertAll(weight, v => (double)v), bs = Array.ConvertAll(bias, v => (double)v);
                    (ReferenceOf(name, xs, ws, bs))[i] += delta;
                    return LossOf(xs, ws, bs, dy, rows, size);
                }
                double expected = (Loss(1e-6) - Loss(-1e-6)) / 2e-6;
                double error = Math.Abs(gradient[i] - expected);
                Assert.True(error <= 5e-7 * Math.Sqrt(rows * size) * (1 + Math.Abs(expected)),
                    $"{what}: {name}[{i}] is {gradient[i]:R} but finite differences give {expected:R} (error {error:E2})");
                values[i] = saved;
            }
        }
    }

    private static double[] ReferenceOf(string name, double[] x, double[] weight, double[] bias) => name switch { "dx" => x, "dweight" => weight, _ => bias };

    private static double LossOf(double[] x, double[] weight, double[] bias, float[] dy, int rows, int size)
    {
        double loss = 0;
        for (int r = 0; r < rows; r++)
        {
            double m = 0, v = 0;
            for (int j = 0; j < size; j++)
                m += x[r * size + j];
            m /= size;
            for (int j = 0; j < size; j++)
                v += (x[r * size + j] - m) * (x[r * size + j] - m);
            double s = 1 / Math.Sqrt(v / size + Epsilon);
            for (int j = 0; j < size; j++)
                loss += dy[r * size + j] * ((x[r * size + j] - m) * s * (weight.Length > 0 ? weight[j] : 1) + (bias.Length > 0 ? bias[j] : 0));
        }
        return loss;
    }

    private static void AssertSum(float[] start, float[] added, float[] actual, string what)
    {
        for (int i = 0; i < actual.Length; i++)
            Assert.True(Math.Abs(actual[i] - (start[i] + added[i])) <= 1e-6f * (1 + Math.Abs(start[i]) + Math.Abs(added[i])),
                $"{what}[{i}] is {actual[i]} but {start[i]} + {added[i]}");
    }

    [Fact]
    public void ShortSpansAreRejectedBeforeAnythingIsWritten()
    {
        const int rows = 3, size = 5;
        float[] x = Random(rows * size, 1), w = Random(size, 2), b = Random(size, 3);
        void Forward(float[] xs, float[] ws, float[] bs, int yLength, int meanLength, int inverseLength, string name, string message)
        {
            float[] y = Enumerable.Repeat(float.NaN, yLength).ToArray(), mean = Enumerable.Repeat(float.NaN, meanLength).ToArray(),
                inverse = Enumerable.Repeat(float.NaN, inverseLength).ToArray();
            var e = Assert.Throws<ArgumentException>(() => LayerNorm.Forward(xs, ws, bs, y, mean, inverse, rows, size, Epsilon));
            Assert.Equal(name, e.ParamName);
            Assert.StartsWith(message, e.Message);
            Assert.True(y.All(float.IsNaN) && mean.All(float.IsNaN) && inverse.All(float.IsNaN));
        }
        Forward(x[1..], w, b, 15, 3, 3, "x", "x has 14 elements but rows×size = 3×5 needs 15");
        Forward(x, w[1..], b, 15, 3, 3, "weight", "weight has 4 elements but size = 5");
        Forward(x, w, b[1..], 15, 3, 3, "bias", "bias has 4 elements but size = 5");
        Forward(x, w, b, 14, 3, 3, "y", "y has 14 elements but rows×size = 3×5 needs 15");
        Forward(x, w, b, 15, 2, 3, "mean", "mean has 2 elements but rows = 3");
        Forward(x, w, b, 15, 3, 2, "inverseStd", "inverseStd has 2 elements but rows = 3");
        Forward(x, w, b, 15, 3, 0, "inverseStd", "mean has 3 elements and inverseStd 0");

        float[] mean = new float[rows], inverse = new float[rows];
        LayerNorm.Forward(x, w, b, new float[15], mean, inverse, rows, size, Epsilon);
        void Backward(int which, string name, string message)
        {
            float[][] spans = [x, Random(15, 4), w, mean, inverse, Random(15, 5), Random(size, 6), Random(size, 7)];
            spans[which] = spans[which][1..];
            float[][] before = spans.Select(s => (float[])s.Clone()).ToArray();
            var e = Assert.Throws<ArgumentException>(() => LayerNorm.Backward(spans[0], spans[1], spans[2], spans[3], spans[4], spans[5], spans[6], spans[7],
                rows, size, false, false));
            Assert.Equal(name, e.ParamName);
            Assert.StartsWith(message, e.Message);
            for (int i = 5; i < spans.Length; i++)
                Assert.Equal(before[i], spans[i]);
        }
        Backward(0, "x", "x has 14 elements but rows×size = 3×5 needs 15");
        Backward(1, "dy", "dy has 14 elements");
        Backward(2, "weight", "weight has 4 elements but size = 5");
        Backward(3, "mean", "mean has 2 elements but rows = 3");
        Backward(4, "inverseStd", "inverseStd has 2 elements");
        Backward(5, "dx", "dx has 14 elements");
        Backward(6, "weightGradient", "weightGradient has 4 elements");
        Backward(7, "biasGradient", "biasGradient has 4 elements");
    }

    [Fact]
    public void SteadyStateCallsAllocateNothing()
    {
        const int rows = 1024, size = 64;
        float[] x = Random(rows * size, 1), w = Random(size, 2), b = Random(size, 3), y = new float[rows * size], dx = new float[rows * size];
        float[] mean = new float[rows], inverse = new float[rows], dw = new float[size], db = new float[size];
        void Round()
        {
            LayerNorm.Forward(x, w, b, y, mean, inverse, rows, size, Epsilon);
            LayerNorm.Backward(x, y, w, mean, inverse, dx, dw, db, rows, size, accumulate: false, accumulateInputGradient: false);
        }
        Round();
        Assert.Equal(0, SteadyStateAllocation.Least(Round));
    }
}
