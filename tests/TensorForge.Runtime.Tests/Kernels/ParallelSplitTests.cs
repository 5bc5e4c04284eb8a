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
