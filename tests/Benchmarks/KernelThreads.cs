using System;
using System.Linq;
using System.Reflection;
using TensorForge.Kernels;

namespace TensorForge.Benchmarks
{
    /// <summary>Our kernels' thread count, if they have a setting for it. Today GEMM is single-threaded and has none; once it
    /// gets one (a public static settable int property whose name mentions threads or parallelism on <see cref="Gemm"/>),
    /// this finds it, so the single-thread sections pin it to 1 and the determinism section compares 1 thread with all
    /// cores without a change here.</summary>
    internal static class KernelThreads
    {
        private static readonly PropertyInfo? s_setting = typeof(Gemm)
            .GetProperties(BindingFlags.Public | BindingFlags.Static)
            .FirstOrDefault(p => p.PropertyType == typeof(int) && p.CanWrite && p.CanRead &&
                (p.Name.Contains("Thread", StringComparison.OrdinalIgnoreCase) || p.Name.Contains("Parallel", StringComparison.OrdinalIgnoreCase)));

        public static bool HasSetting => s_setting is not null;

        public static string Describe => s_setting is null ? "none (GEMM is single-threaded)" : $"Gemm.{s_setting.Name} = {Get()}";

        public static int Get() => s_setting is null ? 1 : (int)s_setting.GetValue(null)!;

        public static void Set(int threads) => s_setting?.SetValue(null, threads);
    }
}
