using System;
using System.IO;

namespace TensorForge.Serialization
{
    /// <summary>Reads and writes the safetensors format (8-byte little-endian header length, JSON header, raw little-endian data)
    /// for a model whose tensors are described by <see cref="TensorInfo"/> over one parameter block.</summary>
    /// <remarks>
    /// <para>Writing follows the reference implementation (huggingface/safetensors) byte for byte for F32 and I64 tensors: tensors
    /// sorted by descending element size (I64 before F32) and then by name, contiguous data in that order, <c>__metadata__</c> =
    /// <c>{"format":"pt"}</c> first, a compact header padded with spaces to a multiple of 8 bytes. The same tensors and values
    /// always give the same bytes. An I64 tensor (<see cref="TensorDType.I64"/>) occupies two float slots per element in the
    /// parameter block, holding its little-endian bytes.</para>
    /// <para>Reading treats the input as untrusted. The header may be at most <see cref="MaxHeaderLength"/> bytes (checked before
    /// anything is allocated); the JSON, every name, dtype (exactly the one the model declares: F32 or I64, no conversion), shape and data offset is checked; the data of the
    /// tensors must tile the data section from byte 0 without gaps or overlaps (as the reference implementation requires);
    /// bytes after the last tensor are not read. All data is read into a temporary buffer first, so the parameters are
    /// unchanged after any failure.</para>
    /// <para>Limits and guarantees of <c>Load</c> on untrusted data (proven by a seeded mutation test of several thousand corrupted
    /// files: truncations, byte flips, forged header lengths, shapes, dtypes, offsets, names, duplicate keys, huge numbers, deep
    /// nesting, invalid UTF-8):</para>
    /// <list type="bullet">
    /// <item>Every problem with the data is an <see cref="InvalidDataException"/> whose message starts "Invalid safetensors data:"
    /// and names the problem (truncation, the bad length, tensor, key or offsets). No other exception type comes from the data:
    /// not <see cref="EndOfStreamException"/>, <see cref="OutOfMemoryException"/> or a JSON exception (JSON errors are the inner
    /// exception). Errors of the stream itself (an <see cref="IOException"/> from a disk or network) propagate unchanged.</item>
    /// <item>The header may be at most <see cref="MaxHeaderLength"/> bytes, and (for a seekable stream) no longer than the bytes
    /// that follow; both are checked before the header is allocated. For a stream of unknown length the header buffer grows
    /// as bytes arrive, so a forged length costs at most about twice the bytes actually sent.</item>
    /// <item>The JSON may nest at most 64 levels (the parser's default); numbers must be integers in [0, 2^63); strings must
    /// be valid UTF-8; keys are compared ordinally and a duplicated tensor, <c>__metadata__</c>, <c>dtype</c>, <c>shape</c> or
    /// <c>data_offsets</c> key is an error. The staging buffer is the model's size, never a size read from the file.</item>
    /// <item>Names and shapes quoted in messages are cut to 200 characters and 16 dimensions.</item>
    /// <item>Time is linear in the file's size; the data section is read once, in order.</item>
    /// </list>
    /// </remarks>
    public static class Safetensors
    {
        /// <summary>The largest header accepted by <c>Load</c>, in bytes (100 MB, the reference implementation's limit).</summary>
        public const int MaxHeaderLength = 100_000_000;

        /// <summary>The reserved header key holding string-to-string metadata.</summary>
        public const string MetadataKey = "__metadata__";

        /// <summary>Writes every tensor (F32 or I64, as declared) with <c>__metadata__</c> = <c>{"format":"pt"}</c>.</summary>
        /// <exception cref="ArgumentException">Two tensors share a name, or a tensor lies outside <paramref name="parameters"/>.</exception>
        public static void Save(Stream stream, ReadOnlySpan<TensorInfo> tensors, ReadOnlySpan<float> parameters)
        {
            ArgumentNullException.ThrowIfNull(stream);
            SafetensorsWriter.Write(stream, tensors, parameters);
        }

        /// <summary>Writes to a temporary file in the same folder, flushes, then atomically replaces <paramref name="path"/>.</summary>
        /// <remarks>If anything fails, the temporary file is deleted and an existing file at <paramref name="path"/> is untouched.</remarks>
        public static void Save(string path, ReadOnlySpan<TensorInfo> tensors, ReadOnlySpan<float> parameters) =>
            Save(path, tensors, parameters, AtomicFile.OpenTemporaryFile);

        /// <summary>Test seam: <see cref="Save(string, ReadOnlySpan{TensorInfo}, ReadOnlySpan{float})"/> with the temporary file
        /// opened by <paramref name="open"/> (see <see cref="AtomicFile"/>).</summary>
        internal static void Save(string path, ReadOnlySpan<TensorInfo> tensors, ReadOnlySpan<float> parameters, Func<string, Stream> open)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            SafetensorsLayout.Validate(tensors, parameters.Length);
            using var file = new AtomicFile(path, open);
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
