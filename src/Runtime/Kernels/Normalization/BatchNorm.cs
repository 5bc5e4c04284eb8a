using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TensorForge.Kernels
{
    /// <summary><c>nn.BatchNorm1d</c> on [F] samples (spatial = 1) and <c>nn.BatchNorm2d</c> on [C, H, W] samples (spatial = H·W):
    /// x is [batch, channels, spatial], and every channel is normalised over its batch × spatial values.</summary>
    /// <remarks>
    /// <para>Statistics are accumulated in float vectors by numerically sound schemes, each in one pass over memory:
    /// for spatial ≥ 2, every run of up to 4096 values of a plane gets the corrected two-pass mean and sum of squared deviations
    /// (the run is still in L1 for its second pass), and runs are merged by Chan's formula in double; for spatial = 1 (rows of
    /// [batch, channels]), Welford's update runs down the batch with one lane per channel, on values shifted by the first row.
    /// PyTorch's CPU kernel uses a plain two-pass scheme (mean, then squared deviations, accumulated in double). The normalising
    /// pass reads x once more, so training forward and backward each touch memory in two passes; for a channel whose values fit
    /// in L2, the second comes from cache. Against a double reference the largest errors seen are a few float roundings
    /// (1/std within 4e-7 relative, y within 1e-6 for |y| ≲ 4), also when the mean is 10⁴ times the spread.</para>
    /// <para>y = (x − mean) · (invstd · weight) + bias, with the mean carried to about twice float precision and invstd =
    /// 1 / √(var + ε) computed in double. Backward uses the saved float mean, as PyTorch does. Running statistics:
    /// running = (1 − momentum) · running + momentum · statistic, with the unbiased variance (n / (n − 1)) in running_var, in double,
    /// as PyTorch does. Vectorised along spatial (or along channels when spatial = 1). Planes (spatial ≥ 2) of a large call
    /// are split by channel over the worker pool (<see cref="ParallelRanges"/>); a channel's arithmetic is the same whichever
    /// thread does it, so nothing depends on <see cref="Gemm.MaxThreads"/>. Allocates nothing. <c>output</c> may be the same
    /// span as <c>input</c>, and <c>inputGradient</c> the same span as <c>outputGradient</c> (in place).</para>
    /// </remarks>
    public static unsafe class BatchNorm
    {
        /// <summary>Values of a plane handled per two-pass run: 16 KiB, so the second pass reads from L1.</summary>
        private const int Run = 4096;

        /// <summary>Training mode: normalises each channel with the batch's mean and biased variance; saves the mean and
        /// 1/√(var + ε) per channel for <see cref="Backward"/>; updates the running statistics (unbiased variance in
        /// runningVar).</summary>
        /// <param name="input">x, batch × channels × spatial values.</param>
        /// <param name="output">y, as long as x; may be x itself.</param>
        /// <param name="weight">γ per channel, or empty when affine=false (γ = 1).</param>
        /// <param name="bias">β per channel, or empty when affine=false (β = 0).</param>
        /// <param name="runningMean">Updated in place; empty when the running statistics are not tracked.</param>
        /// <param name="runningVar">Updated in place; empty when the running statistics are not tracked.</param>
        /// <param name="savedMean">Receives the batch mean per channel.</param>
        /// <param name="savedInverseStd">Receives 1/√(biased var + ε) per channel.</param>
        /// <param name="batch">Samples.</param>
        /// <param name="channels">Channels (features for BatchNorm1d).</param>
        /// <param name="spatial">H·W, or 1 for BatchNorm1d.</param>
        /// <param name="momentum">PyTorch's momentum (0.1 by default).</param>
        /// <param name="epsilon">ε (1e-5 by default).</param>
        /// <exception cref="ArgumentException">batch × spatial is 1 (PyTorch: "Expected more than 1 value per channel when
        /// training"), a span is too short (a non-empty optional one included), or a size is negative. Checked before
        /// anything is written. With batch × spatial = 0 nothing is written (PyTorch leaves the statistics alone).</exception>
        public static void ForwardTraining(ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
            Span<float> runningMean, Span<float> runningVar, Span<float> savedMean, Span<float> savedInverseStd,
            int batch, int channels, int spatial, float momentum, float epsilon)
        {
            long values = CheckSizes(batch, channels, spatial, input.Length, nameof(input));
            KernelArguments.AtLeast(output.Length, nameof(output), batch, channels * spatial, nameof(batch), "channels×spatial");
            Optional(weight.Length, nameof(weight), channels);
            Optional(bias.Length, nameof(bias), channels);
            Optional(runningMean.Length, nameof(runningMean), channels);
            Optional(runningVar.Length, nameof(runningVar), channels);
            KernelArguments.AtLeast(savedMean.Length, nameof(savedMean), 1, channels, "1", nameof(channels));
            KernelArguments.AtLeast(savedInverseStd.Length, nameof(savedInverseStd), 1, channels, "1", nameof(channels));
            long count = (long)batch * spatial;
            if (count == 1)
                throw new ArgumentException(
                    $"batch norm in training mode needs more than 1 value per channel but batch×spatial = {batch}×{spatial} = 1 " +
                    "(PyTorch: \"Expected more than 1 value per channel when training\")", nameof(input));
            if (values == 0)
                return;

            fixed (float* x = input, y = output, w = weight, b = bias, rm = runningMean, rv = runningVar, sm = savedMean, si = savedInverseStd)
            {
                var affine = new Affine(w, b);
                var statistics = new Statistics(rm, rv, sm, si, count, momentum, epsilon);
                if (spatial == 1)
                {
                    int c = 0;
                    if (SimdWidth.Use512 && channels >= Vector512<float>.Count)
                        c = TrainingRows<Vector512Math, Vector512<float>>(x, y, affine, statistics, batch, channels, 0);
                    else if (SimdWidth.Use256 && channels >= Vector256<float>.Count)
                        c = TrainingRows<Vector256Math, Vector256<float>>(x, y, affine, statistics, batch, channels, 0);
                    else if (SimdWidth.Use128 && channels >= Vector128<float>.Count)
                        c = TrainingRows<Vector128Math, Vector128<float>>(x, y, affine, statistics, batch, channels, 0);
                    TrainingRows<ScalarMath, float>(x, y, affine, statistics, batch, channels, c);
                }
                else
                {
                    // Reads x twice and writes y: three passes over the values.
                    ParallelRanges.Run(new TrainingChannels(x, y, affine, statistics, batch, channels, spatial), channels, 3 * values);
                }
            }
        }

        /// <summary>Channels [start, end) of the training forward on planes (spatial ≥ 2).</summary>
        private readonly struct TrainingChannels(float* x, float* y, Affine affine, Statistics statistics, int batch, int channels, int spatial)
            : IRangeKernel
        {
            public void Run(int start, int end)
            {
                if (SimdWidth.Use512 && spatial >= Vector512<float>.Count)
                    TrainingPlanes<Vector512Math, Vector512<float>>(x, y, affine, statistics, batch, channels, spatial, start, end);
                else if (SimdWidth.Use256 && spatial >= Vector256<float>.Count)
                    TrainingPlanes<Vector256Math, Vector256<float>>(x, y, affine, statistics, batch, channels, spatial, start, end);
                else if (SimdWidth.Use128 && spatial >= Vector128<float>.Count)
                    TrainingPlanes<Vector128Math, Vector128<float>>(x, y, affine, statistics, batch, channels, spatial, start, end);
                else
                    TrainingPlanes<ScalarMath, float>(x, y, affine, statistics, batch, channels, spatial, start, end);
            }
        }

        /// <summary>Inference mode: y = (x − runningMean) / √(runningVar + ε) · weight + bias.</summary>
        /// <exception cref="ArgumentException">A span is too short (a non-empty optional one included) or a size is negative.</exception>
        public static void ForwardInference(ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
            ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, int batch, int channels, int spatial, float epsilon)
        {
            long values = CheckSizes(batch, channels, spatial, input.Length, nameof(input));
            KernelArguments.AtLeast(output.Length, nameof(output), batch, channels * spatial, nameof(batch), "channels×spatial");
            Optional(weight.Length, nameof(weight), channels);
            Optional(bias.Length, nameof(bias), channels);
            KernelArguments.AtLeast(runningMean.Length, nameof(runningMean), 1, channels, "1", nameof(channels));
            KernelArguments.AtLeast(runningVar.Length, nameof(runningVar), 1, channels, "1", nameof(channels));
            if (values == 0)
                return;
            fixed (float* x = input, y = output, w = weight, b = bias, mean = runningMean, variance = runningVar)
            {
                var affine = new Affine(w, b);
                if (spatial == 1)
                {
                    int c = 0;
                    if (SimdWidth.Use512 && channels >= Vector512<float>.Count)
                        c = InferenceRows<Vector512Math, Vector512<float>>(x, y, affine, mean, variance, batch, channels, 0, epsilon);
                    else if (SimdWidth.Use256 && channels >= Vector256<float>.Count)
                        c = InferenceRows<Vector256Math, Vector256<float>>(x, y, affine, mean, variance, batch, channels, 0, epsilon);
                    else if (SimdWidth.Use128 && channels >= Vector128<float>.Count)
                        c = InferenceRows<Vector128Math, Vector128<float>>(x, y, affine, mean, variance, batch, channels, 0, epsilon);
                    InferenceRows<ScalarMath, float>(x, y, affine, mean, variance, batch, channels, c, epsilon);
                    return;
                }
                // Reads x and writes y: two passes over the values.
                ParallelRanges.Run(new InferenceChannels(x, y, affine, mean, variance, batch, channels, spatial, epsilon), channels, 2 * values);
            }
        }

        /// <summary>Channels [start, end) of the inference forward on planes (spatial ≥ 2).</summary>
        private readonly struct InferenceChannels(float* x, float* y, Affine affine, float* runningMean, float* runningVar,
            int batch, int channels, int spatial, float epsilon) : IRangeKernel
        {
            public void Run(int start, int end)
            {
                for (int c = start; c < end; c++)
                {
                    double inverseStd = 1.0 / Math.Sqrt((double)runningVar[c] + epsilon);
                    NormalizeChannel(x, y, batch, channels, spatial, c, runningMean[c], 0f, (float)(inverseStd * affine.Weight(c)), affine.Bias(c));
                }
            }
        }

        /// <summary>Training-mode backward, through the batch statistics: with n = batch × spatial, x̂ = (x − mean) · invstd,
        /// inputGradient = invstd · γ · (dy − mean(dy) − x̂ · mean(dy · x̂)), weightGradient = Σ dy · x̂, biasGradient = Σ dy.</summary>
        /// <param name="input">The x given to <see cref="ForwardTraining"/>.</param>
        /// <param name="outputGradient">dL/dy.</param>
        /// <param name="inputGradient">Overwritten with dL/dx; empty when not wanted; may be outputGradient itself.</param>
        /// <param name="weight">γ, or empty when affine=false.</param>
        /// <param name="savedMean">As saved by <see cref="ForwardTraining"/>.</param>
        /// <param name="savedInverseStd">As saved by <see cref="ForwardTraining"/>.</param>
        /// <param name="weightGradient">dL/dγ per channel, or empty (affine=false).</param>
        /// <param name="biasGradient">dL/dβ per channel, or empty (affine=false).</param>
        /// <param name="batch">Samples.</param>
        /// <param name="channels">Channels.</param>
        /// <param name="spatial">H·W, or 1.</param>
        /// <param name="accumulate">Add to weightGradient and biasGradient instead of overwriting them.</param>
        /// <exception cref="ArgumentException">A span is too short (a non-empty optional one included) or a size is negative.</exception>
        public static void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient,
            ReadOnlySpan<float> weight, ReadOnlySpan<float> savedMean, ReadOnlySpan<float> savedInverseStd,
            Span<float> weightGradient, Span<float> biasGradient, int batch, int channels, int spatial, bool accumulate)
        {
            long values = CheckSizes(batch, channels, spatial, input.Length, nameof(input));
            KernelArguments.AtLeast(outputGradient.Length, nameof(outputGradient), batch, channels * spatial, nameof(batch), "channels×spatial");
            Optional(inputGradient.Length, nameof(inputGradient), values);
            Optional(weight.Length, nameof(weight), channels);
            KernelArguments.AtLeast(savedMean.Length, nameof(savedMean), 1, channels, "1", nameof(channels));
            KernelArguments.AtLeast(savedInverseStd.Length, nameof(savedInverseStd), 1, channels, "1", nameof(channels));
            Optional(weightGradient.Length, nameof(weightGradient), channels);
            Optional(biasGradient.Length, nameof(biasGradient), channels);
            long count = (long)batch * spatial;
            fixed (float* x = input, dy = outputGradient, dx = inputGradient, w = weight, mean = savedMean, inverseStd = savedInverseStd,
                dw = weightGradient, db = biasGradient)
            {
                var gradients = new Gradients(dx, new Affine(w, null), mean, inverseStd, dw, db, count, accumulate);
                if (count == 0)
                {
                    // Sums over no values: zero parameter gradients, nothing else to write.
                    for (int c = 0; c < channels; c++)
                        gradients.Finish(c, 0, 0);
                    return;
                }
                if (spatial == 1)
                {
                    int c = 0;
                    if (SimdWidth.Use512 && channels >= Vector512<float>.Count)
                        c = BackwardRows<Vector512Math, Vector512<float>>(x, dy, gradients, batch, channels, 0);
                    else if (SimdWidth.Use256 && channels >= Vector256<float>.Count)
                        c = BackwardRows<Vector256Math, Vector256<float>>(x, dy, gradients, batch, channels, 0);
                    else if (SimdWidth.Use128 && channels >= Vector128<float>.Count)
                        c = BackwardRows<Vector128Math, Vector128<float>>(x, dy, gradients, batch, channels, 0);
                    BackwardRows<ScalarMath, float>(x, dy, gradients, batch, channels, c);
                }
                else
                {
                    // Reads x and dy twice and writes dx: five passes over the values.
                    ParallelRanges.Run(new BackwardChannels(x, dy, gradients, batch, channels, spatial), channels, 5 * values);
                }
            }
        }

        /// <summary>Channels [start, end) of the backward pass on planes (spatial ≥ 2).</summary>
        private readonly struct BackwardChannels(float* x, float* dy, Gradients gradients, int batch, int channels, int spatial) : IRangeKernel
        {
            public void Run(int start, int end)
            {
                if (SimdWidth.Use512 && spatial >= Vector512<float>.Count)
                    BackwardPlanes<Vector512Math, Vector512<float>>(x, dy, gradients, batch, channels, spatial, start, end);
                else if (SimdWidth.Use256 && spatial >= Vector256<float>.Count)
                    BackwardPlanes<Vector256Math, Vector256<float>>(x, dy, gradients, batch, channels, spatial, start, end);
                else if (SimdWidth.Use128 && spatial >= Vector128<float>.Count)
                    BackwardPlanes<Vector128Math, Vector128<float>>(x, dy, gradients, batch, channels, spatial, start, end);
                else
                    BackwardPlanes<ScalarMath, float>(x, dy, gradients, batch, channels, spatial, start, end);
            }
        }

        /// <summary>num_batches_tracked += 1, for PyTorch's int64 counter stored in two float slots as its raw little-endian bytes
        /// (see <see cref="Serialization.TensorDType.I64"/>).</summary>
        /// <exception cref="ArgumentException"><paramref name="counter"/> has fewer than 2 elements.</exception>
        public static void IncrementCounter(Span<float> counter)
        {
            KernelArguments.AtLeast(counter.Length, nameof(counter), 1, 2, "1", "2 (an int64)");
            Span<byte> bytes = MemoryMarshal.AsBytes(counter.Slice(0, 2));
            BinaryPrimitives.WriteInt64LittleEndian(bytes, unchecked(BinaryPrimitives.ReadInt64LittleEndian(bytes) + 1));
        }

        // ---- training forward -----------------------------------------------------------------------------------------

        /// <summary>Planes of spatial ≥ 2, channel by channel from <paramref name="first"/> to <paramref name="end"/>: statistics
        /// of the channel's planes, then its normalisation (which rereads the planes from cache when the channel fits in L2).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void TrainingPlanes<S, T>(float* x, float* y, Affine affine, Statistics statistics, int batch, int channels, int spatial,
            int first, int end)
            where S : ISimdMath<T> where T : struct
        {
            long sampleSize = (long)channels * spatial;
            for (int c = first; c < end; c++)
            {
                double total = 0, mean = 0, squares = 0;
                for (int n = 0; n < batch; n++)
                {
                    float* plane = x + n * sampleSize + (long)c * spatial;
                    for (int start = 0; start < spatial; start += Run)
                    {
                        int length = Math.Min(Run, spatial - start);
                        (double runMean, double runSquares) = RunStatistics<S, T>(plane + start, length);
                        // Chan et al.: merge (length, runMean, runSquares) into (total, mean, squares).
                        double merged = total + length;
                        double delta = runMean - mean;
                        mean += delta * (length / merged);
                        squares += runSquares + delta * delta * (total * length / merged);
                        total = merged;
                    }
                }
                double inverseStd = statistics.Save(c, mean, squares);
                float center = (float)mean;
                NormalizeChannel(x, y, batch, channels, spatial, c, center, (float)(mean - center), (float)(inverseStd * affine.Weight(c)), affine.Bias(c));
            }
        }

        /// <summary>The corrected two-pass algorithm on one run: m = Σx / n in float, then d = x − m with Σd and Σd² (vector
        /// accumulators, the remainder added one by one); the mean is m + Σd / n and the sum of squared deviations
        /// Σd² − (Σd)² / n (which removes the error of m).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (double Mean, double Squares) RunStatistics<S, T>(float* x, int n) where S : ISimdMath<T> where T : struct
        {
            int w = S.Count, i = 0;
            T sum0 = S.Zero, sum1 = S.Zero;
            for (; i + 2 * w <= n; i += 2 * w)
            {
                sum0 = S.Add(sum0, S.Load(x + i));
                sum1 = S.Add(sum1, S.Load(x + i + w));
            }
            if (i + w <= n)
            {
                sum0 = S.Add(sum0, S.Load(x + i));
                i += w;
            }
            float sum = S.Sum(S.Add(sum0, sum1));
            for (int j = i; j < n; j++)
                sum += x[j];
            float m = sum / n;

            T center = S.Broadcast(m);
            T d0 = S.Zero, d1 = S.Zero, q0 = S.Zero, q1 = S.Zero;
            i = 0;
            for (; i + 2 * w <= n; i += 2 * w)
            {
                T a = S.Subtract(S.Load(x + i), center);
                T b = S.Subtract(S.Load(x + i + w), center);
                d0 = S.Add(d0, a);
                d1 = S.Add(d1, b);
                q0 = S.MultiplyAdd(a, a, q0);
                q1 = S.MultiplyAdd(b, b, q1);
            }
            if (i + w <= n)
            {
                T a = S.Subtract(S.Load(x + i), center);
                d0 = S.Add(d0, a);
                q0 = S.MultiplyAdd(a, a, q0);
                i += w;
            }
            float deviations = S.Sum(S.Add(d0, d1));
            float squares = S.Sum(S.Add(q0, q1));
            for (int j = i; j < n; j++)
            {
                float a = x[j] - m;
                deviations += a;
                squares = MathF.FusedMultiplyAdd(a, a, squares);
            }
            return (m + (double)deviations / n, Math.Max(0, squares - (double)deviations * deviations / n));
        }

        /// <summary>Rows of [batch, channels] (spatial = 1), in blocks of S.Count channels from <paramref name="first"/>: Welford
        /// down the batch on x − x[0] (shifted by the first row, so the running mean stays small and precise however large the
        /// true mean), with the shifted mean and the sum of squared deviations parked in savedMean and savedInverseStd; then the
        /// channels' statistics (mean = x[0] + shifted mean, in double) and the block's normalisation. Returns the first channel
        /// not covered by a whole block.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static int TrainingRows<S, T>(float* x, float* y, Affine affine, Statistics statistics, int batch, int channels, int first)
            where S : ISimdMath<T> where T : struct
        {
            int w = S.Count, c = first;
            float* parkedMean = statistics.SavedMean, parkedSquares = statistics.SavedInverseStd;
            for (; c + w <= channels; c += w)
            {
                T origin = S.Load(x + c);
                T mean = S.Zero, squares = S.Zero;
                for (int n = 1; n < batch; n++)
                {
                    T value = S.Subtract(S.Load(x + (long)n * channels + c), origin);
                    T delta = S.Subtract(value, mean);
                    mean = S.MultiplyAdd(delta, S.Broadcast(1f / (n + 1)), mean);
                    squares = S.MultiplyAdd(delta, S.Subtract(value, mean), squares);
                }
                S.Store(mean, parkedMean + c);
                S.Store(squares, parkedSquares + c);
                for (int lane = c; lane < c + w; lane++) // x[0] is still intact: the block's rows are written below
                    statistics.Save(lane, (double)x[lane] + parkedMean[lane], parkedSquares[lane]);

                T scale = S.Load(parkedSquares + c); // now 1/√(var + ε)
                if (affine.HasWeight)
                    scale = S.Multiply(scale, S.Load(affine.WeightPointer + c));
                T shift = affine.HasBias ? S.Load(affine.BiasPointer + c) : S.Zero;
                for (int n = 0; n < batch; n++)
                {
                    long at = (long)n * channels + c;
                    S.Store(Normalize<S, T>(S.Load(x + at), origin, mean, scale, shift), y + at);
                }
            }
            return c;
        }

        // ---- inference forward ----------------------------------------------------------------------------------------

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static int InferenceRows<S, T>(float* x, float* y, Affine affine, float* runningMean, float* runningVar,
            int batch, int channels, int first, float epsilon)
            where S : ISimdMath<T> where T : struct
        {
            int w = S.Count, c = first;
            for (; c + w <= channels; c += w)
            {
                T center = S.Load(runningMean + c);
                T scale = S.Divide(affine.HasWeight ? S.Load(affine.WeightPointer + c) : S.Broadcast(1f),
                    S.Sqrt(S.Add(S.Load(runningVar + c), S.Broadcast(epsilon))));
                T shift = affine.HasBias ? S.Load(affine.BiasPointer + c) : S.Zero;
                for (int n = 0; n < batch; n++)
                {
                    long at = (long)n * channels + c;
                    S.Store(S.MultiplyAdd(S.Subtract(S.Load(x + at), center), scale, shift), y + at);
                }
            }
            return c;
        }

        /// <summary>y = ((x − center) − residual) · scale + shift over channel c's planes, where center + residual is the mean
        /// to about twice float precision: x − center is exact for x near the mean, so y stays accurate when the mean is large
        /// against the spread. Vectorised along each plane (the last vector, overlapping, is computed before anything of the
        /// plane is stored, so y may be x).</summary>
        private static void NormalizeChannel(float* x, float* y, int batch, int channels, int spatial, int c, float center, float residual, float scale, float shift)
        {
            if (SimdWidth.Use512 && spatial >= Vector512<float>.Count)
                NormalizeChannel<Vector512Math, Vector512<float>>(x, y, batch, channels, spatial, c, center, residual, scale, shift);
            else if (SimdWidth.Use256 && spatial >= Vector256<float>.Count)
                NormalizeChannel<Vector256Math, Vector256<float>>(x, y, batch, channels, spatial, c, center, residual, scale, shift);
            else if (SimdWidth.Use128 && spatial >= Vector128<float>.Count)
                NormalizeChannel<Vector128Math, Vector128<float>>(x, y, batch, channels, spatial, c, center, residual, scale, shift);
            else
                NormalizeChannel<ScalarMath, float>(x, y, batch, channels, spatial, c, center, residual, scale, shift);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void NormalizeChannel<S, T>(float* x, float* y, int batch, int channels, int spatial, int c, float center, float residual,
            float scale, float shift)
            where S : ISimdMath<T> where T : struct
        {
            int w = S.Count, last = spatial - w;
            T m = S.Broadcast(center), r = S.Broadcast(residual), k = S.Broadcast(scale), b = S.Broadcast(shift);
            long sampleSize = (long)channels * spatial;
            for (int n = 0; n < batch; n++)
            {
                float* source = x + n * sampleSize + (long)c * spatial;
                float* destination = y + n * sampleSize + (long)c * spatial;
                T tail = Normalize<S, T>(S.Load(source + last), m, r, k, b);
                for (int i = 0; i < last; i += w)
                    S.Store(Normalize<S, T>(S.Load(source + i), m, r, k, b), destination + i);
                S.Store(tail, destination + last);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static T Normalize<S, T>(T x, T center, T residual, T scale, T shift) where S : ISimdMath<T> where T : struct =>
            S.MultiplyAdd(S.Subtract(S.Subtract(x, center), residual), scale, shift);

        // ---- backward -------------------------------------------------------------------------------------------------

        /// <summary>Per channel from <paramref name="first"/> to <paramref name="end"/>: Σdy and Σ(x − mean)·dy over its planes
        /// (float vectors per plane, planes added in double), then the input gradient of its planes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void BackwardPlanes<S, T>(float* x, float* dy, Gradients gradients, int batch, int channels, int spatial, int first, int end)
            where S : ISimdMath<T> where T : struct
        {
            long sampleSize = (long)channels * spatial;
            int w = S.Count;
            for (int c = first; c < end; c++)
            {
                float mean = gradients.Mean[c];
                T center = S.Broadcast(mean);
                double sum = 0, dot = 0;
                for (int n = 0; n < batch; n++)
                {
                    long plane = n * sampleSize + (long)c * spatial;
                    float* xs = x + plane, gs = dy + plane;
                    T s0 = S.Zero, s1 = S.Zero, p0 = S.Zero, p1 = S.Zero;
                    int i = 0;
                    for (; i + 2 * w <= spatial; i += 2 * w)
                    {
                        T g0 = S.Load(gs + i), g1 = S.Load(gs + i + w);
                        s0 = S.Add(s0, g0);
                        s1 = S.Add(s1, g1);
                        p0 = S.MultiplyAdd(S.Subtract(S.Load(xs + i), center), g0, p0);
                        p1 = S.MultiplyAdd(S.Subtract(S.Load(xs + i + w), center), g1, p1);
                    }
                    if (i + w <= spatial)
                    {
                        T g0 = S.Load(gs + i);
                        s0 = S.Add(s0, g0);
                        p0 = S.MultiplyAdd(S.Subtract(S.Load(xs + i), center), g0, p0);
                        i += w;
                    }
                    float planeSum = S.Sum(S.Add(s0, s1)), planeDot = S.Sum(S.Add(p0, p1));
                    for (; i < spatial; i++)
                    {
                        planeSum += gs[i];
                        planeDot = MathF.FusedMultiplyAdd(xs[i] - mean, gs[i], planeDot);
                    }
                    sum += planeSum;
                    dot += planeDot;
                }
                (float k, float gradientMean, float factor) = gradients.Finish(c, sum, dot);
                if (gradients.InputGradient == null)
                    continue;
                T kv = S.Broadcast(k), gm = S.Broadcast(gradientMean), f = S.Broadcast(factor);
                int last = spatial - w;
                for (int n = 0; n < batch; n++)
                {
                    long plane = n * sampleSize + (long)c * spatial;
                    float* xs = x + plane, gs = dy + plane, dx = gradients.InputGradient + plane;
                    T tail = InputGradient<S, T>(S.Load(xs + last), S.Load(gs + last), center, kv, gm, f);
                    for (int i = 0; i < last; i += w)
                        S.Store(InputGradient<S, T>(S.Load(xs + i), S.Load(gs + i), center, kv, gm, f), dx + i);
                    S.Store(tail, dx + last);
                }
            }
        }

        /// <summary>Rows of [batch, channels], in blocks of S.Count channels from <paramref name="first"/>; returns the first
        /// channel not covered by a whole block.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static int BackwardRows<S, T>(float* x, float* dy, Gradients gradients, int batch, int channels, int first)
            where S : ISimdMath<T> where T : struct
        {
            int w = S.Count, c = first;
            float* sums = stackalloc float[16];
            float* dots = stackalloc float[16];
            float* ks = stackalloc float[16];
            float* means = stackalloc float[16];
            float* factors = stackalloc float[16];
            for (; c + w <= channels; c += w)
            {
                T center = S.Load(gradients.Mean + c);
                T sum = S.Zero, dot = S.Zero;
                for (int n = 0; n < batch; n++)
                {
                    long at = (long)n * channels + c;
                    T g = S.Load(dy + at);
                    sum = S.Add(sum, g);
                    dot = S.MultiplyAdd(S.Subtract(S.Load(x + at), center), g, dot);
                }
                S.Store(sum, sums);
                S.Store(dot, dots);
                for (int lane = 0; lane < w; lane++)
                    (ks[lane], means[lane], factors[lane]) = gradients.Finish(c + lane, sums[lane], dots[lane]);
                if (gradients.InputGradient == null)
                    continue;
                T kv = S.Load(ks), gm = S.Load(means), f = S.Load(factors);
                for (int n = 0; n < batch; n++)
                {
                    long at = (long)n * channels + c;
                    S.Store(InputGradient<S, T>(S.Load(x + at), S.Load(dy + at), center, kv, gm, f), gradients.InputGradient + at);
                }
            }
            return c;
        }

        /// <summary>(dy − mean(dy) − (x − mean) · k) · invstd · γ, with k = mean(dy · x̂) · invstd.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static T InputGradient<S, T>(T x, T dy, T center, T k, T gradientMean, T factor) where S : ISimdMath<T> where T : struct =>
            S.Multiply(S.Subtract(S.Subtract(dy, gradientMean), S.Multiply(S.Subtract(x, center), k)), factor);

        // ---- shared pieces ----------------------------------------------------------------------------------------------

        /// <summary>γ and β pointers, null when affine=false.</summary>
        private readonly struct Affine(float* weight, float* bias)
        {
            public readonly float* WeightPointer = weight;
            public readonly float* BiasPointer = bias;
            public bool HasWeight => WeightPointer != null;
            public bool HasBias => BiasPointer != null;
            public double Weight(int c) => WeightPointer == null ? 1.0 : WeightPointer[c];
            public float Bias(int c) => BiasPointer == null ? 0f : BiasPointer[c];
        }

        /// <summary>Turns a channel's mean and sum of squared deviations into the saved statistics and updates the running ones
        /// (null running pointers: not tracked). Writes only channel c's entries, so channels can be done on different threads.</summary>
        private readonly struct Statistics(float* runningMean, float* runningVar, float* savedMean, float* savedInverseStd,
            long count, float momentum, float epsilon)
        {
            private readonly float* _runningMean = runningMean, _runningVar = runningVar;
            public readonly float* SavedMean = savedMean, SavedInverseStd = savedInverseStd;

            /// <summary>Saves the mean and 1/√(squares / count + ε) (returned) and updates the running statistics.</summary>
            public double Save(int c, double mean, double squares)
            {
                double inverseStd = 1.0 / Math.Sqrt(squares / count + epsilon);
                SavedMean[c] = (float)mean;
                SavedInverseStd[c] = (float)inverseStd;
                if (_runningMean != null)
                    _runningMean[c] = (float)(momentum * mean + (1.0 - momentum) * _runningMean[c]);
                if (_runningVar != null)
                    _runningVar[c] = (float)(momentum * (squares / (count - 1)) + (1.0 - momentum) * _runningVar[c]);
                return inverseStd;
            }
        }

        /// <summary>The backward pass's destinations and saved statistics; <see cref="Finish"/> turns a channel's sums into its
        /// parameter gradients and the coefficients of its input gradient.</summary>
        private readonly struct Gradients(float* inputGradient, Affine affine, float* mean, float* inverseStd, float* weightGradient,
            float* biasGradient, long count, bool accumulate)
        {
            public readonly float* InputGradient = inputGradient;
            public readonly float* Mean = mean;

            public (float K, float GradientMean, float Factor) Finish(int c, double sum, double dot)
            {
                double invstd = inverseStd[c];
                if (weightGradient != null)
                    weightGradient[c] = (float)((accumulate ? weightGradient[c] : 0.0) + dot * invstd);
                if (biasGradient != null)
                    biasGradient[c] = (float)((accumulate ? biasGradient[c] : 0.0) + sum);
                if (count == 0)
                    return default;
                return ((float)(dot * invstd * invstd / count), (float)(sum / count), (float)(invstd * affine.Weight(c)));
            }
        }

        private static long CheckSizes(int batch, int channels, int spatial, int inputLength, string inputName)
        {
            KernelArguments.NonNegative(batch, nameof(batch));
            KernelArguments.NonNegative(channels, nameof(channels));
            KernelArguments.NonNegative(spatial, nameof(spatial));
            long perSample = (long)channels * spatial;
            if (perSample > int.MaxValue)
                throw new ArgumentException($"channels×spatial = {channels}×{spatial} does not fit in an int", nameof(spatial));
            KernelArguments.AtLeast(inputLength, inputName, batch, (int)perSample, nameof(batch), "channels×spatial");
            return (long)batch * perSample;
        }

        /// <summary>An optional span: empty, or at least <paramref name="needed"/> long.</summary>
        private static void Optional(int length, string name, long needed)
        {
            if (length != 0 && length < needed)
                throw new ArgumentException($"{name} has {length} elements but needs {needed} (or none, to leave it out).", name);
        }
    }
}
