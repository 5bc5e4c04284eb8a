// Times the pooling, batch-norm and concat kernels on one thread against plain scalar loops written like PyTorch's CPU
// kernels (the loops the tests use as references, in float): median of REPS runs (default 21) after 300 ms of warm-up, in
// thread CPU time (the shared VM preempts long runs; wall clock would charge them for it), and the bytes each kernel must
// move divided by its time. Usage: dotnet PoolingProbe.dll [filter]
using System.Diagnostics;
using System.Runtime.InteropServices;
using TensorForge.Kernels;

int reps = int.TryParse(Environment.GetEnvironmentVariable("REPS"), out int r) ? r : 21;
string filter = args.Length > 0 ? args[0] : "";
var random = new Random(1);
float[] Data(long n) { var a = new float[n]; for (long i = 0; i < n; i++) a[i] = (float)random.NextDouble() * 2 - 1; return a; }

void Time(string name, long bytes, Action kernel, Action? baseline)
{
    if (!name.Contains(filter, StringComparison.Ordinal))
        return;
    double Median(Action action)
    {
        // Warm up for 300 ms, so that every method the kernel calls has been promoted to optimised code (tiered JIT).
        long warm = Stopwatch.GetTimestamp();
        do action(); while (Stopwatch.GetElapsedTime(warm).TotalMilliseconds < 300);
        var times = new double[reps];
        for (int i = 0; i < reps; i++)
        {
            double start = ThreadClock.Milliseconds();
            action();
            times[i] = ThreadClock.Milliseconds() - start;
        }
        Array.Sort(times);
        return times[reps / 2];
    }
    double ms = Median(kernel);
    string line = $"{name,-44} {ms,8:F3} ms  {bytes / ms / 1e6,6:F1} GB/s";
    if (baseline is not null)
    {
        double scalar = Median(baseline);
        line += $"   scalar loop {scalar,8:F3} ms  ({scalar / ms:F1}×)";
    }
    Console.WriteLine(line);
}

// ---- pooling ----
foreach ((string label, int batch, Pool2DGeometry g) in new[]
{
    ("max 3x3/2 pad 1 [2,64,112,112]", 2, new Pool2DGeometry(64, 112, 112, 3, 3, 2, 2, 1, 1)),
    ("max 2x2/2 [16,32,28,28]", 16, new Pool2DGeometry(32, 28, 28, 2, 2, 2, 2, 0, 0)),
    ("max 3x3/1 pad 1 [8,64,28,28]", 8, new Pool2DGeometry(64, 28, 28, 3, 3, 1, 1, 1, 1)),
    ("avg 2x2/2 [8,64,56,56]", 8, new Pool2DGeometry(64, 56, 56, 2, 2, 2, 2, 0, 0)),
    ("avg 3x3/1 pad 1 [8,64,28,28]", 8, new Pool2DGeometry(64, 28, 28, 3, 3, 1, 1, 1, 1)),
})
{
    float[] x = Data((long)batch * g.InputSize), y = new float[batch * g.OutputSize], dy = Data(y.Length), dx = new float[x.Length];
    long bytes = 4L * (x.Length + y.Length);
    if (label.StartsWith("max"))
    {
        Time("MaxPool2D.Forward " + label, bytes, () => MaxPool2D.Forward(x, y, batch, g), () => Scalar.MaxForward(x, y, batch, g));
        Time("MaxPool2D.Backward " + label, 4L * (2 * x.Length + y.Length), () => MaxPool2D.Backward(x, dy, dx, batch, g), () => Scalar.MaxBackward(x, dy, dx, batch, g));
    }
    else
    {
        Time("AvgPool2D.Forward " + label, bytes, () => AvgPool2D.Forward(x, y, batch, g), () => Scalar.AvgForward(x, y, batch, g));
        Time("AvgPool2D.Backward " + label, bytes, () => AvgPool2D.Backward(dy, dx, batch, g), () => Scalar.AvgBackward(dy, dx, batch, g));
    }
}
{
    const int batch = 32, channels = 512, spatial = 49;
    float[] x = Data(batch * channels * spatial), y = new float[batch * channels];
    Time("GlobalAvgPool.Forward [32,512,7,7]", 4L * (x.Length + y.Length), () => GlobalAvgPool.Forward(x, y, batch, channels, spatial), null);
    Time("GlobalAvgPool.Backward [32,512,7,7]", 4L * (x.Length + y.Length), () => GlobalAvgPool.Backward(y, x, batch, channels, spatial), null);
}

