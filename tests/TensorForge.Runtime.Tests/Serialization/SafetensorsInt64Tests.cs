using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using TensorForge.Serialization;

namespace TensorForge.Runtime.Tests.Serialization;

/// <summary>I64 tensors (batch norm's <c>num_batches_tracked</c>) and 0-dimensional tensors.</summary>
public class SafetensorsInt64Tests
{
    /// <summary>A BatchNorm2d(2) named "bn" in state_dict order; num_batches_tracked takes two float slots (8 and 9).</summary>
    private static TensorInfo[] BatchNorm() =>
    [
        new("bn.weight", [2], 0),
        new("bn.bias", [2], 2),
        new("bn.running_mean", [2], 4),
        new("bn.running_var", [2], 6),
        new("bn.num_batches_tracked", [], 8, TensorDType.I64),
    ];

    /// <summary>safetensors.torch.save_file(bn.state_dict() with names prefixed "bn.", metadata={"format": "pt"}), spelled out
    /// byte by byte. The reference implementation sorts by descending dtype size, then by name, so the I64 scalar comes first;
    /// the header lists the tensors in data order.</summary>
    private static byte[] PyTorchBatchNormFile()
    {
        string json = "{\"__metadata__\":{\"format\":\"pt\"}," +
                      "\"bn.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}," +
                      "\"bn.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}," +
                      "\"bn.running_mean\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}," +
                      "\"bn.running_var\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}," +
                      "\"bn.weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[32,40]}}";
        Assert.Equal(365, json.Length);
        return
        [
            0x70, 0x01, 0, 0, 0, 0, 0, 0, // 368: the JSON padded with three spaces
            .. Encoding.ASCII.GetBytes(json), 0x20, 0x20, 0x20,
            0x00, 0xF2, 0x05, 0x2A, 0x01, 0x00, 0x00, 0x00,  // num_batches_tracked: 5,000,000,000 (int64 little-endian)
            0x00, 0x00, 0x00, 0x3E,   0x00, 0x00, 0x00, 0xBF, // bias: 0.125, -0.5
            0x00, 0x00, 0x80, 0x3E,   0x00, 0x00, 0xC0, 0xBF, // running_mean: 0.25, -1.5
            0x00, 0x00, 0xE0, 0x3F,   0x00, 0x00, 0x80, 0x3D, // running_var: 1.75, 0.0625
            0x00, 0x00, 0xC0, 0x3F,   0x00, 0x00, 0x00, 0x40, // weight: 1.5, 2
        ];
    }

    private static long Counter(ReadOnlySpan<float> slots) => BinaryPrimitives.ReadInt64LittleEndian(MemoryMarshal.AsBytes(slots[..2]));

    [Fact]
    public void Loads_a_batch_norm_state_dict_as_pytorch_writes_it_and_saves_the_same_bytes()
    {
        byte[] file = PyTorchBatchNormFile();
        var parameters = new float[10];

        Safetensors.Load(new MemoryStream(file), BatchNorm(), parameters);

        Assert.Equal([1.5f, 2f, 0.125f, -0.5f, 0.25f, -1.5f, 1.75f, 0.0625f], parameters[..8]);
        Assert.Equal(5_000_000_000L, Counter(parameters.AsSpan(8)));

        var saved = new MemoryStream();
        Safetensors.Save(saved, BatchNorm(), parameters);
        Assert.Equal(file, saved.ToArray());
    }

