using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace TensorForge.Probes
{
    /// <summary>Load time of embedded weights: (a) a manifest resource read by the generated FromEmbeddedWeights(), or (b) the
    /// file as generated data (a byte-array literal the compiler stores in the assembly's data section, read through an
    /// UnmanagedMemoryStream). Prints the first load (cold: resource lookup, page faults, JIT of the loader) and the mean of
    /// the next 200.</summary>
    internal static unsafe class Program
    {
        private static void Main()
        {
            Measure("MLP", () => LoadMlp());
            Measure("LeNet-5", () => LoadLeNet());
        }

        private static void Measure(string name, Func<INetwork> load)
        {
            var clock = Stopwatch.StartNew();
            INetwork first = load();
            double cold = clock.Elapsed.TotalMicroseconds;
            const int Repetitions = 200;
            clock.Restart();
            for (int i = 0; i < Repetitions; i++) load();
            double warm = clock.Elapsed.TotalMicroseconds / Repetitions;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Mode} {name}: first load {cold:F0} µs, then {warm:F0} µs per load ({first.ParameterCount:N0} parameters)"));
        }

#if EMBED_RESOURCE
        private const string Mode = "resource";
        private static Mlp LoadMlp() => Mlp.FromEmbeddedWeights();
        private static LeNet LoadLeNet() => LeNet.FromEmbeddedWeights();
#else
        private const string Mode = "data";
        private static Mlp LoadMlp()
        {
            var network = new Mlp();
            fixed (byte* bytes = EmbeddedData.Mlp)
                network.Load(new UnmanagedMemoryStream(bytes, EmbeddedData.Mlp.Length));
            return network;
        }

        private static LeNet LoadLeNet()
        {
            var network = new LeNet();
            fixed (byte* bytes = EmbeddedData.LeNet)
                network.Load(new UnmanagedMemoryStream(bytes, EmbeddedData.LeNet.Length));
            return network;
        }
#endif
    }
}
