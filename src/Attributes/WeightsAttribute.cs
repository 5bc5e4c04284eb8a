using System;

namespace TensorForge
{
    /// <summary>Checks a safetensors weights file against the network at compile time, and with <see cref="Embed"/> builds it
    /// into the assembly. The file must be given to the compilation as an <c>AdditionalFiles</c> item
    /// (<c>&lt;AdditionalFiles Include="weights/mnist-mlp.safetensors" /&gt;</c>); the generator reads its header only, and every
    /// missing, extra, misshapen or wrongly typed tensor is a compile error on this attribute.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class WeightsAttribute : Attribute
    {
        /// <summary>Names the weights file.</summary>
        /// <param name="path">The file: matched against the <c>AdditionalFiles</c> items by full path when it is rooted,
        /// else by the end of their paths (<c>"mnist-mlp.safetensors"</c> or <c>"weights/mnist-mlp.safetensors"</c>).</param>
        public WeightsAttribute(string path) { Path = path; }

        /// <summary>The weights file as written in the attribute.</summary>
        public string Path { get; }

        /// <summary>Builds the file into the assembly as a manifest resource and generates <c>static T FromEmbeddedWeights()</c>,
        /// which creates the network with these weights (no file needed at run time; Native AOT safe). The TensorForge
        /// build targets add the resource for every <c>AdditionalFiles</c> item with <c>TensorForgeEmbed="true"</c>;
        /// see docs/generated-code.md. Default false.</summary>
        public bool Embed { get; set; }
    }
}
