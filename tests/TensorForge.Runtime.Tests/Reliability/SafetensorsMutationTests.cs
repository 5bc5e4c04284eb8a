using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TensorForge.Runtime.Tests.Serialization;
using TensorForge.Serialization;

namespace TensorForge.Runtime.Tests.Reliability;

/// <summary>Weight files are untrusted: seeded mutations of valid files (truncations, byte flips, forged header lengths, shapes,
/// dtypes, offsets, names, duplicate keys, huge numbers, deep nesting, invalid UTF-8, …). Every Load either succeeds with exactly
/// the tensors the mutated file describes (the original ones, unless data bytes were changed or same-sized tensors swapped) or
/// throws InvalidDataException naming the problem and leaves the parameters byte-for-byte unchanged, within a time bound.</summary>
public class SafetensorsMutationTests
{
    private const int Seed = 4_2024;
    private const int Cases = 1_500;
    private static readonly TimeSpan CaseTimeLimit = TimeSpan.FromSeconds(1);

    /// <summary>A model (tensor list), its parameter count and a valid file of it.</summary>
    private sealed record Model(string Name, TensorInfo[] Tensors, int ParameterCount, byte[] File);

    private static Model[] Models()
    {
        // 1. The small two-layer model of the serialization tests.
        // 2. An MLP-like model with a zero-sized tensor, a scalar, two tensors of the same size (so swapped offsets load),
        //    non-ASCII names, and an I64 scalar (batch norm's num_batches_tracked, two float slots).
        // 3. One large tensor (64 KiB of data).
        (string, TensorInfo[])[] lists =
        [
            ("two-layer", SafetensorsFiles.Model()),
            ("mlp", [
                new("fc1.weight", [16, 12], 0),
                new("fc1.bias", [16], 192),
                new("fc2.weight", [10, 16], 208),
                new("fc2.bias", [10], 368),
                new("bn.running_mean", [10], 378),
                new("empty", [0, 3], 388),
                new("scale", [], 388),
                new("größe.权重", [2, 3], 389),
                new("bn.num_batches_tracked", [], 395, TensorDType.I64),
            ]),
            ("large", [new("embedding.weight", [128, 128], 0)]),
        ];
        var models = new List<Model>();
        foreach ((string name, TensorInfo[] tensors) in lists)
        {
            int count = tensors.Max(t => t.Offset + t.StorageLength);
            var random = new Random(name.Length);
            float[] values = Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
            var stream = new MemoryStream();
            Safetensors.Save(stream, tensors, values);
            models.Add(new Model(name, tensors, count, stream.ToArray()));
        }
        return [.. models];
    }

