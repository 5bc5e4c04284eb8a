using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TensorForge.Kernels
{
    /// <summary>Each thread's buffer for the convolution's per-tile data (the padded image of a sample, packed panels, C
    /// blocks), pinned and 64-byte aligned like <see cref="GemmEngine"/>'s packing buffer. It grows to the largest tile the
    /// thread has run and is then reused, so calls after the first allocate nothing. Thread-local rather than part of the
    /// caller's workspace because tiles run on whichever pool thread claims them.</summary>
    internal static unsafe class ConvScratch
    {
        [ThreadStatic] private static float[]? t_buffer;

        /// <summary>At least <paramref name="floats"/> floats, 64-byte aligned; the contents are undefined.</summary>
        public static float* Get(long floats)
        {
            float[]? buffer = t_buffer;
            if (buffer is null || buffer.Length < floats + 16)
            {
                if (floats + 16 > Array.MaxLength)
                    throw new OutOfMemoryException($"A convolution tile needs {floats} floats of scratch.");
                t_buffer = null;
                buffer = GC.AllocateUninitializedArray<float>((int)(floats + 16), pinned: true);
                t_buffer = buffer;
            }
            nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
            return (float*)((address + 63) & ~(nuint)63);
        }
    }

    /// <summary>Carves a scratch block into 64-byte aligned pieces: once with no block to count the floats, once with the
    /// block to take them, so the two passes cannot disagree.</summary>
    internal unsafe struct ScratchCarver
    {
        private readonly float* _base;
        private long _used;

        public ScratchCarver(float* block)
        {
            _base = block;
            _used = 0;
        }

        /// <summary>Floats taken so far (including alignment).</summary>
        public readonly long Used => _used;

        /// <summary>The next <paramref name="floats"/> floats.</summary>
        public float* Floats(long floats)
        {
            float* piece = _base + _used;
            _used += (floats + 15) & ~15L;
            return piece;
        }

        /// <summary>The next <paramref name="count"/> native-sized integers.</summary>
        public nint* Pointers(long count) => (nint*)Floats(count * (sizeof(nint) / sizeof(float)));

        /// <summary>The next <paramref name="count"/> ints.</summary>
        public int* Ints(long count) => (int*)Floats(count);
    }
}
