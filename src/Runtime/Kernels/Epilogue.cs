using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TensorForge.Kernels
{
    /// <summary>What follows a dense layer's multiply, fused into one pass over its [rows, cols] output: the bias and the
    /// activation going forward, the activation's gradient and the bias gradient going back.</summary>
    /// <remarks>
    /// <para>Each kernel gives exactly the bits of the unfused sequence it replaces (named in its summary), so switching
    /// generated code to it changes no result; it only saves passes over memory and calls. Rows of at least 16 columns
    /// are done row by row in one pass (bias, activation and stores while the row is in L1); narrower matrices simply
    /// run the unfused sequence.</para>
    /// <para>Forward kernels with a separate output <c>y</c> also leave the biased pre-activation in <c>x</c> (the backward
    /// pass of GELU and LeakyReLU needs it); <c>y</c> may be the same span as <c>x</c> when it is not needed.</para>
    /// <para>Shapes are checked up front: every matrix must hold rows × cols elements and the bias cols, otherwise
    /// <see cref="ArgumentException"/> names the sizes.</para>
    /// </remarks>
    public static unsafe class Epilogue
    {
        /// <summary>Rows shorter than this are not fused. The unfused kernels run over the whole matrix as one span, so
        /// every element goes through vector code; a row shorter than a vector would go through the scalar tail, whose
        /// exp (in GELU, σ, tanh) rounds differently. Such layers are tiny, and fusing them would save nothing.</summary>
        private const int FuseFrom = 16;

        /// <summary>x = max(x + bias, 0) in place. Same bits as <see cref="Bias.Add"/> then <see cref="Activations.ReLU"/>.</summary>
        public static void BiasReLU(Span<float> x, ReadOnlySpan<float> bias, int rows, int cols)
            => Forward(x, bias, x, rows, cols, new ReLUOperator(), nameof(x));

        /// <summary>x += bias; y = LeakyReLU(x). Same bits as <see cref="Bias.Add"/> then <see cref="Activations.LeakyReLU"/>.</summary>
        public static void BiasLeakyReLU(Span<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols, float slope)
            => Forward(x, bias, y, rows, cols, new Activations.LeakyReLUOperator(slope), nameof(y));

        /// <summary>x += bias; y = GELU(x) (exact). Same bits as <see cref="Bias.Add"/> then <see cref="Activations.Gelu"/>.</summary>
        public static void BiasGelu(Span<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols)
            => Forward(x, bias, y, rows, cols, new Activations.GeluOperator(), nameof(y));

        /// <summary>x += bias; y = σ(x), a row at a time while it is in L1. Same bits as <see cref="Bias.Add"/> then
        /// <see cref="Activations.Sigmoid"/>.</summary>
        public static void BiasSigmoid(Span<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols)
            => RowWise(x, bias, y, rows, cols, &TensorPrimitives.Sigmoid);

        /// <summary>x += bias; y = tanh(x), a row at a time while it is in L1. Same bits as <see cref="Bias.Add"/> then
        /// <see cref="Activations.Tanh"/>.</summary>
        public static void BiasTanh(Span<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols)
            => RowWise(x, bias, y, rows, cols, &TensorPrimitives.Tanh);

        /// <summary>Bias, then a TensorPrimitives activation, row by row (or over the whole matrix when rows are narrower
        /// than <see cref="FuseFrom"/>, as the unfused kernels run it).</summary>
        private static void RowWise(Span<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols,
            delegate*<ReadOnlySpan<float>, Span<float>, void> activation)
        {
            CheckForward(x.Length, bias.Length, y.Length, rows, cols, nameof(y));
            if (rows == 0 || cols == 0)
                return;
            if (cols < FuseFrom)
            {
                Bias.Add(x, bias, rows, cols);
                activation(x.Slice(0, rows * cols), y);
                return;
            }
            bias = bias.Slice(0, cols);
            for (int r = 0; r < rows; r++)
            {
                Span<float> row = x.Slice(r * cols, cols);
                TensorPrimitives.Add(row, bias, row);
                activation(row, y.Slice(r * cols, cols));
            }
        }

        /// <summary>dx = dy · (y &gt; 0) from the forward output y; biasGradient[c] += Σ_r dx[r, c]. Same bits as
        /// <see cref="Activations.ReLUBackward"/> then <see cref="Bias.AccumulateGradient"/>.</summary>
        public static void ReLUBackwardBiasGradient(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, Span<float> biasGradient, int rows, int cols)
            => Backward(y, dy, dx, biasGradient, rows, cols, new Activations.ReLUBackwardOperator(), nameof(y));

        /// <summary>dx = dy · (x &gt; 0 ? 1 : slope) from the pre-activation x; biasGradient[c] += Σ_r dx[r, c]. Same bits as
        /// <see cref="Activations.LeakyReLUBackward"/> then <see cref="Bias.AccumulateGradient"/>.</summary>
        public static void LeakyReLUBackwardBiasGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, Span<float> biasGradient, int rows, int cols, float slope)
            => Backward(x, dy, dx, biasGradient, rows, cols, new Activations.LeakyReLUBackwardOperator(slope), nameof(x));

        /// <summary>dx = dy · GELU′(x) from the pre-activation x; biasGradient[c] += Σ_r dx[r, c]. Same bits as
        /// <see cref="Activations.GeluBackward"/> then <see cref="Bias.AccumulateGradient"/>.</summary>
        public static void GeluBackwardBiasGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, Span<float> biasGradient, int rows, int cols)
            => Backward(x, dy, dx, biasGradient, rows, cols, new Activations.GeluBackwardOperator(), nameof(x));

        /// <summary>dx = dy · y(1 − y) from the forward output y; biasGradient[c] += Σ_r dx[r, c]. Same bits as
        /// <see cref="Activations.SigmoidBackward"/> then <see cref="Bias.AccumulateGradient"/>.</summary>
        public static void SigmoidBackwardBiasGradient(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, Span<float> biasGradient, int rows, int cols)
            => Backward(y, dy, dx, biasGradient, rows, cols, new Activations.SigmoidBackwardOperator(), nameof(y));

        /// <summary>dx = dy · (1 − y²) from the forward output y; biasGradient[c] += Σ_r dx[r, c]. Same bits as
        /// <see cref="Activations.TanhBackward"/> then <see cref="Bias.AccumulateGradient"/>.</summary>
        public static void TanhBackwardBiasGradient(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, Span<float> biasGradient, int rows, int cols)
            => Backward(y, dy, dx, biasGradient, rows, cols, new Activations.TanhBackwardOperator(), nameof(y));

        /// <summary>max(x, 0) with TensorPrimitives.Max's semantics (NaN stays NaN, −0 becomes +0).</summary>
        private readonly struct ReLUOperator : IUnaryOperator
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public T Invoke<S, T>(T x) where S : ISimdMath<T> where T : struct => S.Max(x, S.Zero);
        }

        private static void CheckForward(int xLength, int biasLength, int yLength, int rows, int cols, string yName)
        {
            KernelArguments.NonNegative(rows, nameof(rows));
            KernelArguments.NonNegative(cols, nameof(cols));
            KernelArguments.AtLeast(xLength, "x", rows, cols, nameof(rows), nameof(cols));
            KernelArguments.AtLeast(biasLength, "bias", 1, cols, "1", nameof(cols));
            KernelArguments.AtLeast(yLength, yName, rows, cols, nameof(rows), nameof(cols));
        }

        private static void Forward<TOp>(Span<float> x, ReadOnlySpan<float> bias, Span<float> y, int rows, int cols, TOp op, string yName)
            where TOp : struct, IUnaryOperator
        {
            CheckForward(x.Length, bias.Length, y.Length, rows, cols, yName);
            if (rows == 0 || cols == 0)
                return;
            if (cols < FuseFrom)
            {
                Bias.Add(x, bias, rows, cols);
                Elementwise.Unary(x.Slice(0, rows * cols), y, op, nameof(x), yName);
                return;
            }
            fixed (float* px = x, pb = bias, py = y)
            {
                if (SimdWidth.Use512 && cols >= Vector512<float>.Count)
                    Forward<TOp, Vector512Math, Vector512<float>>(px, pb, py, rows, cols, op);
                else if (SimdWidth.Use256 && cols >= Vector256<float>.Count)
                    Forward<TOp, Vector256Math, Vector256<float>>(px, pb, py, rows, cols, op);
                else if (SimdWidth.Use128 && cols >= Vector128<float>.Count)
                    Forward<TOp, Vector128Math, Vector128<float>>(px, pb, py, rows, cols, op);
                else
                    Forward<TOp, ScalarMath, float>(px, pb, py, rows, cols, op);
            }
        }

        /// <summary>Row by row: whole vectors, then one vector ending at the row's last element, computed before anything
        /// of the row is stored so that the overlap (and x = y) reads only original values.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Forward<TOp, S, T>(float* x, float* bias, float* y, int rows, int cols, TOp op)
            where TOp : struct, IUnaryOperator where S : ISimdMath<T> where T : struct
        {
            int w = S.Count;
            int last = cols - w;
            T lastBias = S.Load(bias + last);
            for (int r = 0; r < rows; r++, x += cols, y += cols)
            {
                T lastPre = S.Add(S.Load(x + last), lastBias);
                T lastOut = op.Invoke<S, T>(lastPre);
                for (int j = 0; j < last; j += w)
                {
                    T pre = S.Add(S.Load(x + j), S.Load(bias + j));
                    S.Store(pre, x + j);
                    S.Store(op.Invoke<S, T>(pre), y + j);
                }
                S.Store(lastPre, x + last);
                S.Store(lastOut, y + last);
            }
        }

        private static void Backward<TOp>(ReadOnlySpan<float> saved, ReadOnlySpan<float> dy, Span<float> dx, Span<float> biasGradient,
            int rows, int cols, TOp op, string savedName)
            where TOp : struct, IBinaryOperator
        {
            KernelArguments.NonNegative(rows, nameof(rows));
            KernelArguments.NonNegative(cols, nameof(cols));
            KernelArguments.AtLeast(saved.Length, savedName, rows, cols, nameof(rows), nameof(cols));
            KernelArguments.AtLeast(dy.Length, nameof(dy), rows, cols, nameof(rows), nameof(cols));
            KernelArguments.AtLeast(dx.Length, nameof(dx), rows, cols, nameof(rows), nameof(cols));
            KernelArguments.AtLeast(biasGradient.Length, nameof(biasGradient), 1, cols, "1", nameof(cols));
            if (rows == 0 || cols == 0)
                return;
            if (cols < FuseFrom)
            {
                Elementwise.Binary(saved.Slice(0, rows * cols), dy.Slice(0, rows * cols), dx, op, savedName, nameof(dy), nameof(dx));
                Bias.AccumulateGradient(dx, biasGradient, rows, cols);
                return;
            }
            fixed (float* ps = saved, pdy = dy, pdx = dx, pg = biasGradient)
            {
                if (SimdWidth.Use512 && cols >= Vector512<float>.Count)
                    Backward<TOp, Vector512Math, Vector512<float>>(ps, pdy, pdx, pg, rows, cols, op);
                else if (SimdWidth.Use256 && cols >= Vector256<float>.Count)
                    Backward<TOp, Vector256Math, Vector256<float>>(ps, pdy, pdx, pg, rows, cols, op);
                else if (SimdWidth.Use128 && cols >= Vector128<float>.Count)
                    Backward<TOp, Vector128Math, Vector128<float>>(ps, pdy, pdx, pg, rows, cols, op);
                else
                    Backward<TOp, ScalarMath, float>(ps, pdy, pdx, pg, rows, cols, op);
            }
        }

        /// <summary>Row by row, in order (so the bias gradient is summed over rows in the order Bias.AccumulateGradient
        /// uses): whole vectors of dx, each added into the gradient at once; then the row's last vector (computed first, as
        /// dx may be the same span as an input), and the columns no whole vector covered added one by one.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Backward<TOp, S, T>(float* saved, float* dy, float* dx, float* gradient, int rows, int cols, TOp op)
            where TOp : struct, IBinaryOperator where S : ISimdMath<T> where T : struct
        {
            int w = S.Count;
            int last = cols - w;
            for (int r = 0; r < rows; r++, saved += cols, dy += cols, dx += cols)
            {
                T lastDx = op.Invoke<S, T>(S.Load(saved + last), S.Load(dy + last));
                int j = 0;
                for (; j + w <= cols; j += w)
                {
                    T d = op.Invoke<S, T>(S.Load(saved + j), S.Load(dy + j));
                    S.Store(d, dx + j);
                    S.Store(S.Add(S.Load(gradient + j), d), gradient + j);
                }
                if (j < cols)
                {
                    S.Store(lastDx, dx + last);
                    for (; j < cols; j++)
                        gradient[j] += dx[j];
                }
            }
        }
    }
}
