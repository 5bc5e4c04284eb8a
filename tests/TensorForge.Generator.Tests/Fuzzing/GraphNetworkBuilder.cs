using System.Collections.Immutable;
using System.Globalization;

namespace TensorForge.Generator.Tests.Fuzzing;

/// <summary>A network built by <see cref="GraphNetworkBuilder"/>: its layer attributes ([Input] first), the classes beside it,
/// and what the model says of it.</summary>
internal sealed record GraphNetwork(ImmutableArray<FuzzAttribute> Layers, ImmutableArray<FuzzBlock> Blocks, FuzzPrediction? Prediction, int[]? OutputShape);

/// <summary>Builds image and graph networks layer by layer, choosing each layer from the shapes the <see cref="ShapeModel"/>
/// computes so far, so that sane choices make valid networks that run: convolutions with padding ≤ kernel/2, strides 1–2 and
/// groups that divide the channels; pools that fit; shape-preserving residual branches added back to their start; projection
/// shortcuts read with From; Concat of outputs with the same height and width; blocks with BlockArguments.Width/Stride used
/// where they fit. With probability <c>percent</c> % a step is wild instead: zero, negative and huge sizes, undefined enum casts,
/// "same" padding at stride 2, unknown, later, own and weird names, uses of non-blocks, generic blocks and cycles. Seeded, so a
/// declaration seed reproduces the network.</summary>
internal sealed class GraphNetworkBuilder
{
    private static readonly int[] WildInts = { 0, -1, -3, int.MinValue, int.MaxValue, 1 << 20, 46341, 65536, 100_000, 1000, 23168, LayerSpec.Width };
    private static readonly float[] WildFloats = { float.NaN, float.PositiveInfinity, float.NegativeInfinity, -1f, 0f, -0f, float.Epsilon, 1e-30f, 1e-8f, 1.5f, float.MaxValue, 1f };

    private static readonly (string Source, string Metadata)[] BlockNames =
    {
        ("Block", "Block"), ("ResBlock", "ResBlock"), ("@base", "base"), ("Блок", "Блок"), ("B\\u006Cock", "Block"), ("Stage_2", "Stage_2"),
    };

    private readonly Random _random;
    private readonly int _percent;
    private readonly List<BlockModel> _blockModels = new List<BlockModel>();
    private readonly List<FuzzBlock> _blocks = new List<FuzzBlock>();
    private readonly List<string> _useNames = new List<string>();
    private ShapeModel _model = null!;
    private ShapeModel.Scope _top = null!;
    private readonly List<FuzzAttribute> _layers = new List<FuzzAttribute>();
    private int _names;
    private string? _pendingName;

    private GraphNetworkBuilder(int seed, int percent)
    {
        _random = new Random(seed);
        _percent = percent;
    }

    public static GraphNetwork Build(int seed, int percent) => new GraphNetworkBuilder(seed, percent).Build();

    // ---- random choices ---------------------------------------------------------------------------------

    private bool Chance(double p) => _random.NextDouble() < p;
    private int Int(int low, int high) => _random.Next(low, high + 1);
    private T Pick<T>(params T[] values) => values[_random.Next(values.Length)];
    private bool Wild => _percent > 0 && _random.Next(100) < _percent;
    private int WildInt(int sane) => Chance(0.6) ? Pick(WildInts) : sane;
    /// <summary>A third of the networks are smooth (no ReLU kinks, max pooling or dropout) so that the runner can check their
    /// gradients by differences.</summary>
    private bool _smooth;
    private int? Activation() => Chance(0.5) ? null : _smooth ? Pick(0, 3, 4, 5) : Int(0, 5);
    private int? NormActivation() => Chance(0.5) ? null : _smooth ? Pick(0, 4, 5) : Pick(0, 1, 1, 2, 4);
    private LayerSpec Closing() => _smooth ? new PlainSpec(Pick("Tanh", "Gelu")) : new PlainSpec("ReLU");
    private int? WildActivation() => Pick<int?>(6, -1, int.MaxValue, 3);
    private string NewName() => Pick("n", "s.", "x_", "b-") + (++_names).ToString(CultureInfo.InvariantCulture);

    // ---- the network ------------------------------------------------------------------------------------

