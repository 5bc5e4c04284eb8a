using System.Collections.Immutable;
using System.Globalization;

namespace TensorForge.Generator.Tests.Fuzzing;

/// <summary>Builds valid sequence networks layer by layer, with the sizes the generator must agree on: a float sequence
/// <c>[T, F]</c> or token ids <c>[T]</c> read by an <c>[Embedding]</c>; then recurrent layers (every cell, stacked,
/// bidirectional, with and without bias, last step only), LayerNorm, PositionalEncoding, MultiHeadAttention and
/// TransformerEncoderLayer (heads that divide the width, causal or not, pre- or post-norm, with and without dropout), Dense on
/// every time step; then maybe a pooling to one vector (AdditiveAttention, LastStep, MeanOverTime) and Dense layers. The random
/// chains of <see cref="DeclarationGenerator"/> rarely give a sequence layer a sequence; these run, so that the runner checks
/// that their Forward, ForwardTrain/Backward and TrainStep are finite, their gradients agree with differences when smooth, and
/// Save/Load round-trips. Seeded, so a declaration seed reproduces the network.</summary>
internal sealed class SequenceNetworkBuilder
{
    private readonly Random _random;
    private readonly List<FuzzAttribute> _layers = new List<FuzzAttribute>();
    private long _parameters;
    private int _names;

    private SequenceNetworkBuilder(int seed) => _random = new Random(seed);

    public static GraphNetwork Build(int seed) => new SequenceNetworkBuilder(seed).Build();

    private bool Chance(double p) => _random.NextDouble() < p;
    private int Int(int low, int high) => _random.Next(low, high + 1);
    private T Pick<T>(params T[] values) => values[_random.Next(values.Length)];
    private static string I(int value) => FuzzDeclaration.Int(value);

    private static string Arguments(params string[] arguments)
    {
        string joined = string.Join(", ", arguments.Where(a => a.Length > 0));
        return joined.Length == 0 ? "" : "(" + joined + ")";
    }

    private string Name() => Chance(0.3) ? "Name = " + FuzzDeclaration.String("seq_" + (++_names).ToString(CultureInfo.InvariantCulture)) : "";

    private void Add(string kind, long parameters, long elements, params string[] arguments)
    {
        _layers.Add(new FuzzAttribute(kind + Arguments(arguments), Elements: elements));
        _parameters += parameters;
    }

    private GraphNetwork Build()
    {
        int steps = Int(1, 6);
        bool tokens = Chance(0.5);
        int width;
        long inputSize;
        if (tokens)
        {
            int vocabulary = Int(2, 12);
            width = Int(1, 12);
            _layers.Add(new FuzzAttribute("Input(" + I(steps) + ")", Elements: steps));
            Add("Embedding", (long)vocabulary * width, (long)steps * width, I(vocabulary), I(width), Name());
            inputSize = steps;
        }
        else
        {
            width = Int(1, 10);
            _layers.Add(new FuzzAttribute("Input(" + I(steps) + ", " + I(width) + ")", Elements: (long)steps * width));
            inputSize = (long)steps * width;
        }

        bool smooth = Chance(0.5); // no dropout and no ReLU, so that the runner checks the gradients by differences
        bool sequence = true;
        int count = Int(1, 4);
        for (int i = 0; i < count && sequence; i++)
        {
            switch (Int(0, 9))
            {
                case 0 or 1: width = Recurrent(steps, width, ref sequence); break;
                case 2: LayerNorm(steps, width); break;
                case 3: Add("PositionalEncoding", 0, (long)steps * width, I(width), Name()); break;
                case 4: MultiHeadAttention(steps, width, smooth); break;
                case 5 or 6: TransformerEncoderLayer(steps, width, smooth); break;
                case 7: width = Dense(steps, width, smooth); break;
                default:
                    sequence = false;
                    Pool(steps, width);
                    break;
            }
        }
        if (sequence && Chance(0.5))
        {
            sequence = false;
            Pool(steps, width);
        }
        if (Chance(0.7)) width = Dense(sequence ? steps : 1, width, smooth);

        int[] output = sequence ? new[] { steps, width } : new[] { width };
        long outputSize = output.Aggregate(1L, (a, d) => a * d);
        var prediction = new FuzzPrediction(true, null, inputSize, outputSize, _parameters, "[" + string.Join(", ", output) + "]");
        return new GraphNetwork(_layers.ToImmutableArray(), ImmutableArray<FuzzBlock>.Empty, prediction, output);
    }

