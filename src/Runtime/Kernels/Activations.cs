using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace TensorForge.Kernels
{
    /// <summary>Element-wise activations and their backward passes. Forward kernels allow x and y to be the same span;
    /// backward kernels allow dy and dx to be the same span. Backward kernels overwrite dx (no accumulation).</summary>
    /// <remarks>Inputs of one kernel must have the same length; the destination must be at least that long (only that many
    /// elements are written). Otherwise <see cref="ArgumentException"/> names the lengths.</remarks>
    public static class Activations
    {
        public static unsafe void ReLU(ReadOnlySpan<float> x, Span<float> y)
        {
            KernelArguments.Destination(y.Length, nameof(y), x.Length, nameof(x));
            fixed (float* px = x, py = y)
                ParallelRanges.Run(new ReLURanges(px, py), x.Length, 2L * x.Length, Elementwise.Granule);
        }

        /// <summary>max(x, 0) over a range, by TensorPrimitives (exact, so ranges cannot change a bit).</summary>
        private readonly unsafe struct ReLURanges(float* x, float* y) : IRangeKernel
        {
            public void Run(int start, int end) =>
                TensorPrimitives.Max(new ReadOnlySpan<float>(x + start, end - start), 0f, new Span<float>(y + start, end - start));
        }

        /// <summary>dx = dy · (y &gt; 0), from the forward output y.</summary>
        public static void ReLUBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
            => Elementwise.Binary(y, dy, dx, new ReLUBackwardOperator(), nameof(y), nameof(dy), nameof(dx));

        public static void LeakyReLU(ReadOnlySpan<float> x, Span<float> y, float slope)
            => Elementwise.Unary(x, y, new LeakyReLUOperator(slope), nameof(x), nameof(y));

        /// <summary>dx = dy · (x &gt; 0 ? 1 : slope), from the forward input x.</summary>
        public static void LeakyReLUBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float slope)
            => Elementwise.Binary(x, dy, dx, new LeakyReLUBackwardOperator(slope), nameof(x), nameof(dy), nameof(dx));

        public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
        {
            KernelArguments.Destination(y.Length, nameof(y), x.Length, nameof(x));
            if (!x.IsEmpty) // TensorPrimitives.Sigmoid rejects empty spans
                TensorPrimitives.Sigmoid(x, y);
        }

        /// <summary>dx = dy · y(1 − y), from the forward output y.</summary>
        public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
            => Elementwise.Binary(y, dy, dx, new SigmoidBackwardOperator(), nameof(y), nameof(dy), nameof(dx));

        public static void Tanh(ReadOnlySpan<float> x, Span<float> y)
        {
            KernelArguments.Destination(y.Length, nameof(y), x.Length, nameof(x));
            TensorPrimitives.Tanh(x, y);
        }

        /// <summary>dx = dy · (1 − y²), from the forward output y.</summary>
        public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
            => Elementwise.Binary(y, dy, dx, new TanhBackwardOperator(), nameof(y), nameof(dy), nameof(dx));

        /// <summary>Exact GELU: x · Φ(x) = x/2 · (1 + erf(x/√2)).</summary>
        /// <remarks>erf is faithfully rounded (below 1 ulp), so the relative error is below 1e-6 for x ≥ −1.5. Below
        /// x ≈ −1.3, Φ is taken from the erfc term directly rather than from 1 + erf, which PyTorch's float formula uses
        /// and which cancels: the relative error stays below 1e-5 down to x = −3 and 1e-4 down to x = −5, and the absolute
        /// error below 1e-9 beyond (where GELU itself is smaller than 1e-6).</remarks>
        public static void Gelu(ReadOnlySpan<float> x, Span<float> y)
            => Elementwise.Unary(x, y, new GeluOperator(), nameof(x), nameof(y));

        /// <summary>dx = dy · (Φ(x) + x·φ(x)), from the forward input x.</summary>
        public static void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
            => Elementwise.Binary(x, dy, dx, new GeluBackwardOperator(), nameof(x), nameof(dy), nameof(dx));

        /// <summary>Row-wise softmax of a [rows, cols] matrix (max-subtracted).</summary>
        public static void Softmax(ReadOnlySpan<float> x, Span<float> y, int rows, int cols)
        {
            KernelArguments.NonNegative(rows, nameof(rows));
            KernelArguments.NonNegative(cols, nameof(cols));
            KernelArguments.AtLeast(x.Length, nameof(x), rows, cols, nameof(rows), nameof(cols));
            KernelArguments.AtLeast(y.Length, nameof(y), rows, cols, nameof(rows), nameof(cols));
            if (cols == 0)
                return;
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> xRow = x.Slice(r * cols, cols);
                Span<float> yRow = y.Slice(r * cols, cols);
                // TensorPrimitives.SoftMax does not subtract the maximum, so large logits would overflow exp.
                float max = TensorPrimitives.Max(xRow);
                TensorPrimitives.Subtract(xRow, max, yRow);
                TensorPrimitives.Exp(yRow, yRow);
                TensorPrimitives.Divide(yRow, TensorPrimitives.Sum(yRow), yRow);
            }
        }

        /// <summary>Softmax Jacobian-vector product per row: dx = y ⊙ (dy − Σ dy⊙y).</summary>
        public static void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int rows, int cols)
        {
            KernelArguments.NonNegative(rows, nameof(rows));
            KernelArguments.NonNegative(cols, nameof(cols));
            KernelArguments.AtLeast(y.Length, nameof(y), rows, cols, nameof(rows), nameof(cols));
            KernelArguments.AtLeast(dy.Length, nameof(dy), rows, cols, nameof(rows), nameof(cols));
            KernelArguments.AtLeast(dx.Length, nameof(dx), rows, cols, nameof(rows), nameof(cols));
            if (cols == 0)
                return;
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> yRow = y.Slice(r * cols, cols);
                ReadOnlySpan<float> dyRow = dy.Slice(r * cols, cols);
                float dot = TensorPrimitives.Dot(dyRow, yRow);
                TensorPrimitives.AddMultiply(dyRow, -dot, yRow, dx.Slice(r * cols, cols));
            }
        }

        internal readonly struct ReLUBackwardOperator : IBinaryOperator
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public T Invoke<S, T>(T y, T dy) where S : ISimdMath<T> where T : struct
                => S.Select(S.GreaterThan(y, S.Zero), dy, S.Zero);
        }

        internal readonly struct LeakyReLUOperator(float slope) : IUnaryOperator
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public T Invoke<S, T>(T x) where S : ISimdMath<T> where T : struct
                => S.Select(S.GreaterThan(x, S.Zero), x, S.Multiply(x, S.Broadcast(slope)));
        }

        internal readonly struct LeakyReLUBackwardOperator(float slope) : IBinaryOperator
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public T Invoke<S, T>(T x, T dy) where S : ISimdMath<T> where T : struct
                => S.Select(S.GreaterThan(x, S.Zero), dy, S.Multiply(dy, S.Broadcast(slope)));
        }

        internal readonly struct SigmoidBackwardOperator : IBinaryOperator
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public T Invoke<S, T>(T y, T dy) where S : ISimdMath<T> where T : struct
                => S.Multiply(dy, S.Multiply(y, S.Subtract(S.Broadcast(1f), y)));
        }

        internal readonly struct TanhBackwardOperator : IBinaryOperator
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public T Invoke<S, T>(T y, T dy) where S : ISimdMath<T> where T : struct
                => S.Multiply(dy, S.MultiplyAdd(S.Subtract(S.Zero, y), y, S.Broadcast(1f)));
        }

        internal readonly struct GeluOperator : IUnaryOperator
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public T Invoke<S, T>(T x) where S : ISimdMath<T> where T : struct
                => S.Multiply(x, NormalDistribution.Cdf<S, T>(x));
        }

        internal readonly struct GeluBackwardOperator : IBinaryOperator
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public T Invoke<S, T>(T x, T dy) where S : ISimdMath<T> where T : struct
                => S.Multiply(dy, S.MultiplyAdd(x, NormalDistribution.Density<S, T>(x), NormalDistribution.Cdf<S, T>(x)));
        }
    }
}