    private GraphNetwork Build()
    {
        bool image = Chance(0.8);
        int[] input = image
            ? new[] { Int(1, 4), Chance(0.08) ? Int(1, 3) : Int(4, 16), 0 }
            : new[] { Int(1, 24) };
        if (image) input[2] = Chance(0.6) ? input[1] : Chance(0.08) ? Int(1, 3) : Int(4, 16);

        _smooth = Chance(0.35);
        int blocks = Chance(0.5) ? 0 : Chance(0.6) ? 1 : 2;
        for (int i = 0; i < blocks; i++) AddBlock(i, input, image);

        _model = new ShapeModel(_blockModels);
        _top = _model.TopScope();
        Append(new InputSpec(input.ToImmutableArray()));
        int steps = Int(1, 7);
        for (int i = 0; i < steps; i++)
        {
            if (Wild) WildStep();
            else SaneStep();
        }
        // A class declared to be named by mistake (no [Block], or generic) is named at least once, most of the time.
        if (_blockModels.Any(b => !b.IsBlock || b.Generic) && !_layers.Any(l => l.Kind == "Use") && Chance(0.8)) WildUse(Current);
        Head();

        int[]? output = _model.Current(_top);
        bool small = _model.Largest < (1 << 24) && _model.Parameters < (1 << 24);
        FuzzPrediction? prediction = _model.Certain && (small || !_model.Valid) && _model.InputShape is not null
            ? new FuzzPrediction(_model.Valid, _model.Reason, ShapeModel.Size(_model.InputShape), output is null ? 0 : ShapeModel.Size(output),
                _model.Parameters, output is null ? "?" : SpecText.Shape(output))
            : null;
        return new GraphNetwork(_layers.ToImmutableArray(), _blocks.ToImmutableArray(), prediction, output);
    }

    /// <summary>Writes a layer of the network and works out its output.</summary>
    private string? Append(LayerSpec spec)
    {
        if (_pendingName is not null && spec is not InputSpec && spec.Name is null)
        {
            spec = spec with { Name = _pendingName };
            _pendingName = null;
        }
        if (spec is RawSpec) _model.Uncertain();
        _layers.Add(spec.Attribute);
        return _model.Append(_top, spec);
    }

    private int[] Current => _model.Current(_top) ?? new[] { 4, 8, 8 };
    private string CurrentName => _top.Previous;

    /// <summary>Earlier nodes of the network (its input, its layers, its uses) whose shape satisfies <paramref name="fits"/>.</summary>
    private List<string> Nodes(Func<int[], bool> fits)
    {
        var names = new List<string>();
        if (_model.ShapeOf("input") is { } input && fits(input)) names.Add("input");
        names.AddRange(_known.Where(n => _model.ShapeOf(n) is { } s && fits(s)));
        return names;
    }

    private readonly List<string> _known = new List<string>();

    /// <summary>A use without a name is named after its class, which the model does not spell: nothing can refer to it.</summary>
    private static bool Referenceable(string fullName) => !fullName.StartsWith('\u0001');

    private string? Add(LayerSpec spec)
    {
        string? full = Append(spec);
        if (full is not null && Referenceable(full) && !_known.Contains(full)) _known.Add(full);
        return full;
    }

    private void SaneStep()
    {
        int[] x = Current;
        if (x.Length == 3)
        {
            switch (_random.Next(100))
            {
                case < 22: Add(Conv(x)); break;
                case < 25: Add(ConvTranspose(x)); break;
                case < 28: Add(x[1] * x[2] <= 64 && Chance(0.8) ? new UpsampleSpec(Pick(2, 2, 3)) : new UpsampleSpec(1)); break;
                case < 38: Add(Pool(x)); break;
                case < 46: Add(BatchNorm()); break;
                case < 52: Add(Elementwise()); break;
                case < 62: Residual(x); break;
                case < 68: Projection(x); break;
                case < 74: Concat(x); break;
                case < 78: AddExisting(x); break;
                case < 83: Branch(); break;
                case < 95: if (!UseBlock(x)) Add(Conv(x)); break;
                default: Add(new PlainSpec(Chance(0.6) ? "GlobalAvgPool" : "Flatten")); break;
            }
        }
        else
        {
            switch (_random.Next(100))
            {
                case < 25: Add(new DenseSpec(Int(1, 24)) { ActivationValue = Activation(), Bias = Pick<bool?>(null, true, false) }); break;
                case < 28: Add(x.Length == 1 ? Unflatten(x[0]) : new DenseSpec(Int(1, 24))); break;
                case < 30: Add(x.Length == 1 && x[0] % 2 == 0 ? new PlainSpec("Reparameterize") : new DenseSpec(2 * Int(1, 6))); break;
                case < 42: Add(BatchNorm()); break;
                case < 52: Add(Elementwise()); break;
                case < 66: Residual(x); break;
                case < 76: Concat(x); break;
                case < 82: AddExisting(x); break;
                case < 88: Branch(); break;
                default: if (!UseBlock(x)) Add(new DenseSpec(Int(1, 24))); break;
            }
        }
    }

