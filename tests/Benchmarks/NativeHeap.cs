using System;
using System.Runtime.InteropServices;

namespace TensorForge.Benchmarks
{
    /// <summary>glibc's malloc settings for the peers. libtorch allocates each activation and gradient of a step anew and frees
    /// it at the end of the step; with glibc's defaults, blocks of a few MB are mapped with mmap and unmapped on free (or the
    /// heap is trimmed), so every step of a convolutional network page-faults its activations in again, in kernel time that
    /// thread CPU time counts. On this VM that made TorchSharp's small-ResNet step bimodal: 100–220 ms instead of 50 ms.
    /// Fixing the mmap threshold at its 64-bit maximum (32 MiB; this also stops glibc from moving it) and raising the trim
    /// threshold keeps those blocks in the heap for reuse, as jemalloc or tcmalloc would. Only malloc users are affected:
    /// our networks allocate nothing per call, and .NET's heap does not use malloc. <c>--malloc-default</c> skips this.</summary>
    internal static partial class NativeHeap
    {
        private const int TrimThreshold = -1, MmapThreshold = -3; // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD (malloc.h)
        private const int MmapThresholdBytes = 32 << 20, TrimThresholdBytes = 1 << 30;

        public static string Describe { get; private set; } = "glibc defaults";

        public static void KeepFreedBlocks()
        {
            if (!OperatingSystem.IsLinux())
                return;
            try
            {
                bool ok = mallopt(MmapThreshold, MmapThresholdBytes) == 1 & mallopt(TrimThreshold, TrimThresholdBytes) == 1;
                Describe = ok
                    ? "glibc malloc with M_MMAP_THRESHOLD 32 MiB and M_TRIM_THRESHOLD 1 GiB (libtorch reuses freed activations instead of mapping fresh pages each step)"
                    : "glibc defaults (mallopt refused the thresholds)";
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                Describe = "allocator defaults (no glibc mallopt)";
            }
        }

        [LibraryImport("libc", SetLastError = false)]
        private static partial int mallopt(int parameter, int value);
    }
}
