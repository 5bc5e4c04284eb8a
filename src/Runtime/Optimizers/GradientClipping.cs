using System;

namespace TensorForge.Optimizers
{
    /// <summary>Gradient-norm clipping with <c>torch.nn.utils.clip_grad_norm_</c>'s semantics (norm type 2, over all
    /// parameters at once): when the total norm exceeds <c>maxNorm</c>, every gradient is multiplied by
    /// <c>maxNorm / (totalNorm + 1e-6)</c>.</summary>
    public static class GradientClipping
    {
        /// <summary>Clips <paramref name="gradients"/> in place and returns the total norm before clipping. The sum of squares
        /// is taken in double, in order, so the result does not depend on the thread count.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not positive and finite.</exception>
        public static float ClipByNorm(Span<float> gradients, float maxNorm)
        {
            if (!(maxNorm > 0f) || float.IsInfinity(maxNorm))
                throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The largest gradient norm must be positive and finite.");
            double sum = 0;
            for (int i = 0; i < gradients.Length; i++)
                sum += (double)gradients[i] * gradients[i];
            float norm = (float)Math.Sqrt(sum);
            float coefficient = maxNorm / (norm + 1e-6f);
            if (coefficient < 1f)
                System.Numerics.Tensors.TensorPrimitives.Multiply(gradients, coefficient, gradients);
            return norm;
        }
    }
}