    /// <summary>Ends the network: often a classifier (global pooling or flattening, then Dense), sometimes an image output.</summary>
    private void Head()
    {
        int[] x = Current;
        if (x.Length == 3)
        {
            int r = _random.Next(10);
            if (r < 6) { Add(new PlainSpec(Chance(0.6) ? "GlobalAvgPool" : "Flatten")); Add(new DenseSpec(Int(1, 10))); }
            else if (r < 8) Add(new PlainSpec("Flatten"));
        }
        else if (Chance(0.7))
        {
            Add(new DenseSpec(Int(1, 10)));
        }
    }

    // ---- sane layers ------------------------------------------------------------------------------------

    private static int OutputLength(int input, long pads, int kernel, int stride, int dilation)
    {
        long numerator = input + pads - (long)dilation * (kernel - 1) - 1;
        return numerator < 0 ? 0 : (int)(numerator / stride + 1);
    }

    private static List<int> Divisors(int n) => Enumerable.Range(1, n).Where(d => n % d == 0).ToList();

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    /// <summary>A convolution that fits <paramref name="x"/>: kernel 1–5 (sometimes rectangular), padding ≤ kernel/2 or valid or
    /// same, stride 1–2, dilation 1–2, groups dividing both channel counts. <paramref name="preserve"/>: stride 1 and an odd kernel
    /// with padding dilation·(k − 1)/2, or "same" (any kernel), so the output has the input's height and width.</summary>
    private ConvSpec Conv(int[] x, int? outChannels = null, bool preserve = false)
    {
        int output = outChannels ?? (Chance(0.35) ? x[0] : Int(1, 12));
        int stride = 1, dilation = Chance(0.15) ? 2 : 1, padding = 0, mode, kh, kw;
        bool square;
        if (preserve)
        {
            mode = Chance(0.3) ? 2 : 0;
            square = mode == 0 || !Chance(0.3);
            kh = mode == 0 ? Pick(1, 3, 3, 5) : Int(1, 5);
            kw = square ? kh : Int(1, 5);
            if (mode == 0) padding = dilation * (kh - 1) / 2;
        }
        else
        {
            square = !Chance(0.2);
            kh = Int(1, 5);
            kw = square ? kh : Int(1, 5);
            stride = Chance(0.25) ? 2 : 1;
            mode = _random.Next(10) switch { < 6 => 0, < 8 => 1, _ => stride == 1 ? 2 : 0 };
            if (mode == 0) padding = Chance(0.6) ? Math.Max(kh, kw) / 2 : Int(0, Math.Max(kh, kw) / 2);
        }
        long pads(int k) => mode switch { 1 => 0, 2 => (long)dilation * (k - 1), _ => 2L * padding };
        if (OutputLength(x[1], pads(kh), kh, stride, dilation) < 1 || OutputLength(x[2], pads(kw), kw, stride, dilation) < 1)
        {
            (kh, kw, square, dilation, padding, mode) = (1, 1, true, 1, 0, 0);
        }
        List<int> divisors = Divisors(Gcd(x[0], output));
        int groups = Chance(0.25) ? Pick(divisors.ToArray()) : 1;
        return new ConvSpec(output, kh, kw, square)
        {
            StrideValue = stride == 1 && Chance(0.5) ? null : stride,
            Padding = mode == 0 && (padding != 0 || Chance(0.3)) ? padding : null,
            Mode = mode == 0 ? (Chance(0.1) ? 0 : null) : mode,
            Dilation = dilation == 1 && Chance(0.8) ? null : dilation,
            Groups = groups == 1 && Chance(0.8) ? null : groups,
            Bias = Pick<bool?>(null, null, true, false),
            ActivationValue = Activation(),
            NamedArguments = Chance(0.1),
        };
    }

