using System.Buffers.Binary;
using System.Text;
using TensorForge.Serialization;

namespace TensorForge.Runtime.Tests.Serialization;

public class SafetensorsTests
{
    [Fact]
    public void Round_trip_preserves_every_bit()
    {
        TensorInfo[] model = SafetensorsFiles.Model();
        float[] values = SafetensorsFiles.Values();
        values[0] = float.NaN;
        values[1] = BitConverter.Int32BitsToSingle(0x7FC0_1234); // NaN with a payload
        values[2] = -0f;
        values[3] = float.Epsilon;
        values[4] = float.NegativeInfinity;
        values[12] = float.MaxValue;

        var stream = new MemoryStream();
        Safetensors.Save(stream, model, values);
        var loaded = new float[SafetensorsFiles.ParameterCount];
        stream.Position = 0;
        Safetensors.Load(stream, model, loaded);

        Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), loaded.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Writes_the_reference_layout_byte_for_byte()
    {
        float[] values = SafetensorsFiles.Values();
        var stream = new MemoryStream();
        Safetensors.Save(stream, SafetensorsFiles.Model(), values);
        byte[] bytes = stream.ToArray();

        string expectedHeader = "{\"__metadata__\":{\"format\":\"pt\"}," + SafetensorsFiles.ValidHeader[1..];
        int padded = (expectedHeader.Length + 7) & ~7;
        Assert.Equal((ulong)padded, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal(expectedHeader.PadRight(padded), Encoding.UTF8.GetString(bytes, 8, padded));
        // Data in name order: fc1.bias, fc1.weight, fc2.bias, fc2.weight.
        float[] dataOrder = [.. values[6..9], .. values[0..6], values[12], .. values[9..12]];
        var data = new float[13];
        for (int i = 0; i < data.Length; i++)
            data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + padded + 4 * i));
        Assert.Equal(dataOrder, data);
        Assert.Equal(8 + padded + 52, bytes.Length);
    }

    [Fact]
    public void Output_does_not_depend_on_the_order_of_the_tensor_list()
    {
        float[] values = SafetensorsFiles.Values();
        var a = new MemoryStream();
        var b = new MemoryStream();
        Safetensors.Save(a, SafetensorsFiles.Model(), values);
        Safetensors.Save(b, SafetensorsFiles.Model().Reverse().ToArray(), values);
        Assert.Equal(a.ToArray(), b.ToArray());
    }

    [Fact]
    public void Loads_a_file_as_pytorch_writes_it()
    {
        // safetensors.torch.save_file({"fc.weight": [[1, 2], [-0.5, 0.25]], "fc.bias": [3, -1]}), spelled out byte by byte:
        // the header length (124 bytes of JSON padded with spaces to 128), the JSON, then the data of fc.bias and fc.weight.
        string json = "{\"fc.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}," +
                      "\"fc.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[8,24]}}";
        Assert.Equal(124, json.Length);
        byte[] file =
        [
            128, 0, 0, 0, 0, 0, 0, 0,
            .. Encoding.ASCII.GetBytes(json), 0x20, 0x20, 0x20, 0x20,
            0x00, 0x00, 0x40, 0x40,   0x00, 0x00, 0x80, 0xBF, // fc.bias: 3, -1
            0x00, 0x00, 0x80, 0x3F,   0x00, 0x00, 0x00, 0x40, // fc.weight: 1, 2,
            0x00, 0x00, 0x00, 0xBF,   0x00, 0x00, 0x80, 0x3E, //            -0.5, 0.25
        ];
        TensorInfo[] model = [new("fc.weight", [2, 2], 0), new("fc.bias", [2], 4)];
        var parameters = new float[6];

        Safetensors.Load(new MemoryStream(file), model, parameters);

        Assert.Equal([1f, 2f, -0.5f, 0.25f, 3f, -1f], parameters);
    }

    [Fact]
    public void Loads_from_a_stream_that_cannot_seek_and_reads_in_small_pieces()
    {
        var parameters = new float[SafetensorsFiles.ParameterCount];
        Safetensors.Load(new TrickleStream(SafetensorsFiles.Build(SafetensorsFiles.ValidHeader)), SafetensorsFiles.Model(), parameters);
        // Data float i is i + 1; fc1.bias is floats 0–2 of the data section, fc1.weight 3–8, fc2.bias 9, fc2.weight 10–12.
        Assert.Equal([4f, 5f, 6f, 7f, 8f, 9f, 1f, 2f, 3f, 11f, 12f, 13f, 10f], parameters);
    }

    [Fact]
    public void Load_leaves_floats_outside_the_tensors_alone()
    {
        TensorInfo[] model = [new("a", [2], 1), new("b", [1], 4)];
        var saved = new float[] { 0, 1, 2, 0, 3 };
        var stream = new MemoryStream();
        Safetensors.Save(stream, model, saved);
        var target = new float[] { 9, 9, 9, 9, 9, 9 };
        stream.Position = 0;
        Safetensors.Load(stream, model, target);
        Assert.Equal([9f, 1f, 2f, 9f, 3f, 9f], target);
    }

    [Fact]
    public void Metadata_and_unknown_entry_keys_are_accepted()
    {
        string header = "{\"__metadata__\":{\"format\":\"pt\",\"note\":\"hi\"}," +
                        SafetensorsFiles.ValidHeader[1..].Replace("\"dtype\":\"F32\",", "\"dtype\":\"F32\",\"extra\":{\"x\":[1,2]},");
        Safetensors.Load(new MemoryStream(SafetensorsFiles.Build(header)), SafetensorsFiles.Model(), new float[13]);
    }

    [Fact]
    public void Invalid_tensor_lists_are_argument_errors()
    {
        var e = Assert.Throws<ArgumentException>(() => Safetensors.Save(new MemoryStream(), SafetensorsFiles.Model(), new float[12]));
        Assert.Contains("fc2.bias", e.Message);
        Assert.Throws<ArgumentException>(() => Safetensors.Save(new MemoryStream(), [new("a", [1], 0), new("a", [1], 1)], new float[2]));
        Assert.Throws<ArgumentException>(() => Safetensors.Load(new MemoryStream(), SafetensorsFiles.Model(), new float[5]));
    }

    [Fact]
    public void Tensor_info_validates_and_copies_its_shape()
    {
        int[] shape = [3, 4];
        var info = new TensorInfo("w", shape, 7);
        shape[0] = 100;
        Assert.Equal([3, 4], info.Shape);
        Assert.Equal(12, info.Length);
        Assert.Equal(7, info.Offset);
        Assert.Equal(1, new TensorInfo("scalar", [], 0).Length);
        Assert.Throws<ArgumentException>(() => new TensorInfo("", [1], 0));
        Assert.Throws<ArgumentException>(() => new TensorInfo("__metadata__", [1], 0));
        Assert.Throws<ArgumentException>(() => new TensorInfo("w", [-1], 0));
        Assert.Throws<ArgumentException>(() => new TensorInfo("w", [65536, 65536], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TensorInfo("w", [1], -1));
    }
}
