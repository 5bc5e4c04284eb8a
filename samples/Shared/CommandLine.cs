using System;
using System.Collections.Generic;
using System.Globalization;

namespace TensorForge.Samples
{
    /// <summary>The samples' few options: <c>--name value</c> pairs, <c>--flag</c>s and at most one positional argument.
    /// Anything else is a usage error (<see cref="ArgumentException"/>), so a typo never silently runs the default.</summary>
    internal sealed class CommandLine
    {
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
        private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

        public CommandLine(string[] args, string[] valueOptions, string[] flagOptions, bool allowPositional)
        {
            for (int i = 0; i < args.Length; i++)
            {
                string arg = args[i];
                if (Array.IndexOf(flagOptions, arg) >= 0)
                {
                    _flags.Add(arg);
                }
                else if (Array.IndexOf(valueOptions, arg) >= 0)
                {
                    if (i + 1 >= args.Length)
                        throw new ArgumentException($"{arg} needs a value");
                    _values[arg] = args[++i];
                }
                else if (arg.StartsWith("--", StringComparison.Ordinal) || !allowPositional || Positional is not null)
                {
                    throw new ArgumentException($"unexpected argument '{arg}'");
                }
                else
                {
                    Positional = arg;
                }
            }
        }

        public string? Positional { get; }

        public bool Has(string flag) => _flags.Contains(flag);

        public string? Value(string option) => _values.TryGetValue(option, out string? value) ? value : null;

        public int PositiveInt(string option, int fallback)
        {
            string? text = Value(option);
            if (text is null) return fallback;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value <= 0)
                throw new ArgumentException($"{option} must be a positive integer but is '{text}'");
            return value;
        }

        public double? Double(string option)
        {
            string? text = Value(option);
            if (text is null) return null;
            if (!double.TryParse(text.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
                throw new ArgumentException($"{option} must be a number but is '{text}'");
            return value;
        }
    }
}
