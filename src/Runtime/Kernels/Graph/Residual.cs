using System;
using System.Numerics.Tensors;

namespace TensorForge.Kernels
{
    /// <summary>The element-wise sums of graphs: a residual <c>[Add]</c> and the gradient of a layer output read by several
    /// layers. Generated code calls these rather than <c>TensorPrimitives</c> so that it depends only on TensorForge.</summary>
    public static class Residual
    {
        /// <summary>destination = x + y, element by element (destination may be x or y).</summary>
        /// <exception cref="ArgumentException">The three spans differ in length.</exception>
        public static void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
        {
            KernelArguments.SameLength(y.Length, nameof(y), x.Length, nameof(x));
            KernelArguments.SameLength(destination.Length, nameof(destination), x.Length, nameof(x));
            TensorPrimitives.Add(x, y, destination);
        }
    }
}
