using System;
using TensorForge.Kernels;

namespace TensorForge.Benchmarks
{
    /// <summary>Our kernels' thread count: <see cref="Gemm.MaxThreads"/> (a worker pool; results are bit-identical at any
    /// setting). The one-thread sections pin it to 1; the all-cores GEMM section and run B of the determinism section set it
    /// to <see cref="Environment.ProcessorCount"/>.</summary>
    internal static class KernelThreads
    {
        public static string Describe => $"Gemm.MaxThreads = {Get()}";

        public static int Get() => Gemm.MaxThreads;

        public static void Set(int threads) => Gemm.MaxThreads = threads;
    }
}
