using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace TensorForge.Benchmarks
{
    /// <summary>One tensor of a state_dict: its name, shape and values (float32, or int64 for <c>num_batches_tracked</c>,
    /// widened to double so that one type holds both).</summary>
    internal sealed record NamedTensor(string Name, long[] Shape, double[] Values)
    {
        public string ShapeText => "[" + string.Join(", ", Shape) + "]";
    }

    /// <summary>Reads what our networks' <c>Save</c> writes (safetensors: an 8-byte little-endian header length, a JSON header
    /// with dtype, shape and data offsets per tensor, then the raw data), so that a TorchSharp twin can be loaded by name —
    /// parameters and buffers — and its tensors compared with ours name by name.</summary>
    internal static class StateDict
    {
        /// <summary>The tensors a <paramref name="save"/> call writes, in file order.</summary>
        public static List<NamedTensor> Of(Action<Stream> save)
        {
            using var stream = new MemoryStream();
            save(stream);
            return Read(stream.ToArray());
        }

        public static List<NamedTensor> Read(byte[] file)
        {
            long headerLength = BitConverter.ToInt64(file, 0);
            using JsonDocument header = JsonDocument.Parse(file.AsMemory(8, checked((int)headerLength)));
            int dataStart = 8 + (int)headerLength;
            var tensors = new List<(long Begin, NamedTensor Tensor)>();
            foreach (JsonProperty entry in header.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                    continue;
                string dtype = entry.Value.GetProperty("dtype").GetString()!;
                long[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                long[] offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                ReadOnlySpan<byte> bytes = file.AsSpan(dataStart + (int)offsets[0], (int)(offsets[1] - offsets[0]));
                double[] values = dtype switch
                {
                    "F32" => MemoryMarshal.Cast<byte, float>(bytes).ToArray().Select(v => (double)v).ToArray(),
                    "I64" => MemoryMarshal.Cast<byte, long>(bytes).ToArray().Select(v => (double)v).ToArray(),
                    _ => throw new InvalidDataException($"tensor '{entry.Name}' has dtype {dtype}; only F32 and I64 are expected"),
                };
                tensors.Add((offsets[0], new NamedTensor(entry.Name, shape, values)));
            }
            return tensors.OrderBy(t => t.Begin).Select(t => t.Tensor).ToList();
        }
    }
}
