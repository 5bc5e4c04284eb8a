using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace TensorForge.Kernels
{
    /// <summary><c>nn.LayerNorm</c> over the last axis: each row of x [rows, size] is normalised by its own mean and
    /// (biased) variance, y = (x − mean) / √(var + ε) ⊙ weight + bias, and its backward pass.</summary>
    /// <remarks>An empty weight or bias means none (elementwise_affine=False, or bias=False). A training forward caches the
    /// mean and 1/√(var + ε) of every row for <see cref="Backward"/>. Spans may be longer than the sizes need; a shorter
    /// one throws <see cref="ArgumentException"/> naming the sizes before anything is written. Nothing is allocated.</remarks>
    public static unsafe class LayerNorm
    {
        /// <summary>PyTorch's default ε.</summary>
        public const float DefaultEpsilon = 1e-5f;

        /// <summary>y = LayerNorm(x) row by row; y may be the same span as x.</summary>
        /// <param name="x">Input [rows, size].</param>
        /// <param name="weight">weight [size], or empty for none.</param>
        /// <param name="bias">bias [size], or empty for none.</param>
        /// <param name="y">Output [rows, size].</param>
        /// <param name="mean">Training: receives the mean of each row [rows]; empty in inference.</param>
        /// <param name="inverseStd">Training: receives 1/√(var + ε) of each row [rows]; empty in inference.</param>
        /// <param name="rows">Rows normalised independently (batch × steps for a sequence).</param>
        /// <param name="size">Length of the normalised last axis.</param>
        /// <param name="epsilon">ε added to the variance (<see cref="DefaultEpsilon"/>).</param>
        public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y,
            Span<float> mean, Span<float> inverseStd, int rows, int size, float epsilon)
        {
            KernelArguments.NonNegative(rows, nameof(rows));
            KernelArguments.NonNegative(size, nameof(size));
            SequenceArguments.AtLeast(x.Length, nameof(x), rows, size, nameof(rows), nameof(size));
            SequenceArguments.EmptyOrAtLeast(weight.Length, nameof(weight), size, nameof(size));
            SequenceArguments.EmptyOrAtLeast(bias.Length, nameof(bias), size, nameof(size));
            SequenceArguments.AtLeast(y.Length, nameof(y), rows, size, nameof(rows), nameof(size));
            if (mean.IsEmpty != inverseStd.IsEmpty)
                throw new ArgumentException($"mean has {mean.Length} elements and inverseStd {inverseStd.Length}: both must be empty (inference) or hold rows = {rows}.",
                    mean.IsEmpty ? nameof(mean) : nameof(inverseStd));
            SequenceArguments.EmptyOrAtLeast(mean.Length, nameof(mean), rows, nameof(rows));
            SequenceArguments.EmptyOrAtLeast(inverseStd.Length, nameof(inverseStd), rows, nameof(rows));
            if (size == 0)
                return;

            if (!weight.IsEmpty)
                weight = weight.Slice(0, size);
            if (!bias.IsEmpty)
                bias = bias.Slice(0, size);
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> xRow = x.Slice(r * size, size);
                Span<float> yRow = y.Slice(r * size, size);
                float m = TensorPrimitives.Sum(xRow) / size;
                TensorPrimitives.Subtract(xRow, m, yRow);
                float inverse = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(yRow) / size + epsilon);
                if (!mean.IsEmpty)
                {
                    mean[r] = m;
                    inverseStd[r] = inverse;
                }
                if (weight.IsEmpty)
                    TensorPrimitives.Multiply(yRow, inverse, yRow);
                else
                {
                    // (x − mean)·(1/σ) first, as PyTorch does, then the affine map in one fused pass.
                    TensorPrimitives.Multiply(yRow, inverse, yRow);
                    if (bias.IsEmpty)
                        TensorPrimitives.Multiply(yRow, weight, yRow);
                    else
                        TensorPrimitives.FusedMultiplyAdd(yRow, weight, bias, yRow);
                    continue;
                }
                if (!bias.IsEmpty)
                    TensorPrimitives.Add(yRow, bias, yRow);
            }
        }

        /// <summary>The gradients of a training <see cref="Forward"/>: with x̂ = (x − mean)·s, g = dy ⊙ weight,
        /// dx = s·(g − mean(g) − x̂·mean(g ⊙ x̂)), dweight = Σ_rows dy ⊙ x̂, dbias = Σ_rows dy.</summary>
        /// <param name="x">The forward input [rows, size].</param>
        /// <param name="dy">dL/dy [rows, size].</param>
        /// <param name="weight">weight [size], or empty for none (as given to Forward).</param>
        /// <param name="mean">The means the training forward cached [rows].</param>
        /// <param name="inverseStd">The 1/√(var + ε) the training forward cached [rows].</param>
        /// <param name="dx">dL/dx [rows, size], or empty when not wanted; may be the same span as dy.</param>
        /// <param name="weightGradient">dL/dweight [size], or empty (no weight).</param>
        /// <param name="biasGradient">dL/dbias [size], or empty (no bias).</param>
        /// <param name="rows">Rows.</param>
        /// <param name="size">Length of the normalised axis.</param>
        /// <param name="accumulate">Add to the weight and bias gradients instead of overwriting them.</param>
        /// <param name="accumulateInputGradient">Add to dx instead of overwriting it (a residual connection around the
        /// norm); dx must then not be the same span as dy.</param>
        public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, ReadOnlySpan<float> mean,
            ReadOnlySpan<float> inverseStd, Span<float> dx, Span<float> weightGradient, Span<float> biasGradient, int rows, int size,
            bool accumulate, bool accumulateInputGradient)
        {
            KernelArguments.NonNegative(rows, nameof(rows));
            KernelArguments.NonNegative(size, nameof(size));
            SequenceArguments.AtLeast(x.Length, nameof(x), rows, size, nameof(rows), nameof(size));
            SequenceArguments.AtLeast(dy.Length, nameof(dy), rows, size, nameof(rows), nameof(size));
            SequenceArguments.EmptyOrAtLeast(weight.Length, nameof(weight), size, nameof(size));
            SequenceArguments.AtLeast(mean.Length, nameof(mean), rows, nameof(rows));
            SequenceArguments.AtLeast(inverseStd.Length, nameof(inverseStd), rows, nameof(rows));
            SequenceArguments.EmptyOrAtLeast(dx.Length, nameof(dx), rows, size, nameof(rows), nameof(size));
            SequenceArguments.EmptyOrAtLeast(weightGradient.Length, nameof(weightGradient), size, nameof(size));
            SequenceArguments.EmptyOrAtLeast(biasGradient.Length, nameof(biasGradient), size, nameof(size));
            if (size == 0)
                return;
            if (!accumulate)
            {
                if (!weightGradient.IsEmpty)
                    weightGradient.Slice(0, size).Clear();
                if (!biasGradient.IsEmpty)
                    biasGradient.Slice(0, size).Clear();
            }

            fixed (float* px = x, pdy = dy, pw = weight, pdx = dx, pdw = weightGradient, pdb = biasGradient)
            {
                var sums = new RowSums { Weight = pw, WeightGradient = pdw, BiasGradient = pdb };
                var input = new InputGradient { Weight = pw, Accumulate = accumulateInputGradient };
                for (int r = 0; r < rows; r++)
                {
                    nint offset = (nint)r * size;
                    sums.X = px + offset;
                    sums.Dy = pdy + offset;
                    sums.Mean = mean[r];
                    sums.InverseStd = inverseStd[r];
                    sums.SumG = 0f;
                    sums.SumGxHat = 0f;
                    ColumnKernel.Rows(ref sums, 1, size);
                    if (pdx == null)
                        continue;
                    input.X = sums.X;
                    input.Dy = sums.Dy;
                    input.Dx = pdx + offset;
                    input.Mean = sums.Mean;
                    input.InverseStd = sums.InverseStd;
                    input.MeanG = sums.SumG / size;
                    input.MeanGxHat = sums.SumGxHat / size;
                    ColumnKernel.Rows(ref input, 1, size);
                }
            }
        }

        /// <summary>Pass 1 of a row: Σ g and Σ g ⊙ x̂, and the parameter gradients.</summary>
        private struct RowSums : IColumnKernel
        {
            public float* X, Dy, Weight, WeightGradient, BiasGradient;
            public float Mean, InverseStd, SumG, SumGxHat;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Run<S, T>(int row, int start, int end) where S : ISimdMath<T> where T : struct
            {
                float* x = X, dy = Dy, weight = Weight, dWeight = WeightGradient, dBias = BiasGradient;
                T mean = S.Broadcast(Mean), inverse = S.Broadcast(InverseStd);
                T sumG = S.Zero, sumGxHat = S.Zero;
                for (int j = start; j < end; j += S.Count)
                {
                    T d = S.Load(dy + j);
                    T xHat = S.Multiply(S.Subtract(S.Load(x + j), mean), inverse);
                    T g = weight != null ? S.Multiply(d, S.Load(weight + j)) : d;
                    sumG = S.Add(sumG, g);
                    sumGxHat = S.MultiplyAdd(g, xHat, sumGxHat);
                    if (dWeight != null)
                        S.Store(S.MultiplyAdd(d, xHat, S.Load(dWeight + j)), dWeight + j);
                    if (dBias != null)
                        S.Store(S.Add(S.Load(dBias + j), d), dBias + j);
                }
                SumG += S.Sum(sumG);
                SumGxHat += S.Sum(sumGxHat);
            }
        }

        /// <summary>Pass 2 of a row: dx = s·(g − mean(g) − x̂·mean(g ⊙ x̂)).</summary>
        private struct InputGradient : IColumnKernel
        {
            public float* X, Dy, Dx, Weight;
            public float Mean, InverseStd, MeanG, MeanGxHat;
            public bool Accumulate;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public readonly void Run<S, T>(int row, int start, int end) where S : ISimdMath<T> where T : struct
            {
                float* x = X, dy = Dy, dx = Dx, weight = Weight;
                T mean = S.Broadcast(Mean), inverse = S.Broadcast(InverseStd), meanG = S.Broadcast(MeanG), meanGxHat = S.Broadcast(MeanGxHat);
                for (int j = start; j < end; j += S.Count)
                {
                    T d = S.Load(dy + j);
                    T xHat = S.Multiply(S.Subtract(S.Load(x + j), mean), inverse);
                    T g = weight != null ? S.Multiply(d, S.Load(weight + j)) : d;
                    T gradient = S.Multiply(inverse, S.Subtract(S.Subtract(g, meanG), S.Multiply(xHat, meanGxHat)));
                    S.Store(Accumulate ? S.Add(S.Load(dx + j), gradient) : gradient, dx + j);
                }
            }
        }
    }
}
