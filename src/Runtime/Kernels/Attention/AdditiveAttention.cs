using System;
using System.Numerics.Tensors;

namespace TensorForge.Kernels
{
    /// <summary>Additive (Bahdanau-style) attention pooling of a batch-first sequence x [batch, steps, features] to one
    /// vector per sample, and its backward pass:
    /// <code>
    /// u_t = tanh(W x_t + b)          W = proj.weight [attentionSize, features], b = proj.bias [attentionSize]
    /// e_t = vᵀ u_t                   v = v.weight [1, attentionSize]
    /// α   = softmax over t of e
    /// y   = Σ_t α_t x_t              [features]
    /// </code>
    /// the PyTorch module <c>y = (softmax(v(tanh(proj(x))).squeeze(-1), dim=1).unsqueeze(-1) * x).sum(1)</c> with
    /// <c>proj = nn.Linear(features, attentionSize)</c> and <c>v = nn.Linear(attentionSize, 1, bias=False)</c>.</summary>
    /// <remarks>
    /// <para>The projection u [batch, steps, attentionSize] (after tanh) and the weights α [batch, steps] are written by
    /// <see cref="Forward"/> and read by <see cref="Backward"/>, which leaves them as it found them. The projection and the
    /// weight gradient are one GEMM each over all batch·steps rows; the rest is <see cref="TensorPrimitives"/> per row.
    /// Nothing is allocated; results do not depend on <see cref="Gemm.MaxThreads"/>. There is no mask: every step of every
    /// sample takes part (padding masks are not supported).</para>
    /// <para>Spans may be longer than the sizes need; a shorter one throws <see cref="ArgumentException"/> naming the sizes
    /// before anything is written.</para>
    /// </remarks>
    public static class AdditiveAttention
    {
        /// <summary>y = Σ_t softmax_t(vᵀ tanh(W x_t + b)) x_t for every sample.</summary>
        /// <param name="x">Input [batch, steps, features].</param>
        /// <param name="weight">proj.weight [attentionSize, features].</param>
        /// <param name="bias">proj.bias [attentionSize].</param>
        /// <param name="v">v.weight [1, attentionSize].</param>
        /// <param name="output">y [batch, features].</param>
        /// <param name="projection">Receives u = tanh(W x + b) [batch, steps, attentionSize].</param>
        /// <param name="weights">Receives α [batch, steps].</param>
        /// <param name="batch">Samples.</param>
        /// <param name="steps">Time steps T.</param>
        /// <param name="features">Features per step H.</param>
        /// <param name="attentionSize">A, the width of the projection.</param>
        public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> v,
            Span<float> output, Span<float> projection, Span<float> weights, int batch, int steps, int features, int attentionSize)
        {
            CheckSizes(batch, steps, features, attentionSize);
            CheckParameters(weight.Length, v.Length, nameof(weight), nameof(v), features, attentionSize);
            SequenceArguments.AtLeast(bias.Length, nameof(bias), attentionSize, nameof(attentionSize));
            SequenceArguments.AtLeast(x.Length, nameof(x), batch, steps, features, nameof(batch), nameof(steps), nameof(features));
            SequenceArguments.AtLeast(output.Length, nameof(output), batch, features, nameof(batch), nameof(features));
            SequenceArguments.AtLeast(projection.Length, nameof(projection), batch, steps, attentionSize, nameof(batch), nameof(steps), nameof(attentionSize));
            SequenceArguments.AtLeast(weights.Length, nameof(weights), batch, steps, nameof(batch), nameof(steps));
            output.Slice(0, batch * features).Clear();
            int rows = batch * steps;
            if (rows == 0)
                return;

            Span<float> u = projection.Slice(0, rows * attentionSize);
            Gemm.MultiplyTransposedB(x.Slice(0, rows * features), weight, u, rows, features, attentionSize);
            Bias.Add(u, bias, rows, attentionSize);
            TensorPrimitives.Tanh(u, u);
            ReadOnlySpan<float> vector = v.Slice(0, attentionSize);
            for (int r = 0; r < rows; r++)
                weights[r] = TensorPrimitives.Dot(u.Slice(r * attentionSize, attentionSize), vector);
            for (int b = 0; b < batch; b++)
            {
                Span<float> alpha = weights.Slice(b * steps, steps);
                Softmax(alpha);
                Span<float> y = output.Slice(b * features, features);
                for (int t = 0; t < steps; t++)
                    TensorPrimitives.MultiplyAdd(x.Slice((b * steps + t) * features, features), alpha[t], y, y);
            }
        }