    /// <summary>A transposed convolution that fits <paramref name="x"/>: kernel 1–4, stride 1–2 (1 on inputs above 12), padding
    /// ≤ (kernel − 1)/2, output padding within PyTorch's rule and padding + stride − 1, dilation 1–2, groups dividing both channel counts.</summary>
    private ConvTransposeSpec ConvTranspose(int[] x)
    {
        int output = Chance(0.35) ? x[0] : Int(1, 8);
        int kernel = Int(1, 4), stride = x[1] <= 12 && x[2] <= 12 && Chance(0.5) ? 2 : 1, dilation = Chance(0.15) ? 2 : 1;
        int padding = Int(0, (kernel - 1) / 2);
        int extra = Chance(0.4) ? Int(0, Math.Min(Math.Max(stride, dilation) - 1, padding + stride - 1)) : 0;
        List<int> divisors = Divisors(Gcd(x[0], output));
        int groups = Chance(0.25) ? Pick(divisors.ToArray()) : 1;
        return new ConvTransposeSpec(output, kernel)
        {
            StrideValue = stride == 1 && Chance(0.5) ? null : stride,
            Padding = padding == 0 && Chance(0.6) ? null : padding,
            OutputPadding = extra == 0 && Chance(0.7) ? null : extra,
            Dilation = dilation == 1 && Chance(0.8) ? null : dilation,
            Groups = groups == 1 && Chance(0.8) ? null : groups,
            Bias = Pick<bool?>(null, null, true, false),
            ActivationValue = Activation(),
        };
    }

    /// <summary>[Unflatten] of a vector of <paramref name="n"/>: an image [n/4, 2, 2] when 4 divides n, else [n, 1, 1] or a sequence [1, n].</summary>
    private UnflattenSpec Unflatten(int n)
        => new UnflattenSpec(n % 4 == 0 && Chance(0.7) ? ImmutableArray.Create(n / 4, 2, 2) : Chance(0.7) ? ImmutableArray.Create(n, 1, 1) : ImmutableArray.Create(1, n));

    private PoolSpec Pool(int[] x)
    {
        int kernel = Int(1, 3), padding = Int(0, kernel / 2);
        int? stride = Pick<int?>(null, null, 1, 2, kernel);
        int s = stride ?? kernel;
        if (OutputLength(x[1], 2L * padding, kernel, s, 1) < 1 || OutputLength(x[2], 2L * padding, kernel, s, 1) < 1) (kernel, padding, stride) = (1, 0, null);
        return new PoolSpec(!_smooth && Chance(0.5) ? "MaxPool2D" : "AvgPool2D", kernel) { StrideValue = stride, Padding = padding == 0 && Chance(0.7) ? null : padding };
    }

    private BatchNormSpec BatchNorm() => new BatchNormSpec
    {
        Epsilon = Chance(0.7) ? null : Pick(1e-5f, 1e-3f, 0.1f),
        Momentum = Chance(0.7) ? null : Pick(0.1f, 0.5f, 1f, 0f),
        Affine = Pick<bool?>(null, null, true, false),
        ActivationValue = NormActivation(),
    };

    private LayerSpec Elementwise() => (_smooth ? Pick(1, 2, 3, 6) : _random.Next(7)) switch
    {
        0 => new PlainSpec("ReLU"),
        1 => new PlainSpec("Sigmoid"),
        2 => new PlainSpec("Tanh"),
        3 => new PlainSpec("Gelu"),
        4 => new LeakyReLUSpec(Chance(0.5) ? null : Pick(0.01f, 0.2f)),
        5 => new DropoutSpec(Chance(0.5) ? null : Pick(0f, 0.1f, 0.5f)),
        _ => new PlainSpec("Softmax"),
    };

    /// <summary>A residual branch: one or two shape-preserving layers (convolutions with padding k/2 or "same", or Dense of the
    /// same width), sometimes with batch norm, then Add back to where the branch started.</summary>
    private void Residual(int[] x)
    {
        if (!Referenceable(CurrentName)) { Add(x.Length == 3 ? Conv(x) : new DenseSpec(Int(1, 24))); return; }
        string anchor = CurrentName;
        string anchorWritten = anchor == _top.Input ? "input" : anchor;
        int layers = Int(1, 2);
        for (int i = 0; i < layers; i++)
        {
            Add(x.Length == 3 ? Conv(x, x[0], preserve: true) : new DenseSpec(x[0]) { ActivationValue = Activation() });
            if (Chance(0.4)) Add(BatchNorm());
        }
        Add(new MergeSpec("Add", anchorWritten) { Name = Chance(0.3) ? NewName() : null });
    }

