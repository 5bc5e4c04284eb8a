using System;
using System.Runtime.InteropServices;

namespace TensorForge.Benchmarks
{
    /// <summary>Runs an action with the process's native standard error (file descriptor 2) sent to /dev/null: libtorch's
    /// float64 convolutions try NNPACK on every call and print "Could not initialize NNPACK! Reason: Unsupported hardware"
    /// each time, which would bury the tables. Managed Console.Error is a different writer and is not affected.</summary>
    internal static partial class NativeStderr
    {
        public static T Silenced<T>(Func<T> action)
        {
            int saved = -1, sink = -1;
            try
            {
                if (OperatingSystem.IsLinux())
                {
                    saved = dup(2);
                    sink = open("/dev/null", 1); // O_WRONLY
                    if (saved >= 0 && sink >= 0)
                        dup2(sink, 2);
                }
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                saved = -1;
            }
            try
            {
                return action();
            }
            finally
            {
                if (saved >= 0)
                {
                    dup2(saved, 2);
                    close(saved);
                }
                if (sink >= 0)
                    close(sink);
            }
        }

        [LibraryImport("libc", SetLastError = false)]
        private static partial int dup(int fd);

        [LibraryImport("libc", SetLastError = false)]
        private static partial int dup2(int fd, int fd2);

        [LibraryImport("libc", SetLastError = false, StringMarshalling = StringMarshalling.Utf8)]
        private static partial int open(string path, int flags);

        [LibraryImport("libc", SetLastError = false)]
        private static partial int close(int fd);
    }
}
