using System;

namespace TensorForge
{
    /// <summary>Seeded parameter initialisation. Weights: He (Kaiming) uniform, bound √(6/fanIn), for layers followed by
    /// ReLU-family activations; Xavier (Glorot) uniform, bound √(6/(fanIn+fanOut)), otherwise. Biases: PyTorch's
    /// U(−1/√fanIn, 1/√fanIn).</summary>
    public static class Initializers
    {
        public static void HeUniform(Span<float> weights, int fanIn, ref SeededRandom random) => throw new NotImplementedException();
        public static void XavierUniform(Span<float> weights, int fanIn, int fanOut, ref SeededRandom random) => throw new NotImplementedException();
        public static void BiasUniform(Span<float> bias, int fanIn, ref SeededRandom random) => throw new NotImplementedException();
    }
}
