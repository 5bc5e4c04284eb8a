using TensorForge.Kernels;
using TensorForge.Optimizers;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;

namespace TensorForge.Runtime.Tests.Kernels;

/// <summary>The work split over the worker pool below the big-job threshold (small multiplies, which use workers only when
/// they are awake) and the optimizer passes: any thread count gives the bits of one thread. Tiles are planned for
/// <see cref="Gemm.MaxThreads"/> even beyond the cores, so every tiling below runs whether or not a worker helps.
/// (MaxThreads is process-wide and other test classes change it too; that can only make two runs here tile alike, and
/// they must agree bit for bit either way.)</summary>
public class ParallelSplitTests
{
    private static readonly int[] ThreadCounts = [2, 3, 4, 7, 16];

    [Theory]
    [InlineData(1, 784, 128)]  // a batch of one: the row-dot path, split into column tiles
    [InlineData(3, 300, 200)]  // row dots with a tile that is not a multiple of four columns
    [InlineData(32, 128, 64)]  // the second layer of the MNIST network: Cᵀ, split into row tiles
    [InlineData(16, 256, 40)]  // the engine with a narrow C
    [InlineData(24, 100, 96)]  // ragged k and rows
    public void Small_multiplies_do_not_depend_on_the_thread_count(int m, int k, int n)
    {
        Assert.InRange((long)m * k * n, GemmParallel.SmallThreshold, GemmParallel.Threshold - 1);
        float[] a = Random(m * k, 1), bt = Random(n * k, 2), b = Random(k * n, 3), at = Random(k * m, 4);
        void CompareWithOneThread(string layout, Action<float[]> multiply)
        {
            float[] serial = Random(m * n, 5);
            WithThreads(1, () => multiply(serial));
            foreach (int threads in ThreadCounts)
            {
                float[] parallel = Random(m * n, 5);
                WithThreads(threads, () => multiply(parallel));
                AssertBitIdentical(serial, parallel, $"{layout} {m}×{k}×{n} with {threads} threads");
            }
        }

        CompareWithOneThread("A·Bᵀ", c => Gemm.MultiplyTransposedB(a, bt, c, m, k, n, accumulate: true));
        CompareWithOneThread("A·B", c => Gemm.Multiply(a, b, c, m, k, n, accumulate: true));
        CompareWithOneThread("Aᵀ·B", c => Gemm.MultiplyTransposedA(at, b, c, m, k, n, accumulate: true));
    }

