using System;

namespace TensorForge.Kernels
{
    /// <summary>Up-front argument checks shared by the kernels, so that the kernels themselves run without checks and every
    /// message names the sizes involved. (Generated code checks user-facing shapes with <see cref="Guard"/>; these
    /// checks guard the kernel contract itself.)</summary>
    internal static class KernelArguments
    {
        /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a negative size.</summary>
        public static void NonNegative(int value, string name)
        {
            if (value < 0)
                throw new ArgumentOutOfRangeException(name, value, $"{name} must not be negative but is {value}.");
        }

        /// <summary>Checks that a span named <paramref name="name"/> holds at least rows × cols elements; the message reads
        /// e.g. "a has 100 elements but m×k = 32×784 needs 25088".</summary>
        public static void AtLeast(int length, string name, int rows, int cols, string rowsName, string colsName)
        {
            long needed = (long)rows * cols;
            if (length < needed)
                throw new ArgumentException($"{name} has {length} elements but {rowsName}×{colsName} = {rows}×{cols} needs {needed}.", name);
        }

        /// <summary>Checks that an input span has exactly as many elements as the first input.</summary>
        public static void SameLength(int length, string name, int expected, string expectedName)
        {
            if (length != expected)
                throw new ArgumentException($"{name} has {length} elements but {expectedName} has {expected}; they must be the same length.", name);
        }

        /// <summary>Checks that a destination span can hold <paramref name="needed"/> elements.</summary>
        public static void Destination(int length, string name, int needed, string sourceName)
        {
            if (length < needed)
                throw new ArgumentException($"{name} has {length} elements but {sourceName} has {needed}; the destination is too short.", name);
        }
    }
}