    /// <summary>A ResNet downsampling block: conv(C', stride s) → conv(C') on the main path, a 1×1 conv(C', stride s) read with From
    /// from the start, and Add.</summary>
    private void Projection(int[] x)
    {
        if (!Referenceable(CurrentName)) { Add(Conv(x)); return; }
        string anchor = CurrentName == _top.Input ? "input" : CurrentName;
        int output = Int(1, 12), stride = x[1] >= 2 && x[2] >= 2 && Chance(0.5) ? 2 : 1;
        Add(new ConvSpec(output, 3, 3, true) { StrideValue = stride, Padding = 1, Bias = false });
        if (Chance(0.5)) Add(new BatchNormSpec { ActivationValue = _smooth ? 4 : 1 });
        string main = NewName();
        Add(new ConvSpec(output, 3, 3, true) { Padding = 1, Name = main });
        Add(new ConvSpec(output, 1, 1, true) { StrideValue = stride, Bias = false, From = anchor });
        Add(new MergeSpec("Add", main));
    }

    private void Concat(int[] x)
    {
        List<string> candidates = Nodes(s => s.Length == x.Length && s.Skip(1).SequenceEqual(x.Skip(1)) && s[0] + x[0] <= 64);
        if (candidates.Count == 0) { Add(Elementwise()); return; }
        Add(new MergeSpec("Concat", Pick(candidates.ToArray())));
    }

    private void AddExisting(int[] x)
    {
        List<string> candidates = Nodes(s => s.SequenceEqual(x));
        if (candidates.Count == 0) { Add(Elementwise()); return; }
        Add(new MergeSpec("Add", Pick(candidates.ToArray())));
    }

    /// <summary>A layer that reads an earlier node with From instead of the previous one.</summary>
    private void Branch()
    {
        List<string> candidates = Nodes(_ => true);
        if (candidates.Count == 0) return;
        string from = Pick(candidates.ToArray());
        int[] shape = _model.ShapeOf(from)!;
        LayerSpec spec = shape.Length == 3
            ? (Chance(0.6) ? Conv(shape) : Pool(shape))
            : new DenseSpec(Int(1, 16)) { ActivationValue = Activation() };
        Add(spec with { From = from });
    }

    // ---- blocks -----------------------------------------------------------------------------------------

