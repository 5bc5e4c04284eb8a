using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using TensorForge.Generator.Helpers;

namespace TensorForge.Generator.Weights
{
    /// <summary>Reads the header of a safetensors file at compile time: the 8-byte little-endian header length and the JSON
    /// header, never the tensor data (only the file's length is taken, to check that the data offsets fit).
    /// <para>Why not System.Text.Json: the generator targets netstandard2.0 and runs inside whatever compiler host loads it
    /// (csc, VBCSCompiler, the IDE's out-of-process host); System.Text.Json is not part of netstandard2.0, and an analyzer that
    /// ships its own copy can clash with the host's. The header grammar is small (an object of objects of strings and
    /// integer arrays, plus <c>__metadata__</c>), so a strict reader of ~200 lines is simpler than the dependency.</para>
    /// <para>Why file IO (RS1035): <c>AdditionalText.GetText()</c> decodes the file as text, which mangles binary bytes
    /// (the header length, and any non-UTF-8 byte). The file is still an AdditionalFiles item, so the build reruns the
    /// compiler when it changes and the IDE hands the generator a new AdditionalText.</para></summary>
    internal static class SafetensorsHeaderReader
    {
        /// <summary>The largest JSON header read at compile time (16 MiB: about 100,000 tensors). The runtime's limit is larger
        /// (100 MB) but a compiler, often an IDE, should not parse that much on a keystroke.</summary>
        public const int MaxHeaderBytes = 16 * 1024 * 1024;

        /// <summary>The header of the file at <paramref name="path"/>, or why it cannot be used.</summary>
        public static WeightsFile Read(string path, bool embedMarked, CancellationToken cancellationToken)
        {
            byte[] header;
            long fileLength;
            try
            {
#pragma warning disable RS1035 // File IO: see the type's remarks (AdditionalText.GetText() cannot carry binary bytes).
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
#pragma warning restore RS1035
                fileLength = stream.Length;
                if (fileLength < 8)
                    return WeightsFile.Invalid(path, embedMarked, $"it has {Count(fileLength)} bytes, fewer than the 8 bytes of the header length");
                byte[] prefix = ReadExactly(stream, 8);
                ulong headerLength = 0;
                for (int i = 7; i >= 0; i--) headerLength = (headerLength << 8) | prefix[i];
                if (headerLength > MaxHeaderBytes)
                    return WeightsFile.Invalid(path, embedMarked,
                        $"its header is {Count(headerLength)} bytes, more than the {Count(MaxHeaderBytes)} bytes TensorForge reads at compile time");
                if ((long)headerLength > fileLength - 8)
                    return WeightsFile.Invalid(path, embedMarked,
                        $"the file is truncated: the header length is {Count(headerLength)} bytes but only {Count(fileLength - 8)} follow");
                cancellationToken.ThrowIfCancellationRequested();
                header = ReadExactly(stream, (int)headerLength);
            }
            catch (IOException e)
            {
                return WeightsFile.Unreadable(path, embedMarked, e.Message);
            }
            catch (System.UnauthorizedAccessException e)
            {
                return WeightsFile.Unreadable(path, embedMarked, e.Message);
            }

            try
            {
                List<HeaderTensor> tensors = Parse(header);
                string? layoutProblem = CheckLayout(tensors, fileLength - 8 - header.Length);
                return layoutProblem is null
                    ? new WeightsFile(path, WeightsFileStatus.Valid, null, tensors.ToEquatableArray(), embedMarked)
                    : WeightsFile.Invalid(path, embedMarked, layoutProblem);
            }
            catch (HeaderException e)
            {
                return WeightsFile.Invalid(path, embedMarked, e.Message);
            }
        }

        /// <summary>Parses a JSON header (bytes after the length) into its tensor entries, in file order; throws
        /// <see cref="HeaderException"/> with a short reason.</summary>
        public static List<HeaderTensor> Parse(byte[] header)
        {
            string text;
            try
            {
                text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(header);
            }
            catch (DecoderFallbackException)
            {
                throw new HeaderException("the header is not valid UTF-8");
            }
            var json = new JsonCursor(text);
            var tensors = new List<HeaderTensor>();
            var names = new HashSet<string>(System.StringComparer.Ordinal);
            json.Expect('{', "the header is not a JSON object");
            bool sawMetadata = false;
            if (!json.TryConsume('}'))
            {
                do
                {
                    string name = json.ReadString();
                    json.Expect(':', "expected ':' after a key");
                    if (name == "__metadata__")
                    {
                        if (sawMetadata) throw new HeaderException("the header has two '__metadata__' entries");
                        sawMetadata = true;
                        json.SkipValue(0);
                        continue;
                    }
                    if (!names.Add(name)) throw new HeaderException($"the header describes tensor '{Clip(name)}' twice");
                    tensors.Add(ReadEntry(json, name));
                }
                while (json.TryConsume(','));
                json.Expect('}', "expected ',' or '}' between the header's entries");
            }
            json.ExpectEnd();
            return tensors;
        }