    [Fact]
    public void A_loaded_counter_counts_on_with_batch_norms_increment_and_saves_as_int64()
    {
        var parameters = new float[10];
        Safetensors.Load(new MemoryStream(PyTorchBatchNormFile()), BatchNorm(), parameters);
        for (int step = 0; step < 3; step++)
            TensorForge.Kernels.BatchNorm.IncrementCounter(parameters.AsSpan(8));

        var saved = new MemoryStream();
        Safetensors.Save(saved, BatchNorm(), parameters);
        byte[] bytes = saved.ToArray();
        byte[] expected = PyTorchBatchNormFile();
        BinaryPrimitives.WriteInt64LittleEndian(expected.AsSpan(8 + 368), 5_000_000_003);
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Round_trip_preserves_every_bit_of_int64_values_whose_halves_are_nan_patterns()
    {
        TensorInfo[] model = [new("a", [3], 0, TensorDType.I64), new("b", [1], 6), new("c", [2, 2], 7, TensorDType.I64)];
        long[] values = [-1, long.MinValue, long.MaxValue, 0x7FC0_0001_FFFF_FFFF, 1, 0, 42];
        var parameters = new float[15];
        MemoryMarshal.Cast<long, float>(values.AsSpan(0, 3)).CopyTo(parameters);
        parameters[6] = float.NaN;
        MemoryMarshal.Cast<long, float>(values.AsSpan(3)).CopyTo(parameters.AsSpan(7));

        var stream = new MemoryStream();
        Safetensors.Save(stream, model, parameters);
        var loaded = new float[15];
        stream.Position = 0;
        Safetensors.Load(stream, model, loaded);

        Assert.Equal(parameters.Select(BitConverter.SingleToInt32Bits), loaded.Select(BitConverter.SingleToInt32Bits));
        // The file holds the integers themselves: I64 first (a, c by name), then b.
        byte[] bytes = stream.ToArray();
        int data = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        long[] inFile = Enumerable.Range(0, 7).Select(i => BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(data + 8 * i))).ToArray();
        Assert.Equal(values, inFile);
        Assert.Contains("\"a\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[0,24]},\"c\":{\"dtype\":\"I64\",\"shape\":[2,2],\"data_offsets\":[24,56]}," +
            "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[56,60]}", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void A_zero_dimensional_f32_tensor_saves_and_loads()
    {
        TensorInfo[] model = [new("scale", [], 0), new("w", [2], 1)];
        Assert.Equal(1, model[0].Length);
        var stream = new MemoryStream();
        Safetensors.Save(stream, model, [0.5f, 1f, 2f]);
        string header = Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains("\"scale\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}", header);

        var loaded = new float[3];
        stream.Position = 0;
        Safetensors.Load(stream, model, loaded);
        Assert.Equal([0.5f, 1f, 2f], loaded);

        // As another writer might put it: a scalar after a vector, and shape [1] is not the same as [].
        string json = "{" + SafetensorsFiles.Entry("w", "[2]", 0, 8) + "," + SafetensorsFiles.Entry("scale", "[]", 8, 12) + "}";
        Safetensors.Load(new MemoryStream(SafetensorsFiles.Build(json, 12)), model, loaded);
        Assert.Equal([3f, 1f, 2f], loaded);
        var e = Assert.Throws<InvalidDataException>(() =>
            Safetensors.Load(new MemoryStream(SafetensorsFiles.Build(json.Replace("[]", "[1]"), 12)), model, loaded));
        Assert.Contains("tensor 'scale' has shape [1] but the model expects []", e.Message);
    }

    public static TheoryData<string, string, int, string> WrongDtypes => new()
    {
        // description, header, data bytes, a fragment the message must contain
        { "F32 where I64 is expected", BatchNormHeader("F32", 4), 36, "tensor 'bn.num_batches_tracked' has dtype F32 but the model expects I64" },
        { "F32 of the right size where I64 is expected", BatchNormHeader("F32", 8).Replace("\"shape\":[]", "\"shape\":[2]"), 40,
            "tensor 'bn.num_batches_tracked' has dtype F32 but the model expects I64" },
        { "I64 where F32 is expected", BatchNormHeader("I64", 8, biasDtype: "I64"), 48, "tensor 'bn.bias' has dtype I64 but the model expects F32" },
        { "U64", BatchNormHeader("U64", 8), 40, "tensor 'bn.num_batches_tracked' has dtype U64 but the model expects I64" },
        { "I64 with 4 bytes", BatchNormHeader("I64", 4), 36, "has data_offsets [0, 4] (4 bytes) but I64 [] needs 8 bytes" },
        { "I64 with 16 bytes", BatchNormHeader("I64", 16), 48, "has data_offsets [0, 16] (16 bytes) but I64 [] needs 8 bytes" },
        { "missing", BatchNormHeader("I64", 8).Replace("bn.num_batches_tracked", "bn.num_batches"), 40,
            "tensor 'bn.num_batches_tracked' (I64 []) is missing" },
    };

    /// <summary>The BatchNorm header with num_batches_tracked of the given dtype and byte size first, the four [2] tensors after it
    /// (F32, except bn.bias of <paramref name="biasDtype"/>), tiling the data section.</summary>
    private static string BatchNormHeader(string counterDtype, int counterBytes, string biasDtype = "F32")
    {
        int at = counterBytes;
        string Next(string name, string dtype = "F32")
        {
            int bytes = dtype == "I64" ? 16 : 8;
            string entry = SafetensorsFiles.Entry(name, "[2]", at, at + bytes, dtype);
            at += bytes;
            return entry;
        }
        return "{" + SafetensorsFiles.Entry("bn.num_batches_tracked", "[]", 0, counterBytes, counterDtype) + "," +
               string.Join(",", Next("bn.bias", biasDtype), Next("bn.running_mean"), Next("bn.running_var"), Next("bn.weight")) + "}";
    }

    [Theory]
    [MemberData(nameof(WrongDtypes))]
    public void A_dtype_other_than_the_declared_one_is_rejected_and_changes_nothing(string description, string header, int dataBytes, string expected)
    {
        float[] parameters = Enumerable.Repeat(42f, 10).ToArray();
        var e = Assert.Throws<InvalidDataException>(() =>
            Safetensors.Load(new MemoryStream(SafetensorsFiles.Build(header, dataBytes)), BatchNorm(), parameters));
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), $"{description}: message was \"{e.Message}\"");
        Assert.All(parameters, p => Assert.Equal(42f, p));
    }

