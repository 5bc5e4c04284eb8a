using TensorForge.Kernels;

namespace TensorForge.Runtime.Tests.Kernels.Pooling;

/// <summary>Plain scalar loops written from PyTorch's CPU pooling kernels (aten/src/ATen/native/cpu/MaxPoolKernel.cpp,
/// AvgPoolKernel.cpp): one output at a time, windows clipped to the input, in double, and — where the kernels promise the
/// same float operations in the same order — in float as PyTorch computes it, for exact comparison.</summary>
internal static class PoolingReference
{
    /// <summary>Geometries covering: stride = kernel, overlapping windows (stride &lt; kernel), gaps (stride &gt; kernel), padding up
    /// to kernel / 2, rectangular kernels and strides, widths from 1 to several vectors of 16, strides 1, 2 (shuffled loads) and
    /// 3+ (gathered loads).</summary>
    public static readonly Pool2DGeometry[] Geometries =
    [
        G(3, 8, 8, 2, 2, 2, 2, 0, 0),
        G(1, 28, 28, 2, 2, 2, 2, 0, 0),
        G(2, 7, 9, 3, 3, 2, 2, 1, 1),
        G(2, 17, 130, 3, 3, 2, 2, 1, 1),
        G(4, 5, 40, 3, 2, 1, 1, 1, 1),
        G(2, 9, 70, 3, 5, 2, 3, 1, 2),
        G(3, 6, 100, 4, 4, 4, 4, 2, 2),
        G(2, 12, 37, 2, 3, 1, 2, 0, 1),
        G(1, 3, 200, 1, 3, 1, 1, 0, 1),
        G(1, 4, 33, 2, 2, 2, 2, 0, 0),
        G(1, 2, 3, 2, 3, 1, 1, 1, 1),
        G(5, 10, 10, 5, 5, 5, 5, 2, 2),
        G(1, 8, 64, 7, 7, 1, 1, 3, 3),
        G(2, 5, 300, 2, 2, 7, 5, 1, 1),
        G(1, 11, 47, 3, 1, 3, 1, 1, 0),
        G(1, 1, 1, 1, 1, 1, 1, 0, 0),
        G(1, 1, 20, 1, 2, 1, 2, 0, 1),
        G(2, 6, 19, 6, 4, 1, 3, 3, 2),
    ];

    public static Pool2DGeometry G(int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw) => new(c, h, w, kh, kw, sh, sw, ph, pw);

