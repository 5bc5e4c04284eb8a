using System;

namespace TensorForge
{
    /// <summary>Marks a <c>partial class</c> as a network compiled by the TensorForge generator.
    /// The layer attributes that follow, in source order, are the network.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class NetworkAttribute : Attribute
    {
        /// <summary>The training loss. <see cref="TensorForge.Loss.None"/> (the default) generates no <c>TrainStep</c>.</summary>
        public Loss Loss { get; set; }
        /// <summary>Seed of the parameterless constructor (initialisation and dropout). Default 0.</summary>
        public int Seed { get; set; }
        /// <summary>How Dense and Conv2D weights are initialised. Default <see cref="TensorForge.Initialization.Default"/>:
        /// He-uniform before ReLU-family activations, Xavier-uniform otherwise.</summary>
        public Initialization Initialization { get; set; }
        /// <summary>How the loss is reduced over the outputs and the batch (PyTorch's <c>reduction</c>). Default
        /// <see cref="TensorForge.Reduction.Mean"/>.</summary>
        public Reduction Reduction { get; set; }
    }

    /// <summary>The per-sample input shape, without the batch dimension: <c>[features]</c>, <c>[channels, height, width]</c> or <c>[time, features]</c>.
    /// Must be the first layer attribute, exactly once.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class InputAttribute : Attribute
    {
        /// <summary>Declares the input shape.</summary>
        public InputAttribute(params int[] shape) { Shape = shape; }
        /// <summary>The per-sample shape.</summary>
        public int[] Shape { get; }
        /// <summary>For a token input <c>[T]</c>: ids lie in [0, Vocabulary). Default 0: inferred from an <c>[Embedding]</c>
        /// that reads the input (then the network takes token ids), else the input is floats.</summary>
        public int Vocabulary { get; set; }
    }

    /// <summary>Base of every layer attribute. <see cref="Name"/> names the layer's tensors in saved files.</summary>
    public abstract class LayerAttribute : Attribute
    {
        /// <summary>The layer's name (safetensors prefix). Default: the lower-case kind and its count, e.g. <c>dense1</c>.</summary>
        public string? Name { get; set; }

        /// <summary>Reads the output of the earlier layer with this name instead of the previous layer's (<c>"input"</c> is the
        /// network's input). Default: the previous layer. The declaration order stays a valid order of evaluation.</summary>
        public string? From { get; set; }
    }
}
