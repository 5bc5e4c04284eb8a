using System;
using System.Globalization;
using System.Text;

namespace TensorForge.Generator.Emit
{
    /// <summary>Writes C# text with an indent counter.</summary>
    internal sealed class SourceWriter
    {
        private readonly StringBuilder _text = new StringBuilder();
        private int _indent;

        public SourceWriter Line(string line = "")
        {
            if (line.Length > 0) _text.Append(' ', _indent * 4).Append(line);
            _text.Append('\n');
            return this;
        }

        /// <summary>Writes "{", runs <paramref name="body"/> one level deeper, then writes "}" (plus <paramref name="after"/>).</summary>
        public SourceWriter Block(string header, Action body, string after = "")
        {
            Line(header);
            Line("{");
            _indent++;
            body();
            _indent--;
            Line("}" + after);
            return this;
        }

        public void Indent() => _indent++;

        public void Unindent() => _indent--;

        public override string ToString() => _text.ToString();
    }

    /// <summary>Culture-invariant literals for generated code.</summary>
    internal static class Literal
    {
        public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>A float literal that round-trips: 0.001f, not 0,001f.</summary>
        public static string Float(float value)
        {
            if (float.IsNaN(value)) return "float.NaN";
            if (float.IsPositiveInfinity(value)) return "float.PositiveInfinity";
            if (float.IsNegativeInfinity(value)) return "float.NegativeInfinity";
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            return text + "f";
        }

        public static string String(string value) => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(value, quote: true);

        public static string Bool(bool value) => value ? "true" : "false";

        /// <summary>1,234,567 for comments and tables.</summary>
        public static string Grouped(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

        /// <summary>Text safe inside an XML doc comment.</summary>
        public static string Xml(string value) => value.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
