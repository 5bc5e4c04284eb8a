using TensorForge.Kernels;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;

namespace TensorForge.Runtime.Tests.Kernels;

/// <summary>Every fused epilogue gives exactly the bits of the unfused kernels it replaces (which the activation and bias
/// tests hold against scalar references), at every vector width and every row length, in place or not.</summary>
public class EpilogueTests
{
    public enum Kind { ReLU, LeakyReLU, Gelu, Sigmoid, Tanh }

    private const float Slope = 0.03f;

    public static TheoryData<Kind, int> KindsAndWidths()
    {
        var data = new TheoryData<Kind, int>();
        foreach (Kind kind in Enum.GetValues<Kind>())
            foreach (int width in Widths)
                data.Add(kind, width);
        return data;
    }

    private static IEnumerable<(int Rows, int Cols)> Shapes()
    {
        foreach (int rows in new[] { 0, 1, 3 })
            foreach (int cols in Enumerable.Range(0, 71).Concat([128, 784]))
                yield return (rows, cols);
        yield return (32, 10);
        yield return (32, 128);
    }

    /// <summary>Inputs with the awkward values: ±0, NaN, ±∞, tiny and huge numbers, so that NaN and signed-zero handling
    /// of the fused max/select must match the unfused kernels too.</summary>
    private static float[] Inputs(int length, int seed)
    {
        float[] values = Random(length, seed, -4f, 4f);
        float[] special = [0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e-40f, -1e-40f, 3e38f, -3e38f];
        for (int i = 0; i < length; i += 7)
            values[i] = special[(i / 7) % special.Length];
        return values;
    }

    [Theory]
    [MemberData(nameof(KindsAndWidths))]
    public void ForwardMatchesBiasThenActivation(Kind kind, int width)
    {
        using var scope = LimitWidth(width);
        foreach (var (rows, cols) in Shapes())
        {
            foreach (bool inPlace in new[] { false, true })
            {
                float[] x = Inputs(rows * cols, rows * 1000 + cols), bias = Inputs(cols, cols + 5);
                float[] expectedX = (float[])x.Clone(), expectedY = new float[rows * cols];
                Bias.Add(expectedX, bias, rows, cols);
                Activate(kind, expectedX, expectedY);

                float[] actualX = (float[])x.Clone();
                float[] actualY = inPlace || kind == Kind.ReLU ? actualX : Enumerable.Repeat(float.NaN, rows * cols).ToArray();
                Fused(kind, actualX, bias, actualY, rows, cols);

                string what = $"{kind} {rows}×{cols} width {width}{(inPlace ? " in place" : "")}";
                AssertBits(expectedY, actualY, what + " output");
                if (!inPlace && kind != Kind.ReLU)
                    AssertBits(expectedX, actualX, what + " pre-activation");
            }
        }
    }

    [Theory]
    [MemberData(nameof(KindsAndWidths))]
    public void BackwardMatchesActivationGradientThenBiasGradient(Kind kind, int width)
    {
        using var scope = LimitWidth(width);
        foreach (var (rows, cols) in Shapes())
        {
            foreach (bool inPlace in new[] { false, true })
            {
                float[] saved = Inputs(rows * cols, rows + cols * 31), dy = Inputs(rows * cols, rows * 7 + cols);
                float[] gradient = Random(cols, cols + 11);
                if (cols > 0)
                    gradient[0] = -0f; // a −0 sum must stay −0 where nothing is added

                float[] expectedDx = new float[rows * cols], expectedGradient = (float[])gradient.Clone();
                ActivationBackward(kind, saved, dy, expectedDx);
                Bias.AccumulateGradient(expectedDx, expectedGradient, rows, cols);

                float[] actualDy = (float[])dy.Clone();
                float[] actualDx = inPlace ? actualDy : Enumerable.Repeat(float.NaN, rows * cols).ToArray();
                float[] actualGradient = (float[])gradient.Clone();
                FusedBackward(kind, saved, actualDy, actualDx, actualGradient, rows, cols);

                string what = $"{kind} backward {rows}×{cols} width {width}{(inPlace ? " in place" : "")}";
                AssertBits(expectedDx, actualDx, what + " dx");
                AssertBits(expectedGradient, actualGradient, what + " bias gradient");
            }
        }
    }

