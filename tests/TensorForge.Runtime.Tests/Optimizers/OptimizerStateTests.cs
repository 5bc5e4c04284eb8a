using TensorForge.Optimizers;

namespace TensorForge.Runtime.Tests.Optimizers;

/// <summary>CopyStateFrom: a copied optimizer continues exactly as the source would; mismatches are refused.</summary>
public class OptimizerStateTests
{
    private static float[] Values(int n, float scale) => Enumerable.Range(0, n).Select(i => scale * MathF.Sin(i + 1)).ToArray();

    public static TheoryData<string> Kinds => new() { "adam", "adamw", "sgd" };

    private static IOptimizer Create(string kind, int n) => kind switch
    {
        "adam" => new Adam(n, 1e-2f, weightDecay: 0.1f),
        "adamw" => new Adam(n, 1e-2f, weightDecay: 0.1f, decoupledWeightDecay: true),
        _ => new Sgd(n, 1e-2f, momentum: 0.9f, nesterov: true, weightDecay: 0.1f),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_copy_continues_bit_identically(string kind)
    {
        const int n = 37;
        IOptimizer original = Create(kind, n);
        float[] parameters = Values(n, 1f);
        for (int step = 0; step < 3; step++) original.Step(parameters, Values(n, 0.5f + step), 1e-2f);

        IOptimizer copy = Create(kind, n);
        copy.CopyStateFrom(original);
        Assert.Equal(original.StepCount, copy.StepCount);
        float[] a = (float[])parameters.Clone(), b = (float[])parameters.Clone();
        original.Step(a, Values(n, -0.3f), 1e-2f);
        copy.Step(b, Values(n, -0.3f), 1e-2f);
        Assert.Equal(a, b);

        // A fresh optimizer (no state) takes a different step.
        float[] c = (float[])parameters.Clone();
        Create(kind, n).Step(c, Values(n, -0.3f), 1e-2f);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Another_kind_or_size_is_refused()
    {
        var adam = new Adam(4);
        var e1 = Assert.Throws<ArgumentException>(() => adam.CopyStateFrom(new Sgd(4, 0.1f)));
        Assert.Contains("Sgd", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => adam.CopyStateFrom(new Adam(5)));
        Assert.Contains("5", e2.Message);
        Assert.Contains("4", e2.Message);
        Assert.Throws<ArgumentException>(() => new Sgd(4, 0.1f, momentum: 0.5f).CopyStateFrom(new Sgd(3, 0.1f, momentum: 0.5f)));
    }
}
