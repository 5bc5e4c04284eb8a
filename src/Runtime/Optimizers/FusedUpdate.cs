using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TensorForge.Optimizers
{
    /// <summary>The arithmetic an element-wise update needs, for one vector width (or a single float).</summary>
    /// <remarks>Every operation is correctly rounded (IEEE add, multiply, divide, square root, fused multiply-add), so an
    /// update written once against this interface gives bit-identical results at every width: the result for an element
    /// does not depend on the machine's vector size or on whether the element fell in the scalar tail.</remarks>
    internal interface ISimdOps<TVector> where TVector : struct
    {
        static abstract int Count { get; }
        static abstract TVector Broadcast(float value);
        static abstract TVector Load(ref float source, nuint index);
        static abstract void Store(TVector value, ref float destination, nuint index);
        static abstract TVector Add(TVector left, TVector right);
        static abstract TVector Subtract(TVector left, TVector right);
        static abstract TVector Multiply(TVector left, TVector right);
        static abstract TVector Divide(TVector left, TVector right);
        static abstract TVector Sqrt(TVector value);
        /// <summary>left · right + addend, rounded once.</summary>
        static abstract TVector FusedMultiplyAdd(TVector left, TVector right, TVector addend);
        /// <summary>Zero where |value| &lt; threshold, value elsewhere (NaN stays NaN).</summary>
        static abstract TVector FlushBelow(TVector value, TVector threshold);
    }

    /// <summary>An element-wise update over a few spans, applied at every index by <see cref="FusedLoop.Run{TUpdate}"/>.</summary>
    internal interface IElementUpdate
    {
        /// <summary>Updates elements [index, index + TOps.Count).</summary>
        void Apply<TVector, TOps>(nuint index) where TVector : struct where TOps : ISimdOps<TVector>;
    }

    /// <summary>One pass over a parameter block with the widest accelerated vectors, then single floats for the tail.</summary>
    /// <remarks>The tail is scalar rather than one overlapping last vector (the TensorPrimitives idiom) because updates
    /// read and write several buffers in place: an overlapping vector would update some elements twice.</remarks>
    internal static class FusedLoop
    {
        public static void Run<TUpdate>(TUpdate update, int length) where TUpdate : IElementUpdate, allows ref struct
        {
            nuint n = (nuint)length;
            nuint i = 0;
            if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<float>.Count)
            {
                for (; i <= n - (nuint)Vector512<float>.Count; i += (nuint)Vector512<float>.Count)
                    update.Apply<Vector512<float>, Simd512>(i);
            }
            else if (Vector256.IsHardwareAccelerated && n >= (nuint)Vector256<float>.Count)
            {
                for (; i <= n - (nuint)Vector256<float>.Count; i += (nuint)Vector256<float>.Count)
                    update.Apply<Vector256<float>, Simd256>(i);
            }
            else if (Vector128.IsHardwareAccelerated && n >= (nuint)Vector128<float>.Count)
            {
                for (; i <= n - (nuint)Vector128<float>.Count; i += (nuint)Vector128<float>.Count)
                    update.Apply<Vector128<float>, Simd128>(i);
            }
            for (; i < n; i++)
                update.Apply<float, Scalar>(i);
        }
    }

    internal readonly struct Simd512 : ISimdOps<Vector512<float>>
    {
        public static int Count => Vector512<float>.Count;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Broadcast(float value) => Vector512.Create(value);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(ref float source, nuint index) => Vector512.LoadUnsafe(ref source, index);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<float> value, ref float destination, nuint index) => value.StoreUnsafe(ref destination, index);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> left, Vector512<float> right) => left + right;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Subtract(Vector512<float> left, Vector512<float> right) => left - right;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Multiply(Vector512<float> left, Vector512<float> right) => left * right;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Divide(Vector512<float> left, Vector512<float> right) => left / right;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Sqrt(Vector512<float> value) => Vector512.Sqrt(value);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> FusedMultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend) => Vector512.FusedMultiplyAdd(left, right, addend);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> FlushBelow(Vector512<float> value, Vector512<float> threshold) => Vector512.AndNot(value, Vector512.LessThan(Vector512.Abs(value), threshold));
    }

    internal readonly struct Simd256 : ISimdOps<Vector256<float>>
    {
        public static int Count => Vector256<float>.Count;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Broadcast(float value) => Vector256.Create(value);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(ref float source, nuint index) => Vector256.LoadUnsafe(ref source, index);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> value, ref float destination, nuint index) => value.StoreUnsafe(ref destination, index);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> left, Vector256<float> right) => left + right;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Subtract(Vector256<float> left, Vector256<float> right) => left - right;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Multiply(Vector256<float> left, Vector256<float> right) => left * right;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Divide(Vector256<float> left, Vector256<float> right) => left / right;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Sqrt(Vector256<float> value) => Vector256.Sqrt(value);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> FusedMultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend) => Vector256.FusedMultiplyAdd(left, right, addend);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> FlushBelow(Vector256<float> value, Vector256<float> threshold) => Vector256.AndNot(value, Vector256.LessThan(Vector256.Abs(value), threshold));
    }

    internal readonly struct Simd128 : ISimdOps<Vector128<float>>
    {
        public static int Count => Vector128<float>.Count;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Broadcast(float value) => Vector128.Create(value);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Load(ref float source, nuint index) => Vector128.LoadUnsafe(ref source, index);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<float> value, ref float destination, nuint index) => value.StoreUnsafe(ref destination, index);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Add(Vector128<float> left, Vector128<float> right) => left + right;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Subtract(Vector128<float> left, Vector128<float> right) => left - right;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Multiply(Vector128<float> left, Vector128<float> right) => left * right;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Divide(Vector128<float> left, Vector128<float> right) => left / right;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Sqrt(Vector128<float> value) => Vector128.Sqrt(value);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> FusedMultiplyAdd(Vector128<float> left, Vector128<float> right, Vector128<float> addend) => Vector128.FusedMultiplyAdd(left, right, addend);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> FlushBelow(Vector128<float> value, Vector128<float> threshold) => Vector128.AndNot(value, Vector128.LessThan(Vector128.Abs(value), threshold));
    }

    internal readonly struct Scalar : ISimdOps<float>
    {
        public static int Count => 1;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Broadcast(float value) => value;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Load(ref float source, nuint index) => Unsafe.Add(ref source, index);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float value, ref float destination, nuint index) => Unsafe.Add(ref destination, index) = value;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Add(float left, float right) => left + right;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Subtract(float left, float right) => left - right;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Multiply(float left, float right) => left * right;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Divide(float left, float right) => left / right;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sqrt(float value) => MathF.Sqrt(value);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float FusedMultiplyAdd(float left, float right, float addend) => MathF.FusedMultiplyAdd(left, right, addend);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float FlushBelow(float value, float threshold) => MathF.Abs(value) < threshold ? 0f : value;
    }
}