        /// <summary>The gradients of a <see cref="Forward"/> with the same x, parameters and sizes, whose projection and
        /// weights it reads.</summary>
        /// <param name="x">Input [batch, steps, features], as given to Forward.</param>
        /// <param name="weight">proj.weight [attentionSize, features].</param>
        /// <param name="v">v.weight [1, attentionSize].</param>
        /// <param name="projection">u from Forward [batch, steps, attentionSize].</param>
        /// <param name="weights">α from Forward [batch, steps].</param>
        /// <param name="outputGradient">dL/dy [batch, features].</param>
        /// <param name="inputGradient">dL/dx [batch, steps, features] (overwritten), or empty when not wanted.</param>
        /// <param name="weightGradient">dL/dproj.weight [attentionSize, features].</param>
        /// <param name="biasGradient">dL/dproj.bias [attentionSize].</param>
        /// <param name="vGradient">dL/dv.weight [attentionSize].</param>
        /// <param name="projectionGradient">Scratch [batch, steps, attentionSize] (dL/d(W x + b) on return).</param>
        /// <param name="scoreGradient">Scratch [batch, steps] (dL/de on return).</param>
        /// <param name="batch">Samples.</param>
        /// <param name="steps">Time steps T.</param>
        /// <param name="features">Features per step H.</param>
        /// <param name="attentionSize">A.</param>
        /// <param name="accumulate">Add to the three parameter gradients instead of overwriting them.</param>
        public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> v, ReadOnlySpan<float> projection,
            ReadOnlySpan<float> weights, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, Span<float> weightGradient,
            Span<float> biasGradient, Span<float> vGradient, Span<float> projectionGradient, Span<float> scoreGradient,
            int batch, int steps, int features, int attentionSize, bool accumulate)
        {
            CheckSizes(batch, steps, features, attentionSize);
            CheckParameters(weight.Length, v.Length, nameof(weight), nameof(v), features, attentionSize);
            SequenceArguments.AtLeast(x.Length, nameof(x), batch, steps, features, nameof(batch), nameof(steps), nameof(features));
            SequenceArguments.AtLeast(projection.Length, nameof(projection), batch, steps, attentionSize, nameof(batch), nameof(steps), nameof(attentionSize));
            SequenceArguments.AtLeast(weights.Length, nameof(weights), batch, steps, nameof(batch), nameof(steps));
            SequenceArguments.AtLeast(outputGradient.Length, nameof(outputGradient), batch, features, nameof(batch), nameof(features));
            SequenceArguments.EmptyOrAtLeast(inputGradient.Length, nameof(inputGradient), batch, steps, features, nameof(batch), nameof(steps), nameof(features));
            CheckParameters(weightGradient.Length, vGradient.Length, nameof(weightGradient), nameof(vGradient), features, attentionSize);
            SequenceArguments.AtLeast(biasGradient.Length, nameof(biasGradient), attentionSize, nameof(attentionSize));
            SequenceArguments.AtLeast(projectionGradient.Length, nameof(projectionGradient), batch, steps, attentionSize, nameof(batch), nameof(steps), nameof(attentionSize));
            SequenceArguments.AtLeast(scoreGradient.Length, nameof(scoreGradient), batch, steps, nameof(batch), nameof(steps));
            Span<float> dWeight = weightGradient.Slice(0, attentionSize * features), dBias = biasGradient.Slice(0, attentionSize), dV = vGradient.Slice(0, attentionSize);
            if (!accumulate)
            {
                dWeight.Clear();
                dBias.Clear();
                dV.Clear();
            }
            int rows = batch * steps;
            if (rows == 0)
                return;

            // dL/dα_t = dy · x_t, then through the softmax: dL/de = α ⊙ (dα − α · dα).
            Span<float> de = scoreGradient.Slice(0, rows);
            for (int b = 0; b < batch; b++)
            {
                ReadOnlySpan<float> dy = outputGradient.Slice(b * features, features);
                for (int t = 0; t < steps; t++)
                    de[b * steps + t] = TensorPrimitives.Dot(dy, x.Slice((b * steps + t) * features, features));
                ReadOnlySpan<float> alpha = weights.Slice(b * steps, steps);
                Span<float> row = de.Slice(b * steps, steps);
                float dot = TensorPrimitives.Dot(alpha, row);
                TensorPrimitives.Subtract(row, dot, row);
                TensorPrimitives.Multiply(row, alpha, row);
            }

            // dL/dv = Σ_r de_r u_r; dL/d(W x + b)_r = de_r v ⊙ (1 − u_r²).
            ReadOnlySpan<float> u = projection.Slice(0, rows * attentionSize);
            Gemm.MultiplyTransposedA(de, u, dV, 1, rows, attentionSize, accumulate: true);
            Span<float> dz = projectionGradient.Slice(0, rows * attentionSize);
            TensorPrimitives.Multiply(u, u, dz);
            TensorPrimitives.Subtract(1f, dz, dz);
            ReadOnlySpan<float> vector = v.Slice(0, attentionSize);
            for (int r = 0; r < rows; r++)
            {
                Span<float> row = dz.Slice(r * attentionSize, attentionSize);
                TensorPrimitives.Multiply(row, vector, row);
                TensorPrimitives.Multiply(row, de[r], row);
            }
            ReadOnlySpan<float> xs = x.Slice(0, rows * features);
            Gemm.MultiplyTransposedA(dz, xs, dWeight, attentionSize, rows, features, accumulate: true);
            Bias.AccumulateGradient(dz, dBias, rows, attentionSize);

            if (inputGradient.IsEmpty)
                return;
            // dL/dx_t = α_t dy (the weighted sum) + dz_t W (the scores).
            for (int b = 0; b < batch; b++)
            {
                ReadOnlySpan<float> dy = outputGradient.Slice(b * features, features);
                for (int t = 0; t < steps; t++)
                    TensorPrimitives.Multiply(dy, weights[b * steps + t], inputGradient.Slice((b * steps + t) * features, features));
            }
            Gemm.Multiply(dz, weight, inputGradient.Slice(0, rows * features), rows, attentionSize, features, accumulate: true);
        }

        /// <summary>α = softmax(α) in place, shifted by the maximum so that large scores do not overflow.</summary>
        private static void Softmax(Span<float> row)
        {
            float max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, row);
            TensorPrimitives.Exp(row, row);
            TensorPrimitives.Divide(row, TensorPrimitives.Sum(row), row);
        }

        private static void CheckSizes(int batch, int steps, int features, int attentionSize)
        {
            KernelArguments.NonNegative(batch, nameof(batch));
            KernelArguments.NonNegative(steps, nameof(steps));
            KernelArguments.NonNegative(features, nameof(features));
            KernelArguments.NonNegative(attentionSize, nameof(attentionSize));
        }

        private static void CheckParameters(int weight, int v, string weightName, string vName, int features, int attentionSize)
        {
            SequenceArguments.AtLeast(weight, weightName, attentionSize, features, nameof(attentionSize), nameof(features));
            SequenceArguments.AtLeast(v, vName, attentionSize, nameof(attentionSize));
        }
    }
}
