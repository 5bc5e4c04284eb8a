using TensorForge.Kernels;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;

namespace TensorForge.Runtime.Tests.Kernels.Convolution;

public class ConvTranspose2DTests
{
    /// <summary>in, h, w, out, kh, kw, stride (h, w), padding (h, w), output padding (h, w), dilation (h, w), groups.</summary>
    public sealed record Case(string Name, int InC, int H, int W, int OutC, int KH, int KW, int SH, int SW,
        int PH, int PW, int OPH, int OPW, int DH, int DW, int Groups, int Batch)
    {
        public ConvTranspose2DGeometry Geometry => new(InC, H, W, OutC, KH, KW, SH, SW, PH, PW, OPH, OPW, DH, DW, Groups);
        public override string ToString() => Name;
    }

    public static readonly Case[] Cases =
    [
        new("3x3 stride 2 pad 1 output pad 1", 4, 4, 4, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 2),
        new("DCGAN 4x4 stride 2 pad 1", 8, 7, 7, 4, 4, 4, 2, 2, 1, 1, 0, 0, 1, 1, 1, 3),
        new("3x3 stride 1 groups 2", 2, 5, 5, 6, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 2, 2),
        new("depthwise", 5, 6, 6, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 5, 2),
        new("1x1", 6, 5, 4, 3, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 3),
        new("stride 3 dilation 2 output pad 2", 3, 4, 5, 2, 3, 3, 3, 3, 1, 1, 2, 2, 2, 2, 1, 2),
        new("rectangular", 3, 5, 6, 4, 2, 3, 2, 1, 0, 1, 1, 0, 1, 1, 1, 2),
        new("output pad without padding", 2, 3, 3, 3, 3, 3, 2, 2, 0, 0, 1, 1, 1, 1, 1, 2),
        new("padding crops", 3, 6, 6, 2, 3, 3, 1, 1, 2, 2, 0, 0, 1, 1, 1, 2),
        new("64 channels", 64, 7, 7, 32, 4, 4, 2, 2, 1, 1, 0, 0, 1, 1, 1, 2),
        new("batch 32", 2, 4, 4, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 32),
    ];

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
    public void AllPassesMatchReference(Case c, int width)
    {
        using var scope = LimitWidth(width);
        ConvTranspose2DGeometry g = c.Geometry;
        int seed = c.Name.Length * 17 + width;
        float[] x = Random(c.Batch * g.InputSize, seed), w = Random(g.WeightSize, seed + 1), b = Random(g.OutChannels, seed + 2);
        float[] dy = Random(c.Batch * g.OutputSize, seed + 3);
        float[] workspace = Filled(ConvTranspose2D.WorkspaceSize(c.Batch, g), float.NaN);

        foreach (bool withBias in new[] { true, false })
        {
            float[] y = Filled(c.Batch * g.OutputSize, float.NaN);
            ConvTranspose2D.Forward(x, w, withBias ? b : [], y, workspace, c.Batch, g);
            double[] expected = Reference.Forward(x, w, withBias ? b : null, c.Batch, g, out double[] tolerance);
            Near(expected, y, tolerance, $"{c.Name} forward (bias {withBias}, width {width})");
        }

        float[] dx = Filled(c.Batch * g.InputSize, float.NaN);
        ConvTranspose2D.BackwardInput(dy, w, dx, workspace, c.Batch, g);
        double[] expectedDx = Reference.BackwardInput(dy, w, c.Batch, g, out double[] dxTolerance);
        Near(expectedDx, dx, dxTolerance, $"{c.Name} input gradient (width {width})");

        foreach (bool accumulate in new[] { false, true })
        {
            float[] dw0 = Random(g.WeightSize, seed + 4), db0 = Random(g.OutChannels, seed + 5);
            float[] dw = accumulate ? (float[])dw0.Clone() : Filled(g.WeightSize, float.NaN);
            float[] db = accumulate ? (float[])db0.Clone() : Filled(g.OutChannels, float.NaN);
            ConvTranspose2D.BackwardWeight(dy, x, dw, db, workspace, c.Batch, g, accumulate);
            double[] expectedDw = Reference.BackwardWeight(dy, x, accumulate ? dw0 : null, c.Batch, g, out double[] dwTolerance, out double[] expectedDb,
                accumulate ? db0 : null, out double[] dbTolerance);
            Near(expectedDw, dw, dwTolerance, $"{c.Name} weight gradient (accumulate {accumulate}, width {width})");
            Near(expectedDb, db, dbTolerance, $"{c.Name} bias gradient (accumulate {accumulate}, width {width})");
        }
    }

