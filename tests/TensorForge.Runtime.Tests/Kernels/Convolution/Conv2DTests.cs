using TensorForge.Kernels;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;

namespace TensorForge.Runtime.Tests.Kernels.Convolution;

public class Conv2DTests
{
    /// <summary>A layer and a batch: in, h, w, out, kh, kw, stride (h, w), padding (top, left, bottom, right), dilation (h, w),
    /// groups.</summary>
    public sealed record Case(string Name, int InC, int H, int W, int OutC, int KH, int KW, int SH, int SW,
        int PT, int PL, int PB, int PR, int DH, int DW, int Groups, int Batch)
    {
        public Conv2DGeometry Geometry => new(InC, H, W, OutC, KH, KW, SH, SW, PT, PL, PB, PR, DH, DW, Groups);
        public override string ToString() => Name;
    }

    public static readonly Case[] Cases =
    [
        new("3x3 pad 1", 3, 7, 7, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        new("3x3 stride 2 pad 1", 3, 7, 8, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 3),
        new("3x3 stride 3 pad 2", 2, 9, 9, 3, 3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 3),
        new("3x3 no pad dilation 2 groups 2", 4, 8, 8, 6, 3, 3, 1, 1, 0, 0, 0, 0, 2, 2, 2, 3),
        new("depthwise 3x3", 6, 10, 10, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 6, 3),
        new("depthwise x2 5x5 stride 2", 4, 9, 9, 8, 5, 5, 2, 2, 2, 2, 2, 2, 1, 1, 4, 1),
        new("rectangular asymmetric", 3, 9, 11, 5, 2, 4, 1, 2, 1, 0, 2, 1, 2, 1, 1, 3),
        new("1x1", 5, 6, 6, 7, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 3),
        new("1x1 stride 2", 8, 7, 7, 16, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1, 3),
        new("1x1 pad 1", 3, 5, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        new("1x1 groups 2", 4, 5, 5, 6, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 2, 3),
        new("kernel equals padded input", 2, 4, 5, 3, 6, 7, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3),
        new("even kernel same", 3, 8, 8, 4, 4, 4, 1, 1, 1, 1, 2, 2, 1, 1, 1, 3),
        new("LeNet conv1", 1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1, 2),
        new("LeNet conv2", 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1, 2),
        new("ResNet stride 2", 16, 14, 14, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 2),
        new("64 channels", 64, 8, 8, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2),
        new("two depth blocks", 80, 6, 6, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2),
        new("37 outputs", 5, 9, 9, 37, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2),
        new("stride above kernel", 3, 10, 10, 4, 2, 2, 3, 3, 0, 0, 0, 0, 1, 1, 1, 3),
        new("stride 2 dilation 2", 3, 11, 11, 4, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 1, 3),
        new("mixed strides and dilations", 2, 12, 10, 3, 3, 2, 2, 3, 1, 2, 0, 1, 3, 2, 1, 2),
        new("batch 32", 2, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 32),
        new("wide image (two gradient depth blocks)", 2, 40, 40, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2),
        new("stride 2 on 28x30 (vector phase split)", 4, 28, 30, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 2),
        new("5x5 stride 2 pad 2 on 26x27", 3, 26, 27, 4, 5, 5, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1),
        new("1x1 stride 2 on 27x29", 3, 27, 29, 5, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1, 2),
        new("tiny 3x3 pad 1", 2, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2),
        new("2x2 pad 1", 2, 2, 2, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3),
        new("1x1 depthwise (input read in place)", 4, 5, 7, 4, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 4, 2),
        new("depthwise x3 stride 2 dilation 2", 2, 11, 10, 6, 3, 3, 2, 2, 2, 1, 2, 1, 2, 2, 2, 2),
        new("one channel in, one out", 1, 9, 9, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3),
        new("16 channels even kernel dilation 2 asymmetric", 16, 9, 8, 8, 4, 3, 1, 1, 2, 1, 3, 2, 2, 1, 1, 2),
        new("16 channels groups 2", 16, 6, 7, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2),
        new("8 channels padding beyond the kernel", 8, 5, 5, 4, 3, 3, 1, 1, 3, 0, 1, 2, 1, 1, 1, 2),
        new("16 outputs batch 5 (dot products over the batch)", 5, 9, 9, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 5),
        new("6 outputs batch 4", 3, 7, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4),
        new("1x1 12 outputs batch 4 (input read in place)", 5, 5, 7, 12, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 4),
        new("single pixel", 3, 1, 1, 2, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 3),
        new("large padding", 2, 3, 3, 2, 3, 3, 1, 1, 4, 3, 2, 5, 1, 1, 1, 2),
        // One sample per tile: the forward multiply reads the grid in place (strips of 8, 4, 2 and 1 rows).
        new("in place: 37 outputs, batch 1", 5, 9, 9, 37, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        new("in place: 3 outputs 5x5 pad 2 on 23x17, batch 2", 3, 23, 17, 3, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1, 2),
        new("in place: two depth blocks, stride 2, asymmetric padding, 13 outputs", 80, 20, 19, 13, 3, 3, 2, 2, 1, 0, 2, 1, 1, 1, 1, 1),
        new("in place: 11 outputs 2 groups dilation 2 on 18x20, batch 2", 6, 18, 20, 22, 3, 3, 1, 1, 2, 1, 2, 3, 2, 2, 2, 2),
    ];

    public static TheoryData<Case> AllCases()
    {
        var data = new TheoryData<Case>();
        foreach (Case c in Cases)
            data.Add(c);
        return data;
    }

    public static TheoryData<Case, int> CasesAndWidths()
    {
        var data = new TheoryData<Case, int>();
        foreach (Case c in Cases)
            foreach (int width in Widths)
                data.Add(c, width);
        return data;
    }

    [Theory]
    [MemberData(nameof(CasesAndWidths))]
    public void ForwardMatchesReference(Case c, int width)
    {
        using var scope = LimitWidth(width);
        Conv2DGeometry g = c.Geometry;
        int seed = c.Name.Length * 31 + width;
        float[] x = Random(c.Batch * g.InputSize, seed), w = Random(g.WeightSize, seed + 1), b = Random(g.OutChannels, seed + 2);
        float[] workspace = new float[Conv2D.WorkspaceSize(c.Batch, g)];
        foreach (bool withBias in new[] { true, false })
        {
            float[] y = Filled(c.Batch * g.OutputSize, float.NaN);
            Conv2D.Forward(x, w, withBias ? b : [], y, workspace, c.Batch, g);
            double[] expected = Conv2DReference.Forward(x, w, withBias ? b : null, c.Batch, g, out double[] tolerance);
            Near(expected, y, tolerance, $"{c.Name} forward (bias {withBias}, width {width})");
        }
    }

    [Theory]
    [MemberData(nameof(CasesAndWidths))]
    public void BackwardInputMatchesReference(Case c, int width)
    {
        using var scope = LimitWidth(width);
        Conv2DGeometry g = c.Geometry;
        int seed = c.Name.Length * 37 + width;
        float[] dy = Random(c.Batch * g.OutputSize, seed), w = Random(g.WeightSize, seed + 1);
        float[] workspace = Filled(Conv2D.WorkspaceSize(c.Batch, g), float.NaN);
        float[] dx = Filled(c.Batch * g.InputSize, float.NaN);
        Conv2D.BackwardInput(dy, w, dx, workspace, c.Batch, g);
        double[] expected = Conv2DReference.BackwardInput(dy, w, c.Batch, g, out double[] tolerance);
        Near(expected, dx, tolerance, $"{c.Name} input gradient (width {width})");
    }

    [Theory]
    [MemberData(nameof(CasesAndWidths))]
    public void BackwardWeightMatchesReference(Case c, int width)
    {
        using var scope = LimitWidth(width);
        Conv2DGeometry g = c.Geometry;
        int seed = c.Name.Length * 41 + width;
        float[] dy = Random(c.Batch * g.OutputSize, seed), x = Random(c.Batch * g.InputSize, seed + 1);
        float[] workspace = Filled(Conv2D.WorkspaceSize(c.Batch, g), float.NaN);
        foreach (bool accumulate in new[] { false, true })
            foreach (bool withBias in new[] { true, false })
            {
                float[] dwInitial = Random(g.WeightSize, seed + 2), dbInitial = Random(g.OutChannels, seed + 3);
                float[] dw = accumulate ? (float[])dwInitial.Clone() : Filled(g.WeightSize, float.NaN);
                float[] db = accumulate ? (float[])dbInitial.Clone() : Filled(g.OutChannels, float.NaN);
                Conv2D.BackwardWeight(dy, x, dw, withBias ? db : [], workspace, c.Batch, g, accumulate);
                string what = $"{c.Name} (accumulate {accumulate}, bias {withBias}, width {width})";
                double[] expected = Conv2DReference.BackwardWeight(dy, x, accumulate ? dwInitial : null, c.Batch, g, out double[] tolerance);
                Near(expected, dw, tolerance, what + " weight gradient");
                if (withBias)
                {
                    double[] expectedBias = Conv2DReference.BiasGradient(dy, accumulate ? dbInitial : null, c.Batch, g, out double[] biasTolerance);
                    Near(expectedBias, db, biasTolerance, what + " bias gradient");
                }
                else if (!accumulate)
                {
                    Assert.All(db, value => Assert.True(float.IsNaN(value), "an empty bias gradient must leave the bias buffer alone"));
                }
            }
    }

    /// <summary>Central differences of L = Σ y·r against the analytic gradients (the convolution is linear, so the difference
    /// quotient is exact up to float rounding).</summary>
    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var g = new Conv2DGeometry(3, 6, 5, 4, 3, 2, 2, 1, 1, 0, 2, 1, 1, 2, 1);
        const int batch = 2;
        float[] x = Random(batch * g.InputSize, 1), w = Random(g.WeightSize, 2), b = Random(g.OutChannels, 3);
        float[] r = Random(batch * g.OutputSize, 4);
        float[] workspace = new float[Conv2D.WorkspaceSize(batch, g)];
        float[] dx = new float[x.Length], dw = new float[w.Length], db = new float[b.Length];
        Conv2D.BackwardInput(r, w, dx, workspace, batch, g);
        Conv2D.BackwardWeight(r, x, dw, db, workspace, batch, g, accumulate: false);

        double Loss()
        {
            float[] y = new float[batch * g.OutputSize];
            Conv2D.Forward(x, w, b, y, workspace, batch, g);
            double sum = 0;
            for (int i = 0; i < y.Length; i++)
                sum += (double)y[i] * r[i];
            return sum;
        }

        void Check(float[] values, float[] gradient, string what)
        {
            const float h = 0.0625f; // exact in binary, so x ± h is exact for |x| < 1
            for (int i = 0; i < values.Length; i++)
            {
                float saved = values[i];
                values[i] = saved + h;
                double plus = Loss();
                values[i] = saved - h;
                double minus = Loss();
                values[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(numeric - gradient[i]) <= 1e-3 * (1 + Math.Abs(numeric)),
                    $"{what}[{i}]: analytic {gradient[i]:R}, finite difference {numeric:R}");
            }
        }

        Check(x, dx, "input gradient");
        Check(w, dw, "weight gradient");
        Check(b, db, "bias gradient");
    }

    public static TheoryData<Case> ParallelCases()
    {
        var data = new TheoryData<Case>
        {
            new Case("64 channels batch 4", 64, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4),
            new Case("64 channels batch 1", 64, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
            new Case("groups 4 stride 2", 32, 16, 16, 48, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 4, 3),
            new Case("depthwise", 32, 20, 20, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 32, 5),
            new Case("1x1", 48, 12, 12, 40, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 5),
            new Case("LeNet conv2 batch 32", 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1, 32),
        };
        return data;
    }

    /// <summary>Every pass gives the same bits with one thread and with any other thread count (tiles are planned for
    /// MaxThreads even beyond the cores, so other splits run here too).</summary>
    [Theory]
    [MemberData(nameof(ParallelCases))]
    public void ResultsDoNotDependOnTheThreadCount(Case c)
    {
        Conv2DGeometry g = c.Geometry;
        float[] x = Random(c.Batch * g.InputSize, 1), w = Random(g.WeightSize, 2), b = Random(g.OutChannels, 3);
        float[] dy = Random(c.Batch * g.OutputSize, 4), dw0 = Random(g.WeightSize, 5), db0 = Random(g.OutChannels, 6);
        float[] workspace = new float[Conv2D.WorkspaceSize(c.Batch, g)];
        int saved = Gemm.MaxThreads;
        try
        {
            float[][] Run()
            {
                float[] y = new float[c.Batch * g.OutputSize], dx = new float[c.Batch * g.InputSize];
                float[] dw = (float[])dw0.Clone(), db = (float[])db0.Clone(), dwFresh = new float[g.WeightSize];
                Conv2D.Forward(x, w, b, y, workspace, c.Batch, g);
                Conv2D.BackwardInput(dy, w, dx, workspace, c.Batch, g);
                Conv2D.BackwardWeight(dy, x, dw, db, workspace, c.Batch, g, accumulate: true);
                Conv2D.BackwardWeight(dy, x, dwFresh, [], workspace, c.Batch, g, accumulate: false);
                return [y, dx, dw, db, dwFresh];
            }

            Gemm.MaxThreads = 1;
            float[][] serial = Run();
            string[] names = ["output", "input gradient", "weight gradient", "bias gradient", "weight gradient (overwrite)"];
            foreach (int threads in new[] { 2, 3, 16 })
            {
                Gemm.MaxThreads = threads;
                float[][] parallel = Run();
                for (int k = 0; k < serial.Length; k++)
                    for (int i = 0; i < serial[k].Length; i++)
                        Assert.True(BitConverter.SingleToInt32Bits(serial[k][i]) == BitConverter.SingleToInt32Bits(parallel[k][i]),
                            $"{c.Name} {names[k]}[{i}] is {parallel[k][i]:R} with {threads} threads but {serial[k][i]:R} with one");
            }
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    [Fact]
    public void CallsAfterTheFirstAllocateNothing()
    {
        foreach (Case c in new[] { Cases[1], Cases[4], Cases[7], new Case("big", 32, 14, 14, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 8) })
        {
            Conv2DGeometry g = c.Geometry;
            float[] x = Random(c.Batch * g.InputSize, 1), w = Random(g.WeightSize, 2), b = Random(g.OutChannels, 3);
            float[] y = new float[c.Batch * g.OutputSize], dx = new float[x.Length], dw = new float[w.Length], db = new float[b.Length];
            float[] workspace = new float[Conv2D.WorkspaceSize(c.Batch, g)];
            void Round()
            {
                Conv2D.Forward(x, w, b, y, workspace, c.Batch, g);
                Conv2D.BackwardInput(y, w, dx, workspace, c.Batch, g);
                Conv2D.BackwardWeight(y, x, dw, db, workspace, c.Batch, g, accumulate: true);
            }
            Round();
            Assert.Equal(0, SteadyStateAllocation.Least(Round));
        }
    }

    [Fact]
    public void ShortSpansThrowNamingTheSizes()
    {
        var g = new Conv2DGeometry(3, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        const int batch = 2;
        float[] x = new float[batch * g.InputSize], w = new float[g.WeightSize], b = new float[4], y = new float[batch * g.OutputSize];
        float[] workspace = new float[Conv2D.WorkspaceSize(batch, g)];

        var e = Assert.Throws<ArgumentException>(() => Conv2D.Forward(x.AsSpan(1), w, b, y, workspace, batch, g));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("input has 383 elements but batch×InputSize = 2×192 needs 384", e.Message);

        e = Assert.Throws<ArgumentException>(() => Conv2D.Forward(x, w.AsSpan(1), b, y, workspace, batch, g));
        Assert.Equal("weight", e.ParamName);
        Assert.Contains("weight has 107 elements but OutChannels×(InChannels/Groups)×KernelHeight×KernelWidth = 4×3×3×3 needs 108", e.Message);

        e = Assert.Throws<ArgumentException>(() => Conv2D.Forward(x, w, b.AsSpan(1), y, workspace, batch, g));
        Assert.Equal("bias", e.ParamName);
        Assert.Contains("bias has 3 elements but OutChannels = 4", e.Message);

        e = Assert.Throws<ArgumentException>(() => Conv2D.Forward(x, w, b, y.AsSpan(1), workspace, batch, g));
        Assert.Equal("output", e.ParamName);
        Assert.Contains("output has 511 elements but batch×OutputSize = 2×256 needs 512", e.Message);

        e = Assert.Throws<ArgumentException>(() => Conv2D.Forward(x, w, b, y, workspace.AsSpan(1), batch, g));
        Assert.Equal("workspace", e.ParamName);
        Assert.Contains($"workspace has {workspace.Length - 1} elements but WorkspaceSize(batch = 2) = {workspace.Length}", e.Message);

        e = Assert.Throws<ArgumentException>(() => Conv2D.BackwardInput(y.AsSpan(2), w, x, workspace, batch, g));
        Assert.Equal("outputGradient", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Conv2D.BackwardInput(y, w, x.AsSpan(2), workspace, batch, g));
        Assert.Equal("inputGradient", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Conv2D.BackwardInput(y, w.AsSpan(2), x, workspace, batch, g));
        Assert.Equal("weight", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Conv2D.BackwardInput(y, w, x, workspace.AsSpan(1), batch, g));
        Assert.Equal("workspace", e.ParamName);

        e = Assert.Throws<ArgumentException>(() => Conv2D.BackwardWeight(y.AsSpan(2), x, w, b, workspace, batch, g, false));
        Assert.Equal("outputGradient", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Conv2D.BackwardWeight(y, x.AsSpan(2), w, b, workspace, batch, g, false));
        Assert.Equal("input", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Conv2D.BackwardWeight(y, x, w.AsSpan(2), b, workspace, batch, g, false));
        Assert.Equal("weightGradient", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Conv2D.BackwardWeight(y, x, w, b.AsSpan(2), workspace, batch, g, false));
        Assert.Equal("biasGradient", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Conv2D.BackwardWeight(y, x, w, b, workspace.AsSpan(1), batch, g, false));
        Assert.Equal("workspace", e.ParamName);

        Assert.Throws<ArgumentOutOfRangeException>(() => Conv2D.Forward(x, w, b, y, workspace, -1, g));
    }

    [Fact]
    public void ShortSpansAreRejectedBeforeAnythingIsWritten()
    {
        var g = new Conv2DGeometry(2, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        float[] x = Random(g.InputSize, 1), w = Random(g.WeightSize, 2), y = Filled(g.OutputSize, 7f), workspace = new float[Conv2D.WorkspaceSize(1, g)];
        float[] dw = Filled(g.WeightSize, 7f), db = Filled(3, 7f);
        Assert.Throws<ArgumentException>(() => Conv2D.Forward(x, w, [1f], y, workspace, 1, g));
        Assert.All(y, v => Assert.Equal(7f, v));
        Assert.Throws<ArgumentException>(() => Conv2D.BackwardWeight(y, x, dw, db, workspace.AsSpan(1), 1, g, false));
        Assert.All(dw, v => Assert.Equal(7f, v));
        Assert.All(db, v => Assert.Equal(7f, v));
    }

    /// <summary>Outputs are written exactly: elements past the sizes (here sentinels) are never touched, even by the vector
    /// stores of the last row or channel.</summary>
    [Theory]
    [MemberData(nameof(AllCases))]
    public void LongerSpansUseOnlyTheLeadingElements(Case c)
    {
        Conv2DGeometry g = c.Geometry;
        const int extra = 40;
        float[] x = Random(c.Batch * g.InputSize + extra, 1), w = Random(g.WeightSize + extra, 2), b = Random(g.OutChannels + extra, 3);
        float[] dy = Random(c.Batch * g.OutputSize + extra, 4);
        float[] y = Filled(c.Batch * g.OutputSize + extra, 42f), dx = Filled(x.Length, 42f), dw = Filled(w.Length, 42f), db = Filled(b.Length, 42f);
        float[] workspace = new float[Conv2D.WorkspaceSize(c.Batch, g) + extra];
        Conv2D.Forward(x, w, b, y, workspace, c.Batch, g);
        Conv2D.BackwardInput(dy, w, dx, workspace, c.Batch, g);
        Conv2D.BackwardWeight(dy, x, dw, db, workspace, c.Batch, g, accumulate: false);
        foreach (float[] values in new[] { y, dx, dw, db })
            Assert.All(values[^extra..], v => Assert.Equal(42f, v));
        double[] expected = Conv2DReference.Forward(x, w, b, c.Batch, g, out double[] tolerance);
        Near(expected, y.AsSpan(0, expected.Length), tolerance, $"{c.Name} forward with long spans");
    }

    [Fact]
    public void EmptyBatch()
    {
        var g = new Conv2DGeometry(2, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        float[] workspace = new float[Conv2D.WorkspaceSize(0, g)];
        float[] dw = Filled(g.WeightSize, 7f), db = Filled(3, 7f);
        Conv2D.Forward([], new float[g.WeightSize], [], [], workspace, 0, g);
        Conv2D.BackwardInput([], new float[g.WeightSize], [], workspace, 0, g);
        Conv2D.BackwardWeight([], [], dw, db, workspace, 0, g, accumulate: true);
        Assert.All(dw, v => Assert.Equal(7f, v));
        Conv2D.BackwardWeight([], [], dw, db, workspace, 0, g, accumulate: false);
        Assert.All(dw, v => Assert.Equal(0f, v));
        Assert.All(db, v => Assert.Equal(0f, v));
    }

    private static float[] Filled(int length, float value)
    {
        var values = new float[length];
        Array.Fill(values, value);
        return values;
    }
}
