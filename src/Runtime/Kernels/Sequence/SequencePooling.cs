using System;
using System.Numerics.Tensors;

namespace TensorForge.Kernels
{
    /// <summary>Pooling of a batch-first sequence [batch, steps, features] to [batch, features]: its last time step, or its
    /// mean over time. Backward passes overwrite the input gradient.</summary>
    public static class SequencePooling
    {
        /// <summary>y[b] = x[b, steps − 1].</summary>
        public static void LastStep(ReadOnlySpan<float> x, Span<float> y, int batch, int steps, int features)
        {
            Check(x.Length, y.Length, batch, steps, features, nameof(x), nameof(y));
            int sample = steps * features;
            for (int b = 0; b < batch; b++)
                x.Slice(b * sample + (steps - 1) * features, features).CopyTo(y.Slice(b * features, features));
        }

        /// <summary>dx = 0 except dx[b, steps − 1] = dy[b].</summary>
        public static void LastStepBackward(ReadOnlySpan<float> dy, Span<float> dx, int batch, int steps, int features)
        {
            Check(dx.Length, dy.Length, batch, steps, features, nameof(dx), nameof(dy));
            int sample = steps * features;
            dx.Slice(0, batch * sample).Clear();
            for (int b = 0; b < batch; b++)
                dy.Slice(b * features, features).CopyTo(dx.Slice(b * sample + (steps - 1) * features, features));
        }

        /// <summary>y[b] = (1/steps)·Σ_t x[b, t], summed in time order.</summary>
        public static void Mean(ReadOnlySpan<float> x, Span<float> y, int batch, int steps, int features)
        {
            Check(x.Length, y.Length, batch, steps, features, nameof(x), nameof(y));
            int sample = steps * features;
            float scale = 1f / steps;
            for (int b = 0; b < batch; b++)
            {
                Span<float> row = y.Slice(b * features, features);
                x.Slice(b * sample, features).CopyTo(row);
                for (int t = 1; t < steps; t++)
                    TensorPrimitives.Add(row, x.Slice(b * sample + t * features, features), row);
                TensorPrimitives.Multiply(row, scale, row);
            }
        }

        /// <summary>dx[b, t] = dy[b]/steps for every t.</summary>
        public static void MeanBackward(ReadOnlySpan<float> dy, Span<float> dx, int batch, int steps, int features)
        {
            Check(dx.Length, dy.Length, batch, steps, features, nameof(dx), nameof(dy));
            int sample = steps * features;
            float scale = 1f / steps;
            for (int b = 0; b < batch; b++)
                for (int t = 0; t < steps; t++)
                    TensorPrimitives.Multiply(dy.Slice(b * features, features), scale, dx.Slice(b * sample + t * features, features));
        }

        private static void Check(int sequenceLength, int pooledLength, int batch, int steps, int features, string sequenceName, string pooledName)
        {
            KernelArguments.NonNegative(batch, nameof(batch));
            KernelArguments.NonNegative(features, nameof(features));
            if (steps < 1)
                throw new ArgumentException($"steps is {steps} but a sequence has at least one time step", nameof(steps));
            KernelArguments.AtLeast(sequenceLength, sequenceName, batch, steps * features, nameof(batch), "steps·features");
            KernelArguments.AtLeast(pooledLength, pooledName, batch, features, nameof(batch), nameof(features));
        }
    }
}
