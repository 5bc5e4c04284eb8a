using System.Buffers.Binary;
using System.Runtime.InteropServices;
using TensorForge.Kernels;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;

namespace TensorForge.Runtime.Tests.Kernels.Normalization;

public class BatchNormTests
{
    private const float Momentum = 0.1f, Epsilon = 1e-5f;

    /// <summary>(batch, channels, spatial): BatchNorm1d rows (spatial = 1) with channel counts around every vector width
    /// (whole blocks plus a scalar remainder), and BatchNorm2d planes from 2 values to several 4096-value runs, including
    /// calls large enough to be split by channel over threads (the small ResNet's 16×28×28 and 64×7×7 at batch 8 and 32, and
    /// an odd channel count).</summary>
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 2, 1, 1 }, { 3, 5, 1 }, { 16, 20, 1 }, { 16, 37, 1 }, { 4, 64, 1 }, { 64, 300, 1 },
        { 1, 3, 2 }, { 3, 2, 7 }, { 2, 4, 16 }, { 3, 3, 49 }, { 16, 8, 64 }, { 2, 2, 100 }, { 1, 1, 5000 }, { 2, 3, 9000 },
        { 8, 16, 784 }, { 32, 64, 49 }, { 3, 7, 3001 },
    };

    /// <summary>Inputs with a per-channel offset and scale, so the channels' statistics differ.</summary>
    private static float[] Input(int batch, int channels, int spatial, int seed)
    {
        float[] x = Random(batch * channels * spatial, seed);
        for (int i = 0; i < x.Length; i++)
        {
            int c = i / spatial % channels;
            x[i] = x[i] * (0.5f + c % 4) + (c % 3 - 1) * 2f;
        }
        return x;
    }

    private static double[] Tolerances(double[] reference, double relative, double absolute) =>
        reference.Select(v => relative * Math.Abs(v) + absolute).ToArray();

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Training_forward_matches_the_double_reference_with_and_without_affine(int batch, int channels, int spatial)
    {
        foreach (int width in Widths)
            foreach (bool affine in new[] { true, false })
            {
                using var scope = LimitWidth(width);
                string what = $"{batch}×{channels}×{spatial} affine={affine} width {width}";
                float[] x = Input(batch, channels, spatial, batch * 31 + channels + spatial);
                float[]? weight = affine ? Random(channels, 3, 0.5f, 2f) : null;
                float[]? bias = affine ? Random(channels, 4) : null;
                float[] runningMean = Random(channels, 5), runningVar = Random(channels, 6, 0.5f, 2f);
                var expected = BatchNormReference.Forward(x, weight, bias, runningMean, runningVar, batch, channels, spatial, Momentum, Epsilon);

                var y = new float[x.Length];
                float[] savedMean = new float[channels], savedInverseStd = new float[channels];
                BatchNorm.ForwardTraining(x, y, weight, bias, runningMean, runningVar, savedMean, savedInverseStd,
                    batch, channels, spatial, Momentum, Epsilon);

                Near(expected.Output, y, Tolerances(expected.Output, 2e-6, 2e-6), "output " + what);
                Near(expected.Mean, savedMean, Tolerances(expected.Mean, 1e-6, 1e-6), "saved mean " + what);
                Near(expected.InverseStd, savedInverseStd, Tolerances(expected.InverseStd, 2e-6, 0), "saved inverse std " + what);
                Near(expected.RunningMean, runningMean, Tolerances(expected.RunningMean, 1e-6, 1e-7), "running mean " + what);
                Near(expected.RunningVar, runningVar, Tolerances(expected.RunningVar, 2e-6, 0), "running var " + what);

                // In place gives the same bits.
                float[] inPlace = (float[])x.Clone();
                BatchNorm.ForwardTraining(inPlace, inPlace, weight, bias, [], [], savedMean, savedInverseStd, batch, channels, spatial, Momentum, Epsilon);
                Assert.Equal(y, inPlace);
            }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Inference_forward_matches_the_double_reference(int batch, int channels, int spatial)
    {
        foreach (int width in Widths)
            foreach (bool affine in new[] { true, false })
            {
                using var scope = LimitWidth(width);
                float[] x = Input(batch, channels, spatial, batch + channels + spatial);
                float[]? weight = affine ? Random(channels, 3, 0.5f, 2f) : null;
                float[]? bias = affine ? Random(channels, 4) : null;
                float[] runningMean = Random(channels, 5), runningVar = Random(channels, 6, 0.01f, 3f);
                double[] expected = BatchNormReference.Inference(x, weight, bias, runningMean, runningVar, batch, channels, spatial, Epsilon);
                var y = new float[x.Length];
                BatchNorm.ForwardInference(x, y, weight, bias, runningMean, runningVar, batch, channels, spatial, Epsilon);
                Near(expected, y, Tolerances(expected, 1e-6, 1e-6), $"{batch}×{channels}×{spatial} affine={affine} width {width}");
            }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_matches_the_double_reference(int batch, int channels, int spatial)
    {
        if (batch * spatial == 1)
            return;
        foreach (int width in Widths)
            foreach (bool affine in new[] { true, false })
            {
                using var scope = LimitWidth(width);
                string what = $"{batch}×{channels}×{spatial} affine={affine} width {width}";
                float[] x = Input(batch, channels, spatial, batch * 7 + channels + spatial);
                float[] dy = Random(x.Length, 9);
                float[]? weight = affine ? Random(channels, 3, 0.5f, 2f) : null;
                float[] savedMean = new float[channels], savedInverseStd = new float[channels];
                BatchNorm.ForwardTraining(x, new float[x.Length], weight, null, [], [], savedMean, savedInverseStd, batch, channels, spatial, Momentum, Epsilon);
                (double[] dxExpected, double[] dwExpected, double[] dbExpected) = BatchNormReference.Backward(x, dy, weight, batch, channels, spatial, Epsilon);

                float[] dx = Enumerable.Repeat(float.NaN, x.Length).ToArray();
                float[] dw = Enumerable.Repeat(float.NaN, affine ? channels : 0).ToArray(), db = Enumerable.Repeat(float.NaN, affine ? channels : 0).ToArray();
                BatchNorm.Backward(x, dy, dx, weight, savedMean, savedInverseStd, dw, db, batch, channels, spatial, accumulate: false);

                // Sums over n = batch·spatial values: tolerances grow with √n (random signs) and the reductions' magnitudes.
                int n = batch * spatial;
                double scale = 1e-6 * Math.Sqrt(n);
                double dxScale = dxExpected.Select(Math.Abs).Max();
                Near(dxExpected, dx, Tolerances(dxExpected, 1e-5, scale * dxScale + 1e-6), "input gradient " + what);
                if (affine)
                {
                    Near(dwExpected, dw, Tolerances(dwExpected, 1e-5, scale), "weight gradient " + what);
                    Near(dbExpected, db, Tolerances(dbExpected, 1e-6, scale), "bias gradient " + what);

                    // Accumulate adds to what is there; an empty input gradient is not computed.
                    float[] dw2 = dw.Select(v => v + 1f).ToArray(), db2 = db.Select(v => v - 1f).ToArray();
                    BatchNorm.Backward(x, dy, [], weight, savedMean, savedInverseStd, dw2, db2, batch, channels, spatial, accumulate: true);
                    Near(dw.Select(v => 2.0 * v + 1).ToArray(), dw2, Tolerances(dwExpected, 1e-6, 1e-6), "accumulated weight gradient " + what);
                    Near(db.Select(v => 2.0 * v - 1).ToArray(), db2, Tolerances(dbExpected, 1e-6, 1e-6), "accumulated bias gradient " + what);
                }

                // In place (dx in dy's span) gives the same bits.
                float[] inPlace = (float[])dy.Clone();
                BatchNorm.Backward(x, inPlace, inPlace, weight, savedMean, savedInverseStd, [], [], batch, channels, spatial, accumulate: false);
                Assert.Equal(dx, inPlace);
            }
    }

    [Theory]
    [InlineData(8, 3, 1)]
    [InlineData(2, 2, 9)]
    [InlineData(3, 2, 20)]
    public void Backward_matches_finite_differences_of_the_training_forward(int batch, int channels, int spatial)
    {
        foreach (bool affine in new[] { true, false })
        {
            float[] x = Input(batch, channels, spatial, 17);
            float[] r = Random(x.Length, 18);
            float[] weight = Random(channels, 19, 0.5f, 2f), bias = Random(channels, 20);
            float[]? w = affine ? weight : null, b = affine ? bias : null;
            var y = new float[x.Length];
            float[] mean = new float[channels], inverseStd = new float[channels];
            double Loss()
            {
                BatchNorm.ForwardTraining(x, y, w, b, [], [], mean, inverseStd, batch, channels, spatial, Momentum, Epsilon);
                return y.Select((v, i) => (double)v * r[i]).Sum();
            }
            Loss();
            float[] dx = new float[x.Length], dw = new float[affine ? channels : 0], db = new float[affine ? channels : 0];
            BatchNorm.Backward(x, r, dx, w, mean, inverseStd, dw, db, batch, channels, spatial, accumulate: false);

            void Check(float[] values, int i, float analytic, string name)
            {
                const float h = 1e-2f;
                float saved = values[i];
                values[i] = saved + h;
                double plus = Loss();
                values[i] = saved - h;
                double minus = Loss();
                values[i] = saved;
                double numeric = (plus - minus) / ((double)(saved + h) - (saved - h));
                Assert.True(Math.Abs(numeric - analytic) <= 2e-3 * (1 + Math.Abs(analytic)),
                    $"{batch}×{channels}×{spatial} affine={affine}: d/d{name}[{i}] is {analytic} but finite differences give {numeric}");
            }
            for (int i = 0; i < x.Length; i++)
                Check(x, i, dx[i], "x");
            if (affine)
                for (int c = 0; c < channels; c++)
                {
                    Check(weight, c, dw[c], "weight");
                    Check(bias, c, db[c], "bias");
                }
        }
    }

    [Fact]
    public void Running_statistics_update_to_hand_computed_values()
    {
        // BatchNorm1d(2), batch 4: feature 0 = 1, 2, 3, 4 (mean 2.5, biased var 1.25, unbiased 5/3);
        // feature 1 = −2, 0, 2, 4 (mean 1, biased var 5, unbiased 20/3). Running stats start at PyTorch's 0 and 1.
        float[] x = [1, -2, 2, 0, 3, 2, 4, 4];
        float[] runningMean = [0, 0], runningVar = [1, 1], savedMean = new float[2], savedInverseStd = new float[2];
        var y = new float[8];
        BatchNorm.ForwardTraining(x, y, [], [], runningMean, runningVar, savedMean, savedInverseStd, 4, 2, 1, Momentum, Epsilon);
        Assert.Equal([2.5f, 1f], savedMean);
        Assert.Equal([(float)(1 / Math.Sqrt(1.25 + Epsilon)), (float)(1 / Math.Sqrt(5 + Epsilon))], savedInverseStd);
        // 0.9·0 + 0.1·2.5 = 0.25; 0.9·0 + 0.1·1 = 0.1; 0.9·1 + 0.1·5/3 = 1.0666…; 0.9·1 + 0.1·20/3 = 1.5666…
        // (momentum is the float 0.1f, so the products carry its 1.5e-9 relative excess; rounded to float they agree.)
        Assert.Equal([0.25f, 0.1f], runningMean);
        Assert.Equal([1.0666667f, 1.5666667f], runningVar);
        Assert.Equal(-1.5 / Math.Sqrt(1.25 + Epsilon), y[0], 6);
        Assert.Equal(3 / Math.Sqrt(5 + Epsilon), y[7], 6);

        // BatchNorm2d(1) on a batch of 2 planes of 2: 1, 3 | 5, 7 → mean 4, biased var 5, unbiased 20/3; a second step
        // compounds: mean 0.9·0.4 + 0.1·4 = 0.76, var 0.9·(0.9 + 2/3) + 0.1·20/3 = 2.0766…
        float[] planes = [1, 3, 5, 7];
        float[] mean2 = [0], var2 = [1], saved1 = new float[1], saved2 = new float[1];
        for (int step = 0; step < 2; step++)
            BatchNorm.ForwardTraining(planes, new float[4], [], [], mean2, var2, saved1, saved2, 2, 1, 2, Momentum, Epsilon);
        Assert.Equal(0.76f, mean2[0], 6);
        Assert.Equal(2.0766667f, var2[0], 6);
        Assert.Equal(4f, saved1[0]);

        // momentum 1 keeps only the batch statistics; momentum 0 keeps the running ones.
        float[] m = [7], v = [7];
        BatchNorm.ForwardTraining(planes, new float[4], [], [], m, v, saved1, saved2, 2, 1, 2, 1f, Epsilon);
        Assert.Equal((4f, 20f / 3f), (m[0], v[0]));
        BatchNorm.ForwardTraining(planes, new float[4], [], [], m, v, saved1, saved2, 2, 1, 2, 0f, Epsilon);
        Assert.Equal((4f, 20f / 3f), (m[0], v[0]));
    }

    [Theory]
    [InlineData(1, 3, 1)]
    [InlineData(1, 1, 1)]
    public void One_value_per_channel_in_training_is_an_error_and_writes_nothing(int batch, int channels, int spatial)
    {
        float[] y = Enumerable.Repeat(9f, channels).ToArray(), runningMean = [.. y], saved = [.. y];
        var e = Assert.Throws<ArgumentException>(() => BatchNorm.ForwardTraining(new float[channels], y, [], [], runningMean, [], saved, saved,
            batch, channels, spatial, Momentum, Epsilon));
        Assert.Contains("more than 1 value per channel", e.Message);
        Assert.Contains("batch×spatial = 1×1 = 1", e.Message);
        Assert.All(y.Concat(runningMean).Concat(saved), value => Assert.Equal(9f, value));
        // Inference has no such limit.
        BatchNorm.ForwardInference([2f], y, [], [], [1f], [4f], 1, 1, 1, 0f);
        Assert.Equal(0.5f, y[0]);
    }

    [Fact]
    public void An_empty_batch_writes_nothing_and_leaves_the_statistics_alone()
    {
        float[] running = [3f, 3f], saved = [5f, 5f];
        BatchNorm.ForwardTraining([], [], [], [], running, running, saved, saved, 0, 2, 4, Momentum, Epsilon);
        Assert.Equal([3f, 3f, 5f, 5f], running.Concat(saved));
        float[] dw = [1f, 1f];
        BatchNorm.Backward([], [], [], [], saved, saved, dw, [], 0, 2, 4, accumulate: true);
        Assert.Equal([1f, 1f], dw);
        BatchNorm.Backward([], [], [], [], saved, saved, dw, [], 0, 2, 4, accumulate: false);
        Assert.Equal([0f, 0f], dw);
    }

    [Fact]
    public void Statistics_stay_accurate_when_the_mean_is_large_against_the_spread()
    {
        // Values 10000 ± 1 (float spacing ~0.001 there): E[x²] − E[x]² in float would lose every digit of the variance.
        var report = new List<string>();
        foreach ((int batch, int channels, int spatial) in new[] { (256, 16, 1), (64, 3, 1), (8, 4, 300), (2, 2, 9000) })
        {
            float[] x = Random(batch * channels * spatial, 5, -1f, 1f).Select(v => 10000f + v).ToArray();
            var expected = BatchNormReference.Forward(x, null, null, new float[channels], new float[channels], batch, channels, spatial, Momentum, Epsilon);
            var y = new float[x.Length];
            float[] mean = new float[channels], inverseStd = new float[channels], runningVar = new float[channels];
            BatchNorm.ForwardTraining(x, y, [], [], [], runningVar, mean, inverseStd, batch, channels, spatial, Momentum, Epsilon);
            double inverseStdError = expected.InverseStd.Select((v, c) => Math.Abs(inverseStd[c] - v) / v).Max();
            double outputError = expected.Output.Select((v, i) => Math.Abs(y[i] - v)).Max();
            Assert.True(inverseStdError < 1e-6, $"{batch}×{channels}×{spatial}: relative error of 1/std is {inverseStdError:E2}");
            Assert.True(outputError < 1e-5, $"{batch}×{channels}×{spatial}: output error is {outputError:E2} (values of magnitude ~2)");
            report.Add($"{batch}×{channels}×{spatial}: 1/std {inverseStdError:E1} rel, y {outputError:E1}");
        }
        ReliabilityReport.Line("batch norm, x = 10000 ± 1, float kernel vs double: " + string.Join("; ", report));
    }

    [Fact]
    public void Increment_counter_adds_one_to_the_int64_in_two_float_slots()
    {
        foreach (long start in new[] { 0L, 1L, 5_000_000_000L, uint.MaxValue, -1L, long.MaxValue })
        {
            var slots = new float[3];
            slots[2] = 42f;
            BinaryPrimitives.WriteInt64LittleEndian(MemoryMarshal.AsBytes(slots.AsSpan(0, 2)), start);
            BatchNorm.IncrementCounter(slots);
            Assert.Equal(unchecked(start + 1), BinaryPrimitives.ReadInt64LittleEndian(MemoryMarshal.AsBytes(slots.AsSpan(0, 2))));
            Assert.Equal(42f, slots[2]);
        }
        var counter = new float[2];
        for (int i = 0; i < 1000; i++)
            BatchNorm.IncrementCounter(counter);
        Assert.Equal(1000L, MemoryMarshal.Read<long>(MemoryMarshal.AsBytes(counter.AsSpan())));
        var e = Assert.Throws<ArgumentException>(() => BatchNorm.IncrementCounter(new float[1]));
        Assert.Contains("counter has 1 elements", e.Message);
    }

    [Fact]
    public void Bad_lengths_throw_before_writing_and_name_the_sizes()
    {
        // batch 2, channels 3, spatial 4: 24 values.
        float[] x = new float[24], y = Enumerable.Repeat(9f, 24).ToArray(), c3 = new float[3];
        ArgumentException Train(float[] input, float[] output, float[] weight, float[] running, float[] saved) =>
            Assert.Throws<ArgumentException>(() => BatchNorm.ForwardTraining(input, output, weight, weight, running, running, saved, saved, 2, 3, 4, Momentum, Epsilon));
        Assert.Contains("input has 23 elements but batch×channels×spatial = 2×12 needs 24", Train(new float[23], y, c3, c3, c3).Message);
        Assert.Contains("output has 23 elements", Train(x, new float[23], c3, c3, c3).Message);
        Assert.Contains("weight has 2 elements but needs 3 (or none", Train(x, y, new float[2], c3, c3).Message);
        Assert.Contains("runningMean has 2 elements but needs 3", Train(x, y, c3, new float[2], c3).Message);
        Assert.Contains("savedMean has 2 elements but 1×channels = 1×3 needs 3", Train(x, y, c3, c3, new float[2]).Message);
        Assert.Contains("savedMean has 0 elements", Train(x, y, c3, c3, []).Message);
        Assert.All(y, v => Assert.Equal(9f, v));

        var e = Assert.Throws<ArgumentException>(() => BatchNorm.ForwardInference(x, y, c3, c3, new float[2], c3, 2, 3, 4, Epsilon));
        Assert.Contains("runningMean has 2 elements but 1×channels = 1×3 needs 3", e.Message);
        e = Assert.Throws<ArgumentException>(() => BatchNorm.ForwardInference(x, y, c3, [], c3, [], 2, 3, 4, Epsilon));
        Assert.Contains("runningVar has 0 elements", e.Message);

        e = Assert.Throws<ArgumentException>(() => BatchNorm.Backward(x, new float[23], y, c3, c3, c3, c3, c3, 2, 3, 4, false));
        Assert.Contains("outputGradient has 23 elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => BatchNorm.Backward(x, x, new float[23], c3, c3, c3, c3, c3, 2, 3, 4, false));
        Assert.Contains("inputGradient has 23 elements but needs 24 (or none", e.Message);
        e = Assert.Throws<ArgumentException>(() => BatchNorm.Backward(x, x, y, c3, c3, new float[2], c3, c3, 2, 3, 4, false));
        Assert.Contains("savedInverseStd has 2 elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => BatchNorm.Backward(x, x, y, c3, c3, c3, c3, new float[1], 2, 3, 4, false));
        Assert.Contains("biasGradient has 1 elements but needs 3", e.Message);
        Assert.All(y, v => Assert.Equal(9f, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchNorm.ForwardInference(x, y, c3, c3, c3, c3, 2, -3, 4, Epsilon));
    }
}