    [Fact]
    public void OutputSizesFollowPyTorch()
    {
        // nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1) on 7×7 → 14×14; (3, stride=2, padding=1, output_padding=1) on 4 → 8.
        Assert.Equal((14, 14), (Cases[1].Geometry.OutHeight, Cases[1].Geometry.OutWidth));
        Assert.Equal((8, 8), (Cases[0].Geometry.OutHeight, Cases[0].Geometry.OutWidth));
        // Dilation 2, stride 3, padding 1, output padding 2 on 4: 3·3 − 2 + 4 + 2 + 1 = 14.
        Assert.Equal(14, Cases[5].Geometry.OutHeight);
        var g = Cases[1].Geometry;
        Assert.Equal(8 * 4 * 16, g.WeightSize);
        Assert.Equal(g.WeightSize, g.Adjoint.WeightSize);
        Assert.Equal((4, 14, 14, 8), (g.Adjoint.InChannels, g.Adjoint.InHeight, g.Adjoint.InWidth, g.Adjoint.OutChannels));
    }

    [Fact]
    public void RejectsInvalidGeometries()
    {
        var e = Assert.Throws<ArgumentException>(() => new ConvTranspose2DGeometry(4, 4, 4, 3, 3, 3, 2, 2, 1, 1, 2, 0, 1, 1, 1));
        Assert.Equal("outputPadHeight", e.ParamName);
        Assert.Contains("must be smaller than either the stride (2) or the dilation (1)", e.Message);
        // PyTorch allows output padding below the dilation; beyond padding + stride − 1 the adjoint would need negative padding.
        e = Assert.Throws<ArgumentException>(() => new ConvTranspose2DGeometry(4, 4, 4, 3, 3, 3, 1, 1, 0, 0, 0, 1, 2, 2, 1));
        Assert.Equal("outputPadWidth", e.ParamName);
        Assert.Contains("is not supported", e.Message);
        e = Assert.Throws<ArgumentException>(() => new ConvTranspose2DGeometry(4, 1, 4, 3, 1, 3, 1, 1, 1, 0, 0, 0, 1, 1, 1));
        Assert.Equal("padHeight", e.ParamName);
        var range = Assert.ThrowsAny<ArgumentException>(() => new ConvTranspose2DGeometry(4, 4, 4, 3, 3, 3, 0, 1, 0, 0, 0, 0, 1, 1, 1));
        Assert.Equal("strideHeight", range.ParamName);
        e = Assert.Throws<ArgumentException>(() => new ConvTranspose2DGeometry(4, 4, 4, 3, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 2));
        Assert.Equal("outChannels", e.ParamName);
    }

