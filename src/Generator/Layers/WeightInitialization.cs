namespace TensorForge.Generator.Layers
{
    /// <summary>How a Dense or Conv2D layer draws its weights: the network's <c>Initialization</c> and, by default, the
    /// activation that follows the layer decide.</summary>
    internal enum WeightInitialization
    {
        /// <summary>Xavier-uniform, bound √(6/(fan_in + fan_out)): the default when no ReLU-family activation follows.</summary>
        Xavier,
        /// <summary>He-uniform, bound √(6/fan_in): the default before a ReLU-family activation.</summary>
        He,
        /// <summary>PyTorch's reset_parameters, U(−1/√fan_in, 1/√fan_in): <c>Initialization.PyTorch</c>.</summary>
        PyTorch,
    }

    internal static class WeightInitializationCalls
    {
        /// <summary>The weight initialisation of a layer: PyTorch's when the network asks for it, else He or Xavier.</summary>
        public static WeightInitialization Choose(bool pyTorch, bool reluFollows)
            => pyTorch ? WeightInitialization.PyTorch : reluFollows ? WeightInitialization.He : WeightInitialization.Xavier;

        /// <summary>The statement that fills <paramref name="weights"/> (a span expression of the constructor).</summary>
        public static string Statement(WeightInitialization initialization, string weights, int fanIn, int fanOut) => initialization switch
        {
            WeightInitialization.He => $"global::TensorForge.Initializers.HeUniform({weights}, {fanIn}, ref random);",
            WeightInitialization.PyTorch => $"global::TensorForge.Initializers.PyTorchUniform({weights}, {fanIn}, ref random);",
            _ => $"global::TensorForge.Initializers.XavierUniform({weights}, {fanIn}, {fanOut}, ref random);",
        };
    }
}
