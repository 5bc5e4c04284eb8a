using TensorForge.Kernels;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;

namespace TensorForge.Runtime.Tests.Kernels;

public class ActivationsTests
{
    private const float Slope = 0.01f;

    /// <summary>Every length 0–256 and large ones: all whole-vector counts and all tails for every width, and ragged lengths
    /// past the one from which a pass is split over threads (ranges of whole 64-element granules, the last one ragged).</summary>
    private static IEnumerable<int> Lengths() => Enumerable.Range(0, 257).Concat([1000, 4099, 40_003, 131_075]);

    private delegate void Forward(ReadOnlySpan<float> x, Span<float> y);
    private delegate void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> dy, Span<float> dx);

    /// <summary>Each kernel with its double reference and its tolerance (relative + absolute). TensorPrimitives.Tanh
    /// computes (e²ˣ − 1)/(e²ˣ + 1), which cancels near zero, so it gets an absolute term of about one rounding of e²ˣ ≈ 1
    /// (errors up to 5.05e-8 show up among the 171,078 values of the large lengths). GELU's lower tail comes from an
    /// erfc approximation whose relative accuracy fades where GELU is far below 1e-7 (see <see cref="Activations.Gelu"/>).</summary>
    private static readonly (string Name, Forward Kernel, Func<double, double> Reference, double Relative, double Absolute)[] Forwards =
    [
        ("ReLU", Activations.ReLU, x => Math.Max(x, 0), 0, 0),
        ("LeakyReLU", (x, y) => Activations.LeakyReLU(x, y, Slope), x => x > 0 ? x : x * Slope, 1e-7, 0),
        ("Sigmoid", Activations.Sigmoid, x => 1 / (1 + Math.Exp(-x)), 1e-6, 0),
        ("Tanh", Activations.Tanh, Math.Tanh, 1e-6, 1e-7),
        ("Gelu", Activations.Gelu, x => x * Reference.NormalCdf(x), 1e-6, 1e-6),
    ];

    /// <summary>Backward kernels with the forward quantity they take (input x or output y) and dx as a function of it.</summary>
    private static readonly (string Name, Backward Kernel, Func<double, double> Input, Func<double, double> Derivative)[] Backwards =
    [
        ("ReLUBackward", Activations.ReLUBackward, x => Math.Max(x, 0), y => y > 0 ? 1 : 0),
        ("LeakyReLUBackward", (x, dy, dx) => Activations.LeakyReLUBackward(x, dy, dx, Slope), x => x, x => x > 0 ? 1 : Slope),
        ("SigmoidBackward", Activations.SigmoidBackward, x => 1 / (1 + Math.Exp(-x)), y => y * (1 - y)),
        ("TanhBackward", Activations.TanhBackward, Math.Tanh, y => 1 - y * y),
        ("GeluBackward", Activations.GeluBackward, x => x, x => Reference.NormalCdf(x) + x * Reference.NormalDensity(x)),
    ];

    public static TheoryData<int> Widths() => WidthData();

    [Theory]
    [MemberData(nameof(Widths))]
    public void ForwardMatchesReferenceForEveryLength(int width)
    {
        using var scope = LimitWidth(width);
        foreach (var (name, kernel, reference, relative, absolute) in Forwards)
            foreach (int n in Lengths())
            {
                float[] x = Random(n, n, -8f, 8f);
                var y = new float[n];
                kernel(x, y);
                Near(x.Select(v => reference(v)).ToArray(), y, relative, absolute, $"{name} n={n}");

                // In place: the overlapping last vector must see the input, not an already written output.
                kernel(x, x);
                Assert.Equal(y, x);
            }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void BackwardMatchesReferenceForEveryLength(int width)
    {
        using var scope = LimitWidth(width);
        foreach (var (name, kernel, input, derivative) in Backwards)
            foreach (int n in Lengths())
            {
                float[] x = Random(n, n, -8f, 8f);
                float[] forward = x.Select(v => (float)input(v)).ToArray();
                float[] dy = Random(n, n + 1);
                var dx = new float[n];
                kernel(forward, dy, dx);
                double[] expected = forward.Select((v, i) => dy[i] * derivative(v)).ToArray();
                // Sigmoid and tanh derivatives lose relative accuracy where y(1 − y) or 1 − y² cancel; bound the error by
                // the rounding of the terms instead.
                Near(expected, dx, 4e-6, 1e-7 * dy.Select(Math.Abs).DefaultIfEmpty().Max(), $"{name} n={n}");

                kernel(forward, dy, dy);
                Assert.Equal(dx, dy);
            }
    }

    [Fact]
    public void GeluMatchesPyTorchValues()
    {
        // torch.nn.functional.gelu(torch.tensor([...])) (exact erf form).
        float[] x = [-3f, -1f, -0.5f, 0f, 0.5f, 1f, 3f];
        float[] expected = [-0.0040496886f, -0.15865526f, -0.15426877f, 0f, 0.34573123f, 0.8413447f, 2.9959502f];
        var y = new float[x.Length];
        Activations.Gelu(x, y);
        for (int i = 0; i < x.Length; i++)
            Assert.Equal(expected[i], y[i], 6e-7 * Math.Abs(expected[i]) + 1e-7 * Math.Abs(x[i]));
    }

    [Fact]
    public void GeluKeepsTheFarNegativeTail()
    {
        // 1 + erf(x/√2) would cancel to a few bits here; Φ from erfc keeps full precision.
        float[] x = [-3f, -4f, -5f];
        var y = new float[3];
        Activations.Gelu(x, y);
        for (int i = 0; i < x.Length; i++)
            Assert.Equal(x[i] * Reference.NormalCdf(x[i]), y[i], 1e-4 * Math.Abs(x[i] * Reference.NormalCdf(x[i])));
    }

    [Fact]
    public void SpecialValues()
    {
        float[] x = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        var y = new float[3];
        Activations.Gelu(x, y);
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal(float.PositiveInfinity, y[1]);
        Activations.ReLU(x, y);
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal([float.PositiveInfinity, 0f], y[1..]);
    }

    [Fact]
    public void MismatchedLengthsThrow()
    {
        var e = Assert.Throws<ArgumentException>(() => Activations.ReLU(new float[5], new float[4]));
        Assert.Contains("y has 4 elements but x has 5", e.Message);
        e = Assert.Throws<ArgumentException>(() => Activations.Gelu(new float[5], new float[4]));
        Assert.Contains("y has 4 elements but x has 5", e.Message);
        e = Assert.Throws<ArgumentException>(() => Activations.SigmoidBackward(new float[5], new float[6], new float[5]));
        Assert.Contains("dy has 6 elements but y has 5", e.Message);
        e = Assert.Throws<ArgumentException>(() => Activations.GeluBackward(new float[5], new float[5], new float[3]));
        Assert.Contains("dx has 3 elements but x has 5", e.Message);
        Assert.Throws<ArgumentException>(() => Activations.Sigmoid(new float[5], new float[4]));
        Assert.Throws<ArgumentException>(() => Activations.Tanh(new float[5], new float[4]));
        Assert.Throws<ArgumentException>(() => Activations.Softmax(new float[5], new float[6], 2, 3));
        Assert.Throws<ArgumentException>(() => Activations.SoftmaxBackward(new float[6], new float[6], new float[5], 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Activations.Softmax(new float[6], new float[6], -1, 3));
    }

    [Fact]
    public void SoftmaxMatchesReference()
    {
        foreach (int rows in new[] { 0, 1, 3 })
            foreach (int cols in Enumerable.Range(0, 257).Where(c => c < 20 || c % 7 == 0).Concat([1000, 4099]))
            {
                float[] x = Random(rows * cols, rows * 1000 + cols, -20f, 20f);
                var y = new float[rows * cols];
                Activations.Softmax(x, y, rows, cols);
                Near(Reference.Softmax(x, rows, cols), y, 1e-6 + 2e-7 * Math.Sqrt(cols), 1e-12, $"Softmax {rows}×{cols}");
            }
    }

    [Fact]
    public void SoftmaxDoesNotOverflow()
    {
        float[] x = [1000f, 999f, -1000f, 88f, 89f, 90f];
        var y = new float[6];
        Activations.Softmax(x, y, 2, 3);
        Near(Reference.Softmax(x, 2, 3), y, 1e-6, 1e-30, "Softmax of large logits");
    }

    [Fact]
    public void SoftmaxBackwardMatchesJacobianAndFiniteDifferences()
    {
        const int rows = 3, cols = 37;
        float[] x = Random(rows * cols, 5, -3f, 3f);
        float[] dy = Random(rows * cols, 6);
        var y = new float[rows * cols];
        Activations.Softmax(x, y, rows, cols);
        var dx = new float[rows * cols];
        Activations.SoftmaxBackward(y, dy, dx, rows, cols);

        var jacobian = new double[rows * cols];
        var finiteDifference = new double[rows * cols];
        const double h = 1e-4;
        double[] exact = Reference.Softmax(x, rows, cols);
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < cols; i++)
            {
                // dx_i = Σ_j ∂y_j/∂x_i · dy_j with ∂y_j/∂x_i = y_j(δ_ij − y_i).
                double sum = 0;
                for (int j = 0; j < cols; j++)
                    sum += exact[r * cols + j] * ((i == j ? 1 : 0) - exact[r * cols + i]) * dy[r * cols + j];
                jacobian[r * cols + i] = sum;

                double[] plus = Reference.SoftmaxRow(x.AsSpan(r * cols, cols), i, h);
                double[] minus = Reference.SoftmaxRow(x.AsSpan(r * cols, cols), i, -h);
                double directional = 0;
                for (int j = 0; j < cols; j++)
                    directional += (plus[j] - minus[j]) / (2 * h) * dy[r * cols + j];
                finiteDifference[r * cols + i] = directional;
            }
        Near(jacobian, dx, 1e-5, 1e-7, "SoftmaxBackward vs Jacobian");
        Near(finiteDifference, dx, 1e-4, 1e-6, "SoftmaxBackward vs finite differences");

        // dy and dx may be the same span.
        Activations.SoftmaxBackward(y, dy, dy, rows, cols);
        Assert.Equal(dx, dy);
    }
}