// ---- batch norm ----
foreach ((string label, int batch, int channels, int spatial) in new[] { ("[16,64,56,56]", 16, 64, 56 * 56), ("[64,128,8,8]", 64, 128, 64), ("1d [256,512]", 256, 512, 1), ("1d [32,100]", 32, 100, 1) })
{
    float[] x = Data((long)batch * channels * spatial), y = new float[x.Length], dy = Data(x.Length), dx = new float[x.Length];
    float[] w = Data(channels), b = Data(channels), rm = new float[channels], rv = Enumerable.Repeat(1f, channels).ToArray();
    float[] mean = new float[channels], inverseStd = new float[channels], dw = new float[channels], db = new float[channels];
    long two = 8L * x.Length, three = 12L * x.Length;
    Time("BatchNorm.ForwardTraining " + label, two, () => BatchNorm.ForwardTraining(x, y, w, b, rm, rv, mean, inverseStd, batch, channels, spatial, 0.1f, 1e-5f),
        () => Scalar.BatchNormTraining(x, y, w, b, rm, rv, mean, inverseStd, batch, channels, spatial, 0.1f, 1e-5f));
    Time("BatchNorm.ForwardInference " + label, two, () => BatchNorm.ForwardInference(x, y, w, b, rm, rv, batch, channels, spatial, 1e-5f), null);
    Time("BatchNorm.Backward " + label, three, () => BatchNorm.Backward(x, dy, dx, w, mean, inverseStd, dw, db, batch, channels, spatial, false),
        () => Scalar.BatchNormBackward(x, dy, dx, w, mean, inverseStd, dw, db, batch, channels, spatial));
}

// ---- concat ----
{
    const int batch = 32, first = 64 * 28 * 28, second = 32 * 28 * 28;
    float[] a = Data(batch * first), c = Data(batch * second), y = new float[batch * (first + second)];
    Time("Concat.Forward [32,64+32,28,28]", 8L * y.Length, () => Concat.Forward(a, first, c, second, y, batch), null);
    Time("Concat.Backward accumulate [32,64+32,28,28]", 12L * y.Length, () => Concat.Backward(y, a, first, c, second, batch, true), null);
}

static partial class ThreadClock
{
    [StructLayout(LayoutKind.Sequential)] private struct TimeSpec { public long Seconds, Nanoseconds; }
    [LibraryImport("libc", EntryPoint = "clock_gettime")] private static partial int ClockGetTime(int clock, out TimeSpec time);
    private const int ThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID
    public static double Milliseconds() { ClockGetTime(ThreadCpuTime, out TimeSpec t); return t.Seconds * 1e3 + t.Nanoseconds * 1e-6; }
}

