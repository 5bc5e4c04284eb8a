using System.Buffers.Binary;
using System.Text;
using TensorForge.Serialization;
using static TensorForge.Runtime.Tests.Serialization.SafetensorsFiles;

namespace TensorForge.Runtime.Tests.Serialization;

/// <summary>Every way a file can be wrong: each throws <see cref="InvalidDataException"/> with a message naming the problem,
/// and the destination keeps its old values.</summary>
public class SafetensorsLoadFailureTests
{
    private const float Sentinel = 42f;

    public static TheoryData<string, string, int, string> BadHeaders => new()
    {
        // description, header, data bytes, a fragment the message must contain
        { "wrong name", ValidHeader.Replace("fc2.bias", "fc2.b"), 52, "tensor 'fc2.bias' (F32 [1]) is missing" },
        { "missing tensor", "{" + string.Join(",", Entry("fc1.bias", "[3]", 0, 12), Entry("fc1.weight", "[3,2]", 12, 36), Entry("fc2.bias", "[1]", 36, 40)) + "}", 40,
            "tensor 'fc2.weight' (F32 [1, 3]) is missing" },
        { "unexpected tensor", ValidHeader[..^1] + "," + Entry("fc3.bias", "[1]", 52, 56) + "}", 56, "the file has a tensor 'fc3.bias' that the model does not have" },
        { "wrong shape", ValidHeader.Replace("[3,2]", "[2,3]"), 52, "tensor 'fc1.weight' has shape [2, 3] but the model expects [3, 2]" },
        { "wrong rank", ValidHeader.Replace("[3,2]", "[6]"), 52, "tensor 'fc1.weight' has shape [6] but the model expects [3, 2]" },
        { "F16", ValidHeader.Replace(Entry("fc2.bias", "[1]", 36, 40), Entry("fc2.bias", "[1]", 36, 38, "F16")), 52, "tensor 'fc2.bias' has dtype F16" },
        { "size differs from shape", ValidHeader.Replace("[36,40]", "[36,44]").Replace("[40,52]", "[44,56]"), 56,
            "tensor 'fc2.bias' has data_offsets [36, 44] (8 bytes) but F32 [1] needs 4 bytes" },
        { "overlap", ValidHeader.Replace("[40,52]", "[36,48]"), 52, "overlap" },
        { "gap", ValidHeader.Replace("[40,52]", "[44,56]"), 56, "unused bytes [40, 44) between tensors 'fc2.bias' and 'fc2.weight'" },
        { "data beyond the file", ValidHeader, 48, "truncated" },
        { "offsets reversed", ValidHeader.Replace("[36,40]", "[40,36]"), 52, "end before they begin" },
        { "three offsets", ValidHeader.Replace("[36,40]", "[36,40,44]"), 52, "has 3 data_offsets" },
        { "negative dimension", ValidHeader.Replace("[3,2]", "[-3,2]"), 52, "not a non-negative integer" },
        { "fractional offset", ValidHeader.Replace("[36,40]", "[36,40.5]"), 52, "not a non-negative integer" },
        { "huge offset", ValidHeader.Replace("[36,40]", "[36,99999999999999999999]"), 52, "not a non-negative integer" },
        { "no dtype", ValidHeader.Replace("\"dtype\":\"F32\",\"shape\":[1]", "\"shape\":[1]"), 52, "tensor 'fc2.bias' has no 'dtype'" },
        { "dtype not a string", ValidHeader.Replace("\"dtype\":\"F32\",\"shape\":[1]", "\"dtype\":32,\"shape\":[1]"), 52, "'dtype' that is a number" },
        { "shape not an array", ValidHeader.Replace("[3,2]", "6"), 52, "'shape' that is a number" },
        { "tensor not an object", "{\"fc1.bias\":[1,2]}", 52, "must be a JSON object" },
        { "duplicate tensor", ValidHeader[..^1] + "," + Entry("fc2.bias", "[1]", 36, 40) + "}", 52, "describes tensor 'fc2.bias' twice" },
        { "duplicate key", ValidHeader.Replace("\"shape\":[1],", "\"shape\":[1],\"shape\":[1],"), 52, "two 'shape' entries" },
        { "metadata not strings", "{\"__metadata__\":{\"format\":1}," + ValidHeader[1..], 52, "must be a string" },
        { "not JSON", "{fc1.bias: 3}", 52, "not valid JSON" },
        { "array", "[]", 52, "not a JSON object" },
        { "empty header", "", 52, "not valid JSON" },
        { "unclosed object", ValidHeader[..^1], 52, "not valid JSON" },
        { "content after the object", ValidHeader + " {}", 52, "not valid JSON" },
        { "empty object", "{}", 52, "is missing" },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void Bad_header_throws_and_changes_nothing(string description, string header, int dataBytes, string expected)
    {
        AssertRejected(Build(header, dataBytes), expected, description);
    }

    [Fact]
    public void Invalid_utf8_in_a_name_is_rejected()
    {
        byte[] header = [.. "{\""u8, 0xC3, 0x28, .. "\":{}}"u8];
        AssertRejected(Build(header), "not valid JSON", "invalid UTF-8");
    }

    [Theory]
    [InlineData(100_000_001UL)]
    [InlineData(1UL << 40)]
    [InlineData(ulong.MaxValue)]
    public void Header_length_over_the_limit_is_rejected_before_allocating(ulong length)
    {
        byte[] file = Build(ValidHeader);
        BinaryPrimitives.WriteUInt64LittleEndian(file, length);
        long before = GC.GetAllocatedBytesForCurrentThread();
        AssertRejected(file, "more than the limit of 100,000,000", $"header length {length}");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
    }

    [Fact]
    public void Header_length_past_the_end_of_the_file_is_rejected_before_allocating()
    {
        byte[] file = Build(ValidHeader);
        BinaryPrimitives.WriteUInt64LittleEndian(file, 90_000_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        AssertRejected(file, "truncated", "header length beyond the file");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
    }

    [Fact]
    public void Every_truncation_is_rejected_whether_or_not_the_stream_can_seek()
    {
        byte[] file = Build(ValidHeader);
        for (int length = 0; length < file.Length; length++)
        {
            byte[] prefix = file[..length];
            AssertRejected(prefix, "truncated", $"first {length} bytes", seekable: true);
            AssertRejected(prefix, "", $"first {length} bytes, forward-only", seekable: false);
        }
    }

    private static void AssertRejected(byte[] file, string expectedFragment, string description, bool seekable = true)
    {
        float[] destination = Enumerable.Repeat(Sentinel, ParameterCount).ToArray();
        Stream stream = seekable ? new MemoryStream(file) : new TrickleStream(file);
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Load(stream, Model(), destination));
        Assert.True(e.Message.Contains(expectedFragment, StringComparison.Ordinal), $"{description}: message was \"{e.Message}\"");
        Assert.All(destination, value => Assert.Equal(Sentinel, value));
    }
}
