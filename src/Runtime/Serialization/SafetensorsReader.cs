using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace TensorForge.Serialization
{
    /// <summary>Reads untrusted safetensors data into a parameter block: everything is checked and read into a temporary buffer
    /// before the parameters are touched. See <see cref="Safetensors"/> for the rules.</summary>
    internal static class SafetensorsReader
    {
        /// <summary>A tensor entry of the header, as found (not yet matched against the model).</summary>
        private sealed record Entry(string Name, string DType, long[] Shape, long Begin, long End);

        public static void Read(Stream stream, ReadOnlySpan<TensorInfo> tensors, Span<float> parameters)
        {
            SafetensorsLayout.Validate(tensors, parameters.Length);
            long? available = stream.CanSeek ? stream.Length - stream.Position : null;

            Span<byte> prefix = stackalloc byte[8];
            int read = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
            if (read < prefix.Length)
                throw Invalid($"the file is truncated: it has {read} bytes, fewer than the 8 bytes of the header length");
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > Safetensors.MaxHeaderLength)
                throw Invalid($"the header length is {Format(headerLength)} bytes, more than the limit of {Format(Safetensors.MaxHeaderLength)}");
            if (available is long total && (long)headerLength > total - 8)
                throw Invalid($"the file is truncated: the header length is {Format(headerLength)} bytes but only {Format(total - 8)} bytes follow");

            byte[] header = ReadHeader(stream, (int)headerLength, available is not null);

            Dictionary<string, Entry> entries = ParseHeader(header);
            Match(entries, tensors);
            List<Entry> byOffset = CheckDataLayout(entries);
            long dataLength = byOffset.Count == 0 ? 0 : byOffset[^1].End;
            if (available is long size && dataLength > size - 8 - (long)headerLength)
                throw Invalid($"the file is truncated: the tensors need {Format(dataLength)} bytes of data but only " +
                    $"{Format(size - 8 - (long)headerLength)} follow the header");

            var staged = new float[parameters.Length];
            var byName = new Dictionary<string, TensorInfo>(tensors.Length, StringComparer.Ordinal);
            foreach (TensorInfo tensor in tensors)
                byName.Add(tensor.Name, tensor);
            foreach (Entry entry in byOffset)
            {
                TensorInfo tensor = byName[entry.Name];
                // F32 and I64 alike: the file's bytes land in the tensor's float slots (StorageLength of them).
                Span<float> destination = staged.AsSpan(tensor.Offset, tensor.StorageLength);
                read = stream.ReadAtLeast(MemoryMarshal.AsBytes(destination), tensor.StorageLength * sizeof(float), throwOnEndOfStream: false);
                if (read < tensor.StorageLength * sizeof(float))
                    throw Invalid($"the file is truncated: tensor '{Clip(entry.Name)}' needs bytes [{Format(entry.Begin)}, {Format(entry.End)}) " +
                        $"of the data section but it ends after {Format(entry.Begin + read)}");
                // I64 slots keep the file's little-endian bytes as they are (see TensorDType.I64).
                if (!BitConverter.IsLittleEndian && tensor.DType == TensorDType.F32)
                    BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(destination), MemoryMarshal.Cast<float, int>(destination));
            }

            foreach (TensorInfo tensor in tensors)
                staged.AsSpan(tensor.Offset, tensor.StorageLength).CopyTo(parameters.Slice(tensor.Offset, tensor.StorageLength));
        }

        /// <summary>Size of the first allocation for the header of a stream of unknown length.</summary>
        internal const int HeaderChunk = 1 << 16;

        /// <summary>Reads the header. When the stream's length is unknown, the buffer grows as bytes arrive (doubling from 64 KiB),
        /// so a forged length allocates at most about twice what the stream really holds.</summary>
        private static byte[] ReadHeader(Stream stream, int length, bool lengthChecked)
        {
            var header = new byte[lengthChecked ? length : Math.Min(length, HeaderChunk)];
            int filled = 0;
            while (true)
            {
                int read = stream.ReadAtLeast(header.AsSpan(filled), header.Length - filled, throwOnEndOfStream: false);
                filled += read;
                if (filled < header.Length)
                    throw Invalid($"the file is truncated: the header length is {Format(length)} bytes but only {Format(filled)} follow");
                if (filled == length)
                    return header;
                Array.Resize(ref header, (int)Math.Min(length, 2L * header.Length));
            }
        }

        private static Dictionary<string, Entry> ParseHeader(byte[] header)
        {
            try
            {
                var reader = new Utf8JsonReader(header, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                    throw Invalid("the header is not a JSON object");
                var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
                bool sawMetadata = false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    string name = reader.GetString()!;
                    reader.Read();
                    if (name == Safetensors.MetadataKey)
                    {
                        if (sawMetadata)
                            throw Invalid($"the header has two '{Safetensors.MetadataKey}' entries");
                        sawMetadata = true;
                        CheckMetadata(ref reader);
                    }
                    else
                    {
                        if (entries.ContainsKey(name))
                            throw Invalid($"the header describes tensor '{Clip(name)}' twice");
                        entries.Add(name, ParseEntry(ref reader, name));
                    }
                }
                if (reader.TokenType != JsonTokenType.EndObject)
                    throw Invalid("the header is not a JSON object of tensor entries");
                // Only whitespace (the padding) may follow; anything else makes Read throw.
                if (reader.Read())
                    throw Invalid("the header has content after its JSON object");
                return entries;
            }
            catch (JsonException e)
            {
                throw Invalid($"the header is not valid JSON ({e.Message})", e);
            }
            catch (InvalidOperationException e)
            {
                // Utf8JsonReader reports invalid UTF-8 in a string this way.
                throw Invalid($"the header is not valid JSON ({e.Message})", e);
            }
        }

        private static void CheckMetadata(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
                throw Invalid($"'{Safetensors.MetadataKey}' must be an object of strings");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string key = reader.GetString()!;
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                    throw Invalid($"'{Safetensors.MetadataKey}' entry '{Clip(key)}' must be a string but is {Describe(reader.TokenType)}");
            }
        }

        private static Entry ParseEntry(ref Utf8JsonReader reader, string name)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
                throw Invalid($"tensor '{Clip(name)}' must be a JSON object but is {Describe(reader.TokenType)}");
            string? dtype = null;
            long[]? shape = null;
            long[]? offsets = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string key = reader.GetString()!;
                reader.Read();
                switch (key)
                {
                    case "dtype":
                        if (dtype is not null)
                            throw Invalid($"tensor '{Clip(name)}' has two 'dtype' entries");
                        if (reader.TokenType != JsonTokenType.String)
                            throw Invalid($"tensor '{Clip(name)}' has a 'dtype' that is {Describe(reader.TokenType)}, not a string");
                        dtype = reader.GetString()!;
                        break;
                    case "shape":
                        if (shape is not null)
                            throw Invalid($"tensor '{Clip(name)}' has two 'shape' entries");
                        shape = ReadIntegers(ref reader, name, key);
                        break;
                    case "data_offsets":
                        if (offsets is not null)
                            throw Invalid($"tensor '{Clip(name)}' has two 'data_offsets' entries");
                        offsets = ReadIntegers(ref reader, name, key);
                        if (offsets.Length != 2)
                            throw Invalid($"tensor '{Clip(name)}' has {offsets.Length} data_offsets but needs 2 ([begin, end])");
                        if (offsets[0] > offsets[1])
                            throw Invalid($"tensor '{Clip(name)}' has data_offsets [{Format(offsets[0])}, {Format(offsets[1])}], which end before they begin");
                        break;
                    default:
                        reader.Skip(); // unknown keys are ignored, as by the reference implementation
                        break;
                }
            }
            if (dtype is null)
                throw Invalid($"tensor '{Clip(name)}' has no 'dtype'");
            if (shape is null)
                throw Invalid($"tensor '{Clip(name)}' has no 'shape'");
            if (offsets is null)
                throw Invalid($"tensor '{Clip(name)}' has no 'data_offsets'");
            return new Entry(name, dtype, shape, offsets[0], offsets[1]);
        }

        private static long[] ReadIntegers(ref Utf8JsonReader reader, string name, string key)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
                throw Invalid($"tensor '{Clip(name)}' has a '{Clip(key)}' that is {Describe(reader.TokenType)}, not an array");
            var values = new List<long>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value) || value < 0)
                    throw Invalid($"tensor '{Clip(name)}' has a '{Clip(key)}' entry that is not a non-negative integer");
                values.Add(value);
            }
            return values.ToArray();
        }

        /// <summary>Checks names, dtypes, shapes and sizes against the model, in the model's order.</summary>
        private static void Match(Dictionary<string, Entry> entries, ReadOnlySpan<TensorInfo> tensors)
        {
            var expected = new HashSet<string>(StringComparer.Ordinal);
            foreach (TensorInfo tensor in tensors)
            {
                expected.Add(tensor.Name);
                if (!entries.TryGetValue(tensor.Name, out Entry? entry))
                    throw Invalid($"tensor '{tensor.Name}' ({tensor.DTypeName} {tensor.ShapeText}) is missing; the file has {NameList(entries.Keys)}");
                // Exactly the declared dtype: no conversion, so F32 where I64 is expected (or the reverse) is an error too.
                if (entry.DType != tensor.DTypeName)
                    throw Invalid($"tensor '{tensor.Name}' has dtype {Clip(entry.DType)} but the model expects {tensor.DTypeName}");
                if (!entry.Shape.AsSpan().SequenceEqual(ToLongs(tensor.ShapeSpan)))
                    throw Invalid($"tensor '{tensor.Name}' has shape {FormatShape(entry.Shape)} but the model expects {tensor.ShapeText}");
                long bytes = (long)tensor.Length * tensor.ElementBytes;
                if (entry.End - entry.Begin != bytes)
                    throw Invalid($"tensor '{tensor.Name}' has data_offsets [{Format(entry.Begin)}, {Format(entry.End)}] " +
                        $"({Format(entry.End - entry.Begin)} bytes) but {tensor.DTypeName} {tensor.ShapeText} needs {Format(bytes)} bytes");
            }
            foreach (string name in entries.Keys)
            {
                if (!expected.Contains(name))
                    throw Invalid($"the file has a tensor '{Clip(name)}' that the model does not have; the model expects {NameList(expected)}");
            }
        }

        /// <summary>Checks that the tensors tile the data section from byte 0 with no gap or overlap; returns them in data order.</summary>
        private static List<Entry> CheckDataLayout(Dictionary<string, Entry> entries)
        {
            List<Entry> byOffset = entries.Values.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
            long end = 0;
            Entry? previous = null;
            foreach (Entry entry in byOffset)
            {
                if (entry.Begin < end)
                    throw Invalid($"tensors '{Clip(previous!.Name)}' [{Format(previous.Begin)}, {Format(previous.End)}] and " +
                        $"'{Clip(entry.Name)}' [{Format(entry.Begin)}, {Format(entry.End)}] overlap in the data section");
                if (entry.Begin > end)
                    throw Invalid(previous is null
                        ? $"the data section has unused bytes [0, {Format(entry.Begin)}) before tensor '{Clip(entry.Name)}'"
                        : $"the data section has unused bytes [{Format(end)}, {Format(entry.Begin)}) between tensors '{Clip(previous!.Name)}' and '{Clip(entry.Name)}'");
                end = entry.End;
                previous = entry;
            }
            return byOffset;
        }

        private static long[] ToLongs(ReadOnlySpan<int> values)
        {
            var result = new long[values.Length];
            for (int i = 0; i < values.Length; i++)
                result[i] = values[i];
            return result;
        }

        /// <summary>Longest name or shape quoted in a message: a forged header may hold megabyte-long names.</summary>
        internal const int MaxQuoted = 200;

        private static string FormatShape(long[] shape) =>
            Clip("[" + string.Join(", ", shape.Length > 16 ? shape.Take(16) : shape) + (shape.Length > 16 ? $", … ({shape.Length} dimensions)]" : "]"));

        private static string Clip(string text) => text.Length <= MaxQuoted ? text : text.Substring(0, MaxQuoted) + $"… ({Format(text.Length)} characters)";

        private static string NameList(IEnumerable<string> names)
        {
            const int Shown = 8;
            List<string> sorted = names.Order(StringComparer.Ordinal).ToList();
            if (sorted.Count == 0)
                return "no tensors";
            string list = string.Join(", ", sorted.Take(Shown).Select(n => $"'{Clip(n)}'"));
            return sorted.Count > Shown ? $"{list} and {sorted.Count - Shown} more" : list;
        }

        private static string Describe(JsonTokenType token) => token switch
        {
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            JsonTokenType.String => "a string",
            JsonTokenType.Number => "a number",
            JsonTokenType.True or JsonTokenType.False => "a boolean",
            JsonTokenType.Null => "null",
            _ => token.ToString(),
        };

        private static string Format(long value) => SafetensorsLayout.Format(value);

        private static string Format(ulong value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

        private static InvalidDataException Invalid(string message, Exception? inner = null) =>
            new InvalidDataException("Invalid safetensors data: " + message + ".", inner);
    }
}
