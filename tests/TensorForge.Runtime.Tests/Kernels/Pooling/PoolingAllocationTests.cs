using TensorForge.Kernels;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;

namespace TensorForge.Runtime.Tests.Kernels.Pooling;

/// <summary>The pooling, batch-norm and concat kernels allocate nothing per call, on every vector path.</summary>
public class PoolingAllocationTests
{
    [Fact]
    public void Every_kernel_allocates_nothing_once_warm()
    {
        foreach (int width in Widths)
        {
            using var scope = LimitWidth(width);
            foreach (Pool2DGeometry g in new[] { new Pool2DGeometry(3, 20, 70, 3, 3, 2, 2, 1, 1), new Pool2DGeometry(2, 9, 40, 3, 2, 1, 3, 1, 1),
                new Pool2DGeometry(2, 8, 36, 2, 2, 1, 1, 0, 0) })
            {
                const int batch = 2;
                float[] x = Random(batch * g.InputSize, 1), y = new float[batch * g.OutputSize], dy = Random(y.Length, 2), dx = new float[x.Length];
                Assert.Equal(0, SteadyStateAllocation.Least(() =>
                {
                    MaxPool2D.Forward(x, y, batch, g);
                    MaxPool2D.Backward(x, dy, dx, batch, g);
                    AvgPool2D.Forward(x, y, batch, g);
                    AvgPool2D.Backward(dy, dx, batch, g);
                }));
            }
            foreach ((int batch, int channels, int spatial) in new[] { (8, 37, 1), (3, 4, 49) })
            {
                float[] x = Random(batch * channels * spatial, 3), y = new float[x.Length], dy = Random(x.Length, 4), dx = new float[x.Length];
                float[] w = Random(channels, 5), b = Random(channels, 6), rm = new float[channels], rv = new float[channels];
                float[] mean = new float[channels], inverseStd = new float[channels], dw = new float[channels], db = new float[channels];
                float[] counter = new float[2], pooled = new float[batch * channels], joined = new float[2 * x.Length];
                Assert.Equal(0, SteadyStateAllocation.Least(() =>
                {
                    BatchNorm.ForwardTraining(x, y, w, b, rm, rv, mean, inverseStd, batch, channels, spatial, 0.1f, 1e-5f);
                    BatchNorm.ForwardInference(x, y, w, b, rm, rv, batch, channels, spatial, 1e-5f);
                    BatchNorm.Backward(x, dy, dx, w, mean, inverseStd, dw, db, batch, channels, spatial, accumulate: true);
                    BatchNorm.IncrementCounter(counter);
                    GlobalAvgPool.Forward(x, pooled, batch, channels, spatial);
                    GlobalAvgPool.Backward(pooled, dx, batch, channels, spatial);
                    Concat.Forward(x, channels * spatial, y, channels * spatial, joined, batch);
                    Concat.Backward(joined, dx, channels * spatial, dy, channels * spatial, batch, accumulate: true);
                }));
            }
        }
    }
}