    [Fact]
    public void ShortSpansThrowNamingTheSizes()
    {
        ConvTranspose2DGeometry g = Cases[0].Geometry;
        const int batch = 2;
        float[] x = new float[batch * g.InputSize], w = new float[g.WeightSize], b = new float[g.OutChannels], y = new float[batch * g.OutputSize];
        float[] workspace = new float[ConvTranspose2D.WorkspaceSize(batch, g)];
        var e = Assert.Throws<ArgumentException>(() => ConvTranspose2D.Forward(x.AsSpan(1), w, b, y, workspace, batch, g));
        Assert.Equal("input", e.ParamName);
        Assert.Contains($"input has {x.Length - 1} elements but batch×InputSize = 2×{g.InputSize} needs {x.Length}", e.Message);
        e = Assert.Throws<ArgumentException>(() => ConvTranspose2D.Forward(x, w.AsSpan(1), b, y, workspace, batch, g));
        Assert.Equal("weight", e.ParamName);
        Assert.Contains("InChannels×(OutChannels/Groups)×KernelHeight×KernelWidth = 4×3×3×3 needs 108", e.Message);
        e = Assert.Throws<ArgumentException>(() => ConvTranspose2D.Forward(x, w, b.AsSpan(1), y, workspace, batch, g));
        Assert.Equal("bias", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ConvTranspose2D.Forward(x, w, b, y.AsSpan(1), workspace, batch, g));
        Assert.Equal("output", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ConvTranspose2D.BackwardInput(y, w, x.AsSpan(1), workspace, batch, g));
        Assert.Equal("inputGradient", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ConvTranspose2D.BackwardInput(y.AsSpan(1), w, x, workspace, batch, g));
        Assert.Equal("outputGradient", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ConvTranspose2D.BackwardWeight(y, x, w, b, workspace.AsSpan(1), batch, g, false));
        Assert.Equal("workspace", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ConvTranspose2D.BackwardWeight(y, x.AsSpan(1), w, b, workspace, batch, g, false));
        Assert.Equal("input", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ConvTranspose2D.BackwardWeight(y, x, w, b.AsSpan(1), workspace, batch, g, false));
        Assert.Equal("biasGradient", e.ParamName);
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        foreach (Case c in new[] { new Case("DCGAN 64>32 batch 6", 64, 7, 7, 32, 4, 4, 2, 2, 1, 1, 0, 0, 1, 1, 1, 6),
                     new Case("batch 1 stride 2", 32, 14, 14, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1) })
        {
            ConvTranspose2DGeometry g = c.Geometry;
            float[] x = Random(c.Batch * g.InputSize, 1), w = Random(g.WeightSize, 2), b = Random(g.OutChannels, 3);
            float[] dy = Random(c.Batch * g.OutputSize, 4);
            float[] workspace = new float[ConvTranspose2D.WorkspaceSize(c.Batch, g)];
            int saved = Gemm.MaxThreads;
            try
            {
                float[][] Run()
                {
                    float[] y = new float[c.Batch * g.OutputSize], dx = new float[x.Length], dw = new float[w.Length], db = new float[b.Length];
                    ConvTranspose2D.Forward(x, w, b, y, workspace, c.Batch, g);
                    ConvTranspose2D.BackwardInput(dy, w, dx, workspace, c.Batch, g);
                    ConvTranspose2D.BackwardWeight(dy, x, dw, db, workspace, c.Batch, g, accumulate: false);
                    return [y, dx, dw, db];
                }
                Gemm.MaxThreads = 1;
                float[][] serial = Run();
                foreach (int threads in new[] { 2, 3, 16 })
                {
                    Gemm.MaxThreads = threads;
                    float[][] parallel = Run();
                    for (int k = 0; k < serial.Length; k++)
                        for (int i = 0; i < serial[k].Length; i++)
                            Assert.True(BitConverter.SingleToInt32Bits(serial[k][i]) == BitConverter.SingleToInt32Bits(parallel[k][i]),
                                $"{c.Name} result {k} element {i}: {parallel[k][i]:R} with {threads} threads, {serial[k][i]:R} with one");
                }
            }
            finally
            {
                Gemm.MaxThreads = saved;
            }
        }
    }

