using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using TensorForge.EndToEnd.Tests.Networks;

namespace TensorForge.EndToEnd.Tests.Reliability;

/// <summary>A generated network's own file, truncated, byte-flipped and given forged header lengths, through the generated
/// Load: it loads exactly what the file holds or throws InvalidDataException and leaves the parameters unchanged.
/// (The runtime tests mutate hand-made files in many more ways.)</summary>
public class GeneratedLoadMutationTests
{
    [Fact]
    public void Mutations_of_a_generated_networks_file_load_exactly_or_change_nothing()
    {
        var source = new GuardedRegressor(99);
        var stream = new MemoryStream();
        source.Save(stream);
        byte[] original = stream.ToArray();
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(original);
        var failures = new List<string>();
        const int Cases = 400;
        for (int index = 0; index < Cases; index++)
        {
            var random = new Random(7_000 + index);
            byte[] file = (byte[])original.Clone();
            string what;
            switch (index % 4)
            {
                case 0: file = file[..random.Next(file.Length)]; what = $"truncated to {file.Length}"; break;
                case 1: { int at = random.Next(8, headerEnd); file[at] ^= (byte)random.Next(1, 256); what = $"header byte {at} flipped"; break; }
                case 2: { int at = random.Next(headerEnd, file.Length); file[at] ^= (byte)random.Next(1, 256); what = $"data byte {at} flipped"; break; }
                default: { ulong length = (ulong)random.NextInt64() >> random.Next(64); BinaryPrimitives.WriteUInt64LittleEndian(file, length); what = $"header length {length}"; break; }
            }
            var network = new GuardedRegressor(1);
            byte[] before = MemoryMarshal.AsBytes(network.Parameters).ToArray();
            var clock = Stopwatch.StartNew();
            Exception? error = Record.Exception(() => network.Load(new MemoryStream(file)));
            if (clock.Elapsed > TimeSpan.FromSeconds(1))
                failures.Add($"case {index} ({what}): {clock.Elapsed.TotalMilliseconds} ms");
            if (error is null)
            {
                if (index % 4 == 2)
                {
                    // A flipped data byte: save the loaded parameters and compare with the mutated file.
                    var saved = new MemoryStream();
                    network.Save(saved);
                    if (!saved.ToArray().AsSpan().SequenceEqual(file))
                        failures.Add($"case {index} ({what}): loaded values differ from the file");
                }
                else if (!MemoryMarshal.AsBytes(network.Parameters).SequenceEqual(MemoryMarshal.AsBytes(source.Parameters)))
                    failures.Add($"case {index} ({what}): loaded, but not the original tensors");
            }
            else
            {
                if (error is not InvalidDataException)
                    failures.Add($"case {index} ({what}): {error.GetType().Name}: {error.Message}");
                if (!MemoryMarshal.AsBytes(network.Parameters).SequenceEqual(before))
                    failures.Add($"case {index} ({what}): parameters changed after a failed Load");
            }
        }
        ReliabilityReport.Line($"generated-network file mutations: {Cases} tried, {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }
}