    private void LayerNorm(int steps, int width)
    {
        bool affine = Chance(0.8);
        Add("LayerNorm", affine ? 2L * width : 0, (long)steps * width, affine ? Pick("", "Affine = true") : "Affine = false",
            Chance(0.2) ? "Epsilon = 0.001f" : "", Name());
    }

    private int Recurrent(int steps, int width, ref bool sequence)
    {
        string kind = Pick("Rnn", "Lstm", "Gru");
        int gates = kind switch { "Lstm" => 4, "Gru" => 3, _ => 1 };
        int hidden = Int(1, 8), layers = Chance(0.7) ? 1 : 2;
        bool bidirectional = Chance(0.3), bias = Chance(0.8), last = Chance(0.25);
        int directions = bidirectional ? 2 : 1;
        long parameters = 0;
        for (int l = 0; l < layers; l++)
        {
            int input = l == 0 ? width : hidden * directions;
            parameters += directions * ((long)gates * hidden * (input + hidden) + (bias ? 2L * gates * hidden : 0));
        }
        Add(kind, parameters, (long)steps * hidden * directions * gates, I(hidden), layers == 1 && Chance(0.5) ? "" : "NumLayers = " + I(layers),
            bidirectional ? "Bidirectional = true" : "", bias ? "" : "Bias = false", last ? "ReturnSequences = false" : "",
            kind == "Rnn" && Chance(0.3) ? "Nonlinearity = Activation.ReLU" : "", Name());
        if (last) sequence = false;
        return hidden * directions;
    }

    private int Heads(int width) => Pick(Enumerable.Range(1, Math.Min(width, 4)).Where(h => width % h == 0).ToArray());

    private void MultiHeadAttention(int steps, int width, bool smooth)
        => Add("MultiHeadAttention", 4L * width * width + 4L * width, (long)steps * Math.Max(width, steps) * 4, I(Heads(width)),
            Chance(0.5) ? "Causal = true" : "", !smooth && Chance(0.4) ? "Dropout = 0.1f" : "", Name());

    private void TransformerEncoderLayer(int steps, int width, bool smooth)
    {
        int feedForward = Int(1, 16);
        long parameters = 4L * width * width + 4L * width + 2L * feedForward * width + feedForward + width + 4L * width;
        string activation = smooth ? "Activation = Activation.Gelu" : Pick("", "Activation = Activation.ReLU", "Activation = Activation.Gelu");
        string dropout = smooth ? "Dropout = 0f" : Pick("", "Dropout = 0f", "Dropout = 0.2f");
        Add("TransformerEncoderLayer", parameters, (long)steps * Math.Max(Math.Max(width, feedForward), steps) * 4, I(Heads(width)),
            "FeedForward = " + I(feedForward), dropout, Chance(0.5) ? "NormFirst = true" : "", activation, Chance(0.5) ? "Causal = true" : "",
            Chance(0.2) ? "LayerNormEpsilon = 0.001f" : "", Name());
    }

    private int Dense(int steps, int width, bool smooth)
    {
        int units = Int(1, 10);
        bool bias = Chance(0.85);
        string activation = smooth ? Pick("", "Activation = Activation.Tanh", "Activation = Activation.Sigmoid", "Activation = Activation.Gelu")
            : Pick("", "Activation = Activation.ReLU", "Activation = Activation.Tanh");
        Add("Dense", (long)units * width + (bias ? units : 0), (long)steps * units, I(units), activation, bias ? "" : "Bias = false", Name());
        return units;
    }

    private void Pool(int steps, int width)
    {
        switch (Int(0, 2))
        {
            case 0:
                int size = Int(1, 8);
                Add("AdditiveAttention", (long)size * width + 2L * size, (long)steps * size, I(size), Name());
                break;
            case 1: Add("LastStep", 0, width, Name()); break;
            default: Add("MeanOverTime", 0, width, Name()); break;
        }
    }
}
