using System.Text.Json;
using TensorForge.Benchmarks;
using TensorForge.EndToEnd.Tests.Networks;

namespace TensorForge.EndToEnd.Tests;

/// <summary>Weights move between PyTorch and TensorForge for every layer kind, in both directions, through the files in
/// <c>tests/Fixtures/pytorch</c> (see its <c>make_fixtures.py</c> and docs/generated-code.md, "Moving weights to and from
/// PyTorch").</summary>
/// <remarks>
/// <para><c>{name}.safetensors</c> and <c>{name}.json</c> were written by PyTorch (the script's <c>make</c>): the twin's
/// state_dict with <c>__metadata__</c>, a fixed input and the twin's output. The first test loads them here.</para>
/// <para><c>{name}.tensorforge.safetensors</c> and <c>{name}.tensorforge.json</c> are written by this class (run it with
/// <c>TENSORFORGE_UPDATE_FIXTURES=1</c> to rewrite them) and loaded by the script's <c>check</c> into the twin with
/// <c>load_state_dict(strict=True)</c>. CI has no PyTorch, so the second test checks that the committed files are still what
/// <c>Save</c> writes and that they load and give the committed output; the PyTorch side is run by hand.</para>
/// </remarks>
public class PyTorchFixtureTests
{
    private const string UpdateVariable = "TENSORFORGE_UPDATE_FIXTURES";
    private const float Tolerance = 1e-5f;

    private static readonly Dictionary<string, Func<INetwork>> s_networks = new()
    {
        ["dense"] = () => new DenseFixtureNet(),
        ["conv2d"] = () => new Conv2DFixtureNet(),
        ["convtranspose2d"] = () => new ConvTranspose2DFixtureNet(),
        ["batchnorm"] = () => new BatchNormFixtureNet(),
        ["layernorm"] = () => new LayerNormFixtureNet(),
        ["embedding"] = () => new EmbeddingFixtureNet(),
        ["rnn"] = () => new RnnFixtureNet(),
        ["lstm"] = () => new LstmFixtureNet(),
        ["gru"] = () => new GruFixtureNet(),
        ["multiheadattention"] = () => new MultiHeadAttentionFixtureNet(),
        ["transformer"] = () => new TransformerFixtureNet(),
        ["additiveattention"] = () => new AdditiveAttentionFixtureNet(),
        ["block"] = () => new BlockFixtureNet(),
    };

    public static TheoryData<string> Fixtures => new(s_networks.Keys);

    private static string Folder => Path.Combine(TestData.RepositoryRoot, "tests", "Fixtures", "pytorch");

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void A_file_written_by_PyTorch_loads_and_Forward_matches_PyTorch(string name)
    {
        byte[] file = File.ReadAllBytes(Path.Combine(Folder, name + ".safetensors"));
        Assert.Contains("\"producer\":\"torch ", HeaderText(file)); // the __metadata__ PyTorch's side wrote, beside "format"
        ForwardRecord expected = ForwardRecord.Read(Path.Combine(Folder, name + ".json"));
        INetwork network = s_networks[name]();

        network.Load(new MemoryStream(file));

        // Every tensor, buffers and the int64 num_batches_tracked included, is back bit for bit when we save it again.
        List<NamedTensor> written = StateDict.Read(file), saved = StateDict.Of(network.Save);
        Assert.Equal(Describe(written), Describe(saved));
        for (int i = 0; i < written.Count; i++)
            Assert.True(written[i].Values.SequenceEqual(saved[i].Values), $"{name}: tensor '{written[i].Name}' changed between Load and Save");
        AssertForward(network, expected, $"{name}: Forward against PyTorch");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_file_Save_wrote_for_PyTorch_is_what_Save_writes_now(string name)
    {
        ForwardRecord input = ForwardRecord.Read(Path.Combine(Folder, name + ".json"));
        var network = (ISupervisedNetwork)s_networks[name]();
        Train(network, input.Input.Length / network.InputSize);
        var fresh = new MemoryStream();
        network.Save(fresh);
        var output = new float[input.Output.Length];
        network.Forward(input.Input, output);

        string safetensorsPath = Path.Combine(Folder, name + ".tensorforge.safetensors");
        string recordPath = Path.Combine(Folder, name + ".tensorforge.json");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllBytes(safetensorsPath, fresh.ToArray());
            new ForwardRecord(name, input.InputShape, input.Input, input.OutputShape, output).Write(recordPath, "TensorForge");
            return;
        }

        // The committed file has exactly the tensors Save writes now, with the same values (training on another instruction
        // set may round differently in the last bits), and gives the committed output once loaded.
        byte[] committed = File.ReadAllBytes(safetensorsPath);
        List<NamedTensor> expected = StateDict.Read(committed), actual = StateDict.Read(fresh.ToArray());
        Assert.Equal(Describe(expected), Describe(actual));
        for (int i = 0; i < expected.Count; i++)
            AssertClose(expected[i].Values, actual[i].Values, $"{name}: tensor '{expected[i].Name}' (rerun with {UpdateVariable}=1 if Save changed on purpose)");
        INetwork loaded = s_networks[name]();
        loaded.Load(new MemoryStream(committed));
        AssertForward(loaded, ForwardRecord.Read(recordPath), $"{name}: Forward of the committed file");
    }

