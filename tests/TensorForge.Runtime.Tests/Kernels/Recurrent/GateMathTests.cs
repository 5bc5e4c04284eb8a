using System.Runtime.Intrinsics;
using TensorForge.Kernels;

namespace TensorForge.Runtime.Tests.Kernels.Recurrent;

/// <summary>The σ and tanh fused into the recurrent cells, at every vector width, against double precision: relative
/// error below 1e-6 over a dense sweep (with the series/exp switch of tanh and the tiny and huge values), and the IEEE
/// special values.</summary>
public unsafe class GateMathTests
{
    private static float[] Inputs()
    {
        var values = new List<float>();
        for (float x = -30f; x <= 30f; x += 1f / 1024)
            values.Add(x);
        foreach (float x in new[] { 0.4f, -0.4f, 0.39999998f, 0.40000004f, 1e-3f, 1e-7f, 1e-20f, 1e-40f, 88f, 89f, 100f, 1e30f })
        {
            values.Add(x);
            values.Add(-x);
        }
        while (values.Count % 16 != 0)
            values.Add(0.5f);
        return values.ToArray();
    }

    private delegate void Apply(float* x, float* y, int n);

    private static Apply ExpOf<S, T>() where S : ISimdMath<T> where T : struct => (x, y, n) =>
    {
        for (int i = 0; i < n; i += S.Count)
            S.Store(GateMath.Exp<S, T>(S.Load(x + i)), y + i);
    };

    /// <summary>The single-precision exp behind the gates: within 3e-7 relative (about 2 ulp) over [−87, 88.3], and its
    /// documented saturation outside.</summary>
    [Fact]
    public void ExpIsAccurateAtEveryWidth()
    {
        var inputs = new List<float>();
        for (float v = -87f; v <= 88.3f; v += 1f / 512)
            inputs.Add(v);
        float[] special = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 88.5f, 1e30f, -100f, -1e30f, 0f, -0f];
        inputs.AddRange(special);
        while (inputs.Count % 16 != 0)
            inputs.Add(1f);
        float[] x = inputs.ToArray(), y = new float[x.Length];
        var widths = new List<(string, Apply)> { ("scalar", ExpOf<ScalarMath, float>()) };
        if (Vector128.IsHardwareAccelerated) widths.Add(("128", ExpOf<Vector128Math, Vector128<float>>()));
        if (Vector256.IsHardwareAccelerated) widths.Add(("256", ExpOf<Vector256Math, Vector256<float>>()));
        if (Vector512.IsHardwareAccelerated) widths.Add(("512", ExpOf<Vector512Math, Vector512<float>>()));
        foreach (var (width, exp) in widths)
        {
            fixed (float* px = x, py = y)
                exp(px, py, x.Length);
            for (int i = 0; i < x.Length; i++)
            {
                if (x[i] is >= -87f and <= 88.3f)
                {
                    double expected = Math.Exp(x[i]);
                    Assert.True(Math.Abs(y[i] - expected) <= 3e-7 * expected, $"exp ({width}) of {x[i]:R} is {y[i]:R} but {expected:R}");
                }
                else if (float.IsNaN(x[i]))
                    Assert.True(float.IsNaN(y[i]), $"exp ({width}) of NaN is {y[i]}");
                else if (x[i] > 88.3f)
                    Assert.True(y[i] > 2e38f, $"exp ({width}) of {x[i]} is {y[i]}"); // +∞ from 88.37 on (MathF.Exp: from 88.73)
                else
                    Assert.True(y[i] >= 0f && y[i] <= 1.7e-38f, $"exp ({width}) of {x[i]} is {y[i]}");
            }
        }
    }

    private static IEnumerable<(string Width, Apply Sigmoid, Apply Tanh)> Widths()
    {
        yield return ("scalar", Run<ScalarMath, float>(false), Run<ScalarMath, float>(true));
        if (Vector128.IsHardwareAccelerated)
            yield return ("128", Run<Vector128Math, Vector128<float>>(false), Run<Vector128Math, Vector128<float>>(true));
        if (Vector256.IsHardwareAccelerated)
            yield return ("256", Run<Vector256Math, Vector256<float>>(false), Run<Vector256Math, Vector256<float>>(true));
        if (Vector512.IsHardwareAccelerated)
            yield return ("512", Run<Vector512Math, Vector512<float>>(false), Run<Vector512Math, Vector512<float>>(true));
    }

    private static Apply Run<S, T>(bool tanh) where S : ISimdMath<T> where T : struct => (x, y, n) =>
    {
        for (int i = 0; i < n; i += S.Count)
            S.Store(tanh ? GateMath.Tanh<S, T>(S.Load(x + i)) : GateMath.Sigmoid<S, T>(S.Load(x + i)), y + i);
    };

    [Fact]
    public void SigmoidAndTanhAreAccurateAtEveryWidth()
    {
        float[] x = Inputs();
        var y = new float[x.Length];
        foreach (var (width, sigmoid, tanh) in Widths())
        {
            foreach (var (name, kernel, reference) in new (string, Apply, Func<double, double>)[]
                { ("sigmoid", sigmoid, v => 1 / (1 + Math.Exp(-v))), ("tanh", tanh, Math.Tanh) })
            {
                fixed (float* px = x, py = y)
                    kernel(px, py, x.Length);
                for (int i = 0; i < x.Length; i++)
                {
                    double expected = reference(x[i]);
                    // Below the smallest normal float the result itself is rounded to a denormal.
                    double tolerance = Math.Max(1e-6 * Math.Abs(expected), 1e-38);
                    Assert.True(Math.Abs(y[i] - expected) <= tolerance,
                        $"{name} ({width}) of {x[i]:R} is {y[i]:R} but {expected:R} (relative error {Math.Abs(y[i] - expected) / Math.Abs(expected):E2})");
                }
            }
        }
    }

    [Fact]
    public void SpecialValues()
    {
        float[] x = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 0f];
        foreach (var (width, sigmoid, tanh) in Widths())
        {
            int count = width switch { "scalar" => 1, "128" => 4, "256" => 8, _ => 16 };
            float[] input = new float[count * x.Length], s = new float[input.Length], t = new float[input.Length];
            for (int i = 0; i < x.Length; i++)
                Array.Fill(input, x[i], i * count, count);
            fixed (float* pi = input, ps = s, pt = t)
            {
                sigmoid(pi, ps, input.Length);
                tanh(pi, pt, input.Length);
            }
            float[] expectedSigmoid = [float.NaN, 1f, 0f, 0.5f, 0.5f], expectedTanh = [float.NaN, 1f, -1f, -0f, 0f];
            for (int i = 0; i < x.Length; i++)
            {
                Assert.Equal(expectedSigmoid[i], s[i * count]);
                Assert.True(BitConverter.SingleToInt32Bits(expectedTanh[i]) == BitConverter.SingleToInt32Bits(t[i * count]) || float.IsNaN(expectedTanh[i]) && float.IsNaN(t[i * count]),
                    $"tanh ({width}) of {x[i]} is {t[i * count]}");
            }
        }
    }
}