    [Fact]
    public void ShortSpansThrowNamingTheSizes()
    {
        var e = Assert.Throws<ArgumentException>(() => Epilogue.BiasReLU(new float[10], new float[4], 3, 4));
        Assert.Contains("x has 10 elements but rows×cols = 3×4 needs 12", e.Message);
        e = Assert.Throws<ArgumentException>(() => Epilogue.BiasGelu(new float[12], new float[3], new float[12], 3, 4));
        Assert.Contains("bias has 3 elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => Epilogue.BiasTanh(new float[12], new float[4], new float[11], 3, 4));
        Assert.Equal("y", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Epilogue.ReLUBackwardBiasGradient(new float[12], new float[12], new float[12], new float[3], 3, 4));
        Assert.Equal("biasGradient", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Epilogue.GeluBackwardBiasGradient(new float[12], new float[11], new float[12], new float[4], 3, 4));
        Assert.Equal("dy", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Epilogue.BiasReLU(new float[12], new float[4], -1, 4));
    }

    [Fact]
    public void CallsAfterTheFirstAllocateNothing()
    {
        float[] x = Random(32 * 128, 1), bias = Random(128, 2), y = new float[32 * 128], dy = Random(32 * 128, 3), g = new float[128];
        Epilogue.BiasReLU(x, bias, 32, 128);
        Epilogue.ReLUBackwardBiasGradient(x, dy, y, g, 32, 128);
        Epilogue.BiasGelu(x, bias, y, 32, 128);
        Assert.Equal(0, SteadyStateAllocation.Least(() =>
        {
            Epilogue.BiasReLU(x, bias, 32, 128);
            Epilogue.ReLUBackwardBiasGradient(x, dy, y, g, 32, 128);
            Epilogue.BiasGelu(x, bias, y, 32, 128);
        }));
    }

    private static void Activate(Kind kind, float[] x, float[] y)
    {
        switch (kind)
        {
            case Kind.ReLU: Activations.ReLU(x, y); break;
            case Kind.LeakyReLU: Activations.LeakyReLU(x, y, Slope); break;
            case Kind.Gelu: Activations.Gelu(x, y); break;
            case Kind.Sigmoid: Activations.Sigmoid(x, y); break;
            default: Activations.Tanh(x, y); break;
        }
    }

    private static void Fused(Kind kind, float[] x, float[] bias, float[] y, int rows, int cols)
    {
        switch (kind)
        {
            case Kind.ReLU: Epilogue.BiasReLU(x, bias, rows, cols); break;
            case Kind.LeakyReLU: Epilogue.BiasLeakyReLU(x, bias, y, rows, cols, Slope); break;
            case Kind.Gelu: Epilogue.BiasGelu(x, bias, y, rows, cols); break;
            case Kind.Sigmoid: Epilogue.BiasSigmoid(x, bias, y, rows, cols); break;
            default: Epilogue.BiasTanh(x, bias, y, rows, cols); break;
        }
    }

    private static void ActivationBackward(Kind kind, float[] saved, float[] dy, float[] dx)
    {
        switch (kind)
        {
            case Kind.ReLU: Activations.ReLUBackward(saved, dy, dx); break;
            case Kind.LeakyReLU: Activations.LeakyReLUBackward(saved, dy, dx, Slope); break;
            case Kind.Gelu: Activations.GeluBackward(saved, dy, dx); break;
            case Kind.Sigmoid: Activations.SigmoidBackward(saved, dy, dx); break;
            default: Activations.TanhBackward(saved, dy, dx); break;
        }
    }

    private static void FusedBackward(Kind kind, float[] saved, float[] dy, float[] dx, float[] gradient, int rows, int cols)
    {
        switch (kind)
        {
            case Kind.ReLU: Epilogue.ReLUBackwardBiasGradient(saved, dy, dx, gradient, rows, cols); break;
            case Kind.LeakyReLU: Epilogue.LeakyReLUBackwardBiasGradient(saved, dy, dx, gradient, rows, cols, Slope); break;
            case Kind.Gelu: Epilogue.GeluBackwardBiasGradient(saved, dy, dx, gradient, rows, cols); break;
            case Kind.Sigmoid: Epilogue.SigmoidBackwardBiasGradient(saved, dy, dx, gradient, rows, cols); break;
            default: Epilogue.TanhBackwardBiasGradient(saved, dy, dx, gradient, rows, cols); break;
        }
    }

    private static void AssertBits(float[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]:R} (0x{BitConverter.SingleToInt32Bits(actual[i]):X8}) but the unfused kernels give {expected[i]:R} (0x{BitConverter.SingleToInt32Bits(expected[i]):X8}).");
        }
    }
}
