using System;

namespace TensorForge.Kernels
{
    /// <summary>Up-front checks of the sequence kernels (recurrent layers, embedding, layer norm, attention), whose tensors
    /// have up to three dimensions: every message names the span, its length and the sizes it needs, e.g.
    /// "x has 100 elements but batch×steps×inputSize = 3×5×7 needs 105.".</summary>
    internal static class SequenceArguments
    {
        /// <summary>Checks that <paramref name="name"/> holds at least d0·d1·d2 elements. The message is built only when
        /// the check fails: the checks run on every call and must not allocate.</summary>
        public static void AtLeast(int length, string name, int d0, int d1, int d2, string d0Name, string d1Name, string d2Name)
        {
            long needed = (long)d0 * d1 * d2;
            if (length < needed)
                throw new ArgumentException($"{name} has {length} elements but {d0Name}×{d1Name}×{d2Name} = {d0}×{d1}×{d2} needs {needed}.", name);
        }

        /// <summary>Checks that <paramref name="name"/> holds at least d0·d1 elements.</summary>
        public static void AtLeast(int length, string name, int d0, int d1, string d0Name, string d1Name)
        {
            long needed = (long)d0 * d1;
            if (length < needed)
                throw new ArgumentException($"{name} has {length} elements but {d0Name}×{d1Name} = {d0}×{d1} needs {needed}.", name);
        }

        /// <summary>Checks that <paramref name="name"/> holds at least d0 elements.</summary>
        public static void AtLeast(int length, string name, int d0, string d0Name)
        {
            if (length < d0)
                throw new ArgumentException($"{name} has {length} elements but {d0Name} = {d0} needs as many.", name);
        }

        /// <summary>Like <see cref="AtLeast(int, string, int, string)"/>, except that an empty span is accepted (it means
        /// "not present" or "not wanted").</summary>
        public static void EmptyOrAtLeast(int length, string name, int d0, string d0Name)
        {
            if (length != 0)
                AtLeast(length, name, d0, d0Name);
        }

        /// <summary>Like <see cref="AtLeast(int, string, int, int, string, string)"/>, except that an empty span is accepted.</summary>
        public static void EmptyOrAtLeast(int length, string name, int d0, int d1, string d0Name, string d1Name)
        {
            if (length != 0)
                AtLeast(length, name, d0, d1, d0Name, d1Name);
        }

        /// <summary>Like <see cref="AtLeast(int, string, int, int, int, string, string, string)"/>, except that an empty
        /// span is accepted.</summary>
        public static void EmptyOrAtLeast(int length, string name, int d0, int d1, int d2, string d0Name, string d1Name, string d2Name)
        {
            if (length != 0)
                AtLeast(length, name, d0, d1, d2, d0Name, d1Name, d2Name);
        }

        /// <summary>Checks a workspace against the size its kernel's <c>WorkspaceSize</c> method gives.</summary>
        public static void Workspace(int length, long needed, string sizeMethod)
        {
            if (length < needed)
                throw new ArgumentException($"workspace has {length} elements but {sizeMethod} needs {needed}.", "workspace");
        }
    }

    /// <summary>Offsets of the regions of a kernel's workspace, each rounded up to 16 floats (a cache line) so that every
    /// region starts as aligned as the workspace itself.</summary>
    internal struct WorkspaceLayout
    {
        private long _next;

        /// <summary>Reserves <paramref name="floats"/> floats and returns where they start.</summary>
        public int Take(long floats)
        {
            long at = _next;
            _next += (floats + 15) & ~15L;
            return (int)Math.Min(at, int.MaxValue);
        }

        /// <summary>The floats reserved so far.</summary>
        public readonly long Total => _next;

        /// <summary>A workspace size as a span length; throws when it exceeds the largest array.</summary>
        public static int ToLength(long total, string kernel)
        {
            if (total > Array.MaxLength)
                throw new ArgumentOutOfRangeException(nameof(total), total, $"The {kernel} workspace would need {total} floats, more than an array can hold.");
            return (int)total;
        }
    }
}
