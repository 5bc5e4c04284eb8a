namespace TensorForge.Runtime.Tests.Kernels.Normalization;

/// <summary>Batch norm in double, straight from the definitions (x is [batch, channels, spatial]; n = batch·spatial).</summary>
internal static class BatchNormReference
{
    public sealed record Training(double[] Output, double[] Mean, double[] Variance, double[] InverseStd, double[] RunningMean, double[] RunningVar);

    public static Training Forward(float[] x, float[]? weight, float[]? bias, float[] runningMean, float[] runningVar,
        int batch, int channels, int spatial, double momentum, double epsilon)
    {
        int n = batch * spatial;
        var mean = new double[channels];
        var variance = new double[channels];
        var inverseStd = new double[channels];
        var y = new double[x.Length];
        var newMean = new double[channels];
        var newVar = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            double[] values = Values(x, batch, channels, spatial, c).Select(i => (double)x[i]).ToArray();
            mean[c] = values.Average();
            variance[c] = values.Sum(v => (v - mean[c]) * (v - mean[c])) / n;
            inverseStd[c] = 1 / Math.Sqrt(variance[c] + epsilon);
            foreach (int i in Values(x, batch, channels, spatial, c))
                y[i] = (x[i] - mean[c]) * inverseStd[c] * (weight?[c] ?? 1.0) + (bias?[c] ?? 0.0);
            newMean[c] = (1 - momentum) * runningMean[c] + momentum * mean[c];
            newVar[c] = (1 - momentum) * runningVar[c] + momentum * variance[c] * n / (n - 1);
        }
        return new Training(y, mean, variance, inverseStd, newMean, newVar);
    }

    public static double[] Inference(float[] x, float[]? weight, float[]? bias, float[] runningMean, float[] runningVar,
        int batch, int channels, int spatial, double epsilon)
    {
        var y = new double[x.Length];
        for (int c = 0; c < channels; c++)
            foreach (int i in Values(x, batch, channels, spatial, c))
                y[i] = (x[i] - (double)runningMean[c]) / Math.Sqrt(runningVar[c] + epsilon) * (weight?[c] ?? 1.0) + (bias?[c] ?? 0.0);
        return y;
    }

    /// <summary>Training-mode gradients through the batch statistics, from the batch's own mean and variance (in double).</summary>
    public static (double[] Input, double[] Weight, double[] Bias) Backward(float[] x, float[] dy, float[]? weight,
        int batch, int channels, int spatial, double epsilon)
    {
        int n = batch * spatial;
        var dx = new double[x.Length];
        var dw = new double[channels];
        var db = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            int[] at = Values(x, batch, channels, spatial, c).ToArray();
            double mean = at.Average(i => (double)x[i]);
            double inverseStd = 1 / Math.Sqrt(at.Sum(i => (x[i] - mean) * (x[i] - mean)) / n + epsilon);
            double sum = at.Sum(i => (double)dy[i]);
            double dot = at.Sum(i => (x[i] - mean) * inverseStd * dy[i]); // Σ dy·x̂
            dw[c] = dot;
            db[c] = sum;
            double gamma = weight?[c] ?? 1.0;
            foreach (int i in at)
                dx[i] = gamma * inverseStd * (dy[i] - sum / n - (x[i] - mean) * inverseStd * dot / n);
        }
        return (dx, dw, db);
    }

    /// <summary>Indices of channel c's values.</summary>
    public static IEnumerable<int> Values(float[] x, int batch, int channels, int spatial, int c)
    {
        for (int b = 0; b < batch; b++)
            for (int s = 0; s < spatial; s++)
                yield return (b * channels + c) * spatial + s;
    }
}
