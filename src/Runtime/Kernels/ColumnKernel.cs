using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TensorForge.Kernels
{
    /// <summary>A fused kernel over the columns of one row, written once for every vector width (see <see cref="ISimdMath{T}"/>).</summary>
    internal interface IColumnKernel
    {
        /// <summary>Columns [start, end) of row <paramref name="row"/>; end − start is a multiple of S.Count.</summary>
        void Run<S, T>(int row, int start, int end) where S : ISimdMath<T> where T : struct;
    }

    /// <summary>Runs a <see cref="IColumnKernel"/> over rows: the widest accelerated vectors take the columns they fill, the
    /// rest go to narrower vectors and the last few to single floats. Unlike the overlapping last vector of
    /// <see cref="Elementwise"/>, no column is computed twice, so kernels may update their inputs in place and accumulate.</summary>
    internal static class ColumnKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Rows<K>(ref K kernel, int rows, int columns) where K : struct, IColumnKernel
        {
            int e512 = SimdWidth.Use512 ? columns - columns % Vector512<float>.Count : 0;
            int e256 = SimdWidth.Use256 ? e512 + (columns - e512) / Vector256<float>.Count * Vector256<float>.Count : e512;
            int e128 = SimdWidth.Use128 ? e256 + (columns - e256) / Vector128<float>.Count * Vector128<float>.Count : e256;
            for (int r = 0; r < rows; r++)
            {
                if (e512 > 0)
                    kernel.Run<Vector512Math, Vector512<float>>(r, 0, e512);
                if (e256 > e512)
                    kernel.Run<Vector256Math, Vector256<float>>(r, e512, e256);
                if (e128 > e256)
                    kernel.Run<Vector128Math, Vector128<float>>(r, e256, e128);
                if (columns > e128)
                    kernel.Run<ScalarMath, float>(r, e128, columns);
            }
        }
    }
}
