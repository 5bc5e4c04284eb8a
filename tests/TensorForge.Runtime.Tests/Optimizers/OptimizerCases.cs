using TensorForge.Optimizers;
using TensorForge.Runtime.Tests.Kernels;

namespace TensorForge.Runtime.Tests.Optimizers;

/// <summary>The shared scenario of the optimizer tests and the checks every optimizer must pass.</summary>
internal static class OptimizerCases
{
    public static readonly float[] Start = [1f, -2f];

    public static readonly float[][] Gradients = [[0.1f, -0.2f], [0.3f, 0.1f], [-0.5f, 0.4f]];

    /// <summary>Steps from <see cref="Start"/> with <see cref="Gradients"/> and compares to the expected parameters after each step.</summary>
    public static void AssertSteps(IOptimizer optimizer, float learningRate, params double[][] expected)
    {
        float[] parameters = (float[])Start.Clone();
        for (int step = 0; step < expected.Length; step++)
        {
            optimizer.Step(parameters, Gradients[step], learningRate);
            for (int i = 0; i < parameters.Length; i++)
                Assert.True(Math.Abs(parameters[i] - expected[step][i]) <= 2e-6,
                    $"step {step + 1}, parameter {i}: expected {expected[step][i]}, got {parameters[i]}");
        }
    }

    /// <summary>Runs a block of every length 0–70 (vector bodies of each width plus scalar tails), at every vector width, and checks that every element
    /// gets exactly the bits it gets when updated alone (the scalar path).</summary>
    public static void AssertElementwiseIdentical(Func<int, IOptimizer> create)
    {
        var random = new SeededRandom(5);
        for (int length = 0; length <= 70; length++)
        {
            float[] parameters = Random(length, ref random);
            float[][] gradients = [Random(length, ref random), Random(length, ref random), Random(length, ref random)];
            float[] expected = new float[length];
            for (int i = 0; i < length; i++)
            {
                IOptimizer single = create(1);
                float[] p = [parameters[i]];
                foreach (float[] g in gradients)
                    single.Step(p, [g[i]], single.BaseLearningRate);
                expected[i] = p[0];
            }
            // Every vector width the machine has (the optimizers share the kernels' SimdWidth switch), and the scalar path.
            foreach (int width in KernelTestSupport.Widths)
            {
                using var scope = KernelTestSupport.LimitWidth(width);
                float[] block = (float[])parameters.Clone();
                IOptimizer optimizer = create(length);
                foreach (float[] g in gradients)
                    optimizer.Step(block, g, optimizer.BaseLearningRate);
                for (int i = 0; i < length; i++)
                    Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(block[i]),
                        $"length {length}, width {width}, element {i}: {block[i]} in the block but {expected[i]} alone");
            }
        }
    }

    public static void AssertStepAllocatesNothing(IOptimizer optimizer, int length)
    {
        var parameters = new float[length];
        var gradients = new float[length];
        Array.Fill(gradients, 0.01f);
        optimizer.Step(parameters, gradients, 0.01f); // JIT
        Assert.Equal(0, SteadyStateAllocation.Least(() =>
        {
            for (int i = 0; i < 20; i++)
                optimizer.Step(parameters, gradients, 0.01f);
        }));
    }

    public static void AssertLengthChecks(IOptimizer optimizer)
    {
        var e = Assert.Throws<ArgumentException>(() => optimizer.Step(new float[5], new float[6], 0.1f));
        Assert.Equal("parameters", e.ParamName);
        Assert.Contains("5", e.Message);
        Assert.Contains("6", e.Message);
        e = Assert.Throws<ArgumentException>(() => optimizer.Step(new float[6], new float[7], 0.1f));
        Assert.Equal("gradients", e.ParamName);
        Assert.Contains("7", e.Message);
        Assert.Contains("6", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.Step(new float[6], new float[6], -1f));
        Assert.Equal(0, optimizer.StepCount);
    }

    public static bool HasSubnormal(ReadOnlySpan<float> values)
    {
        foreach (float value in values)
        {
            if (float.IsSubnormal(value))
                return true;
        }
        return false;
    }

    private static float[] Random(int length, ref SeededRandom random)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
            values[i] = random.NextGaussian();
        return values;
    }
}
