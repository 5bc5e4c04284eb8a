using System;

namespace TensorForge.Kernels
{
    /// <summary>Single-precision matrix multiply in the three layouts dense forward and backward need.
    /// All matrices are row-major and dense. When <c>accumulate</c> is false, C is overwritten; otherwise C += A·B.</summary>
    public static class Gemm
    {
        /// <summary>C[m,n] (+)= A[m,k] · B[n,k]ᵀ — dense forward (X · Wᵀ).</summary>
        public static void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
            => throw new NotImplementedException();

        /// <summary>C[m,n] (+)= A[m,k] · B[k,n] — dense input gradient (dY · W).</summary>
        public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
            => throw new NotImplementedException();

        /// <summary>C[m,n] (+)= A[k,m]ᵀ · B[k,n] — dense weight gradient (dYᵀ · X).</summary>
        public static void MultiplyTransposedA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
            => throw new NotImplementedException();
    }
}
