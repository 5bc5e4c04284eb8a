using TensorForge.Kernels;

namespace TensorForge.Runtime.Tests.Kernels.Convolution;

/// <summary>The plain seven-loop convolution in double precision, with a rounding bound for each result: (n + 2)·2⁻²³·Σ|term|
/// over the n terms summed into it (plus what it started from), a bound any summation order in float meets.</summary>
internal static class Conv2DReference
{
    private const double Epsilon = 1.2e-7;

    /// <summary>Calls <paramref name="term"/>(s, co, ci, ky, kx, oy, ox, iy, ix) for every product of the convolution whose
    /// input position lies inside the input (ci is the absolute input channel).</summary>
    private static void ForEachTerm(in Conv2DGeometry g, int batch, Action<int, int, int, int, int, int, int, int, int> term)
    {
        int inGroup = g.GroupInChannels, outGroup = g.GroupOutChannels;
        for (int s = 0; s < batch; s++)
            for (int co = 0; co < g.OutChannels; co++)
            {
                int group = co / outGroup;
                for (int oy = 0; oy < g.OutHeight; oy++)
                    for (int ox = 0; ox < g.OutWidth; ox++)
                        for (int cl = 0; cl < inGroup; cl++)
                            for (int ky = 0; ky < g.KernelHeight; ky++)
                            {
                                int iy = oy * g.StrideHeight + ky * g.DilationHeight - g.PadTop;
                                if (iy < 0 || iy >= g.InHeight)
                                    continue;
                                for (int kx = 0; kx < g.KernelWidth; kx++)
                                {
                                    int ix = ox * g.StrideWidth + kx * g.DilationWidth - g.PadLeft;
                                    if (ix < 0 || ix >= g.InWidth)
                                        continue;
                                    term(s, co, group * inGroup + cl, ky, kx, oy, ox, iy, ix);
                                }
                            }
            }
    }

    public static int InputIndex(in Conv2DGeometry g, int s, int ci, int iy, int ix) => ((s * g.InChannels + ci) * g.InHeight + iy) * g.InWidth + ix;
    public static int OutputIndex(in Conv2DGeometry g, int s, int co, int oy, int ox) => ((s * g.OutChannels + co) * g.OutHeight + oy) * g.OutWidth + ox;
    public static int WeightIndex(in Conv2DGeometry g, int co, int ci, int ky, int kx)
        => ((co * g.GroupInChannels + ci % g.GroupInChannels) * g.KernelHeight + ky) * g.KernelWidth + kx;

    public static double[] Forward(float[] x, float[] w, float[]? bias, int batch, in Conv2DGeometry g, out double[] tolerance)
    {
        var y = new double[batch * g.OutputSize];
        var magnitude = new double[y.Length];
        if (bias != null)
            for (int s = 0; s < batch; s++)
                for (int co = 0; co < g.OutChannels; co++)
                    for (int q = 0; q < g.OutHeight * g.OutWidth; q++)
                    {
                        int i = (s * g.OutChannels + co) * g.OutHeight * g.OutWidth + q;
                        y[i] = bias[co];
                        magnitude[i] = Math.Abs(bias[co]);
                    }
        Conv2DGeometry geometry = g;
        ForEachTerm(g, batch, (s, co, ci, ky, kx, oy, ox, iy, ix) =>
        {
            double term = (double)w[WeightIndex(geometry, co, ci, ky, kx)] * x[InputIndex(geometry, s, ci, iy, ix)];
            int o = OutputIndex(geometry, s, co, oy, ox);
            y[o] += term;
            magnitude[o] += Math.Abs(term);
        });
        tolerance = Bound(magnitude, g.ReductionLength + 1);
        return y;
    }

    public static double[] BackwardInput(float[] dy, float[] w, int batch, in Conv2DGeometry g, out double[] tolerance)
    {
        var dx = new double[batch * g.InputSize];
        var magnitude = new double[dx.Length];
        Conv2DGeometry geometry = g;
        ForEachTerm(g, batch, (s, co, ci, ky, kx, oy, ox, iy, ix) =>
        {
            double term = (double)w[WeightIndex(geometry, co, ci, ky, kx)] * dy[OutputIndex(geometry, s, co, oy, ox)];
            int i = InputIndex(geometry, s, ci, iy, ix);
            dx[i] += term;
            magnitude[i] += Math.Abs(term);
        });
        tolerance = Bound(magnitude, g.GroupOutChannels * g.KernelHeight * g.KernelWidth);
        return dx;
    }

    public static double[] BackwardWeight(float[] dy, float[] x, float[]? initial, int batch, in Conv2DGeometry g, out double[] tolerance)
    {
        var dw = new double[g.WeightSize];
        var magnitude = new double[dw.Length];
        if (initial != null)
            for (int i = 0; i < dw.Length; i++)
            {
                dw[i] = initial[i];
                magnitude[i] = Math.Abs(initial[i]);
            }
        Conv2DGeometry geometry = g;
        ForEachTerm(g, batch, (s, co, ci, ky, kx, oy, ox, iy, ix) =>
        {
            double term = (double)dy[OutputIndex(geometry, s, co, oy, ox)] * x[InputIndex(geometry, s, ci, iy, ix)];
            int i = WeightIndex(geometry, co, ci, ky, kx);
            dw[i] += term;
            magnitude[i] += Math.Abs(term);
        });
        tolerance = Bound(magnitude, batch * g.OutHeight * g.OutWidth + 1);
        return dw;
    }

    public static double[] BiasGradient(float[] dy, float[]? initial, int batch, in Conv2DGeometry g, out double[] tolerance)
    {
        int plane = g.OutHeight * g.OutWidth;
        var db = new double[g.OutChannels];
        var magnitude = new double[db.Length];
        for (int co = 0; co < g.OutChannels; co++)
        {
            if (initial != null)
            {
                db[co] = initial[co];
                magnitude[co] = Math.Abs(initial[co]);
            }
            for (int s = 0; s < batch; s++)
                for (int q = 0; q < plane; q++)
                {
                    double v = dy[(s * g.OutChannels + co) * plane + q];
                    db[co] += v;
                    magnitude[co] += Math.Abs(v);
                }
        }
        tolerance = Bound(magnitude, batch * plane + 1);
        return db;
    }

    private static double[] Bound(double[] magnitude, int terms)
    {
        var tolerance = new double[magnitude.Length];
        for (int i = 0; i < magnitude.Length; i++)
            tolerance[i] = (terms + 2) * Epsilon * magnitude[i] + 1e-30;
        return tolerance;
    }
}