    /// <summary>Declares block <paramref name="index"/>: usually a real block (a conv or dense body with BlockArguments.Width and
    /// .Stride, then an identity Add, a projection shortcut, a Concat with the input, or nothing; sometimes an [Input]; block 1
    /// sometimes uses block 0); when wild, a plain class, a generic block, a cycle, misplaced placeholders, a reference to the
    /// network's names or an empty block.</summary>
    private void AddBlock(int index, int[] networkInput, bool image)
    {
        var specs = new List<LayerSpec>();
        (string source, string metadata) = Pick(BlockNames);
        string suffix = index == 0 ? "" : "1";
        string marker = "[Block]";
        bool generic = false;
        string modifiers = Pick("public partial", "internal", "public sealed", "", "public", "public static", "public abstract");
        bool wild = Wild;

        if (Chance(0.15)) specs.Add(new InputSpec(networkInput.ToImmutableArray()));
        string last;
        if (image)
        {
            int k = Pick(1, 3, 3, 5);
            bool strided = Chance(0.5);
            specs.Add(new ConvSpec(LayerSpec.Width, k, k, true) { StrideValue = strided ? LayerSpec.Stride : null, Padding = k / 2, Bias = Pick<bool?>(null, false), ActivationValue = Activation(), Name = "conv1" });
            last = "conv1";
            if (Chance(0.6)) { specs.Add(new BatchNormSpec { ActivationValue = _smooth ? Pick<int?>(null, 4) : Pick<int?>(null, 1), Name = "bn1" }); last = "bn1"; }
            if (index == 1 && _blockModels[0].IsBlock && !_blockModels[0].Generic && Chance(0.6))
            {
                specs.Add(new UseSpec(0, "typeof(" + FuzzBlock.Token(0) + ")") { WidthValue = LayerSpec.Width, Name = "inner" });
                last = "inner";
            }
            if (Chance(0.5))
            {
                specs.Add(new ConvSpec(LayerSpec.Width, 3, 3, true) { Padding = 1, Name = "conv2" });
                last = "conv2";
                if (Chance(0.5)) { specs.Add(new BatchNormSpec { Name = "bn2" }); last = "bn2"; }
            }
            switch (_random.Next(4))
            {
                case 0: specs.Add(new MergeSpec("Add", "input")); break;
                case 1:
                    specs.Add(new ConvSpec(LayerSpec.Width, 1, 1, true) { StrideValue = strided ? LayerSpec.Stride : null, Bias = false, From = "input", Name = "downsample.0" });
                    if (Chance(0.5)) specs.Add(new BatchNormSpec { Name = "downsample.1" });
                    specs.Add(new MergeSpec("Add", last));
                    break;
                case 2: specs.Add(new MergeSpec("Concat", "input")); break;
            }
        }
        else
        {
            specs.Add(new DenseSpec(LayerSpec.Width) { ActivationValue = Activation(), Name = "fc1" });
            if (Chance(0.4)) specs.Add(new BatchNormSpec { Name = "bn1" });
            if (Chance(0.5)) specs.Add(new DenseSpec(LayerSpec.Width) { Name = "fc2" });
            if (Chance(0.6)) specs.Add(new MergeSpec(Chance(0.6) ? "Add" : "Concat", "input"));
        }
        if (Chance(0.3)) specs.Add(Closing());

        if (wild)
        {
            switch (_random.Next(9))
            {
                case 0: marker = ""; break;                                           // a plain class: TF0013
                case 1: generic = true; break;                                        // Block<T>, used as Block<int> or Block<>
                case 2: specs.Insert(_random.Next(specs.Count + 1), UseSpec.Of(index) with { WidthValue = LayerSpec.Width }); break; // uses itself
                case 3: if (index == 1) specs.Insert(0, UseOf(0) with { WidthValue = 4 }); break; // block 1 uses block 0 (whatever it is)
                case 4: specs.Insert(_random.Next(specs.Count + 1), Pick<LayerSpec>(
                            new PoolSpec("MaxPool2D", LayerSpec.Width), new DenseSpec(LayerSpec.Stride), new InputSpec(ImmutableArray.Create(LayerSpec.Width, 4, 4)),
                            new ConvSpec(4, LayerSpec.Stride, LayerSpec.Width, false))); break; // placeholders where they make odd sizes
                case 5: specs.Add(new MergeSpec(Pick("Add", "Concat"), Pick("conv2d1", "n1", "dense1", "layer1"))); break; // an outer name
                case 6: specs.Clear(); break;                                          // an empty block
                case 7: specs.Insert(0, new InputSpec(ImmutableArray.Create(Int(1, 4), Int(1, 9), Int(1, 9)))); break; // [Input] that rarely fits
                default: specs.Add(new PlainSpec("Flatten") { Name = Pick("conv1", "input", "a b") }); break; // a duplicate, reserved or invalid name
            }
        }
        if (index == 1 && !wild && _blockModels[0].IsBlock && Chance(0.05))
        {
            // Close a cycle through block 0 (which cannot name block 1 when it was built): rebuild block 0 to use block 1.
            var first = _blockModels[0];
            var cyclic = first.Layers.Append(UseSpec.Of(1) with { WidthValue = LayerSpec.Width }).ToList();
            _blockModels[0] = first with { Layers = cyclic };
            _blocks[0] = _blocks[0] with { Attributes = cyclic.Select(s => s.Attribute).ToImmutableArray() };
        }

        _blockModels.Add(new BlockModel(specs, marker.Length > 0, generic));
        _blocks.Add(new FuzzBlock(new Identifier(source + suffix, metadata + suffix), marker, modifiers.Trim(),
            specs.Select(s => s.Attribute).ToImmutableArray(), generic ? "<T>" : ""));
    }

    private UseSpec UseOf(int block) => _blockModels[block].Generic ? UseSpec.Of(block, Pick("<int>", "<>")) : UseSpec.Of(block);

    /// <summary>Uses a block where it fits: tries a few widths and strides on a scratch model.</summary>
    private bool UseBlock(int[] x)
    {
        int[] usable = Enumerable.Range(0, _blockModels.Count).Where(b => _blockModels[b].IsBlock && !_blockModels[b].Generic).ToArray();
        for (int attempt = 0; attempt < 6 && usable.Length > 0; attempt++)
        {
            int block = Pick(usable);
            UseSpec use = UseOf(block) with
            {
                WidthValue = _blockModels[block].UsesWidth || Chance(0.2) ? (Chance(0.5) ? x[0] : Int(1, 12)) : null,
                StrideValue = _blockModels[block].UsesStride || Chance(0.2) ? Pick(1, 1, 2) : null,
                Name = Chance(0.8) ? "layer" + (_useNames.Count + 1).ToString(CultureInfo.InvariantCulture) : null,
            };
            var scratch = new ShapeModel(_blockModels);
            ShapeModel.Scope scope = scratch.TopScope();
            scratch.Append(scope, new InputSpec(x.ToImmutableArray()));
            scratch.Append(scope, use);
            if (!scratch.Valid || !scratch.Certain) continue;
            Record(Add(use), use);
            return true;
        }
        return false;
    }