    [Fact]
    public void Every_mutated_file_loads_exactly_or_is_rejected_leaving_the_parameters_unchanged()
    {
        Model[] models = Models();
        var failures = new List<string>();
        int loaded = 0, rejected = 0;
        var kinds = new Dictionary<string, int>();
        TimeSpan slowest = TimeSpan.Zero;
        for (int index = 0; index < Cases; index++)
        {
            Model model = models[index % models.Length];
            var random = new Random(Seed + index);
            (byte[] file, string description) = Mutate(model.File, random, index / models.Length);
            string kind = description.Split(':')[0];
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            string context = $"case {index} (seed {Seed + index}, model {model.Name}): {description}";

            float[] parameters = Enumerable.Range(0, model.ParameterCount).Select(i => -1000f - i).ToArray();
            byte[] before = MemoryMarshal.AsBytes(parameters.AsSpan()).ToArray();
            bool seekable = index % 4 != 3;
            Stream stream = seekable ? new MemoryStream(file) : new TrickleStream(file);
            var clock = Stopwatch.StartNew();
            Exception? error = null;
            try
            {
                Safetensors.Load(stream, model.Tensors, parameters);
            }
            catch (Exception e)
            {
                error = e;
            }
            clock.Stop();
            if (clock.Elapsed > slowest)
                slowest = clock.Elapsed;
            if (clock.Elapsed > CaseTimeLimit)
                failures.Add($"{context}: took {clock.Elapsed.TotalMilliseconds:F0} ms");

            if (error is null)
            {
                loaded++;
                string? mismatch = CompareWithFile(file, model.Tensors, parameters);
                if (mismatch is not null)
                    failures.Add($"{context}: loaded, but {mismatch}");
            }
            else
            {
                rejected++;
                if (error is not InvalidDataException)
                    failures.Add($"{context}: threw {error.GetType().Name}: {error.Message}");
                else if (!error.Message.StartsWith("Invalid safetensors data: ", StringComparison.Ordinal) || error.Message.Length < 40
                    || error.Message.Length > 2_000)
                    failures.Add($"{context}: message does not name the problem in a bounded text: \"{Shorten(error.Message)}\"");
                if (!MemoryMarshal.AsBytes(parameters.AsSpan()).SequenceEqual(before))
                    failures.Add($"{context}: the parameters changed although Load threw {error.GetType().Name}");
            }
        }

        ReliabilityReport.Line($"safetensors mutations: {Cases} tried, {failures.Count} failures ({loaded} loaded, {rejected} rejected; " +
            $"slowest {slowest.TotalMilliseconds:F1} ms; kinds {string.Join(", ", kinds.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"))})");
        Assert.True(failures.Count == 0, $"{failures.Count} of {Cases} mutations failed:\n" + string.Join("\n", failures.Take(20)));
        // The mutations must exercise both outcomes, or the test proves little.
        Assert.InRange(loaded, Cases / 20, Cases / 2);
        Assert.True(kinds.Count >= 14, $"only {kinds.Count} kinds of mutation ran");
    }

    [Fact]
    public void A_forged_header_length_on_a_stream_of_unknown_length_allocates_only_what_arrives()
    {
        // 100 MB claimed, 20 bytes sent: the reader must fail on truncation without allocating the claimed 100 MB up front.
        byte[] file = new byte[28];
        BinaryPrimitives.WriteUInt64LittleEndian(file, Safetensors.MaxHeaderLength);
        "{\"a\":1}"u8.CopyTo(file.AsSpan(8));
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() =>
            Safetensors.Load(new TrickleStream(file), SafetensorsFiles.Model(), new float[SafetensorsFiles.ParameterCount]));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.Contains("the header length is 100,000,000 bytes but only 20 follow", e.Message);
        Assert.InRange(allocated, 0, 1_000_000);
    }

    [Fact]
    public void Messages_quote_at_most_a_bounded_part_of_a_huge_name()
    {
        string name = new('x', 1_000_000);
        byte[] file = SafetensorsFiles.Build("{" + SafetensorsFiles.Entry(name, "[1]", 0, 4) + "}", 4);
        var e = Assert.Throws<InvalidDataException>(() =>
            Safetensors.Load(new MemoryStream(file), SafetensorsFiles.Model(), new float[SafetensorsFiles.ParameterCount]));
        Assert.Contains("(1,000,000 characters)", e.Message);
        Assert.InRange(e.Message.Length, 100, 2_000);
    }

    // ---- the oracle ---------------------------------------------------------------------------------

    /// <summary>Independently of the reader, reads each model tensor's bytes at the offsets the (mutated) header gives and
    /// compares them bit for bit with the float slots Load filled (two per I64 element). Null when they agree.</summary>
    private static string? CompareWithFile(byte[] file, TensorInfo[] tensors, float[] parameters)
    {
        try
        {
            long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(file);
            using JsonDocument header = JsonDocument.Parse(file.AsMemory(8, (int)headerLength));
            long dataStart = 8 + headerLength;
            foreach (TensorInfo tensor in tensors)
            {
                JsonElement offsets = header.RootElement.GetProperty(tensor.Name).GetProperty("data_offsets");
                long begin = offsets[0].GetInt64();
                for (int i = 0; i < tensor.StorageLength; i++)
                {
                    int expected = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan((int)(dataStart + begin + 4 * i), 4));
                    int actual = BitConverter.SingleToInt32Bits(parameters[tensor.Offset + i]);
                    if (expected != actual)
                        return $"{tensor.Name}[{i}] is {parameters[tensor.Offset + i]} but the file holds {BitConverter.Int32BitsToSingle(expected)}";
                }
            }
            return null;
        }
        catch (Exception e)
        {
            return $"the oracle cannot read the file the reader accepted ({e.GetType().Name}: {e.Message})";
        }
    }

    // ---- mutations ----------------------------------------------------------------------------------

    private static (byte[] File, string Description) Mutate(byte[] original, Random random, int round)
    {
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(original);
        byte[] header = original.AsSpan(8, headerLength).ToArray();
        byte[] data = original.AsSpan(8 + headerLength).ToArray();
        const int Kinds = 16;
        switch (round % Kinds)
        {
            case 0:
            {
                int length = random.Next(original.Length);
                return (original[..length], $"truncate: to {length} of {original.Length} bytes");
            }
            case 1:
            {
                byte[] file = (byte[])original.Clone();
                int position = 8 + random.Next(headerLength);
                byte mask = (byte)random.Next(1, 256);
                file[position] ^= mask;
                return (file, $"flip header byte: {position} ^= 0x{mask:X2} ('{(char)original[position]}' -> 0x{file[position]:X2})");
            }
            case 2:
            {
                byte[] file = (byte[])original.Clone();
                int position = 8 + headerLength + random.Next(data.Length);
                byte mask = (byte)random.Next(1, 256);
                file[position] ^= mask;
                return (file, $"flip data byte: {position} ^= 0x{mask:X2}");
            }
            case 3:
            {
                byte[] file = (byte[])original.Clone();
                int flips = random.Next(2, 6);
                var positions = new List<int>();
                for (int i = 0; i < flips; i++)
                {
                    int position = random.Next(file.Length);
                    file[position] ^= (byte)random.Next(1, 256);
                    positions.Add(position);
                }
                return (file, $"flip bytes: at {string.Join(", ", positions)}");
            }
            case 4:
            {
                ulong[] lengths =
                [
                    0, 1, 2, 7, (ulong)headerLength - 1, (ulong)headerLength + 1, (ulong)headerLength + 8, (ulong)original.Length - 8,
                    (ulong)original.Length - 7, (ulong)original.Length, int.MaxValue, (ulong)int.MaxValue + 1, uint.MaxValue,
                    (ulong)Safetensors.MaxHeaderLength, (ulong)Safetensors.MaxHeaderLength + 1, long.MaxValue, (ulong)long.MaxValue + 1,
                    ulong.MaxValue, unchecked((ulong)-8L), unchecked((ulong)-(long)headerLength), (ulong)random.NextInt64(),
                    (ulong)headerLength << 32, (ulong)(uint)headerLength | (1UL << random.Next(64)),
                ];
                ulong length = lengths[random.Next(lengths.Length)];
                byte[] file = (byte[])original.Clone();
                BinaryPrimitives.WriteUInt64LittleEndian(file, length);
                return (file, $"header length: {length} (as i64 {(long)length}) instead of {headerLength}");
            }
            case 5:
            {
                string[] shapes = ["[]", "[0]", "[1]", "[-1]", "[3,2,1]", "[2,3]", "[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]",
                    "[2147483648]", "[9223372036854775807]", "[9223372036854775808]", "[4294967296,4294967296]", "[1e3]", "[3.0]",
                    "[\"3\"]", "[null]", "null", "3", "{}", "[[3]]", "[65536,65536,65536,65536]", "[0,9223372036854775807]"];
                return EditEntry(header, data, random, "shape", shapes);
            }
            case 6:
            {
                string[] dtypes = ["\"F16\"", "\"BF16\"", "\"F64\"", "\"I32\"", "\"U8\"", "\"BOOL\"", "\"f32\"", "\"F32 \"", "\"\"",
                    "\"F8_E4M3\"", "32", "null", "[\"F32\"]", "\"F3\\u0032\"", "\"I64\"", "\"F32\"", "\"U64\"", "\"i64\""];
                return EditEntry(header, data, random, "dtype", dtypes);
            }
            case 7:
            {
                long dataLength = data.Length;
                string[] offsets = ["[0,0]", "[0,4]", $"[0,{dataLength}]", $"[{dataLength},{dataLength}]", $"[{dataLength - 4},{dataLength + 4}]",
                    "[4,0]", "[-4,0]", "[0,-4]", "[0]", "[0,4,8]", "[]", "[9223372036854775800,9223372036854775807]",
                    "[0,9223372036854775807]", "[18446744073709551615,0]", "[0,18446744073709551616]", "[2147483647,2147483651]",
                    $"[{random.Next((int)dataLength)},{random.Next((int)dataLength)}]", "\"0,4\"", "null", "[1.5,5.5]"];
                return EditEntry(header, data, random, "data_offsets", offsets);
            }
            case 8:
            {
                JsonObject root = Parse(header);
                List<string> names = TensorNames(root);
                string name = names[random.Next(names.Count)];
                string[] replacements = ["", "__metadata__", name + " ", name.ToUpperInvariant(), "x", new string('n', 100_000),
                    name + "\0", names[(names.IndexOf(name) + 1) % names.Count], "fc1.weight.extra", "ſ" + name];
                string replacement = replacements[random.Next(replacements.Length)];
                return (Rebuild(RenameKey(root, name, replacement), data), $"rename: '{name}' -> '{Shorten(replacement)}'");
            }
            case 9:
            {
                // Duplicate keys need text edits: JsonObject cannot hold them.
                string text = Encoding.UTF8.GetString(header).TrimEnd();
                JsonObject root = Parse(header);
                List<string> names = TensorNames(root);
                string name = names[random.Next(names.Count)];
                string entry = $"\"{Escape(name)}\":{root[name]!.ToJsonString()}";
                string[] variants =
                [
                    text[..^1] + "," + entry + "}",
                    "{" + entry + "," + text[1..],
                    text[..^1] + ",\"__metadata__\":{\"format\":\"pt\"}}",
                    text.Replace("\"dtype\":\"F32\"", "\"dtype\":\"F32\",\"dtype\":\"F32\""),
                    text.Replace("\"shape\":", "\"shape\":[1],\"shape\":"),
                    text.Replace("\"data_offsets\":", "\"data_offsets\":[0,0],\"data_offsets\":"),
                    text.Replace("{\"format\":\"pt\"}", "{\"format\":\"pt\",\"format\":\"np\"}"),
                ];
                int variant = random.Next(variants.Length);
                return (Rebuild(Encoding.UTF8.GetBytes(variants[variant]), data), $"duplicate key: variant {variant} ('{Shorten(name)}')");
            }
            case 10:
            {
                // Replace one number of the header text with a huge, negative, fractional or malformed one.
                string text = Encoding.UTF8.GetString(header);
                var numbers = System.Text.RegularExpressions.Regex.Matches(text, "(?<=[\\[,])[0-9]+(?=[\\],])");
                var match = numbers[random.Next(numbers.Count)];
                string[] values = ["1e400", "18446744073709551616", "9223372036854775808", "9223372036854775807", "-0", "-1", "1.5",
                    "00012", "0x10", "1E2", "99999999999999999999999999999999999999", "NaN", "Infinity", "+4", "4294967296"];
                string value = values[random.Next(values.Length)];
                string mutated = text[..match.Index] + value + text[(match.Index + match.Length)..];
                return (Rebuild(Encoding.UTF8.GetBytes(mutated.TrimEnd()), data), $"huge number: {match.Value} at {match.Index} -> {value}");
            }
            case 11:
            {
                int[] depths = [62, 63, 64, 65, 1_000, 100_000];
                int depth = depths[random.Next(depths.Length)];
                bool arrays = random.Next(2) == 0;
                string nested = arrays
                    ? new string('[', depth) + new string(']', depth)
                    : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
                string text = Encoding.UTF8.GetString(header).TrimEnd();
                string[] places = ["__metadata__ value", "unknown key of an entry", "a shape"];
                int place = random.Next(places.Length);
                string mutated = place switch
                {
                    0 => text.Replace("{\"format\":\"pt\"}", nested),
                    1 => text.Replace("\"dtype\":", $"\"deep\":{nested},\"dtype\":"),
                    _ => text.Replace("\"shape\":", $"\"shape\":{nested},\"x\":"),
                };
                return (Rebuild(Encoding.UTF8.GetBytes(mutated), data), $"deep nesting: {depth} {(arrays ? "arrays" : "objects")} in {places[place]}");
            }
            case 12:
            {
                byte[][] invalid = [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x00]];
                byte[] bytes = invalid[random.Next(invalid.Length)];
                // Insert inside a string: right after an opening quote of a key.
                var quotes = Enumerable.Range(0, header.Length).Where(i => header[i] == (byte)'"').ToList();
                int at = quotes[random.Next(quotes.Count)] + 1;
                byte[] mutated = [.. header.AsSpan(0, at), .. bytes, .. header.AsSpan(at)];
                return (Rebuild(TrimPadding(mutated), data), $"invalid utf-8: {Convert.ToHexString(bytes)} at header byte {at}");
            }
            case 13:
            {
                JsonObject root = Parse(header);
                List<string> names = TensorNames(root);
                string name = names[random.Next(names.Count)];
                string text = Encoding.UTF8.GetString(header).TrimEnd();
                int variant = random.Next(12);
                byte[] mutated;
                switch (variant)
                {
                    case 0: root.Remove(name); mutated = Serialize(root); break;
                    case 1: root["extra.weight"] = JsonNode.Parse($"{{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[{data.Length},{data.Length + 4}]}}"); mutated = Serialize(root); break;
                    case 2: ((JsonObject)root[name]!).Remove(new[] { "dtype", "shape", "data_offsets" }[random.Next(3)]); mutated = Serialize(root); break;
                    case 3: mutated = Encoding.UTF8.GetBytes(text + "}"); break;
                    case 4: mutated = Encoding.UTF8.GetBytes(text + ",{}"); break;
                    case 5: mutated = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)]; break;
                    case 6: mutated = Encoding.UTF8.GetBytes("[" + text + "]"); break;
                    case 7: mutated = Encoding.UTF8.GetBytes(text.Replace("{\"format\":\"pt\"}", "{\"format\":7}")); break;
                    case 8: mutated = Encoding.UTF8.GetBytes(text.Replace("{\"format\":\"pt\"}", "\"pt\"")); break;
                    case 9: mutated = Encoding.UTF8.GetBytes(text[..^1] + ",\"comment\":/* x */1}"); break;
                    case 10: mutated = Encoding.UTF8.GetBytes(text.Replace(",", ", ").Replace(":", " :\n")); break; // whitespace: valid
                    default: mutated = Encoding.UTF8.GetBytes(text + "\t\r\n "); break; // trailing whitespace: valid
                }
                return (Rebuild(mutated, data), $"structure: variant {variant} ('{Shorten(name)}')");
            }
            case 14:
            {
                int extra = random.Next(1, 64);
                byte[] tail = new byte[extra];
                random.NextBytes(tail);
                return random.Next(2) == 0
                    ? ([.. original, .. tail], $"data length: {extra} extra bytes appended (not read)")
                    : (original[..^Math.Min(extra, data.Length)], $"data length: {extra} bytes cut from the end");
            }
            default:
            {
                // Swap the offsets of two tensors of the same byte size (if any): a valid file whose tensors trade values.
                JsonObject root = Parse(header);
                var bySize = TensorNames(root).GroupBy(n => Size(root, n)).Where(g => g.Count() >= 2).ToList();
                if (bySize.Count == 0)
                {
                    // No pair: swap two different-sized tensors, which must fail.
                    List<string> names = TensorNames(root);
                    if (names.Count < 2)
                        return (Rebuild(Serialize(root), data), "swap offsets: single tensor, unchanged");
                    SwapOffsets(root, names[0], names[1]);
                    return (Rebuild(Serialize(root), data), $"swap offsets: '{names[0]}' and '{names[1]}' (different sizes)");
                }
                string[] pair = [.. bySize[random.Next(bySize.Count)].Take(2)];
                SwapOffsets(root, pair[0], pair[1]);
                return (Rebuild(Serialize(root), data), $"swap offsets: '{pair[0]}' and '{pair[1]}' (same size)");
            }
        }
    }

    private static (byte[], string) EditEntry(byte[] header, byte[] data, Random random, string key, string[] values)
    {
        JsonObject root = Parse(header);
        List<string> names = TensorNames(root);
        string name = names[random.Next(names.Count)];
        string value = values[random.Next(values.Length)];
        // Text replacement of the entry's value keeps values JsonNode cannot represent (e.g. 1e400 or huge integers).
        string entry = root[name]!.ToJsonString();
        string current = root[name]![key]!.ToJsonString();
        string mutatedEntry = entry.Replace($"\"{key}\":{current}", $"\"{key}\":{value}");
        root.Remove(name);
        string rest = root.ToJsonString();
        string text = rest[..^1] + (root.Count > 0 ? "," : "") + $"\"{Escape(name)}\":{mutatedEntry}" + "}";
        return (Rebuild(Encoding.UTF8.GetBytes(text), data), $"{key}: '{Shorten(name)}' {current} -> {Shorten(value)}");
    }

    private static JsonObject Parse(byte[] header) => JsonNode.Parse(TrimPadding(header))!.AsObject();

    private static byte[] TrimPadding(byte[] header)
    {
        int end = header.Length;
        while (end > 0 && header[end - 1] == (byte)' ')
            end--;
        return header[..end];
    }

    private static List<string> TensorNames(JsonObject root) => root.Select(p => p.Key).Where(k => k != "__metadata__").ToList();

    private static long Size(JsonObject root, string name)
    {
        JsonArray offsets = root[name]!["data_offsets"]!.AsArray();
        return offsets[1]!.GetValue<long>() - offsets[0]!.GetValue<long>();
    }

    private static void SwapOffsets(JsonObject root, string a, string b)
    {
        JsonNode first = root[a]!["data_offsets"]!.DeepClone();
        root[a]!["data_offsets"] = root[b]!["data_offsets"]!.DeepClone();
        root[b]!["data_offsets"] = first;
    }

    private static byte[] RenameKey(JsonObject root, string from, string to)
    {
        var text = new StringBuilder("{");
        foreach (var (key, value) in root)
        {
            if (text.Length > 1)
                text.Append(',');
            text.Append('"').Append(Escape(key == from ? to : key)).Append("\":").Append(value!.ToJsonString());
        }
        return Encoding.UTF8.GetBytes(text.Append('}').ToString());
    }

    private static byte[] Serialize(JsonObject root) =>
        Encoding.UTF8.GetBytes(root.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));

    private static string Escape(string name) => JsonSerializer.Serialize(name)[1..^1];

    /// <summary>A file of this header (padded with spaces to a multiple of 8, as writers do) and data.</summary>
    private static byte[] Rebuild(byte[] header, byte[] data)
    {
        int padded = (header.Length + 7) & ~7;
        var file = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        header.CopyTo(file, 8);
        file.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        data.CopyTo(file, 8 + padded);
        return file;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + $"… ({text.Length} chars)";
}
