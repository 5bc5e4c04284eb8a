using System;

namespace TensorForge
{
    /// <summary>Fully connected layer, PyTorch <c>nn.Linear</c>: <c>y = x·Wᵀ + b</c>, weight <c>[units, in]</c>, bias <c>[units]</c>.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class DenseAttribute : LayerAttribute
    {
        /// <summary>Declares a dense layer with <paramref name="units"/> outputs.</summary>
        public DenseAttribute(int units) { Units = units; }
        /// <summary>Number of outputs.</summary>
        public int Units { get; }
        /// <summary>Activation fused after the affine map. Default none.</summary>
        public Activation Activation { get; set; }
        /// <summary>Whether the layer has a bias. Default true.</summary>
        public bool Bias { get; set; } = true;
    }

    /// <summary>Flattens the per-sample shape to a vector (PyTorch <c>nn.Flatten()</c>). No parameters.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class FlattenAttribute : LayerAttribute { }

    /// <summary>Inverted dropout (PyTorch <c>nn.Dropout</c>): in training, zeroes each element with probability <c>p</c> and scales the rest by <c>1/(1-p)</c>; identity in inference.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class DropoutAttribute : LayerAttribute
    {
        /// <summary>Declares dropout with probability <paramref name="p"/> in [0, 1).</summary>
        public DropoutAttribute(float p = 0.5f) { P = p; }
        /// <summary>Drop probability.</summary>
        public float P { get; }
    }

    /// <summary>Standalone <c>max(0, x)</c>.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class ReLUAttribute : LayerAttribute { }

    /// <summary>Standalone leaky ReLU (PyTorch <c>nn.LeakyReLU</c>).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class LeakyReLUAttribute : LayerAttribute
    {
        /// <summary>Declares a leaky ReLU with the given negative slope (PyTorch default 0.01).</summary>
        public LeakyReLUAttribute(float slope = 0.01f) { Slope = slope; }
        /// <summary>Slope for negative inputs.</summary>
        public float Slope { get; }
    }

    /// <summary>Standalone logistic sigmoid.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class SigmoidAttribute : LayerAttribute { }

    /// <summary>Standalone hyperbolic tangent.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class TanhAttribute : LayerAttribute { }

    /// <summary>Standalone exact GELU (PyTorch <c>nn.GELU()</c>).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class GeluAttribute : LayerAttribute { }

    /// <summary>Softmax over the last axis (PyTorch <c>nn.Softmax(dim=-1)</c>), with its true Jacobian in backward.
    /// Do not put it before <see cref="Loss.SoftmaxCrossEntropy"/>, which expects logits.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class SoftmaxAttribute : LayerAttribute { }
}
