using System;

namespace TensorForge.Kernels
{
    /// <summary>Element-wise activations and their backward passes. Forward kernels allow x and y to be the same span;
    /// backward kernels allow dy and dx to be the same span. Backward kernels overwrite dx (no accumulation).</summary>
    public static class Activations
    {
        public static void ReLU(ReadOnlySpan<float> x, Span<float> y) => throw new NotImplementedException();
        /// <summary>dx = dy · (y &gt; 0), from the forward output y.</summary>
        public static void ReLUBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => throw new NotImplementedException();

        public static void LeakyReLU(ReadOnlySpan<float> x, Span<float> y, float slope) => throw new NotImplementedException();
        /// <summary>dx = dy · (x &gt; 0 ? 1 : slope), from the forward input x.</summary>
        public static void LeakyReLUBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float slope) => throw new NotImplementedException();

        public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => throw new NotImplementedException();
        /// <summary>dx = dy · y(1 − y), from the forward output y.</summary>
        public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => throw new NotImplementedException();

        public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => throw new NotImplementedException();
        /// <summary>dx = dy · (1 − y²), from the forward output y.</summary>
        public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => throw new NotImplementedException();

        /// <summary>Exact GELU: x · Φ(x) = x/2 · (1 + erf(x/√2)).</summary>
        public static void Gelu(ReadOnlySpan<float> x, Span<float> y) => throw new NotImplementedException();
        /// <summary>dx = dy · (Φ(x) + x·φ(x)), from the forward input x.</summary>
        public static void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) => throw new NotImplementedException();

        /// <summary>Row-wise softmax of a [rows, cols] matrix (max-subtracted).</summary>
        public static void Softmax(ReadOnlySpan<float> x, Span<float> y, int rows, int cols) => throw new NotImplementedException();
        /// <summary>Softmax Jacobian-vector product per row: dx = y ⊙ (dy − Σ dy⊙y).</summary>
        public static void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int rows, int cols) => throw new NotImplementedException();
    }
}