    private void Record(string? full, UseSpec use)
    {
        if (full is not null && use.Name is not null) _useNames.Add(full);
    }

    // ---- wild steps -------------------------------------------------------------------------------------

    private void WildStep()
    {
        int[] x = Current;
        switch (_random.Next(11))
        {
            case 0: case 1: Add(WildConv(x)); break;
            case 2: Add(WildPool(x)); break;
            case 3: Add(new BatchNormSpec
                {
                    Epsilon = Chance(0.6) ? Pick(WildFloats) : null,
                    Momentum = Chance(0.6) ? Pick(WildFloats) : null,
                    Affine = Pick<bool?>(null, false),
                    ActivationValue = Chance(0.5) ? WildActivation() : null,
                });
                break;
            case 4: case 5: WildReference(x); break;
            case 6: WildUse(x); break;
            case 7 when _blockModels.Count > 0: WildUse(x); break;
            case 7: Add(x.Length == 3 ? new DenseSpec(Int(1, 8)) : Pick<LayerSpec>(Conv(new[] { 1, 4, 4 }), Pool(new[] { 1, 4, 4 }), new PlainSpec("GlobalAvgPool"))); break; // wrong rank
            case 8: Add(new ConvSpec(LayerSpec.Width, 3, 3, true) { StrideValue = Pick<int?>(null, LayerSpec.Stride) }); break; // placeholders outside a block
            case 9 when Chance(0.4):
                // A full name another scope has or will have: "layer1.conv1" beside a use "layer1" of a block with "conv1".
                string use = _useNames.Count > 0 && Chance(0.6) ? Pick(_useNames.ToArray()) : "layer" + (_useNames.Count + 1).ToString(CultureInfo.InvariantCulture);
                Add((x.Length == 3 ? (LayerSpec)Conv(x) : new DenseSpec(Int(1, 8))) with { Name = use + Pick(".conv1", ".bn1", ".fc1", ".inner", ".conv2", ".inner.conv1") });
                break;
            case 9: Add(Elementwise() with { Name = Pick(DeclarationGenerator.WeirdNames.Concat(DeclarationGenerator.BorderlineNames).Append("input").Append("conv2d1").ToArray()) }); break;
            default: Add(Pick<LayerSpec>(new PlainSpec("GlobalAvgPool"), new PlainSpec("Flatten"), new DenseSpec(WildInt(4)))); break;
        }
    }

    /// <summary>A convolution with one to three wild arguments.</summary>
    private ConvSpec WildConv(int[] x)
    {
        ConvSpec c = Conv(x.Length == 3 ? x : new[] { 4, 8, 8 });
        int changes = Int(1, 3);
        for (int i = 0; i < changes; i++)
        {
            c = _random.Next(10) switch
            {
                0 => c with { Out = WildInt(c.Out) },
                1 => c with { KernelHeight = WildInt(c.KernelHeight), KernelWidth = c.Square ? WildInt(c.KernelHeight) : c.KernelWidth },
                2 => c with { KernelWidth = WildInt(c.KernelWidth), Square = false },
                3 => c with { StrideValue = WildInt(2) },
                4 => c with { Padding = WildInt(1), Mode = Pick<int?>(null, 0, 1, 2) },
                5 => c with { Mode = Pick(2, 7, -1, int.MaxValue), StrideValue = Pick<int?>(null, 2, 1) }, // "same" at stride 2, undefined modes
                6 => c with { Dilation = WildInt(3) },
                7 => c with { Groups = Pick(0, -1, 3, 5, int.MaxValue, x[0] + 1, 1 << 20) },
                8 => c with { ActivationValue = WildActivation() },
                _ => c with { Padding = Pick(23168, 46340, 30000, 1 << 20), Mode = null, StrideValue = Pick<int?>(null, 1, 1000), Dilation = null }, // huge paddings
            };
        }
        return c;
    }

