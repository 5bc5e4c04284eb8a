using System;

namespace TensorForge
{
    /// <summary>Adds the previous layer's output to the output of the earlier layer <see cref="Other"/> (a residual
    /// connection; <c>"input"</c> is the network's or block's input). Both must have the same shape. No parameters.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class AddAttribute : LayerAttribute
    {
        /// <summary>Adds the output of the layer named <paramref name="other"/>.</summary>
        public AddAttribute(string other) { Other = other; }
        /// <summary>The earlier layer whose output is added.</summary>
        public string Other { get; }
    }

    /// <summary>Joins the previous layer's output and the output of the earlier layer <see cref="Other"/> along the channel
    /// (or feature) axis, in that order (PyTorch <c>torch.cat([previous, other], dim=1)</c>). Other axes must agree.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class ConcatAttribute : LayerAttribute
    {
        /// <summary>Concatenates the output of the layer named <paramref name="other"/>.</summary>
        public ConcatAttribute(string other) { Other = other; }
        /// <summary>The earlier layer whose output is appended.</summary>
        public string Other { get; }
    }

    /// <summary>Marks a <c>partial class</c> as a reusable block: its own layer attributes (optionally an <c>[Input]</c> that
    /// every use must match), no loss and no optimizer. Another network uses it with <see cref="UseAttribute"/>; each use
    /// has its own parameters, named like a PyTorch submodule (<c>layer1.0.conv1.weight</c>). A block's integer arguments
    /// may be <see cref="BlockArguments.Width"/> or <see cref="BlockArguments.Stride"/>, which each use sets.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class BlockAttribute : Attribute { }

    /// <summary>Uses the block <see cref="Block"/> as one layer: its layers are inlined here with their names prefixed by
    /// this use's <see cref="LayerAttribute.Name"/> and a dot. Inside the block, <c>"input"</c> is this use's input.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class UseAttribute : LayerAttribute
    {
        /// <summary>Uses the block class <paramref name="block"/> (marked <see cref="BlockAttribute"/>).</summary>
        public UseAttribute(Type block) { Block = block; }
        /// <summary>The block class.</summary>
        public Type Block { get; }
        /// <summary>The value of <see cref="BlockArguments.Width"/> inside this use (e.g. the channels of a ResNet stage).</summary>
        public int Width { get; set; }
        /// <summary>The value of <see cref="BlockArguments.Stride"/> inside this use. Default 1.</summary>
        public int Stride { get; set; } = 1;
    }

    /// <summary>Placeholders a block's layer arguments may use; each <see cref="UseAttribute"/> replaces them with its own
    /// <see cref="UseAttribute.Width"/> and <see cref="UseAttribute.Stride"/>, so one block class serves every stage of a ResNet.</summary>
    public static class BlockArguments
    {
        /// <summary>Replaced by the use's <see cref="UseAttribute.Width"/>.</summary>
        public const int Width = -1_000_001;
        /// <summary>Replaced by the use's <see cref="UseAttribute.Stride"/>.</summary>
        public const int Stride = -1_000_002;
    }
}
