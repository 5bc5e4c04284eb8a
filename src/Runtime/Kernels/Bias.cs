using System;

namespace TensorForge.Kernels
{
    /// <summary>Bias broadcast over rows and its gradient.</summary>
    public static class Bias
    {
        /// <summary>x[r, c] += bias[c] for a [rows, cols] matrix.</summary>
        public static void Add(Span<float> x, ReadOnlySpan<float> bias, int rows, int cols) => throw new NotImplementedException();

        /// <summary>gradient[c] += Σ_r dy[r, c] (the bias gradient, accumulated).</summary>
        public static void AccumulateGradient(ReadOnlySpan<float> dy, Span<float> gradient, int rows, int cols) => throw new NotImplementedException();
    }
}
