using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace TensorForge.Benchmarks
{
    /// <summary>A plain-text table printed as Markdown, so that the output pastes into docs/performance.md unchanged.</summary>
    internal sealed class Table
    {
        private readonly string _title;
        private readonly string[] _headers;
        private readonly List<string[]> _rows = new();
        private readonly List<string> _notes = new();

        public Table(string title, params string[] headers)
        {
            _title = title;
            _headers = headers;
        }

        public void Row(params string[] cells)
        {
            if (cells.Length != _headers.Length)
                throw new ArgumentException($"row has {cells.Length} cells but the table has {_headers.Length} columns");
            _rows.Add(cells);
        }

        public void Note(string note) => _notes.Add(note);

        public void Print()
        {
            var widths = new int[_headers.Length];
            for (int c = 0; c < widths.Length; c++)
                widths[c] = Math.Max(3, _rows.Select(r => r[c].Length).Append(_headers[c].Length).Max());

            var text = new StringBuilder();
            text.AppendLine().AppendLine("### " + _title).AppendLine();
            text.AppendLine("| " + string.Join(" | ", _headers.Select((h, c) => h.PadRight(widths[c]))) + " |");
            text.AppendLine("|" + string.Join("|", widths.Select((w, c) => c == 0 ? new string('-', w + 2) : new string('-', w + 1) + ":")) + "|");
            foreach (string[] row in _rows)
                text.AppendLine("| " + string.Join(" | ", row.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))) + " |");
            if (_notes.Count > 0)
                text.AppendLine();
            foreach (string note in _notes)
                text.AppendLine(note);
            Console.Write(text.ToString());
        }
    }

    /// <summary>Formatting and target verdicts shared by every section. Every verdict is also kept for the summary.</summary>
    internal static class Report
    {
        private static readonly List<(string What, string Verdict)> s_verdicts = new();

        public static string Micros(double seconds) => double.IsNaN(seconds) ? "—" : (seconds * 1e6).ToString(seconds < 1e-4 ? "F2" : "F1", CultureInfo.InvariantCulture);

        public static string Number(double value, string format) => double.IsNaN(value) ? "—" : value.ToString(format, CultureInfo.InvariantCulture);

        public static string Percent(double fraction) => double.IsNaN(fraction) ? "—" : (fraction * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";

        public static string Ratio(double ratio) => double.IsNaN(ratio) ? "—" : ratio.ToString("F3", CultureInfo.InvariantCulture) + "×";

        /// <summary>"MET", "NOT MET", or "n/a" when the value could not be measured; recorded for the summary.</summary>
        public static string AtLeast(string what, double value, double target) => Record(what, double.IsNaN(value) ? null : value >= target);

        public static string AtMost(string what, double value, double target) => Record(what, double.IsNaN(value) ? null : value <= target);

        /// <summary>A pass/fail target (recorded as MET / NOT MET; null when it could not be checked).</summary>
        public static string Check(string what, bool? passed) => Record(what, passed);

        private static string Record(string what, bool? met)
        {
            string verdict = met switch { true => "MET", false => "NOT MET", null => "n/a" };
            s_verdicts.Add((what, verdict));
            return verdict;
        }

        public static void PrintSummary()
        {
            var table = new Table("Summary of targets", "target", "verdict");
            foreach (var (what, verdict) in s_verdicts)
                table.Row(what, verdict);
            int met = s_verdicts.Count(v => v.Verdict == "MET");
            int notMet = s_verdicts.Count(v => v.Verdict == "NOT MET");
            int unmeasured = s_verdicts.Count(v => v.Verdict == "n/a");
            table.Note($"{met} met, {notMet} not met, {unmeasured} not measurable in this run.");
            table.Print();
        }
    }
}