    /// <summary>Two training steps on fixed data move every parameter and running statistic off its initial value.</summary>
    private static void Train(ISupervisedNetwork network, int batch)
    {
        bool tokens = network is EmbeddingFixtureNet;
        for (int step = 0; step < 2; step++)
        {
            float[] input = tokens
                ? TestData.Labels(batch * network.InputSize, 11, seed: 40 + step).Select(t => (float)t).ToArray()
                : TestData.Uniform(batch * network.InputSize, seed: 40 + step, lo: -2f, hi: 2f);
            network.TrainStep(input, TestData.Uniform(batch * network.OutputSize, seed: 50 + step));
        }
    }

    private static void AssertForward(INetwork network, ForwardRecord expected, string what)
    {
        var output = new float[expected.Output.Length];
        network.Forward(expected.Input, output);
        AssertClose(expected.Output.Select(v => (double)v).ToArray(), output.Select(v => (double)v).ToArray(), what);
    }

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs(expected[i] - actual[i]);
            Assert.True(difference <= Tolerance * Math.Max(1.0, Math.Abs(expected[i])),
                $"{what}: element {i} is {actual[i]:R}, expected {expected[i]:R} (|Δ| {difference:E2} > {Tolerance:E0})");
        }
    }

    private static List<string> Describe(List<NamedTensor> tensors) =>
        tensors.Select(t => $"{t.Name} {t.ShapeText}").Order(StringComparer.Ordinal).ToList();

    private static string HeaderText(byte[] file) =>
        System.Text.Encoding.UTF8.GetString(file, 8, (int)BitConverter.ToInt64(file, 0));

    /// <summary>A fixed input and the output for it; the JSON the fixture script reads and writes.</summary>
    private sealed record ForwardRecord(string Fixture, int[] InputShape, float[] Input, int[] OutputShape, float[] Output)
    {
        public static ForwardRecord Read(string path)
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = document.RootElement;
            static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
            static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
            return new ForwardRecord(root.GetProperty("fixture").GetString()!, Ints(root.GetProperty("input_shape")),
                Floats(root.GetProperty("input")), Ints(root.GetProperty("output_shape")), Floats(root.GetProperty("output")));
        }

        /// <summary>One key a line, as the script writes its own records; floats round-trip ("R").</summary>
        public void Write(string path, string writer)
        {
            static string Numbers<T>(IEnumerable<T> values, Func<T, string> format) => "[" + string.Join(", ", values.Select(format)) + "]";
            static string Float(float v) => ((double)v).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            static string Int(int v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);
            File.WriteAllText(path, "{\n" +
                $" \"fixture\": \"{Fixture}\",\n" +
                $" \"writer\": \"{writer}\",\n" +
                $" \"input_shape\": {Numbers(InputShape, Int)},\n" +
                $" \"input\": {Numbers(Input, Float)},\n" +
                $" \"output_shape\": {Numbers(OutputShape, Int)},\n" +
                $" \"output\": {Numbers(Output, Float)}\n" +
                "}\n");
        }
    }
}
