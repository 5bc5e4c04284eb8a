using System;
using System.Numerics.Tensors;

namespace TensorForge.Kernels
{
    /// <summary>The sinusoidal positional encoding of "Attention Is All You Need": pe[t, 2i] = sin(t·ω_i),
    /// pe[t, 2i+1] = cos(t·ω_i), ω_i = 10000^(−2i/d), computed in double and rounded once.</summary>
    public static class PositionalEncoding
    {
        /// <summary>A new table [steps, dimension].</summary>
        public static AlignedBuffer CreateTable(int steps, int dimension)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
            var table = new AlignedBuffer(checked(steps * dimension));
            Span<float> values = table.Span;
            for (int t = 0; t < steps; t++)
            {
                for (int j = 0; j < dimension; j++)
                {
                    int pair = j / 2 * 2;
                    double angle = t * Math.Exp(-Math.Log(10000.0) * pair / dimension);
                    values[t * dimension + j] = (float)(j % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle));
                }
            }
            return table;
        }

        /// <summary>y[b] = x[b] + table for every sample (<paramref name="perSample"/> = steps·dimension; y may be x).</summary>
        public static void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> table, Span<float> y, int batch, int perSample)
        {
            KernelArguments.NonNegative(batch, nameof(batch));
            KernelArguments.AtLeast(table.Length, nameof(table), 1, perSample, "1", nameof(perSample));
            KernelArguments.AtLeast(x.Length, nameof(x), batch, perSample, nameof(batch), nameof(perSample));
            KernelArguments.AtLeast(y.Length, nameof(y), batch, perSample, nameof(batch), nameof(perSample));
            for (int b = 0; b < batch; b++)
                TensorPrimitives.Add(x.Slice(b * perSample, perSample), table.Slice(0, perSample), y.Slice(b * perSample, perSample));
        }
    }
}
