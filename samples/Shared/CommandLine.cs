using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;

namespace TensorForge.Samples
{
    /// <summary>The samples' few options: <c>--name value</c> pairs, <c>--help</c>, <c>--version</c>, a sample's own flags
    /// (options without a value, such as <c>--quick</c>) and at most one positional argument. Anything else is a usage error, so a typo never silently runs the default.</summary>
    internal sealed class CommandLine
    {
        private static readonly string[] s_flags = { "--help", "--version" };

        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
        private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

        private CommandLine(string[] args, string[] valueOptions, string[] flagOptions, bool allowPositional)
        {
            for (int i = 0; i < args.Length; i++)
            {
                string arg = args[i];
                if (Array.IndexOf(s_flags, arg) >= 0 || Array.IndexOf(flagOptions, arg) >= 0)
                {
                    _flags.Add(arg);
                }
                else if (Array.IndexOf(valueOptions, arg) >= 0)
                {
                    if (i + 1 >= args.Length)
                        throw new UsageException($"{arg} needs a value");
                    _values[arg] = args[++i];
                }
                else if (arg.StartsWith("--", StringComparison.Ordinal) || !allowPositional || Positional is not null)
                {
                    throw new UsageException($"unexpected argument '{arg}'");
                }
                else
                {
                    Positional = arg;
                }
            }
        }

        /// <summary>The <c>Main</c> of a sample: parses the options, answers <c>--help</c> and <c>--version</c> (which exits
        /// right away, for timing start-up), runs <paramref name="run"/>, and turns usage, file and data problems into a
        /// message and exit code 2. <paramref name="run"/> returns 0, or 1 when a check failed.</summary>
        public static int Run(string[] args, string program, string usage, string[] valueOptions, bool allowPositional,
            Func<CommandLine, int> run) =>
            Run(args, program, usage, valueOptions, [], allowPositional, run);

        /// <summary>As <see cref="Run(string[], string, string, string[], bool, Func{CommandLine, int})"/>, with the sample's own
        /// flags (<paramref name="flagOptions"/>, read with <see cref="Flag"/>).</summary>
        public static int Run(string[] args, string program, string usage, string[] valueOptions, string[] flagOptions,
            bool allowPositional, Func<CommandLine, int> run)
        {
            try
            {
                var options = new CommandLine(args, valueOptions, flagOptions, allowPositional);
                if (options._flags.Contains("--help"))
                {
                    Console.WriteLine(usage);
                    return 0;
                }
                if (options._flags.Contains("--version"))
                {
                    string mode = RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "Native AOT";
                    Console.WriteLine($"{program} (TensorForge {typeof(INetwork).Assembly.GetName().Version}, {mode})");
                    return 0;
                }
                return run(options);
            }
            catch (UsageException e)
            {
                Console.Error.WriteLine($"{program}: {e.Message}\n{usage}");
                return 2;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"{program}: {e.Message}");
                return 2;
            }
        }

        public string? Positional { get; }

        /// <summary>Whether the flag <paramref name="option"/> (one of the sample's flag options) was given.</summary>
        public bool Flag(string option) => _flags.Contains(option);

        public string? Value(string option) => _values.TryGetValue(option, out string? value) ? value : null;

        public int PositiveInt(string option, int fallback)
        {
            string? text = Value(option);
            if (text is null) return fallback;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value <= 0)
                throw new UsageException($"{option} must be a positive integer but is '{text}'");
            return value;
        }

        public double? Double(string option)
        {
            string? text = Value(option);
            if (text is null) return null;
            if (!double.TryParse(text.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
                throw new UsageException($"{option} must be a number but is '{text}'");
            return value;
        }

        private sealed class UsageException(string message) : Exception(message);
    }
}
