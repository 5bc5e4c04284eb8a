using System.Buffers.Binary;
using System.Text;
using TensorForge.Serialization;

namespace TensorForge.Runtime.Tests.Serialization;

/// <summary>A small model and a hand-built safetensors file for it, to corrupt in controlled ways.</summary>
internal static class SafetensorsFiles
{
    /// <summary>fc1: Linear(2, 3), fc2: Linear(3, 1), in PyTorch state_dict order; 13 floats.</summary>
    public static TensorInfo[] Model() =>
    [
        new("fc1.weight", [3, 2], 0),
        new("fc1.bias", [3], 6),
        new("fc2.weight", [1, 3], 9),
        new("fc2.bias", [1], 12),
    ];

    public const int ParameterCount = 13;

    public static float[] Values() => Enumerable.Range(0, ParameterCount).Select(i => 0.5f * i - 2f).ToArray();

    public static string Entry(string name, string shape, long begin, long end, string dtype = "F32") =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    /// <summary>The header the reference implementation writes for <see cref="Model"/> (sorted by name, no metadata).</summary>
    public static readonly string ValidHeader = "{" + string.Join(",",
        Entry("fc1.bias", "[3]", 0, 12),
        Entry("fc1.weight", "[3,2]", 12, 36),
        Entry("fc2.bias", "[1]", 36, 40),
        Entry("fc2.weight", "[1,3]", 40, 52)) + "}";

    /// <summary>A file: the 8-byte little-endian header length, the header padded with spaces to a multiple of 8, then
    /// <paramref name="dataBytes"/> bytes of data (float i of the data section is i + 1, matching nothing in particular).</summary>
    public static byte[] Build(string header, int dataBytes = 52) => Build(Encoding.UTF8.GetBytes(header), dataBytes);

    public static byte[] Build(byte[] header, int dataBytes = 52)
    {
        int padded = (header.Length + 7) & ~7;
        var file = new byte[8 + padded + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        header.CopyTo(file, 8);
        file.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        for (int i = 0; i + 4 <= dataBytes; i += 4)
            BinaryPrimitives.WriteSingleLittleEndian(file.AsSpan(8 + padded + i), i / 4 + 1);
        return file;
    }
}

/// <summary>A stream that cannot seek and returns at most a few bytes per read, like a network stream.</summary>
internal sealed class TrickleStream(byte[] data) : Stream
{
    private readonly MemoryStream _inner = new(data);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));
    public override int Read(Span<byte> buffer) => _inner.Read(buffer[..Math.Min(buffer.Length, 7)]);
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
