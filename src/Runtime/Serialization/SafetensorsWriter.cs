using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TensorForge.Serialization
{
    /// <summary>Writes F32 and I64 tensors as safetensors, the way the reference implementation does.</summary>
    internal static class SafetensorsWriter
    {
        private const byte Padding = (byte)' ';

        public static void Write(Stream stream, ReadOnlySpan<TensorInfo> tensors, ReadOnlySpan<float> parameters)
        {
            SafetensorsLayout.Validate(tensors, parameters.Length);
            TensorInfo[] sorted = tensors.ToArray();
            // The reference implementation orders by descending dtype alignment, then by name: I64 tensors come first.
            Array.Sort(sorted, static (a, b) => b.ElementBytes != a.ElementBytes
                ? b.ElementBytes.CompareTo(a.ElementBytes)
                : string.CompareOrdinal(a.Name, b.Name));

            byte[] header = Header(sorted);
            int paddedLength = (header.Length + 7) & ~7;
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)paddedLength);
            stream.Write(prefix);
            stream.Write(header);
            for (int i = header.Length; i < paddedLength; i++)
                stream.WriteByte(Padding);
            foreach (TensorInfo tensor in sorted)
            {
                ReadOnlySpan<float> slots = parameters.Slice(tensor.Offset, tensor.StorageLength);
                if (tensor.DType == TensorDType.I64)
                    stream.Write(MemoryMarshal.AsBytes(slots)); // already the value's little-endian bytes (see TensorDType.I64)
                else
                    WriteLittleEndian(stream, slots);
            }
            stream.Flush();
        }

        /// <summary>The compact JSON header, tensors in the given order with contiguous data offsets.</summary>
        private static byte[] Header(TensorInfo[] sorted)
        {
            var buffer = new ArrayBufferWriter<byte>();
            // Escape only what JSON requires (quotes, backslashes, control characters), like serde_json in the reference.
            var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };
            using (var json = new Utf8JsonWriter(buffer, options))
            {
                json.WriteStartObject();
                json.WriteStartObject(Safetensors.MetadataKey);
                json.WriteString("format", "pt");
                json.WriteEndObject();
                long offset = 0;
                foreach (TensorInfo tensor in sorted)
                {
                    json.WriteStartObject(tensor.Name);
                    json.WriteString("dtype", tensor.DTypeName);
                    json.WriteStartArray("shape");
                    foreach (int dimension in tensor.ShapeSpan)
                        json.WriteNumberValue(dimension);
                    json.WriteEndArray();
                    json.WriteStartArray("data_offsets");
                    json.WriteNumberValue(offset);
                    offset += (long)tensor.Length * tensor.ElementBytes;
                    json.WriteNumberValue(offset);
                    json.WriteEndArray();
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            return buffer.WrittenSpan.ToArray();
        }

        private static void WriteLittleEndian(Stream stream, ReadOnlySpan<float> values)
        {
            if (BitConverter.IsLittleEndian)
            {
                stream.Write(MemoryMarshal.AsBytes(values));
                return;
            }
            Span<byte> chunk = stackalloc byte[4096];
            while (!values.IsEmpty)
            {
                int count = Math.Min(values.Length, chunk.Length / sizeof(float));
                for (int i = 0; i < count; i++)
                    BinaryPrimitives.WriteSingleLittleEndian(chunk.Slice(i * sizeof(float)), values[i]);
                stream.Write(chunk.Slice(0, count * sizeof(float)));
                values = values.Slice(count);
            }
        }
    }
}
