using System;
using System.Numerics.Tensors;

namespace TensorForge.Kernels
{
    /// <summary>The element-wise sums of graphs: a residual <c>[Add]</c> and the gradient of a layer output read by several
    /// layers. Generated code calls these rather than <c>TensorPrimitives</c> so that it depends only on TensorForge, and so
    /// that a large sum is split over the worker pool (<see cref="ParallelRanges"/>).</summary>
    public static class Residual
    {
        /// <summary>destination = x + y, element by element (destination may be x or y).</summary>
        /// <exception cref="ArgumentException">The three spans differ in length.</exception>
        public static unsafe void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
        {
            KernelArguments.SameLength(y.Length, nameof(y), x.Length, nameof(x));
            KernelArguments.SameLength(destination.Length, nameof(destination), x.Length, nameof(x));
            fixed (float* px = x, py = y, pd = destination)
                ParallelRanges.Run(new AddRanges(px, py, pd), x.Length, 3L * x.Length, Elementwise.Granule);
        }

        /// <summary>x + y over a range, by TensorPrimitives (exact, so ranges cannot change a bit).</summary>
        private readonly unsafe struct AddRanges(float* x, float* y, float* destination) : IRangeKernel
        {
            public void Run(int start, int end) => TensorPrimitives.Add(new ReadOnlySpan<float>(x + start, end - start),
                new ReadOnlySpan<float>(y + start, end - start), new Span<float>(destination + start, end - start));
        }
    }
}