    public static TheoryData<string, int> Optimizers() => new()
    {
        { "Adam", FusedLoop.ParallelThreshold },
        { "Adam", 109_386 },            // the MNIST network: tiles of whole granules and a ragged last one
        { "AdamW", 70_001 },
        { "Adam+L2", 40_000 },
        { "SGD", 109_386 },
        { "SGD+momentum+nesterov", 50_003 },
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Optimizer_steps_do_not_depend_on_the_thread_count(string kind, int length)
    {
        (float[] Parameters, float[] State) Train(int threads)
        {
            IOptimizer optimizer = kind switch
            {
                "Adam" => new Adam(length, 1e-2f),
                "AdamW" => new Adam(length, 1e-2f, weightDecay: 0.1f, decoupledWeightDecay: true),
                "Adam+L2" => new Adam(length, 1e-2f, weightDecay: 0.01f),
                "SGD" => new Sgd(length, 0.1f),
                _ => new Sgd(length, 0.1f, momentum: 0.9f, nesterov: true, weightDecay: 1e-3f),
            };
            float[] parameters = Random(length, 6);
            WithThreads(threads, () =>
            {
                for (int step = 0; step < 3; step++)
                    optimizer.Step(parameters, Random(length, 10 + step), 1e-2f);
            });
            float[] state = optimizer switch
            {
                Adam adam => [.. adam.FirstMoment, .. adam.SecondMoment],
                Sgd sgd => sgd.MomentumBuffer.ToArray(),
                _ => [],
            };
            return (parameters, state);
        }

        var (serialParameters, serialState) = Train(1);
        foreach (int threads in ThreadCounts)
        {
            var (parameters, state) = Train(threads);
            AssertBitIdentical(serialParameters, parameters, $"{kind} parameters with {threads} threads");
            AssertBitIdentical(serialState, state, $"{kind} state with {threads} threads");
        }
    }

    [Fact]
    public void A_parallel_optimizer_step_allocates_nothing_after_the_first()
    {
        int length = 2 * FusedLoop.ParallelThreshold;
        var adam = new Adam(length);
        float[] parameters = new float[length], gradients = Random(length, 7);
        WithThreads(Environment.ProcessorCount, () =>
        {
            adam.Step(parameters, gradients, 1e-3f);
            Assert.Equal(0, SteadyStateAllocation.Least(() => adam.Step(parameters, gradients, 1e-3f)));
        });
    }

    /// <summary>(batch, channels, spatial) of the memory-bound passes: the small ResNet's activations at batch 32 (16×28×28,
    /// 32×14×14, 64×7×7), an odd channel count with ragged planes, and a call just past the split threshold.</summary>
    public static TheoryData<int, int, int> PassShapes() => new()
    {
        { 32, 16, 784 }, { 32, 32, 196 }, { 32, 64, 49 }, { 5, 7, 3001 }, { 3, 11, 1000 },
    };

    /// <summary>Batch norm (split by channel), the element-wise activations and sums (split into contiguous ranges of whole
    /// 64-element granules, the last one ragged) and global average pooling (split by plane): every tiling gives the bits of
    /// one thread, at every vector width.</summary>
    [Theory]
    [MemberData(nameof(PassShapes))]
    public void Memory_bound_passes_do_not_depend_on_the_thread_count(int batch, int channels, int spatial)
    {
        int n = batch * channels * spatial;
        Assert.True(3L * n >= ParallelRanges.SplitFrom, "the shape must be large enough to be split");
        float[] x = Random(n, 1, -2f, 3f), dy = Random(n, 2), other = Random(n, 3);
        float[] weight = Random(channels, 4, 0.5f, 2f), bias = Random(channels, 5);
        float[] pooledGradient = Random(batch * channels, 6);

        float[] Outputs()
        {
            var outputs = new List<float>();
            float[] y = new float[n], runningMean = Random(channels, 7), runningVar = Random(channels, 8, 0.5f, 2f);
            float[] savedMean = new float[channels], savedInverseStd = new float[channels];
            BatchNorm.ForwardTraining(x, y, weight, bias, runningMean, runningVar, savedMean, savedInverseStd, batch, channels, spatial, 0.1f, 1e-5f);
            outputs.AddRange(y); outputs.AddRange(runningMean); outputs.AddRange(runningVar); outputs.AddRange(savedMean); outputs.AddRange(savedInverseStd);

            float[] dx = new float[n], dw = Random(channels, 9), db = Random(channels, 10);
            BatchNorm.Backward(x, dy, dx, weight, savedMean, savedInverseStd, dw, db, batch, channels, spatial, accumulate: true);
            outputs.AddRange(dx); outputs.AddRange(dw); outputs.AddRange(db);

            BatchNorm.ForwardInference(x, y, weight, bias, runningMean, runningVar, batch, channels, spatial, 1e-5f);
            outputs.AddRange(y);

            float[] z = new float[n];
            Activations.ReLU(x, z);
            outputs.AddRange(z);
            Activations.ReLUBackward(z, dy, z);
            outputs.AddRange(z);
            Activations.Gelu(x, z);
            outputs.AddRange(z);
            Activations.GeluBackward(x, dy, z);
            outputs.AddRange(z);
            Residual.Add(x, other, z);
            outputs.AddRange(z);

            float[] pooled = new float[batch * channels];
            GlobalAvgPool.Forward(x, pooled, batch, channels, spatial);
            outputs.AddRange(pooled);
            GlobalAvgPool.Backward(pooledGradient, z, batch, channels, spatial);
            outputs.AddRange(z);
            return outputs.ToArray();
        }

        foreach (int width in new[] { 0, 16 })
        {
            using var scope = LimitWidth(width);
            float[] serial = [];
            WithThreads(1, () => serial = Outputs());
            foreach (int threads in ThreadCounts)
            {
                float[] parallel = [];
                WithThreads(threads, () => parallel = Outputs());
                AssertBitIdentical(serial, parallel, $"{batch}×{channels}×{spatial} width {width} with {threads} threads");
            }
        }
    }

    [Fact]
    public void Parallel_memory_bound_passes_allocate_nothing_after_the_first()
    {
        const int batch = 32, channels = 16, spatial = 784, n = batch * channels * spatial;
        float[] x = Random(n, 1), y = new float[n], dy = Random(n, 2);
        float[] weight = Random(channels, 3), bias = Random(channels, 4), runningMean = new float[channels], runningVar = new float[channels];
        float[] savedMean = new float[channels], savedInverseStd = new float[channels], dw = new float[channels], db = new float[channels];
        float[] pooled = new float[batch * channels];
        void Round()
        {
            BatchNorm.ForwardTraining(x, y, weight, bias, runningMean, runningVar, savedMean, savedInverseStd, batch, channels, spatial, 0.1f, 1e-5f);
            BatchNorm.ForwardInference(x, y, weight, bias, runningMean, runningVar, batch, channels, spatial, 1e-5f);
            BatchNorm.Backward(x, dy, y, weight, savedMean, savedInverseStd, dw, db, batch, channels, spatial, accumulate: false);
            Activations.ReLU(x, y);
            Activations.ReLUBackward(x, dy, y);
            Residual.Add(x, dy, y);
            GlobalAvgPool.Forward(x, pooled, batch, channels, spatial);
            GlobalAvgPool.Backward(pooled, y, batch, channels, spatial);
        }
        WithThreads(Environment.ProcessorCount, () =>
        {
            Round();
            Assert.Equal(0, SteadyStateAllocation.Least(Round));
        });
    }

    private static void WithThreads(int threads, Action action)
    {
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = threads;
            action();
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    private static void AssertBitIdentical(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}: element {i} is {actual[i]:R} but {expected[i]:R} with one thread");
    }
}