/// <summary>The scalar loops of PyTorch's CPU kernels (contiguous NCHW), in float.</summary>
static class Scalar
{
    public static void MaxForward(float[] x, float[] y, int batch, Pool2DGeometry g)
    {
        int o = 0;
        for (int p = 0; p < batch * g.Channels; p++)
            for (int oh = 0; oh < g.OutHeight; oh++)
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    int h0 = oh * g.StrideHeight - g.PadHeight, w0 = ow * g.StrideWidth - g.PadWidth;
                    int h1 = Math.Min(h0 + g.KernelHeight, g.InHeight), w1 = Math.Min(w0 + g.KernelWidth, g.InWidth);
                    h0 = Math.Max(h0, 0); w0 = Math.Max(w0, 0);
                    float best = float.NegativeInfinity;
                    int basis = p * g.InHeight * g.InWidth;
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++)
                        {
                            float v = x[basis + ih * g.InWidth + iw];
                            if (v > best || float.IsNaN(v)) best = v;
                        }
                    y[o++] = best;
                }
    }

    public static void MaxBackward(float[] x, float[] dy, float[] dx, int batch, Pool2DGeometry g)
    {
        Array.Clear(dx);
        int o = 0;
        for (int p = 0; p < batch * g.Channels; p++)
            for (int oh = 0; oh < g.OutHeight; oh++)
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    int h0 = oh * g.StrideHeight - g.PadHeight, w0 = ow * g.StrideWidth - g.PadWidth;
                    int h1 = Math.Min(h0 + g.KernelHeight, g.InHeight), w1 = Math.Min(w0 + g.KernelWidth, g.InWidth);
                    h0 = Math.Max(h0, 0); w0 = Math.Max(w0, 0);
                    int basis = p * g.InHeight * g.InWidth, where = basis + h0 * g.InWidth + w0;
                    float best = float.NegativeInfinity;
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++)
                        {
                            float v = x[basis + ih * g.InWidth + iw];
                            if (v > best || float.IsNaN(v)) { best = v; where = basis + ih * g.InWidth + iw; }
                        }
                    dx[where] += dy[o++];
                }
    }

    public static void AvgForward(float[] x, float[] y, int batch, Pool2DGeometry g)
    {
        int o = 0, divisor = g.KernelHeight * g.KernelWidth;
        for (int p = 0; p < batch * g.Channels; p++)
            for (int oh = 0; oh < g.OutHeight; oh++)
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    int h0 = oh * g.StrideHeight - g.PadHeight, w0 = ow * g.StrideWidth - g.PadWidth;
                    int h1 = Math.Min(h0 + g.KernelHeight, g.InHeight), w1 = Math.Min(w0 + g.KernelWidth, g.InWidth);
                    h0 = Math.Max(h0, 0); w0 = Math.Max(w0, 0);
                    float sum = 0;
                    int basis = p * g.InHeight * g.InWidth;
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++)
                            sum += x[basis + ih * g.InWidth + iw];
                    y[o++] = sum / divisor;
                }
    }

    public static void AvgBackward(float[] dy, float[] dx, int batch, Pool2DGeometry g)
    {
        Array.Clear(dx);
        int o = 0, divisor = g.KernelHeight * g.KernelWidth;
        for (int p = 0; p < batch * g.Channels; p++)
            for (int oh = 0; oh < g.OutHeight; oh++)
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    int h0 = oh * g.StrideHeight - g.PadHeight, w0 = ow * g.StrideWidth - g.PadWidth;
                    int h1 = Math.Min(h0 + g.KernelHeight, g.InHeight), w1 = Math.Min(w0 + g.KernelWidth, g.InWidth);
                    h0 = Math.Max(h0, 0); w0 = Math.Max(w0, 0);
                    float delta = dy[o++] / divisor;
                    int basis = p * g.InHeight * g.InWidth;
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++)
                            dx[basis + ih * g.InWidth + iw] += delta;
                }
    }

    public static void BatchNormTraining(float[] x, float[] y, float[] w, float[] b, float[] rm, float[] rv, float[] mean, float[] inverseStd,
        int batch, int channels, int spatial, float momentum, float epsilon)
    {
        long n = (long)batch * spatial;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int i = 0; i < batch; i++)
                for (int s = 0; s < spatial; s++)
                    sum += x[((long)i * channels + c) * spatial + s];
            float m = (float)(sum / n);
            double squares = 0;
            for (int i = 0; i < batch; i++)
                for (int s = 0; s < spatial; s++)
                {
                    float d = x[((long)i * channels + c) * spatial + s] - m;
                    squares += d * d;
                }
            mean[c] = m;
            inverseStd[c] = (float)(1 / Math.Sqrt(squares / n + epsilon));
            rm[c] = (float)(momentum * m + (1 - momentum) * rm[c]);
            rv[c] = (float)(momentum * squares / (n - 1) + (1 - momentum) * rv[c]);
            float alpha = inverseStd[c] * w[c], beta = b[c] - m * alpha;
            for (int i = 0; i < batch; i++)
                for (int s = 0; s < spatial; s++)
                {
                    long at = ((long)i * channels + c) * spatial + s;
                    y[at] = x[at] * alpha + beta;
                }
        }
    }

    public static void BatchNormBackward(float[] x, float[] dy, float[] dx, float[] w, float[] mean, float[] inverseStd, float[] dw, float[] db,
        int batch, int channels, int spatial)
    {
        long n = (long)batch * spatial;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0, dot = 0;
            for (int i = 0; i < batch; i++)
                for (int s = 0; s < spatial; s++)
                {
                    long at = ((long)i * channels + c) * spatial + s;
                    sum += dy[at];
                    dot += (x[at] - mean[c]) * dy[at];
                }
            float k = (float)dot * inverseStd[c] * inverseStd[c] / n, gradientMean = (float)(sum / n);
            for (int i = 0; i < batch; i++)
                for (int s = 0; s < spatial; s++)
                {
                    long at = ((long)i * channels + c) * spatial + s;
                    dx[at] = (dy[at] - gradientMean - (x[at] - mean[c]) * k) * inverseStd[c] * w[c];
                }
            dw[c] = (float)(dot * inverseStd[c]);
            db[c] = (float)sum;
        }
    }
}
