namespace TensorForge
{
    /// <summary>Element-wise activation fused into a layer (e.g. <see cref="DenseAttribute.Activation"/>).</summary>
    public enum Activation
    {
        /// <summary>Identity: the layer's output is its affine result.</summary>
        None = 0,
        /// <summary><c>max(0, x)</c> (PyTorch <c>nn.ReLU</c>).</summary>
        ReLU,
        /// <summary><c>x ≥ 0 ? x : 0.01·x</c> (PyTorch <c>nn.LeakyReLU</c> default slope).</summary>
        LeakyReLU,
        /// <summary><c>1 / (1 + e^-x)</c>.</summary>
        Sigmoid,
        /// <summary>Hyperbolic tangent.</summary>
        Tanh,
        /// <summary>Exact (erf) GELU, PyTorch's default <c>nn.GELU()</c>.</summary>
        Gelu,
    }

    /// <summary>The training loss; PyTorch's mean reduction.</summary>
    public enum Loss
    {
        /// <summary>No loss: the network has no <c>TrainStep</c> (custom loops use <c>ForwardTrain</c>/<c>Backward</c>/<c>Step</c>).</summary>
        None = 0,
        /// <summary><c>nn.MSELoss()</c>: mean over batch × outputs.</summary>
        MeanSquaredError,
        /// <summary><c>nn.CrossEntropyLoss()</c> on logits: mean over the batch; labels are class indices (or probabilities).</summary>
        SoftmaxCrossEntropy,
        /// <summary><c>nn.BCEWithLogitsLoss()</c>: mean over batch × outputs; targets in [0, 1].</summary>
        BinaryCrossEntropyWithLogits,
    }
}