    public static TheoryData<int> GeometryIndices()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Geometries.Length; i++)
            data.Add(i);
        return data;
    }

    /// <summary>The input elements of output (oh, ow)'s window that lie inside the input, as plane offsets, in row-major order.</summary>
    public static IEnumerable<int> Window(Pool2DGeometry g, int oh, int ow)
    {
        int top = oh * g.StrideHeight - g.PadHeight, left = ow * g.StrideWidth - g.PadWidth;
        for (int ih = Math.Max(top, 0); ih < Math.Min(top + g.KernelHeight, g.InHeight); ih++)
            for (int iw = Math.Max(left, 0); iw < Math.Min(left + g.KernelWidth, g.InWidth); iw++)
                yield return ih * g.InWidth + iw;
    }

    /// <summary>PyTorch's max-pool loop: maxval = −∞, maxindex = the first element inside the input; an element replaces them
    /// when <c>val &gt; maxval || isnan(val)</c>. Returns the outputs and each output's arg-max as an offset in the sample's
    /// input (channel included).</summary>
    public static (float[] Output, int[] ArgMax) MaxForward(float[] x, int batch, Pool2DGeometry g)
    {
        var output = new float[batch * g.OutputSize];
        var argMax = new int[batch * g.OutputSize];
        int plane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth;
        for (int p = 0; p < batch * g.Channels; p++)
            for (int oh = 0; oh < g.OutHeight; oh++)
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    float best = float.NegativeInfinity;
                    int where = Window(g, oh, ow).First();
                    foreach (int i in Window(g, oh, ow))
                    {
                        float value = x[p * plane + i];
                        if (value > best || float.IsNaN(value))
                        {
                            best = value;
                            where = i;
                        }
                    }
                    output[p * outPlane + oh * g.OutWidth + ow] = best;
                    argMax[p * outPlane + oh * g.OutWidth + ow] = p % g.Channels * plane + where;
                }
        return (output, argMax);
    }

    /// <summary>Max-pool backward in double: each output gradient added to its arg-max.</summary>
    public static double[] MaxBackward(float[] x, float[] dy, int batch, Pool2DGeometry g)
    {
        int[] argMax = MaxForward(x, batch, g).ArgMax;
        var dx = new double[batch * g.InputSize];
        for (int o = 0; o < argMax.Length; o++)
            dx[o / g.OutputSize * g.InputSize + argMax[o]] += dy[o];
        return dx;
    }

    /// <summary>The same in float, adding in output order as PyTorch's backward loop does.</summary>
    public static float[] MaxBackwardInPyTorchOrder(float[] x, float[] dy, int batch, Pool2DGeometry g)
    {
        int[] argMax = MaxForward(x, batch, g).ArgMax;
        var dx = new float[batch * g.InputSize];
        for (int o = 0; o < argMax.Length; o++)
            dx[o / g.OutputSize * g.InputSize + argMax[o]] += dy[o];
        return dx;
    }

    /// <summary>Average pooling in double: the window's elements inside the input, summed, divided by kh·kw.</summary>
    public static double[] AvgForward(float[] x, int batch, Pool2DGeometry g)
    {
        var output = new double[batch * g.OutputSize];
        ForEachOutput(g, batch, (p, o, oh, ow) =>
            output[o] = Window(g, oh, ow).Sum(i => (double)x[p * g.InHeight * g.InWidth + i]) / (g.KernelHeight * g.KernelWidth));
        return output;
    }

    /// <summary>PyTorch's float loop: sum = 0, += each element in row-major order, then sum / divide_factor.</summary>
    public static float[] AvgForwardInPyTorchOrder(float[] x, int batch, Pool2DGeometry g)
    {
        var output = new float[batch * g.OutputSize];
        ForEachOutput(g, batch, (p, o, oh, ow) =>
        {
            float sum = 0;
            foreach (int i in Window(g, oh, ow))
                sum += x[p * g.InHeight * g.InWidth + i];
            output[o] = sum / (g.KernelHeight * g.KernelWidth);
        });
        return output;
    }

    /// <summary>Average-pool backward in double, and the largest number of windows covering one element.</summary>
    public static double[] AvgBackward(float[] dy, int batch, Pool2DGeometry g)
    {
        var dx = new double[batch * g.InputSize];
        ForEachOutput(g, batch, (p, o, oh, ow) =>
        {
            foreach (int i in Window(g, oh, ow))
                dx[p * g.InHeight * g.InWidth + i] += (double)dy[o] / (g.KernelHeight * g.KernelWidth);
        });
        return dx;
    }

    /// <summary>PyTorch's float loop: grad_delta = dy / divide_factor, added to every element of the window, outputs in order.</summary>
    public static float[] AvgBackwardInPyTorchOrder(float[] dy, int batch, Pool2DGeometry g)
    {
        var dx = new float[batch * g.InputSize];
        ForEachOutput(g, batch, (p, o, oh, ow) =>
        {
            float delta = dy[o] / (g.KernelHeight * g.KernelWidth);
            foreach (int i in Window(g, oh, ow))
                dx[p * g.InHeight * g.InWidth + i] += delta;
        });
        return dx;
    }

    /// <summary>Most windows that cover one input element: ⌈kh/sh⌉·⌈kw/sw⌉.</summary>
    public static int Coverage(Pool2DGeometry g) =>
        (g.KernelHeight + g.StrideHeight - 1) / g.StrideHeight * ((g.KernelWidth + g.StrideWidth - 1) / g.StrideWidth);

    private static void ForEachOutput(Pool2DGeometry g, int batch, Action<int, int, int, int> body)
    {
        int outPlane = g.OutHeight * g.OutWidth;
        for (int p = 0; p < batch * g.Channels; p++)
            for (int oh = 0; oh < g.OutHeight; oh++)
                for (int ow = 0; ow < g.OutWidth; ow++)
                    body(p, p * outPlane + oh * g.OutWidth + ow, oh, ow);
    }
}
