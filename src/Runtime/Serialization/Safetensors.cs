using System;
using System.IO;

namespace TensorForge.Serialization
{
    /// <summary>Reads and writes the safetensors format (8-byte little-endian header length, JSON header, raw little-endian data)
    /// for a model whose tensors are described by <see cref="TensorInfo"/> over one parameter block.</summary>
    /// <remarks>
    /// <para>Writing follows the reference implementation (huggingface/safetensors) byte for byte for F32 tensors: tensors sorted
    /// by name, contiguous data in that order, <c>__metadata__</c> = <c>{"format":"pt"}</c> first, a compact header padded with
    /// spaces to a multiple of 8 bytes. The same tensors and values always give the same bytes.</para>
    /// <para>Reading treats the input as untrusted. The header may be at most <see cref="MaxHeaderLength"/> bytes (checked before
    /// anything is allocated); the JSON, every name, dtype (only F32), shape and data offset is checked; the data of the
    /// tensors must tile the data section from byte 0 without gaps or overlaps (as the reference implementation requires);
    /// bytes after the last tensor are not read. All data is read into a temporary buffer first, so the parameters are
    /// unchanged after any failure.</para>
    /// </remarks>
    public static class Safetensors
    {
        /// <summary>The largest header accepted by <c>Load</c>, in bytes (100 MB, the reference implementation's limit).</summary>
        public const int MaxHeaderLength = 100_000_000;

        /// <summary>The reserved header key holding string-to-string metadata.</summary>
        public const string MetadataKey = "__metadata__";

        /// <summary>Writes every tensor (F32) with an optional <c>__metadata__</c>.</summary>
        /// <exception cref="ArgumentException">Two tensors share a name, or a tensor lies outside <paramref name="parameters"/>.</exception>
        public static void Save(Stream stream, ReadOnlySpan<TensorInfo> tensors, ReadOnlySpan<float> parameters)
        {
            ArgumentNullException.ThrowIfNull(stream);
            SafetensorsWriter.Write(stream, tensors, parameters);
        }

        /// <summary>Writes to a temporary file in the same folder, flushes, then atomically replaces <paramref name="path"/>.</summary>
        /// <remarks>If anything fails, the temporary file is deleted and an existing file at <paramref name="path"/> is untouched.</remarks>
        public static void Save(string path, ReadOnlySpan<TensorInfo> tensors, ReadOnlySpan<float> parameters)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            SafetensorsLayout.Validate(tensors, parameters.Length);
            using var file = new AtomicFile(path);
            SafetensorsWriter.Write(file.Stream, tensors, parameters);
            file.Commit();
        }

        /// <summary>Reads a file holding exactly these tensors (any order), checks every name, dtype and shape, and only then
        /// copies the data into <paramref name="parameters"/>. Throws <see cref="InvalidDataException"/> naming the first problem
        /// and leaves <paramref name="parameters"/> unchanged on any failure.</summary>
        /// <exception cref="InvalidDataException">The data is not a valid safetensors file holding exactly these tensors.</exception>
        /// <exception cref="ArgumentException">Two tensors share a name, or a tensor lies outside <paramref name="parameters"/>.</exception>
        public static void Load(Stream stream, ReadOnlySpan<TensorInfo> tensors, Span<float> parameters)
        {
            ArgumentNullException.ThrowIfNull(stream);
            SafetensorsReader.Read(stream, tensors, parameters);
        }

        /// <inheritdoc cref="Load(Stream, ReadOnlySpan{TensorInfo}, Span{float})"/>
        /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
        public static void Load(string path, ReadOnlySpan<TensorInfo> tensors, Span<float> parameters)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            if (!File.Exists(path))
                throw new FileNotFoundException($"There is no safetensors file at '{path}'.", path);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            SafetensorsReader.Read(stream, tensors, parameters);
        }
    }
}
