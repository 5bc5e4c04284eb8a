using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TensorForge.Benchmarks
{
    /// <summary>The clock every section times with. By default the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID): every
    /// contender here runs on the calling thread (one-thread settings), and on a machine shared with other work this leaves
    /// out the time the thread sat preempted, which otherwise swamps microsecond-scale differences. On an idle machine it
    /// equals wall time. <c>--clock wall</c> uses the Stopwatch instead.</summary>
    internal static partial class Clock
    {
        private const int ClockThreadCpuTime = 3;

        public static bool UseThreadCpuTime { get; set; } = OperatingSystem.IsLinux();

        public static string Describe => UseThreadCpuTime
            ? "calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID; excludes time preempted by other processes)"
            : "wall time (Stopwatch)";

        /// <summary>Seconds on the chosen clock since an arbitrary origin.</summary>
        public static double Now()
        {
            if (!UseThreadCpuTime)
                return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
            if (clock_gettime(ClockThreadCpuTime, out TimeSpec time) != 0)
                throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
            return time.Seconds + time.Nanoseconds * 1e-9;
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [LibraryImport("libc", SetLastError = false)]
        private static partial int clock_gettime(int clockId, out TimeSpec time);
    }
}