    [Fact]
    public void CallsAfterTheFirstAllocateNothing()
    {
        Case c = Cases[1];
        ConvTranspose2DGeometry g = c.Geometry;
        float[] x = Random(c.Batch * g.InputSize, 1), w = Random(g.WeightSize, 2), b = Random(g.OutChannels, 3);
        float[] y = new float[c.Batch * g.OutputSize], dx = new float[x.Length], dw = new float[w.Length], db = new float[b.Length];
        float[] workspace = new float[ConvTranspose2D.WorkspaceSize(c.Batch, g)];
        void Round()
        {
            ConvTranspose2D.Forward(x, w, b, y, workspace, c.Batch, g);
            ConvTranspose2D.BackwardInput(y, w, dx, workspace, c.Batch, g);
            ConvTranspose2D.BackwardWeight(y, x, dw, db, workspace, c.Batch, g, accumulate: true);
        }
        Round();
        Assert.Equal(0, SteadyStateAllocation.Least(Round));
    }

    /// <summary>Central differences of L = Σ y·r against the analytic gradients.</summary>
    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var g = new ConvTranspose2DGeometry(3, 3, 4, 2, 3, 2, 2, 1, 1, 0, 1, 0, 1, 1, 1);
        const int batch = 2;
        float[] x = Random(batch * g.InputSize, 1), w = Random(g.WeightSize, 2), b = Random(g.OutChannels, 3);
        float[] r = Random(batch * g.OutputSize, 4);
        float[] workspace = new float[ConvTranspose2D.WorkspaceSize(batch, g)];
        float[] dx = new float[x.Length], dw = new float[w.Length], db = new float[b.Length];
        ConvTranspose2D.BackwardInput(r, w, dx, workspace, batch, g);
        ConvTranspose2D.BackwardWeight(r, x, dw, db, workspace, batch, g, accumulate: false);

        double Loss()
        {
            float[] y = new float[batch * g.OutputSize];
            ConvTranspose2D.Forward(x, w, b, y, workspace, batch, g);
            double sum = 0;
            for (int i = 0; i < y.Length; i++)
                sum += (double)y[i] * r[i];
            return sum;
        }

