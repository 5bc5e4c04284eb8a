using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TensorForge.Kernels;

namespace TensorForge.Optimizers
{
    /// <summary>An element-wise update over a few buffers, applied at every index by <see cref="FusedLoop.Run{TUpdate}"/>.</summary>
    /// <remarks>Updates are written once against <see cref="ISimdMath{T}"/>, whose operations are all correctly rounded (IEEE
    /// add, multiply, divide, square root, fused multiply-add), so the result for an element does not depend on the vector
    /// width or on whether the element fell in the scalar tail.</remarks>
    internal unsafe interface IElementUpdate
    {
        /// <summary>Updates elements [index, index + S.Count).</summary>
        void Apply<S, T>(nint index) where S : ISimdMath<T> where T : struct;
    }

    /// <summary>One pass over a parameter block with the widest allowed vectors, then single floats for the tail.</summary>
    /// <remarks>The tail is scalar rather than one overlapping last vector (the TensorPrimitives idiom) because updates
    /// read and write several buffers in place: an overlapping vector would update some elements twice.</remarks>
    internal static class FusedLoop
    {
        public static void Run<TUpdate>(TUpdate update, int length) where TUpdate : struct, IElementUpdate
        {
            nint n = length;
            nint i = 0;
            if (SimdWidth.Use512 && n >= Vector512<float>.Count)
            {
                for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                    update.Apply<Vector512Math, Vector512<float>>(i);
            }
            else if (SimdWidth.Use256 && n >= Vector256<float>.Count)
            {
                for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                    update.Apply<Vector256Math, Vector256<float>>(i);
            }
            else if (SimdWidth.Use128 && n >= Vector128<float>.Count)
            {
                for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
                    update.Apply<Vector128Math, Vector128<float>>(i);
            }
            for (; i < n; i++)
                update.Apply<ScalarMath, float>(i);
        }

        /// <summary>Zero where |value| &lt; threshold, value elsewhere (NaN stays NaN): keeps denormals out of optimizer state.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T FlushBelow<S, T>(T value, T threshold) where S : ISimdMath<T> where T : struct
            => S.Select(S.GreaterThan(threshold, S.Abs(value)), S.Zero, value);
    }
}