        private static HeaderTensor ReadEntry(JsonCursor json, string name)
        {
            string? dtype = null;
            List<long>? shape = null, offsets = null;
            if (!json.TryConsume('{')) throw new HeaderException($"tensor '{Clip(name)}' is not a JSON object");
            if (!json.TryConsume('}'))
            {
                do
                {
                    string key = json.ReadString();
                    json.Expect(':', "expected ':' after a key");
                    switch (key)
                    {
                        case "dtype":
                            if (dtype is not null) throw new HeaderException($"tensor '{Clip(name)}' has two 'dtype' entries");
                            dtype = json.ReadString();
                            break;
                        case "shape":
                            if (shape is not null) throw new HeaderException($"tensor '{Clip(name)}' has two 'shape' entries");
                            shape = json.ReadIntegers(name, key);
                            break;
                        case "data_offsets":
                            if (offsets is not null) throw new HeaderException($"tensor '{Clip(name)}' has two 'data_offsets' entries");
                            offsets = json.ReadIntegers(name, key);
                            if (offsets.Count != 2)
                                throw new HeaderException($"tensor '{Clip(name)}' has {offsets.Count} data_offsets but needs 2 ([begin, end])");
                            if (offsets[0] > offsets[1])
                                throw new HeaderException($"tensor '{Clip(name)}' has data_offsets [{Count(offsets[0])}, {Count(offsets[1])}], which end before they begin");
                            break;
                        default:
                            json.SkipValue(0); // unknown keys are ignored, as by the reference implementation and the runtime
                            break;
                    }
                }
                while (json.TryConsume(','));
                json.Expect('}', $"expected ',' or '}}' in tensor '{Clip(name)}'");
            }
            if (dtype is null) throw new HeaderException($"tensor '{Clip(name)}' has no 'dtype'");
            if (shape is null) throw new HeaderException($"tensor '{Clip(name)}' has no 'shape'");
            if (offsets is null) throw new HeaderException($"tensor '{Clip(name)}' has no 'data_offsets'");
            return new HeaderTensor(name, dtype, shape.ToEquatableArray(), offsets[0], offsets[1]);
        }

        /// <summary>The runtime's rules (SafetensorsReader): each tensor's bytes are its dtype size × its element count, and
        /// the tensors tile the data section from byte 0 with no gap or overlap, within the file. Null when they hold.</summary>
        private static string? CheckLayout(List<HeaderTensor> tensors, long dataAvailable)
        {
            foreach (HeaderTensor tensor in tensors)
            {
                int elementBytes = ElementBytes(tensor.DType);
                if (elementBytes == 0) continue; // an unknown dtype: reported against the network's expectation instead
                long elements = 1;
                foreach (long dimension in tensor.Shape)
                {
                    elements = dimension != 0 && elements > long.MaxValue / 16 / dimension ? long.MaxValue / 16 : elements * dimension;
                }
                if (tensor.End - tensor.Begin != elements * elementBytes)
                    return $"tensor '{Clip(tensor.Name)}' has data_offsets [{Count(tensor.Begin)}, {Count(tensor.End)}] ({Count(tensor.End - tensor.Begin)} bytes) " +
                        $"but {tensor.DType} {tensor.ShapeText} needs {Count(elements * elementBytes)} bytes";
            }
            var byOffset = new List<HeaderTensor>(tensors);
            byOffset.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            long end = 0;
            HeaderTensor? previous = null;
            foreach (HeaderTensor tensor in byOffset)
            {
                if (tensor.Begin < end)
                    return $"tensors '{Clip(previous!.Name)}' and '{Clip(tensor.Name)}' overlap in the data section";
                if (tensor.Begin > end)
                    return previous is null
                        ? $"the data section has unused bytes [0, {Count(tensor.Begin)}) before tensor '{Clip(tensor.Name)}'"
                        : $"the data section has unused bytes [{Count(end)}, {Count(tensor.Begin)}) between tensors '{Clip(previous.Name)}' and '{Clip(tensor.Name)}'";
                end = tensor.End;
                previous = tensor;
            }
            if (end > dataAvailable)
                return $"the file is truncated: the tensors need {Count(end)} bytes of data but only {Count(dataAvailable)} follow the header";
            return null;
        }

        /// <summary>Bytes per element of a safetensors dtype; 0 for an unknown one.</summary>
        public static int ElementBytes(string dtype) => dtype switch
        {
            "F64" or "I64" or "U64" => 8,
            "F32" or "I32" or "U32" => 4,
            "F16" or "BF16" or "I16" or "U16" => 2,
            "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
            _ => 0,
        };

        private static byte[] ReadExactly(Stream stream, int count)
        {
            var buffer = new byte[count];
            int filled = 0;
            while (filled < count)
            {
                int read = stream.Read(buffer, filled, count - filled);
                if (read == 0) throw new IOException($"the file ended after {Count(filled)} of {Count(count)} bytes");
                filled += read;
            }
            return buffer;
        }

        /// <summary>Longest name quoted in a message: a forged header may hold megabyte-long names.</summary>
        private const int MaxQuoted = 200;

        internal static string Clip(string text) => text.Length <= MaxQuoted ? text : text.Substring(0, MaxQuoted) + "…";

        internal static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