        void Check(float[] values, float[] gradient, string what)
        {
            const float h = 0.0625f;
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

    private static float[] Filled(int length, float value)
    {
        var values = new float[length];
        Array.Fill(values, value);
        return values;
    }

    /// <summary>The transposed convolution as the scatter PyTorch documents, in double: every input element times every
    /// tap lands at (iy·stride − padding + ky·dilation, ix·stride − padding + kx·dilation) when that is inside the output.</summary>
    private static class Reference
    {
        private const double Epsilon = 1.2e-7;

        private static void ForEachTerm(ConvTranspose2DGeometry g, int batch, Action<int, int, int, int, int, int, int, int, int> term)
        {
            int inGroup = g.InChannels / g.Groups, outGroup = g.OutChannels / g.Groups;
            for (int s = 0; s < batch; s++)
                for (int ci = 0; ci < g.InChannels; ci++)
                    for (int iy = 0; iy < g.InHeight; iy++)
                        for (int ix = 0; ix < g.InWidth; ix++)
                            for (int col = 0; col < outGroup; col++)
                                for (int ky = 0; ky < g.KernelHeight; ky++)
                                {
                                    int oy = iy * g.StrideHeight - g.PadHeight + ky * g.DilationHeight;
                                    if (oy < 0 || oy >= g.OutHeight)
                                        continue;
                                    for (int kx = 0; kx < g.KernelWidth; kx++)
                                    {
                                        int ox = ix * g.StrideWidth - g.PadWidth + kx * g.DilationWidth;
                                        if (ox < 0 || ox >= g.OutWidth)
                                            continue;
                                        term(s, ci, iy, ix, ci / inGroup * outGroup + col, col, ky, kx, oy * g.OutWidth + ox);
                                    }
                                }
        }

        private static int In(ConvTranspose2DGeometry g, int s, int ci, int iy, int ix) => ((s * g.InChannels + ci) * g.InHeight + iy) * g.InWidth + ix;
        private static int Out(ConvTranspose2DGeometry g, int s, int co, int q) => (s * g.OutChannels + co) * g.OutHeight * g.OutWidth + q;
        private static int Weight(ConvTranspose2DGeometry g, int ci, int col, int ky, int kx)
            => ((ci * (g.OutChannels / g.Groups) + col) * g.KernelHeight + ky) * g.KernelWidth + kx;

        public static double[] Forward(float[] x, float[] w, float[]? bias, int batch, ConvTranspose2DGeometry g, out double[] tolerance)
        {
            var y = new double[batch * g.OutputSize];
            var magnitude = new double[y.Length];
            int plane = g.OutHeight * g.OutWidth;
            if (bias != null)
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = bias[i / plane % g.OutChannels];
                    magnitude[i] = Math.Abs(y[i]);
                }
            ForEachTerm(g, batch, (s, ci, iy, ix, co, col, ky, kx, q) =>
            {
                double term = (double)x[In(g, s, ci, iy, ix)] * w[Weight(g, ci, col, ky, kx)];
                y[Out(g, s, co, q)] += term;
                magnitude[Out(g, s, co, q)] += Math.Abs(term);
            });
            tolerance = Bound(magnitude, g.InChannels / g.Groups * g.KernelHeight * g.KernelWidth + 1);
            return y;
        }

        public static double[] BackwardInput(float[] dy, float[] w, int batch, ConvTranspose2DGeometry g, out double[] tolerance)
        {
            var dx = new double[batch * g.InputSize];
            var magnitude = new double[dx.Length];
            ForEachTerm(g, batch, (s, ci, iy, ix, co, col, ky, kx, q) =>
            {
                double term = (double)dy[Out(g, s, co, q)] * w[Weight(g, ci, col, ky, kx)];
                dx[In(g, s, ci, iy, ix)] += term;
                magnitude[In(g, s, ci, iy, ix)] += Math.Abs(term);
            });
            tolerance = Bound(magnitude, g.OutChannels / g.Groups * g.KernelHeight * g.KernelWidth);
            return dx;
        }

        public static double[] BackwardWeight(float[] dy, float[] x, float[]? initial, int batch, ConvTranspose2DGeometry g, out double[] tolerance,
            out double[] biasGradient, float[]? initialBias, out double[] biasTolerance)
        {
            var dw = new double[g.WeightSize];
            var magnitude = new double[dw.Length];
            if (initial != null)
                for (int i = 0; i < dw.Length; i++)
                {
                    dw[i] = initial[i];
                    magnitude[i] = Math.Abs(initial[i]);
                }
            ForEachTerm(g, batch, (s, ci, iy, ix, co, col, ky, kx, q) =>
            {
                double term = (double)dy[Out(g, s, co, q)] * x[In(g, s, ci, iy, ix)];
                dw[Weight(g, ci, col, ky, kx)] += term;
                magnitude[Weight(g, ci, col, ky, kx)] += Math.Abs(term);
            });
            tolerance = Bound(magnitude, batch * g.InHeight * g.InWidth + 1);

            int plane = g.OutHeight * g.OutWidth;
            biasGradient = new double[g.OutChannels];
            var biasMagnitude = new double[g.OutChannels];
            for (int co = 0; co < g.OutChannels; co++)
            {
                if (initialBias != null)
                {
                    biasGradient[co] = initialBias[co];
                    biasMagnitude[co] = Math.Abs(initialBias[co]);
                }
                for (int s = 0; s < batch; s++)
                    for (int q = 0; q < plane; q++)
                    {
                        double v = dy[Out(g, s, co, q)];
                        biasGradient[co] += v;
                        biasMagnitude[co] += Math.Abs(v);
                    }
            }
            biasTolerance = Bound(biasMagnitude, batch * plane + 1);
            return dw;
        }

        private static double[] Bound(double[] magnitude, int terms)
        {
            var tolerance = new double[magnitude.Length];
            for (int i = 0; i < magnitude.Length; i++)
                tolerance[i] = (terms + 2) * Epsilon * magnitude[i] + 1e-30;
            return tolerance;
        }
    }
}
