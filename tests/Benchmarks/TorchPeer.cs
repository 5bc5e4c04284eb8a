using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace TensorForge.Benchmarks
{
    /// <summary>Whether TorchSharp's native libraries load, and why not. Its shim (libLibTorchSharp.so) needs a newer
    /// libstdc++ than some machines have; then every torch call throws, so each peer asks <see cref="Available"/> first and
    /// the run goes on without it. <c>prepare-torchsharp.sh</c> makes the shim load on such machines.</summary>
    internal static class TorchPeer
    {
        private static bool? s_available;

        public static string? UnavailableReason { get; private set; }

        public static bool Available
        {
            get
            {
                if (s_available is null)
                {
                    // TorchSharp prints its whole library search to stdout when loading fails; keep it out of the tables.
                    TextWriter stdout = Console.Out;
                    Console.SetOut(TextWriter.Null);
                    try
                    {
                        Initialize();
                        s_available = true;
                    }
                    catch (Exception e)
                    {
                        s_available = false;
                        UnavailableReason = Describe(e);
                    }
                    finally
                    {
                        Console.SetOut(stdout);
                    }
                }
                return s_available.Value;
            }
        }

        /// <summary>One thread for both of libtorch's pools: every comparison here is one core against one core.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Initialize()
        {
            torch.set_num_threads(1);
            torch.set_num_interop_threads(1);
            using var probe = torch.ones(2, 2);
            if (probe.sum().item<float>() != 4f)
                throw new InvalidOperationException("torch.ones(2, 2).sum() is not 4");
        }

        /// <summary>libtorch's intra-op threads (the inter-op pool stays at one: it can be sized only once, and eager
        /// tensor operations do not use it).</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void SetThreads(int threads) => torch.set_num_threads(threads);

        public static string Version => typeof(torch).Assembly.GetName().Version?.ToString() ?? "?";

        /// <summary>TorchSharp's own message says only that the native library did not load; loading the shim directly makes
        /// the dynamic loader say why (for example "version `GLIBCXX_3.4.32' not found").</summary>
        private static string Describe(Exception e)
        {
            string shim = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
            if (File.Exists(shim))
            {
                try
                {
                    NativeLibrary.Free(NativeLibrary.Load(shim));
                }
                catch (DllNotFoundException loadError)
                {
                    // .NET's message is a generic first line, then the loader's own words (dlerror) on the next ones.
                    string[] lines = loadError.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    string loader = lines.Length > 1 ? string.Join("; ", lines[1..]) : lines[0];
                    return "libLibTorchSharp.so does not load: " + loader.Replace(AppContext.BaseDirectory, "") +
                        " (tests/Benchmarks/prepare-torchsharp.sh fixes this on GCC 12 machines; see docs/performance.md)";
                }
            }
            Exception inner = e.GetBaseException();
            int end = inner.Message.IndexOfAny(new[] { '\r', '\n' });
            return inner.GetType().Name + ": " + (end < 0 ? inner.Message : inner.Message[..end]);
        }
    }
}