        private static string Count(ulong value) => value.ToString("N0", CultureInfo.InvariantCulture);

        /// <summary>Why a header is not valid; never leaves the reader.</summary>
        private sealed class HeaderException : System.Exception
        {
            public HeaderException(string message) : base(message) { }
        }

        /// <summary>A strict cursor over JSON text: just what a safetensors header needs (RFC 8259 strings, non-negative integers,
        /// and skipping any other value up to a nesting depth).</summary>
        private sealed class JsonCursor
        {
            private const int MaxDepth = 64;
            private readonly string _text;
            private int _position;

            public JsonCursor(string text) => _text = text;

            public bool TryConsume(char c)
            {
                SkipWhitespace();
                if (_position < _text.Length && _text[_position] == c) { _position++; return true; }
                return false;
            }

            public void Expect(char c, string problem)
            {
                if (!TryConsume(c)) throw Error(problem);
            }

            /// <summary>Only whitespace (the padding safetensors writers add) may follow the object.</summary>
            public void ExpectEnd()
            {
                SkipWhitespace();
                if (_position != _text.Length) throw Error("the header has content after its JSON object");
            }

            public string ReadString()
            {
                SkipWhitespace();
                if (_position >= _text.Length || _text[_position] != '"') throw Error("expected a string");
                _position++;
                var result = new StringBuilder();
                while (true)
                {
                    if (_position >= _text.Length) throw Error("a string is not terminated");
                    char c = _text[_position++];
                    if (c == '"') return result.ToString();
                    if (c < ' ') throw Error("a string holds a control character");
                    if (c != '\\') { result.Append(c); continue; }
                    if (_position >= _text.Length) throw Error("a string is not terminated");
                    char escape = _text[_position++];
                    switch (escape)
                    {
                        case '"': result.Append('"'); break;
                        case '\\': result.Append('\\'); break;
                        case '/': result.Append('/'); break;
                        case 'b': result.Append('\b'); break;
                        case 'f': result.Append('\f'); break;
                        case 'n': result.Append('\n'); break;
                        case 'r': result.Append('\r'); break;
                        case 't': result.Append('\t'); break;
                        case 'u':
                            if (_position + 4 > _text.Length
                                || !int.TryParse(_text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                                throw Error("a string has a bad \\u escape");
                            result.Append((char)code);
                            _position += 4;
                            break;
                        default: throw Error("a string has a bad escape");
                    }
                }
            }

            public List<long> ReadIntegers(string name, string key)
            {
                Expect('[', $"tensor '{Clip(name)}' has a '{Clip(key)}' that is not an array");
                var values = new List<long>();
                if (TryConsume(']')) return values;
                do
                {
                    SkipWhitespace();
                    int start = _position;
                    while (_position < _text.Length && _text[_position] >= '0' && _text[_position] <= '9') _position++;
                    bool fraction = _position < _text.Length && (_text[_position] == '.' || _text[_position] == 'e' || _text[_position] == 'E');
                    if (_position == start || fraction || (_position - start > 1 && _text[start] == '0')
                        || !long.TryParse(_text.Substring(start, _position - start), NumberStyles.None, CultureInfo.InvariantCulture, out long value))
                        throw new HeaderException($"tensor '{Clip(name)}' has a '{Clip(key)}' entry that is not a non-negative integer");
                    values.Add(value);
                }
                while (TryConsume(','));
                Expect(']', $"tensor '{Clip(name)}' has a '{Clip(key)}' array that is not closed");
                return values;
            }

            /// <summary>Skips one JSON value of any kind.</summary>
            public void SkipValue(int depth)
            {
                if (depth > MaxDepth) throw Error($"the header nests deeper than {MaxDepth} levels");
                SkipWhitespace();
                if (_position >= _text.Length) throw Error("a value is missing");
                char c = _text[_position];
                if (c == '"') { ReadString(); return; }
                if (c == '{' || c == '[')
                {
                    char close = c == '{' ? '}' : ']';
                    _position++;
                    if (TryConsume(close)) return;
                    do
                    {
                        if (c == '{')
                        {
                            ReadString();
                            Expect(':', "expected ':' after a key");
                        }
                        SkipValue(depth + 1);
                    }
                    while (TryConsume(','));
                    Expect(close, $"expected ',' or '{close}'");
                    return;
                }
                foreach (string literal in new[] { "true", "false", "null" })
                {
                    if (string.CompareOrdinal(_text, _position, literal, 0, literal.Length) == 0) { _position += literal.Length; return; }
                }
                int start = _position;
                if (_position < _text.Length && _text[_position] == '-') _position++;
                while (_position < _text.Length && "0123456789.eE+-".IndexOf(_text[_position]) >= 0) _position++;
                if (!double.TryParse(_text.Substring(start, _position - start), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    throw Error("expected a JSON value");
            }

            private void SkipWhitespace()
            {
                while (_position < _text.Length && (_text[_position] == ' ' || _text[_position] == '\t' || _text[_position] == '\n' || _text[_position] == '\r'))
                    _position++;
            }

            private HeaderException Error(string problem)
                => new HeaderException($"the header is not valid JSON ({problem} at character {Count(_position)})");
        }
    }
}
