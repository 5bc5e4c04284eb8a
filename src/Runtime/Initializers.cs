using System;

namespace TensorForge
{
    /// <summary>Seeded parameter initialisation. Weights by default: He (Kaiming) uniform, bound √(6/fanIn), for layers followed
    /// by ReLU-family activations; Xavier (Glorot) uniform, bound √(6/(fanIn+fanOut)), otherwise; or, with
    /// <c>[Network(Initialization = Initialization.PyTorch)]</c>, PyTorch's U(−1/√fanIn, 1/√fanIn). Biases: PyTorch's
    /// U(−1/√fanIn, 1/√fanIn).</summary>
    /// <remarks>Every value is drawn as (2u − 1)·bound with u = <see cref="SeededRandom.NextSingle"/>, in element order,
    /// so a layer's values depend only on the generator's state.</remarks>
    public static class Initializers
    {
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="fanIn"/> is not positive.</exception>
        public static void HeUniform(Span<float> weights, int fanIn, ref SeededRandom random)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
            Uniform(weights, (float)Math.Sqrt(6.0 / fanIn), ref random);
        }

        /// <exception cref="ArgumentOutOfRangeException">A fan is negative, or both are zero.</exception>
        public static void XavierUniform(Span<float> weights, int fanIn, int fanOut, ref SeededRandom random)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(fanIn);
            ArgumentOutOfRangeException.ThrowIfNegative(fanOut);
            long fans = (long)fanIn + fanOut;
            if (fans == 0)
                throw new ArgumentOutOfRangeException(nameof(fanIn), "fanIn + fanOut must be positive for Xavier initialisation.");
            Uniform(weights, (float)Math.Sqrt(6.0 / fans), ref random);
        }

        /// <summary>U(−1/√fanIn, 1/√fanIn): PyTorch's default weights of <c>nn.Linear</c> and <c>nn.Conv2d</c>
        /// (<c>kaiming_uniform_(weight, a=√5)</c>, whose bound √(6/((1 + 5)·fanIn)) is 1/√fanIn).</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="fanIn"/> is not positive.</exception>
        public static void PyTorchUniform(Span<float> weights, int fanIn, ref SeededRandom random)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
            Uniform(weights, (float)(1.0 / Math.Sqrt(fanIn)), ref random);
        }

        /// <summary>N(0, 1), PyTorch's initialisation of <c>nn.Embedding</c>.</summary>
        public static void StandardNormal(Span<float> values, ref SeededRandom random)
        {
            for (int i = 0; i < values.Length; i++)
                values[i] = random.NextGaussian();
        }

        /// <summary>U(−1/√fanIn, 1/√fanIn); zeros when <paramref name="fanIn"/> is 0, as in PyTorch.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="fanIn"/> is negative.</exception>
        public static void BiasUniform(Span<float> bias, int fanIn, ref SeededRandom random)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(fanIn);
            if (fanIn == 0)
            {
                bias.Clear();
                return;
            }
            Uniform(bias, (float)(1.0 / Math.Sqrt(fanIn)), ref random);
        }

        private static void Uniform(Span<float> values, float bound, ref SeededRandom random)
        {
            for (int i = 0; i < values.Length; i++)
                values[i] = (2f * random.NextSingle() - 1f) * bound;
        }
    }
}