    [Fact]
    public void The_header_built_for_the_failure_cases_is_itself_valid()
    {
        var parameters = new float[10];
        Safetensors.Load(new MemoryStream(SafetensorsFiles.Build(BatchNormHeader("I64", 8), 40)), BatchNorm(), parameters);
        // Data float i is i + 1: the counter holds the bits of 1f and 2f.
        Assert.Equal([1f, 2f], parameters[8..]);
        Assert.Equal([9f, 10f], parameters[..2]);
    }

    [Fact]
    public void Tensor_info_of_int64_occupies_two_slots_per_element()
    {
        var counter = new TensorInfo("bn.num_batches_tracked", [], 8, TensorDType.I64);
        Assert.Equal((1, 2, TensorDType.I64), (counter.Length, counter.StorageLength, counter.DType));
        var matrix = new TensorInfo("m", [3, 4], 0, TensorDType.I64);
        Assert.Equal((12, 24), (matrix.Length, matrix.StorageLength));
        var f32 = new TensorInfo("w", [3, 4], 0);
        Assert.Equal((12, 12, TensorDType.F32), (f32.Length, f32.StorageLength, f32.DType));
        Assert.Equal("bn.num_batches_tracked I64 [] at 8", counter.ToString());

        Assert.Throws<ArgumentException>(() => new TensorInfo("w", [1 << 30], 0, TensorDType.I64)); // 2^31 slots
        Assert.Equal(int.MaxValue / 2, new TensorInfo("w", [int.MaxValue / 2], 0, TensorDType.I64).Length);
        Assert.Throws<ArgumentException>(() => new TensorInfo("w", [1], 0, (TensorDType)7));
    }

    [Fact]
    public void The_layout_check_counts_both_slots_of_an_int64()
    {
        var e = Assert.Throws<ArgumentException>(() => Safetensors.Save(new MemoryStream(), BatchNorm(), new float[9]));
        Assert.Contains("tensor 'bn.num_batches_tracked' I64 [] occupies floats [8, 10) but the parameter block has 9", e.Message);
        Assert.Throws<ArgumentException>(() => Safetensors.Load(new MemoryStream(PyTorchBatchNormFile()), BatchNorm(), new float[9]));
    }
}