/// <summary>Double-precision references.</summary>
internal static class Reference
{
    /// <summary>erf by its Taylor series (|x| &lt; 2.5) or erfc by its continued fraction (beyond), to ~1e-15.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
            return x;
        double a = Math.Abs(x);
        double result;
        if (a < 2.5)
        {
            double term = a, sum = a;
            for (int n = 1; n < 200 && Math.Abs(term) > 1e-18 * Math.Abs(sum); n++)
            {
                term *= -a * a / n;
                sum += term / (2 * n + 1);
            }
            result = 2 / Math.Sqrt(Math.PI) * sum;
        }
        else
        {
            result = 1 - Erfc(a);
        }
        return Math.CopySign(result, x);
    }

    /// <summary>erfc(x) for x ≥ 2.5 by its continued fraction, evaluated from the tail.</summary>
    private static double Erfc(double x)
    {
        double fraction = x;
        for (int n = 80; n >= 1; n--)
            fraction = x + n / 2.0 / fraction;
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / fraction;
    }

    /// <summary>Φ(x), without cancellation in the lower tail.</summary>
    public static double NormalCdf(double x)
    {
        double z = -x / Math.Sqrt(2);
        return z >= 2.5 ? 0.5 * Erfc(z) : 0.5 * (1 - Erf(z));
    }

    public static double NormalDensity(double x) => Math.Exp(-x * x / 2) / Math.Sqrt(2 * Math.PI);

    public static double[] Softmax(ReadOnlySpan<float> x, int rows, int cols)
    {
        var y = new double[rows * cols];
        for (int r = 0; r < rows; r++)
            SoftmaxRow(x.Slice(r * cols, cols), -1, 0).CopyTo(y, r * cols);
        return y;
    }

    /// <summary>Softmax of a row with <paramref name="delta"/> added to element <paramref name="index"/>.</summary>
    public static double[] SoftmaxRow(ReadOnlySpan<float> row, int index, double delta)
    {
        var values = new double[row.Length];
        for (int i = 0; i < row.Length; i++)
            values[i] = row[i] + (i == index ? delta : 0);
        double max = values.DefaultIfEmpty().Max(), sum = 0;
        for (int i = 0; i < values.Length; i++)
            sum += values[i] = Math.Exp(values[i] - max);
        for (int i = 0; i < values.Length; i++)
            values[i] /= sum;
        return values;
    }

    public static double LogSumExp(ReadOnlySpan<float> row)
    {
        double max = double.NegativeInfinity, sum = 0;
        foreach (float v in row)
            max = Math.Max(max, v);
        foreach (float v in row)
            sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }
}
