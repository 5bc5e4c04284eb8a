using System;
using System.Numerics.Tensors;

namespace TensorForge.Kernels
{
    /// <summary>Inverted dropout with a stored mask, so that backward replays exactly what forward did.</summary>
    public static class Dropout
    {
        /// <summary>Fills <paramref name="mask"/> with 0 (probability p) or 1/(1−p), drawn from <paramref name="random"/>, and writes y = x ⊙ mask.
        /// p = 0 copies x and fills the mask with 1.</summary>
        /// <remarks>One draw per element, in order: element i is dropped when the i-th <see cref="SeededRandom.NextSingle"/>
        /// is below p. p = 0 draws nothing. p = 1 drops everything (y = 0), as PyTorch does. p outside [0, 1] throws
        /// <see cref="ArgumentOutOfRangeException"/>.</remarks>
        public static void Forward(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float p, ref SeededRandom random)
        {
            if (!(p >= 0f && p <= 1f))
                throw new ArgumentOutOfRangeException(nameof(p), p, $"The dropout probability must lie in [0, 1] but is {p}.");
            KernelArguments.Destination(y.Length, nameof(y), x.Length, nameof(x));
            KernelArguments.Destination(mask.Length, nameof(mask), x.Length, nameof(x));
            int n = x.Length;
            mask = mask.Slice(0, n);
            if (p == 0f)
            {
                mask.Fill(1f);
                x.CopyTo(y);
                return;
            }

            float keep = p < 1f ? 1f / (1f - p) : 0f;
            for (int i = 0; i < n; i++)
                mask[i] = random.NextSingle() < p ? 0f : keep;
            TensorPrimitives.Multiply(x, mask, y);
        }

        /// <summary>Fills <paramref name="mask"/> as <see cref="Forward"/> does (0 with probability p, else 1/(1−p); one draw
        /// per element in order), for a kernel that applies the mask itself (attention probabilities).</summary>
        public static void Mask(Span<float> mask, float p, ref SeededRandom random)
        {
            if (!(p >= 0f && p <= 1f))
                throw new ArgumentOutOfRangeException(nameof(p), p, $"The dropout probability must lie in [0, 1] but is {p}.");
            if (p == 0f)
            {
                mask.Fill(1f);
                return;
            }
            float keep = p < 1f ? 1f / (1f - p) : 0f;
            for (int i = 0; i < mask.Length; i++)
                mask[i] = random.NextSingle() < p ? 0f : keep;
        }

        /// <summary>dx = dy ⊙ mask.</summary>
        public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> mask, Span<float> dx)
        {
            KernelArguments.SameLength(mask.Length, nameof(mask), dy.Length, nameof(dy));
            KernelArguments.Destination(dx.Length, nameof(dx), dy.Length, nameof(dy));
            TensorPrimitives.Multiply(dy, mask, dx);
        }
    }
}
