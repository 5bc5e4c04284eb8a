using System;
using System.Diagnostics;
using System.Linq;
using System.Runtime.Intrinsics;

namespace TensorForge.Benchmarks
{
    /// <summary>Every performance claim of TensorForge, measured in one process: the core's FMA peak, GEMM against
    /// torch.mm, the MLP's train step against TorchSharp, inference against TorchSharp and ONNX Runtime, allocation,
    /// long-run throughput and determinism; the convolution kernels against the peak and TorchSharp's conv2d, LeNet-5 and
    /// the small ResNet against TorchSharp twins, and their agreement with PyTorch. One thread everywhere unless a table
    /// says otherwise.</summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            Options options;
            try
            {
                options = Options.Parse(args);
            }
            catch (ArgumentException e)
            {
                if (e.Message != "help")
                    Console.Error.WriteLine(e.Message);
                Console.Error.WriteLine(Options.Usage);
                return e.Message == "help" ? 0 : 2;
            }

            if (SequenceOptions.Current.WordsModel is not null) return WordsTorch.Run(SequenceOptions.Current);
            if (!options.MallocDefault)
                NativeHeap.KeepFreedBlocks();
            string startLoad = LoadAverage();
            PrintHeader(options);
            KernelThreads.Set(1);

            if (options.Runs("peak"))
                PeakProbe.Run(options);
            if (options.Runs("gemm"))
                GemmSection.Run(options);
            if (options.Runs("allcores"))
                GemmThreadsSection.Run(options);

            var mlp = new MlpSections(options);
            if (options.Runs("train"))
                mlp.TrainStep();
            if (options.Runs("inference"))
                mlp.Inference();
            if (options.Runs("alloc"))
                mlp.Allocation();
            if (options.Runs("longrun"))
                mlp.LongRun();
            if (options.Runs("determinism"))
                mlp.Determinism();

            if (options.Runs("conv"))
                ConvSection.Run(options);
            var cnn = new ConvNetSections(options);
            if (options.Runs("lenet"))
                cnn.LeNet();
            if (options.Runs("resnet"))
                cnn.ResNet();
            bool agreed = !options.Runs("agree") || AgreeSection.Run(options);
            agreed &= !options.Runs("gen") || GenerativeAgreeSection.Run(options);
            if (options.Runs("seq")) new SequenceSections(options).Run();
            agreed &= !options.Runs("seqagree") || SequenceAgreeSection.Run(options);
            if (options.Runs("genspeed"))
                GenerativeSpeedSection.Run(options);

            Report.PrintSummary();
            Console.WriteLine();
            Console.WriteLine($"Load average at the start: {startLoad}; at the end: {LoadAverage()} ({Environment.ProcessorCount} cores).");
            if (Busy(startLoad) || Busy(LoadAverage()))
                Console.WriteLine("WARNING: other processes competed for the cores during this run. " + (Clock.UseThreadCpuTime
                    ? "Times are thread CPU time, so preemption is excluded, but shared caches and clock changes still add noise."
                    : "Wall times include preemption and are unreliable; ratios, taken within the same repetitions, suffer less.") +
                    " Rerun on an idle machine for final figures.");
            if (!agreed)
                Console.WriteLine("FAIL: our networks disagree with PyTorch beyond 1e-4 (the agree, gen or seqagree section above); exit code 1.");
            return agreed ? 0 : 1;
        }

        private static void PrintHeader(Options options)
        {
            Console.WriteLine($"# TensorForge benchmarks — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC{(options.Quick ? " (--quick)" : "")}");
            Console.WriteLine();
            Console.WriteLine($"- runtime: .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
                $"{Environment.ProcessorCount} logical cores; Vector512 {(Vector512.IsHardwareAccelerated ? "accelerated" : "not accelerated")}");
            Console.WriteLine($"- GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, " +
                $"tiered PGO {(AppContext.TryGetSwitch("System.Runtime.TieredPGO", out bool pgo) ? pgo.ToString() : "default")}; " +
                $"debugger {(Debugger.IsAttached ? "attached" : "not attached")}; optimized build: {IsOptimized()}");
            Console.WriteLine($"- our kernels' thread setting: Gemm.MaxThreads (default {KernelThreads.Get()}), pinned to 1 for every one-thread section; " +
                $"{Environment.ProcessorCount} (all cores) in section 3, tables 4b, 5b, 10b and 11b and run B of section 8");
            Console.WriteLine($"- TorchSharp: {(TorchPeer.Available ? $"{TorchPeer.Version}, 1 thread (set_num_threads(1), set_num_interop_threads(1)); set_num_threads(all cores) in tables 4b, 5b, 10b and 11b" : "unavailable: " + TorchPeer.UnavailableReason)}");
            Console.WriteLine($"- ONNX Runtime: {OrtPeer.Describe}");
            Console.WriteLine($"- native heap: {NativeHeap.Describe}");
            Console.WriteLine($"- clock: {Clock.Describe}");
            Console.WriteLine($"- load average (1, 5, 15 min): {LoadAverage()}");
            Console.WriteLine($"- sections: {string.Join(", ", Options.Sections.Where(options.Runs))}");
        }

        /// <summary>The first three fields of /proc/loadavg, or "unknown".</summary>
        private static string LoadAverage()
        {
            try
            {
                return string.Join(" ", System.IO.File.ReadAllText("/proc/loadavg").Split(' ')[..3]);
            }
            catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException)
            {
                return "unknown";
            }
        }

        private static bool Busy(string load)
            => double.TryParse(load.Split(' ')[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double oneMinute)
               && oneMinute > Environment.ProcessorCount - 0.5;

        private static bool IsOptimized()
        {
            var attribute = (DebuggableAttribute?)Attribute.GetCustomAttribute(typeof(Program).Assembly, typeof(DebuggableAttribute));
            return attribute is null || !attribute.IsJITOptimizerDisabled;
        }
    }
}
