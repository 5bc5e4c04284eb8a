using System;

namespace TensorForge.Kernels
{
    /// <summary>Inverted dropout with a stored mask, so that backward replays exactly what forward did.</summary>
    public static class Dropout
    {
        /// <summary>Fills <paramref name="mask"/> with 0 (probability p) or 1/(1−p), drawn from <paramref name="random"/>, and writes y = x ⊙ mask.
        /// p = 0 copies x and fills the mask with 1.</summary>
        public static void Forward(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float p, ref SeededRandom random) => throw new NotImplementedException();

        /// <summary>dx = dy ⊙ mask.</summary>
        public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> mask, Span<float> dx) => throw new NotImplementedException();
    }
}
