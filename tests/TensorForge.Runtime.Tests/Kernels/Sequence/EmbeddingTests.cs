using TensorForge.Kernels;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;

namespace TensorForge.Runtime.Tests.Kernels.Sequence;

/// <summary>Embedding: the gather, the scatter-add of its gradient (repeated ids, fixed order) against scalar references
/// and finite differences, and ids outside the vocabulary rejected before anything is written.</summary>
public class EmbeddingTests
{
    private static int[] Ids(int count, int vocabulary, int seed)
    {
        var random = new Random(seed);
        // A small range of ids so that many repeat.
        return Enumerable.Range(0, count).Select(_ => random.Next(Math.Min(vocabulary, 5))).ToArray();
    }

    [Fact]
    public void ForwardCopiesTheRowsOfTheIds()
    {
        foreach (var (batch, steps, vocabulary, dimension) in new[] { (1, 1, 1, 1), (3, 5, 27, 32), (2, 16, 7, 17), (0, 4, 3, 2), (2, 3, 4, 0) })
        {
            int[] ids = Ids(batch * steps, vocabulary, batch + steps);
            float[] weight = Random(vocabulary * dimension, 1);
            var y = new float[batch * steps * dimension];
            Embedding.Forward(ids, weight, y, batch, steps, vocabulary, dimension);
            for (int n = 0; n < batch * steps; n++)
                for (int j = 0; j < dimension; j++)
                    Assert.Equal(weight[ids[n] * dimension + j], y[n * dimension + j]);
        }
    }

    /// <summary>The gradient is the scalar sum of dy rows per id in position order: the same bits.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BackwardAddsTheRowsOfEveryPositionInOrder(bool accumulate)
    {
        foreach (var (batch, steps, vocabulary, dimension) in new[] { (1, 1, 1, 1), (3, 5, 27, 32), (2, 16, 7, 17), (64, 16, 27, 37) })
        {
            int[] ids = Ids(batch * steps, vocabulary, batch * steps);
            float[] dy = Random(batch * steps * dimension, 2);
            float[] start = Random(vocabulary * dimension, 3);
            float[] expected = accumulate ? (float[])start.Clone() : new float[vocabulary * dimension];
            for (int n = 0; n < batch * steps; n++)
                for (int j = 0; j < dimension; j++)
                    expected[ids[n] * dimension + j] += dy[n * dimension + j];
            float[] gradient = accumulate ? (float[])start.Clone() : Enumerable.Repeat(float.NaN, vocabulary * dimension).ToArray();
            Embedding.Backward(ids, dy, gradient, batch, steps, vocabulary, dimension, accumulate);
            Assert.Equal(expected, gradient);
        }
    }

    /// <summary>Central differences of L = Σ dy ⊙ Embedding(weight) in double, with repeated ids.</summary>
    [Fact]
    public void BackwardMatchesFiniteDifferences()
    {
        const int batch = 3, steps = 5, vocabulary = 6, dimension = 4;
        int[] ids = Ids(batch * steps, vocabulary, 9);
        float[] weight = Random(vocabulary * dimension, 4), dy = Random(batch * steps * dimension, 5);
        var gradient = new float[weight.Length];
        Embedding.Backward(ids, dy, gradient, batch, steps, vocabulary, dimension, accumulate: false);
        double[] w = Array.ConvertAll(weight, v => (double)v);
        double Loss()
        {
            double sum = 0;
            for (int n = 0; n < batch * steps; n++)
                for (int j = 0; j < dimension; j++)
                    sum += dy[n * dimension + j] * w[ids[n] * dimension + j];
            return sum;
        }
        for (int i = 0; i < w.Length; i++)
        {
            double saved = w[i];
            w[i] = saved + 1e-4;
            double plus = Loss();
            w[i] = saved - 1e-4;
            double minus = Loss();
            w[i] = saved;
            double expected = (plus - minus) / 2e-4;
            Assert.True(Math.Abs(gradient[i] - expected) <= 1e-6 * (1 + Math.Abs(expected)), $"weight[{i}] is {gradient[i]} but {expected}");
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(27)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void IdsOutsideTheVocabularyAreRejectedBeforeAnythingIsWritten(int bad)
    {
        const int batch = 3, steps = 6, vocabulary = 27, dimension = 4;
        int[] ids = Ids(batch * steps, vocabulary, 1);
        ids[2 * steps + 5] = bad;
        ids[2 * steps + 6 - 1 + 0] = bad; // the same position; only the first bad id is named
        float[] weight = Random(vocabulary * dimension, 1);
        float[] y = Enumerable.Repeat(float.NaN, batch * steps * dimension).ToArray();
        string expected = $"Token id {bad} at sample 2, step 5 (ids[17]) is outside the vocabulary of 27: ids must lie in [0, 27).";

        var e = Assert.Throws<ArgumentException>(() => Embedding.Forward(ids, weight, y, batch, steps, vocabulary, dimension));
        Assert.Equal("ids", e.ParamName);
        Assert.StartsWith(expected, e.Message);
        Assert.True(y.All(float.IsNaN));

        float[] gradient = Random(vocabulary * dimension, 2), before = (float[])gradient.Clone();
        e = Assert.Throws<ArgumentException>(() => Embedding.Backward(ids, y, gradient, batch, steps, vocabulary, dimension, accumulate: false));
        Assert.StartsWith(expected, e.Message);
        Assert.Equal(before, gradient);

        e = Assert.Throws<ArgumentException>(() => Embedding.CheckIds(ids, batch, steps, vocabulary));
        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void ShortSpansAreRejected()
    {
        int[] ids = new int[6];
        float[] weight = new float[12], y = new float[6 * 4];
        Check(() => Embedding.Forward(ids.AsSpan(1), weight, y, 2, 3, 3, 4), "ids", "ids has 5 elements but batch×steps = 2×3 needs 6");
        Check(() => Embedding.Forward(ids, weight.AsSpan(1), y, 2, 3, 3, 4), "weight", "weight has 11 elements but vocabulary×dimension = 3×4 needs 12");
        Check(() => Embedding.Forward(ids, weight, y.AsSpan(1), 2, 3, 3, 4), "y", "y has 23 elements but batch×steps×dimension = 2×3×4 needs 24");
        Check(() => Embedding.Backward(ids, y.AsSpan(1), weight, 2, 3, 3, 4, false), "dy", "dy has 23 elements but batch×steps×dimension = 2×3×4 needs 24");
        Check(() => Embedding.Backward(ids, y, weight.AsSpan(1), 2, 3, 3, 4, false), "weightGradient", "weightGradient has 11 elements but vocabulary×dimension = 3×4 needs 12");
        Assert.Throws<ArgumentOutOfRangeException>(() => Embedding.Forward(ids, weight, y, -1, 3, 3, 4));

        static void Check(Action call, string name, string message)
        {
            var e = Assert.Throws<ArgumentException>(call);
            Assert.Equal(name, e.ParamName);
            Assert.StartsWith(message, e.Message);
        }
    }

    [Fact]
    public void SteadyStateCallsAllocateNothing()
    {
        int[] ids = Ids(64 * 16, 27, 3);
        float[] weight = Random(27 * 32, 1), y = new float[64 * 16 * 32], gradient = new float[27 * 32];
        void Round()
        {
            Embedding.Forward(ids, weight, y, 64, 16, 27, 32);
            Embedding.Backward(ids, y, gradient, 64, 16, 27, 32, accumulate: false);
        }
        Round();
        Assert.Equal(0, SteadyStateAllocation.Least(Round));
    }
}
