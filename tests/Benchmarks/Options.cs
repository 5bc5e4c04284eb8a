using System;
using System.Collections.Generic;

namespace TensorForge.Benchmarks
{
    /// <summary>Command line: <c>--quick</c> (fewer repetitions, a smoke run), <c>--only a,b</c> (sections by name) and
    /// <c>--clock cpu|wall</c> (see <see cref="Clock"/>), <c>--pause MS</c> (idle before each all-cores sample) and
    /// <c>--malloc-default</c> (see <see cref="NativeHeap"/>).
    /// Anything else is a usage error, so that a typo never silently runs everything.</summary>
    internal sealed class Options
    {
        public static readonly string[] Sections = { "peak", "gemm", "allcores", "train", "inference", "alloc", "longrun", "determinism", "conv", "lenet", "resnet", "agree", "gen", "seq", "seqagree", "genspeed" };

        /// <summary>Aliases for groups of sections.</summary>
        private static readonly Dictionary<string, string[]> Groups = new(StringComparer.Ordinal)
        {
            ["mlp"] = new[] { "train", "inference", "alloc", "longrun", "determinism" },
            ["cnn"] = new[] { "conv", "lenet", "resnet", "agree" },
            ["generative"] = new[] { "gen", "genspeed" },
            ["all"] = Sections,
        };

        public bool Quick { get; private set; }
        /// <summary>Leave glibc's malloc thresholds at their defaults (see <see cref="NativeHeap"/>).</summary>
        public bool MallocDefault { get; private set; }
        public HashSet<string> Selected { get; } = new(StringComparer.Ordinal);

        /// <summary>Repetitions whose median is reported.</summary>
        public int Repetitions => Quick ? 5 : 21;
        /// <summary>Wall time of one repetition of one contender; the call count per repetition is calibrated to it.</summary>
        public double SampleMilliseconds => Quick ? 5 : 25;
        /// <summary>Warm-up per contender before anything is timed (tiering and PGO settle in this time).</summary>
        public double WarmupMilliseconds => Quick ? 150 : 600;

        /// <summary>Pause before each contender's sample in the all-cores tables (4b, 5b, 10b, 11b), in milliseconds.</summary>
        public int PauseMilliseconds { get; private set; } = 250;

        public bool Runs(string section) => Selected.Contains(section);

        public const string Usage =
            "usage: dotnet run -c Release --project tests/Benchmarks -- [--quick] [--only SECTION[,SECTION...]] [--clock cpu|wall] [--pause MS] [--malloc-default]\n" +
            "sections: peak, gemm, allcores, train, inference, alloc, longrun, determinism, conv, lenet, resnet, agree, gen, seq, seqagree, genspeed;\n" +
            "groups: mlp (train..determinism), cnn (conv, lenet, resnet, agree), generative (gen, genspeed), all\n" +
            "gemm and conv re-measure the FMA peak beside every shape, so their fractions of peak do not need the peak section.\n" +
            "agree fails the run (exit code 1) when our networks disagree with PyTorch beyond 1e-4; gen does the same for the generative layers.\n" +
            "genspeed times one training step of each generative sample (VAE, DCGAN, MLP GAN, diffusion U-Net) against TorchSharp.\n" +
            "--pause: milliseconds of idle before each contender's sample in the all-cores tables (default 250).\n" +
            "--malloc-default: keep glibc's malloc thresholds (by default they are raised so that libtorch reuses freed activations).\n" + SequenceOptions.Usage;

        public static Options Parse(string[] args)
        {
            var options = new Options();
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--quick":
                        options.Quick = true;
                        break;
                    case "--only":
                        if (i + 1 >= args.Length)
                            throw new ArgumentException("--only needs a section name");
                        foreach (string name in args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        {
                            if (Groups.TryGetValue(name, out string[]? group))
                                options.Selected.UnionWith(group);
                            else if (Array.IndexOf(Sections, name) >= 0)
                                options.Selected.Add(name);
                            else
                                throw new ArgumentException($"unknown section '{name}'");
                        }
                        break;
                    case "--clock":
                        if (i + 1 >= args.Length || (args[i + 1] != "cpu" && args[i + 1] != "wall"))
                            throw new ArgumentException("--clock needs 'cpu' or 'wall'");
                        Clock.UseThreadCpuTime = args[++i] == "cpu";
                        break;
                    case "--pause":
                        if (i + 1 >= args.Length || !int.TryParse(args[i + 1], out int pause) || pause < 0)
                            throw new ArgumentException("--pause needs a number of milliseconds >= 0");
                        options.PauseMilliseconds = pause;
                        i++;
                        break;
                    case "--malloc-default":
                        options.MallocDefault = true;
                        break;
                    case "--help":
                    case "-h":
                        throw new ArgumentException("help");
                    default:
                        if (!SequenceOptions.TryParse(args, ref i)) throw new ArgumentException($"unexpected argument '{args[i]}'");
                        break;
                }
            }
            if (options.Selected.Count == 0)
                options.Selected.UnionWith(Sections);
            return options;
        }
    }
}
