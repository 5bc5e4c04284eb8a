using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Numerics.Tensors;

namespace TensorForge.Data
{
    /// <summary>Reads the IDX format of MNIST (optionally gzipped, detected by the magic bytes).</summary>
    /// <remarks>A file is a big-endian header (magic 0x00000803 and count, rows, columns for images; 0x00000801 and count
    /// for labels) followed by one unsigned byte per pixel or label. Every field and the exact length are checked; a
    /// problem throws <see cref="InvalidDataException"/> naming the file, what was expected and what was found.</remarks>
    public static class Idx
    {
        private const int ImagesMagic = 0x00000803;
        private const int LabelsMagic = 0x00000801;

        /// <summary>Reads an idx3-ubyte image file as floats scaled to [0, 1]; returns the images and the per-image shape [rows, cols].</summary>
        public static (float[] Images, int Count, int Rows, int Columns) ReadImages(string path)
        {
            using Stream stream = Open(path);
            return ReadImages(stream, path);
        }

        /// <summary>Reads an (uncompressed) idx3-ubyte image stream; <paramref name="name"/> is used in error messages.</summary>
        public static (float[] Images, int Count, int Rows, int Columns) ReadImages(Stream stream, string name = "stream")
        {
            ArgumentNullException.ThrowIfNull(stream);
            Span<byte> header = stackalloc byte[16];
            ReadHeader(stream, header, ImagesMagic, name, "an image file (idx3-ubyte)");
            int count = ReadCount(header.Slice(4), name, "image count");
            int rows = ReadCount(header.Slice(8), name, "row count");
            int columns = ReadCount(header.Slice(12), name, "column count");
            long pixelCount = (long)count * rows * columns;
            if (pixelCount > Array.MaxLength)
                throw new InvalidDataException(
                    $"'{name}' claims {Format(count)} images of {Format(rows)}×{Format(columns)}, more than an array can hold");
            byte[] pixels = ReadPayload(stream, (int)pixelCount, name, $"{Format(count)} images of {Format(rows)}×{Format(columns)} pixels");
            var images = new float[pixels.Length];
            TensorPrimitives.ConvertChecked<byte, float>(pixels, images);
            TensorPrimitives.Divide(images, 255f, images);
            return (images, count, rows, columns);
        }

        /// <summary>Reads an idx1-ubyte label file.</summary>
        public static int[] ReadLabels(string path)
        {
            using Stream stream = Open(path);
            return ReadLabels(stream, path);
        }

        /// <summary>Reads an (uncompressed) idx1-ubyte label stream; <paramref name="name"/> is used in error messages.</summary>
        public static int[] ReadLabels(Stream stream, string name = "stream")
        {
            ArgumentNullException.ThrowIfNull(stream);
            Span<byte> header = stackalloc byte[8];
            ReadHeader(stream, header, LabelsMagic, name, "a label file (idx1-ubyte)");
            int count = ReadCount(header.Slice(4), name, "label count");
            byte[] bytes = ReadPayload(stream, count, name, $"{Format(count)} labels");
            var labels = new int[count];
            for (int i = 0; i < labels.Length; i++)
                labels[i] = bytes[i];
            return labels;
        }

        /// <summary>Loads images and labels into a dataset (checks the counts agree).</summary>
        public static Dataset LoadDataset(string imagesPath, string labelsPath)
        {
            (float[] images, int count, int rows, int columns) = ReadImages(imagesPath);
            int[] labels = ReadLabels(labelsPath);
            if (labels.Length != count)
                throw new InvalidDataException(
                    $"'{imagesPath}' has {Format(count)} images but '{labelsPath}' has {Format(labels.Length)} labels");
            return new Dataset(images, labels, rows * columns);
        }

        /// <summary>Opens a file, decompressing it if it starts with the gzip magic bytes 1f 8b.</summary>
        private static Stream Open(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            try
            {
                Span<byte> magic = stackalloc byte[2];
                int read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
                file.Position = 0;
                if (read == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
                    return new GZipStream(file, CompressionMode.Decompress, leaveOpen: false);
                return file;
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }

        /// <summary>Reads the magic number, checks it (so a wrong kind of file is named as such), then the rest of the header.</summary>
        private static void ReadHeader(Stream stream, Span<byte> header, int expectedMagic, string name, string what)
        {
            int read = ReadFully(stream, header.Slice(0, 4), name);
            if (read == 4)
            {
                int magic = BinaryPrimitives.ReadInt32BigEndian(header);
                if (magic != expectedMagic)
                    throw new InvalidDataException(
                        $"'{name}' is not {what}: its magic number is 0x{magic:X8} but should be 0x{expectedMagic:X8}");
                read += ReadFully(stream, header.Slice(4), name);
            }
            if (read < header.Length)
                throw new InvalidDataException(
                    $"'{name}' is too short for {what}: the header needs {header.Length} bytes but the file has {read}");
        }

        private static int ReadCount(ReadOnlySpan<byte> field, string name, string what)
        {
            uint value = BinaryPrimitives.ReadUInt32BigEndian(field);
            if (value > int.MaxValue)
                throw new InvalidDataException($"'{name}' has a {what} of {Format(value)}, which is too large");
            return (int)value;
        }

        /// <summary>Reads exactly <paramref name="length"/> bytes and checks that nothing follows them.</summary>
        private static byte[] ReadPayload(Stream stream, int length, string name, string what)
        {
            // Check the size before allocating where the stream knows it, so a corrupt header cannot request gigabytes.
            if (stream.CanSeek && stream.Length - stream.Position < length)
                throw new InvalidDataException(
                    $"'{name}' is truncated: the header promises {what} ({Format(length)} bytes) but only {Format(stream.Length - stream.Position)} follow");
            var payload = new byte[length];
            int read = ReadFully(stream, payload, name);
            if (read < length)
                throw new InvalidDataException(
                    $"'{name}' is truncated: the header promises {what} ({Format(length)} bytes) but only {Format(read)} follow");
            Span<byte> probe = stackalloc byte[1];
            if (ReadFully(stream, probe, name) != 0)
                throw new InvalidDataException($"'{name}' has bytes after the {what} its header promises");
            return payload;
        }

        private static int ReadFully(Stream stream, Span<byte> buffer, string name)
        {
            try
            {
                return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            }
            catch (InvalidDataException e)
            {
                // GZipStream reports a corrupt or truncated compressed stream this way; add the file's name.
                throw new InvalidDataException($"'{name}' is not a valid gzip file: {e.Message}", e);
            }
        }

        private static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
    }
}
