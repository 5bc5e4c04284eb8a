using System;
using System.Numerics.Tensors;

namespace TensorForge.Kernels
{
    /// <summary>Bias broadcast over rows and its gradient.</summary>
    public static class Bias
    {
        /// <summary>x[r, c] += bias[c] for a [rows, cols] matrix.</summary>
        public static void Add(Span<float> x, ReadOnlySpan<float> bias, int rows, int cols)
        {
            KernelArguments.NonNegative(rows, nameof(rows));
            KernelArguments.NonNegative(cols, nameof(cols));
            KernelArguments.AtLeast(x.Length, nameof(x), rows, cols, nameof(rows), nameof(cols));
            KernelArguments.AtLeast(bias.Length, nameof(bias), 1, cols, "1", nameof(cols));
            bias = bias.Slice(0, cols);
            for (int r = 0; r < rows; r++)
            {
                Span<float> row = x.Slice(r * cols, cols);
                TensorPrimitives.Add(row, bias, row);
            }
        }

        /// <summary>gradient[c] += Σ_r dy[r, c] (the bias gradient, accumulated).</summary>
        /// <remarks>Rows are added one at a time in order, so the result does not depend on how rows might later be split.</remarks>
        public static void AccumulateGradient(ReadOnlySpan<float> dy, Span<float> gradient, int rows, int cols)
        {
            KernelArguments.NonNegative(rows, nameof(rows));
            KernelArguments.NonNegative(cols, nameof(cols));
            KernelArguments.AtLeast(dy.Length, nameof(dy), rows, cols, nameof(rows), nameof(cols));
            KernelArguments.AtLeast(gradient.Length, nameof(gradient), 1, cols, "1", nameof(cols));
            gradient = gradient.Slice(0, cols);
            for (int r = 0; r < rows; r++)
                TensorPrimitives.Add(gradient, dy.Slice(r * cols, cols), gradient);
        }
    }
}
