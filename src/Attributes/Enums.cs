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

    /// <summary>How <c>new T(seed)</c> draws the weights of Dense and Conv2D layers (their biases are always PyTorch's
    /// U(−1/√fan_in, 1/√fan_in); the other layers always follow PyTorch). Every choice is seeded and deterministic.</summary>
    public enum Initialization
    {
        /// <summary>He-uniform, bound √(6/fan_in), for weights followed by a ReLU-family activation (fused, the next layer, or
        /// after a BatchNorm for Conv2D); Xavier-uniform, bound √(6/(fan_in + fan_out)), otherwise.</summary>
        Default = 0,
        /// <summary>PyTorch's own default (<c>reset_parameters</c> of <c>nn.Linear</c> and <c>nn.Conv2d</c>:
        /// <c>kaiming_uniform_(weight, a=√5)</c>), i.e. U(−1/√fan_in, 1/√fan_in) whatever follows — the initialisation a
        /// PyTorch twin of the network starts from (same distribution, not the same numbers).</summary>
        PyTorch = 1,
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

    /// <summary>How the network's loss is reduced to the number <c>TrainStep</c> returns and differentiates (PyTorch's
    /// <c>reduction</c>, plus the per-sample sum that a VAE's evidence lower bound needs). A layer's added loss (the KL term
    /// of <see cref="ReparameterizeAttribute"/>) is summed over its elements per sample and then reduced over the batch as
    /// the loss is: averaged, or summed under <see cref="Sum"/>.</summary>
    public enum Reduction
    {
        /// <summary>PyTorch's <c>reduction='mean'</c>: MSE and BCE average over batch × outputs, cross-entropy over the rows
        /// (batch × time steps) whose label is not ignored.</summary>
        Mean = 0,
        /// <summary>PyTorch's <c>reduction='sum'</c>: the sum over every element and every sample of the batch, so the loss and
        /// its gradient grow with the batch size.</summary>
        Sum,
        /// <summary>Summed over each sample's elements (pixels, time steps), then averaged over the samples of the batch: PyTorch's
        /// <c>reduction='sum'</c> divided by the batch size. The gradient scale does not depend on the batch size.</summary>
        SumPerSample,
    }
}
