using System;
using System.IO;

namespace TensorForge.Serialization
{
    /// <summary>Reads and writes the safetensors format (8-byte little-endian header length, JSON header, raw little-endian data)
    /// for a model whose tensors are described by <see cref="TensorInfo"/> over one parameter block.</summary>
    public static class Safetensors
    {
        /// <summary>Writes every tensor (F32) with an optional <c>__metadata__</c>.</summary>
        public static void Save(Stream stream, ReadOnlySpan<TensorInfo> tensors, ReadOnlySpan<float> parameters) => throw new NotImplementedException();

        /// <summary>Writes to a temporary file in the same folder, flushes, then atomically replaces <paramref name="path"/>.</summary>
        public static void Save(string path, ReadOnlySpan<TensorInfo> tensors, ReadOnlySpan<float> parameters) => throw new NotImplementedException();

        /// <summary>Reads a file holding exactly these tensors (any order), checks every name, dtype and shape, and only then
        /// copies the data into <paramref name="parameters"/>. Throws <see cref="InvalidDataException"/> naming the first problem
        /// and leaves <paramref name="parameters"/> unchanged on any failure.</summary>
        public static void Load(Stream stream, ReadOnlySpan<TensorInfo> tensors, Span<float> parameters) => throw new NotImplementedException();

        public static void Load(string path, ReadOnlySpan<TensorInfo> tensors, Span<float> parameters) => throw new NotImplementedException();
    }
}
