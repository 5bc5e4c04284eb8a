using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TensorForge
{
    /// <summary>A zero-initialised float buffer whose first element is 64-byte aligned (one cache line, one Vector512),
    /// backed by a pinned array so it never moves and needs no disposal.</summary>
    /// <remarks>The array lives on the pinned object heap and has 16 spare floats; the buffer starts at the first element
    /// whose address is a multiple of 64. Array elements are at least 4-byte aligned, so that element always exists.</remarks>
    public sealed class AlignedBuffer
    {
        private const int Alignment = 64;
        private const int Padding = Alignment / sizeof(float);

        private readonly float[] _array;
        private readonly int _offset;

        /// <summary>An empty buffer.</summary>
        public static readonly AlignedBuffer Empty = new AlignedBuffer(0);

        /// <summary>Allocates <paramref name="length"/> zeroed floats (0 is allowed).</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or too large.</exception>
        public AlignedBuffer(int length)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Array.MaxLength - Padding);
            _array = GC.AllocateArray<float>(length + Padding, pinned: true);
            _offset = AlignmentOffset(_array);
            Length = length;
        }

        /// <summary>Number of floats.</summary>
        public int Length { get; }

        /// <summary>The buffer's elements.</summary>
        public Span<float> Span => new Span<float>(_array, _offset, Length);

        /// <summary>The buffer's elements as <see cref="Memory{T}"/> (for APIs that need to hold on to them).</summary>
        public Memory<float> Memory => new Memory<float>(_array, _offset, Length);

        private static unsafe int AlignmentOffset(float[] pinnedArray)
        {
            nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinnedArray));
            int misalignment = (int)(address % Alignment);
            return misalignment == 0 ? 0 : (Alignment - misalignment) / sizeof(float);
        }
    }
}
