using System;

namespace TensorForge
{
    /// <summary>A zero-initialised float buffer whose first element is 64-byte aligned (one cache line, one Vector512),
    /// backed by a pinned array so it never moves and needs no disposal.</summary>
    public sealed class AlignedBuffer
    {
        /// <summary>An empty buffer.</summary>
        public static readonly AlignedBuffer Empty = new AlignedBuffer(0);

        public AlignedBuffer(int length) => throw new NotImplementedException();

        /// <summary>Number of floats.</summary>
        public int Length => throw new NotImplementedException();

        /// <summary>The buffer's elements.</summary>
        public Span<float> Span => throw new NotImplementedException();
    }
}