    private PoolSpec WildPool(int[] x)
    {
        PoolSpec p = Pool(x.Length == 3 ? x : new[] { 4, 8, 8 });
        return _random.Next(4) switch
        {
            0 => p with { Kernel = WildInt(p.Kernel) },
            1 => p with { StrideValue = WildInt(0) },
            2 => p with { Padding = Pick(-1, p.Kernel / 2 + 1, int.MaxValue, 1000) },
            _ => p with { Kernel = Pick(100, 1000, 46341), StrideValue = 1, Padding = Pick<int?>(null, 50) },
        };
    }

    /// <summary>Add, Concat or From (on any kind of layer) naming: an earlier node of another shape, "input" in other cases, an
    /// unknown name, a name defined by the next layer (a forward reference), the layer's own name, a weird or empty name, null,
    /// or a layer inside a block use ("layer1.conv1").</summary>
    private void WildReference(int[] x)
    {
        string target = _random.Next(9) switch
        {
            0 => Nodes(_ => true) is { Count: > 0 } all ? Pick(all.ToArray()) : "input",
            1 => Pick("Input", "INPUT", "input "),
            2 => Pick("nope", "conv2d99", "n999", "dense0"),
            3 => _pendingName = "fwd" + (++_names).ToString(CultureInfo.InvariantCulture),
            4 => "self",
            5 => Pick(DeclarationGenerator.WeirdNames.Concat(DeclarationGenerator.BorderlineNames).ToArray()),
            6 => LayerSpec.NullLiteral,
            7 => _useNames.Count > 0 ? Pick(_useNames.ToArray()) + Pick(".conv1", ".bn1", ".fc1", ".inner", ".conv2d1", ".input") : "input",
            _ => "",
        };
        string? selfName = target == "self" ? "self" + (++_names).ToString(CultureInfo.InvariantCulture) : null;
        if (selfName is not null) target = selfName;
        LayerSpec spec = _random.Next(4) switch
        {
            0 => new MergeSpec("Add", target),
            1 => new MergeSpec("Concat", target),
            2 => (x.Length == 3 ? (LayerSpec)Conv(x) : new DenseSpec(Int(1, 8))) with { From = target },
            _ => Pick<LayerSpec>(new PlainSpec("ReLU"), new DropoutSpec(null), new PlainSpec("Flatten"), new PlainSpec("Softmax"), new BatchNormSpec()) with { From = target },
        };
        if (selfName is not null) spec = spec with { Name = selfName };
        if (_pendingName == target && spec.Name is null) { string pending = _pendingName; _pendingName = null; Add(spec); _pendingName = pending; }
        else Add(spec);
    }

    /// <summary>Uses with wild Width/Stride, of a non-block class, of int, of null, or of nothing declared.</summary>
    private void WildUse(int[] x)
    {
        int[] odd = Enumerable.Range(0, _blockModels.Count).Where(b => !_blockModels[b].IsBlock || _blockModels[b].Generic).ToArray();
        UseSpec use = _random.Next(7) switch
        {
            0 => new UseSpec(null, Pick("typeof(int)", "typeof(string)", "typeof(System.Attribute)", "typeof(BlockArguments)", "null!", "typeof(UseAttribute)")),
            _ when odd.Length > 0 && Chance(0.6) => UseOf(Pick(odd)) with { WidthValue = x[0] },
            1 or 2 when _blockModels.Count > 0 => UseOf(_random.Next(_blockModels.Count)) with { WidthValue = Pick(0, 0, -1, int.MinValue, int.MaxValue, 100_000, LayerSpec.Width) },
            3 when _blockModels.Count > 0 => UseOf(_random.Next(_blockModels.Count)) with { StrideValue = Pick(0, -1, int.MinValue, int.MaxValue, 100_000, LayerSpec.Stride) },
            4 when _blockModels.Count > 0 => UseOf(_random.Next(_blockModels.Count)) with { WidthValue = x[0], StrideValue = Pick(1, 2), From = Pick("input", "nope") },
            5 when _blockModels.Count > 0 => UseOf(_random.Next(_blockModels.Count)), // no Width
            _ when _blockModels.Count > 0 => UseOf(_random.Next(_blockModels.Count)) with { WidthValue = Pick(x[0], 1, 8, 100_000) },
            _ => new UseSpec(null, "typeof(int)"),
        };
        Record(Add(use with { Name = Chance(0.7) ? "layer" + (_useNames.Count + 1).ToString(CultureInfo.InvariantCulture) : null }), use);
    }
}
