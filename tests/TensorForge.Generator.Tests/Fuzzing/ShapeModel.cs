using System.Text.RegularExpressions;

namespace TensorForge.Generator.Tests.Fuzzing;

/// <summary>A block as the model sees it: its layers, whether it is marked [Block], and whether uses name it with type arguments.</summary>
internal sealed record BlockModel(IReadOnlyList<LayerSpec> Layers, bool IsBlock, bool Generic)
{
    public bool UsesWidth => Layers.Any(l => l.Integers.Contains(LayerSpec.Width));
    public bool UsesStride => Layers.Any(l => l.Integers.Contains(LayerSpec.Stride));
}

/// <summary>The fuzzer's own reading of a declaration, written from PyTorch's documentation and DESIGN.md rather than from the
/// generator: each layer's output shape and parameters, and whether the network is valid. Names follow the generator's public
/// rules (default name = lower-case kind and count; a use prefixes its layers' names; "input" is the scope's input; a reference
/// reads an earlier node). <see cref="Certain"/> turns false where the rules leave room (a generic block, a name defined in two
/// scopes, a layer written as raw text); then the runner checks nothing against the model.</summary>
internal sealed class ShapeModel
{
    private static readonly Regex ValidName = new Regex(@"^[A-Za-z0-9_.\-]{1,128}\z", RegexOptions.CultureInvariant);

    private readonly IReadOnlyList<BlockModel> _blocks;
    private readonly Dictionary<string, int[]?> _nodes = new Dictionary<string, int[]?>(StringComparer.Ordinal);

    public ShapeModel(IReadOnlyList<BlockModel> blocks) => _blocks = blocks;

    /// <summary>No rule is broken (as far as the model knows).</summary>
    public bool Valid { get; private set; } = true;
    /// <summary>The first rule broken, for messages.</summary>
    public string? Reason { get; private set; }
    /// <summary>The model knows every rule the declaration touches.</summary>
    public bool Certain { get; private set; } = true;
    public long Parameters { get; private set; }
    /// <summary>The largest layer output, per sample (to keep predictions away from the size limits).</summary>
    public long Largest { get; private set; }
    public int[]? InputShape { get; private set; }

    /// <summary>A scope: the network, or one use of a block (its names prefixed, its placeholders replaced).</summary>
    internal sealed class Scope
    {
        public Scope(string prefix, string input, int width, int stride, bool topLevel, IReadOnlyList<int> chain)
        {
            Prefix = prefix; Input = input; Previous = input; WidthValue = width; StrideValue = stride; TopLevel = topLevel; Chain = chain;
        }

        public string Prefix { get; }
        public string Input { get; }
        public string Previous { get; set; }
        public int WidthValue { get; }
        public int StrideValue { get; }
        public bool TopLevel { get; }
        public IReadOnlyList<int> Chain { get; }
        public Dictionary<string, int> Counts { get; } = new Dictionary<string, int>(StringComparer.Ordinal);
        public HashSet<string> Locals { get; } = new HashSet<string>(StringComparer.Ordinal);

        public int Substitute(int value) => TopLevel ? value : value == LayerSpec.Width ? WidthValue : value == LayerSpec.Stride ? StrideValue : value;
    }

    public Scope TopScope() => new Scope("", "input", 0, 1, topLevel: true, Array.Empty<int>());

    /// <summary>The shape of a node by its full name (null when unknown or invalid).</summary>
    public int[]? ShapeOf(string fullName) => _nodes.TryGetValue(fullName, out int[]? shape) ? shape : null;

    public bool Has(string fullName) => _nodes.ContainsKey(fullName);

    private void Fail(string reason)
    {
        if (Valid) Reason = reason;
        Valid = false;
    }

    public void Uncertain() => Certain = false;

    /// <summary>The shape the next layer of <paramref name="scope"/> receives.</summary>
    public int[]? Current(Scope scope) => ShapeOf(scope.Previous);

    /// <summary>Adds a layer to a scope; returns its full name (or null for an [Input]).</summary>
    public string? Append(Scope scope, LayerSpec spec)
    {
        if (spec is InputSpec input)
        {
            int[] dimensions = input.Dimensions.Select(scope.Substitute).ToArray();
            bool ok = dimensions.Length > 0 && dimensions.All(d => d > 0) && Size(dimensions) <= int.MaxValue;
            if (!ok) Fail($"Input {SpecText.Shape(dimensions)} has no valid shape");
            if (scope.TopLevel)
            {
                if (InputShape is not null || _nodes.Count > 0) { Fail("a second [Input] or one after a layer"); return null; }
                InputShape = ok ? dimensions : null;
                _nodes["input"] = InputShape;
            }
            else if (ok && ShapeOf(scope.Input) is { } actual && !actual.SequenceEqual(dimensions))
            {
                Fail($"a block declares [Input{SpecText.Shape(dimensions)}] but its use receives {SpecText.Shape(actual)}");
            }
            return null;
        }

        string kind = spec is UseSpec use ? "use:" + use.TypeText : spec.Kind;
        scope.Counts[kind] = scope.Counts.TryGetValue(kind, out int count) ? count + 1 : 1;
        string local;
        if (spec.Name is { } explicitName && explicitName != LayerSpec.NullLiteral)
        {
            local = explicitName;
            if (!ValidName.IsMatch(explicitName)) Fail($"the name '{explicitName}' is not valid");
            else if (explicitName == "input" || !scope.Locals.Add(explicitName)) Fail($"the name '{explicitName}' is used twice");
        }
        else
        {
            // A use's default name comes from its class name, which the model does not spell: nothing refers to it.
            local = spec is UseSpec ? "\u0001" + kind + scope.Counts[kind] : spec.Kind.ToLowerInvariant() + scope.Counts[kind];
            if (!scope.Locals.Add(local)) Fail($"the default name '{local}' is taken");
        }
        string full = scope.Prefix + local;

        string inputName = spec.From is { } from && from != LayerSpec.NullLiteral ? Resolve(scope, from) : scope.Previous;
        int[]? x = Lookup(inputName, spec.From);
        int[]? output;
        if (spec is UseSpec u)
        {
            output = Use(scope, u, full, inputName, x);
        }
        else
        {
            int[]? second = null;
            bool secondOk = true;
            if (spec is MergeSpec merge)
            {
                if (merge.Other == LayerSpec.NullLiteral || merge.Other.Length == 0) { Fail($"{spec.Kind} names no layer"); secondOk = false; }
                else { second = Lookup(Resolve(scope, merge.Other), merge.Other); secondOk = second is not null; }
            }
            output = x is null || !secondOk ? null : Layer(scope, spec, x, second); // an invalid input was already a failure
        }
        if (output is not null && Size(output) > int.MaxValue) { Fail($"the output of '{full}' is too large"); output = null; }
        if (output is not null) Largest = Math.Max(Largest, Size(output));
        if (_nodes.ContainsKey(full)) Fail($"the full name '{full}' is used in two scopes"); // "layer1.conv1" beside a use "layer1" with "conv1"
        _nodes[full] = output;
        scope.Previous = full;
        return full;
    }

    private static string Resolve(Scope scope, string written) => written == "input" ? scope.Input : scope.Prefix + written;

    private int[]? Lookup(string fullName, string? written)
    {
        if (_nodes.TryGetValue(fullName, out int[]? shape))
        {
            if (shape is null) Fail($"'{fullName}' is invalid");
            return shape;
        }
        Fail($"'{written ?? fullName}' names no earlier layer");
        return null;
    }

    private int[]? Use(Scope scope, UseSpec use, string full, string inputName, int[]? x)
    {
        // A generic block cannot be named: typeof(Block<int>) and typeof(Block<>) are not the declared Block<T>.
        BlockModel? block = use.Block is int index && index < _blocks.Count ? _blocks[index] : null;
        if (block is null || !block.IsBlock || block.Generic) { Fail($"{use.TypeText} is not a block"); return null; }
        int index2 = use.Block!.Value;
        if (scope.Chain.Contains(index2)) { Fail($"block {index2} uses itself"); return null; }
        int width = scope.Substitute(use.WidthValue ?? 0);
        int stride = scope.Substitute(use.StrideValue ?? 1);
        if (block.UsesWidth && width <= 0) { Fail($"Width {width} is not positive"); return null; }
        if (block.UsesStride && stride <= 0) { Fail($"Stride {stride} is not positive"); return null; }
        if (x is null) Fail("the use's input is invalid");
        var inner = new Scope(full + ".", inputName, width, stride, topLevel: false, scope.Chain.Append(index2).ToArray());
        foreach (LayerSpec spec in block.Layers) Append(inner, spec);
        return ShapeOf(inner.Previous);
    }

    private bool Check(bool condition, string what)
    {
        if (!condition) Fail(what);
        return condition;
    }

    private bool AddParameters(params long[] tensors)
    {
        foreach (long t in tensors)
        {
            if (t > int.MaxValue || Parameters + t > int.MaxValue) { Fail("the parameters do not fit in an int"); return false; }
            Parameters += t;
        }
        return true;
    }

    private int[]? Layer(Scope scope, LayerSpec spec, int[] x, int[]? second)
    {
        switch (spec)
        {
            case ConvSpec c:
            {
                int output = scope.Substitute(c.Out), kh = scope.Substitute(c.KernelHeight), kw = c.Square ? kh : scope.Substitute(c.KernelWidth);
                int stride = scope.Substitute(c.StrideValue ?? 1), padding = scope.Substitute(c.Padding ?? 0), mode = c.Mode ?? 0;
                int dilation = scope.Substitute(c.Dilation ?? 1), groups = scope.Substitute(c.Groups ?? 1), activation = c.ActivationValue ?? 0;
                bool ok = Check(output > 0 && kh > 0 && kw > 0, "Conv2D sizes must be positive")
                    & Check(stride >= 1 && dilation >= 1 && padding >= 0 && groups >= 1, "Conv2D stride, dilation, groups ≥ 1, padding ≥ 0")
                    & Check(mode is >= 0 and <= 2, "PaddingMode is undefined")
                    & Check(mode != 2 || stride == 1, "padding='same' needs stride 1")
                    & Check(mode == 0 || padding == 0, "Padding with PaddingMode Valid or Same")
                    & Check(activation is >= 0 and <= 5, "Activation is undefined");
                if (!ok || !Check(x.Length == 3, "Conv2D needs an image")) return null;
                if (!Check(x[0] % groups == 0 && output % groups == 0, "groups do not divide the channels")) return null;
                long? height = Window(x[1], mode, padding, kh, stride, dilation), width = Window(x[2], mode, padding, kw, stride, dilation);
                if (height is null || width is null) return null;
                // The kernels work on a zero-padded copy of each sample, which must be addressable with an int.
                double padded = (double)x[0] * (x[1] + Pads(mode, padding, kh, dilation) + 1) * (x[2] + Pads(mode, padding, kw, dilation) + 1);
                if (!Check(padded <= int.MaxValue, "the padded input does not fit in an int")) return null;
                if (!AddParameters((long)output * (x[0] / groups) * kh * kw, c.Bias == false ? 0 : output)) return null;
                return new[] { output, (int)height, (int)width };
            }
            case PoolSpec pool:
            {
                int kernel = scope.Substitute(pool.Kernel), stride = scope.Substitute(pool.StrideValue ?? 0), padding = scope.Substitute(pool.Padding ?? 0);
                bool ok = Check(kernel >= 1, "pool kernel ≥ 1") & Check(stride >= 0, "pool stride ≥ 0")
                    & Check(padding >= 0 && (kernel < 1 || padding <= kernel / 2), "pool padding in [0, kernel/2]");
                if (!ok || !Check(x.Length == 3, pool.Kind + " needs an image")) return null;
                if (stride == 0) stride = kernel;
                long? height = Window(x[1], 0, padding, kernel, stride, 1), width = Window(x[2], 0, padding, kernel, stride, 1);
                return height is null || width is null ? null : new[] { x[0], (int)height, (int)width };
            }
            case ConvTransposeSpec t:
            {
                // nn.ConvTranspose2d: out = (in − 1)·stride − 2·padding + dilation·(kernel − 1) + output_padding + 1, output_padding
                // smaller than the stride or the dilation; TensorForge's kernels also need output_padding ≤ padding + stride − 1.
                int output = scope.Substitute(t.Out), k = scope.Substitute(t.Kernel), stride = scope.Substitute(t.StrideValue ?? 1);
                int padding = scope.Substitute(t.Padding ?? 0), extra = scope.Substitute(t.OutputPadding ?? 0), dilation = scope.Substitute(t.Dilation ?? 1);
                int groups = scope.Substitute(t.Groups ?? 1), activation = t.ActivationValue ?? 0;
                bool ok = Check(output > 0 && k > 0, "ConvTranspose2D sizes must be positive")
                    & Check(stride >= 1 && dilation >= 1 && padding >= 0 && extra >= 0 && groups >= 1, "ConvTranspose2D stride, dilation, groups ≥ 1, paddings ≥ 0")
                    & Check(activation is >= 0 and <= 5, "Activation is undefined");
                if (ok) ok = Check(extra < Math.Max(stride, dilation) && extra <= (long)padding + stride - 1, "output padding too large");
                if (!ok || !Check(x.Length == 3, "ConvTranspose2D needs an image")) return null;
                if (!Check(x[0] % groups == 0 && output % groups == 0, "groups do not divide the channels")) return null;
                long Length(int input) => (long)(input - 1) * stride - 2L * padding + (long)dilation * (k - 1) + extra + 1;
                long height = Length(x[1]), width = Length(x[2]);
                if (!Check(height >= 1 && width >= 1, "the transposed convolution has no output")) return null;
                double padded = (double)output * (height + 2L * padding + 1) * (width + 2L * padding + 1);
                if (!Check(padded <= int.MaxValue && height <= int.MaxValue && width <= int.MaxValue, "the padded output does not fit in an int")) return null;
                if (!AddParameters((long)x[0] * (output / groups) * k * k, t.Bias == false ? 0 : output)) return null;
                return new[] { output, (int)height, (int)width };
            }
            case UpsampleSpec u:
            {
                int scale = scope.Substitute(u.Scale);
                if (!Check(scale >= 1, "Upsample scale ≥ 1") || !Check(x.Length == 3, "Upsample needs an image")) return null;
                long height = (long)x[1] * scale, width = (long)x[2] * scale;
                if (!Check(x[0] * height * width <= int.MaxValue, "the upsampled image is too large")) return null;
                return new[] { x[0], (int)height, (int)width };
            }
            case UnflattenSpec f:
            {
                int[] shape = f.Shape.Select(scope.Substitute).ToArray();
                if (!Check(shape.Length is 2 or 3, "Unflatten needs two or three dimensions") || !Check(shape.All(d => d > 0), "Unflatten dimensions must be positive")) return null;
                if (!Check(Size(shape) <= int.MaxValue, "the unflattened shape is too large")) return null;
                return Check(x.Length == 1 && x[0] == Size(shape), $"Unflatten of {SpecText.Shape(x)} into {SpecText.Shape(shape)}") ? shape : null;
            }
            case PlainSpec { PlainKind: "Reparameterize" }:
                return Check(x.Length == 1 && x[0] % 2 == 0, "Reparameterize needs a vector of even width") ? new[] { x[0] / 2 } : null;
            case PlainSpec { PlainKind: "GlobalAvgPool" }:
                return Check(x.Length == 3, "GlobalAvgPool needs an image") ? new[] { x[0] } : null;
            case PlainSpec { PlainKind: "Flatten" }:
                return new[] { (int)Size(x) };
            case PlainSpec:
                return x;
            case LeakyReLUSpec l:
                return Check(l.Slope is not float s || float.IsFinite(s), "LeakyReLU slope must be finite") ? x : null;
            case DropoutSpec d:
                return Check(d.P is not float p || (p >= 0 && p < 1), "Dropout p in [0, 1)") ? x : null;
            case BatchNormSpec b:
            {
                float epsilon = b.Epsilon ?? 1e-5f, momentum = b.Momentum ?? 0.1f;
                bool ok = Check(epsilon > 0 && !float.IsInfinity(epsilon), "BatchNorm epsilon > 0")
                    & Check(momentum >= 0 && momentum <= 1, "BatchNorm momentum in [0, 1]")
                    & Check((b.ActivationValue ?? 0) is >= 0 and <= 5, "Activation is undefined");
                if (!ok || !Check(x.Length is 1 or 3, "BatchNorm needs [C] or [C, H, W]")) return null;
                return b.Affine == false || AddParameters(x[0], x[0]) ? x : null;
            }
            case DenseSpec d:
            {
                int units = scope.Substitute(d.Units);
                bool ok = Check(units > 0, "Dense units > 0") & Check((d.ActivationValue ?? 0) is >= 0 and <= 5, "Activation is undefined");
                if (!ok || !Check(x.Length <= 2, "Dense needs a vector or a sequence")) return null;
                if (!AddParameters((long)units * x[^1], d.Bias == false ? 0 : units)) return null;
                return x.Length == 1 ? new[] { units } : new[] { x[0], units };
            }
            case MergeSpec { MergeKind: "Add" }:
                return Check(x.SequenceEqual(second!), $"Add of {SpecText.Shape(x)} and {SpecText.Shape(second!)}") ? x : null;
            case MergeSpec:
            {
                bool ok = Check(x.Length == second!.Length && x.Skip(1).SequenceEqual(second.Skip(1)), $"Concat of {SpecText.Shape(x)} and {SpecText.Shape(second!)}");
                if (!ok || !Check((long)x[0] + second[0] <= int.MaxValue, "Concat too large")) return null;
                int[] joined = x.ToArray();
                joined[0] += second[0];
                return joined;
            }
            default:
                Uncertain();
                Fail("a layer the model does not know");
                return null;
        }
    }

    /// <summary>PyTorch's output length (floor mode): ⌊(in + pads − dilation·(kernel − 1) − 1)/stride⌋ + 1; "same" pads
    /// dilation·(kernel − 1) in all, "valid" nothing.</summary>
    private static long Pads(int mode, int padding, int kernel, int dilation) => mode switch
    {
        1 => 0,
        2 => (long)dilation * (kernel - 1),
        _ => 2L * padding,
    };

    private long? Window(int input, int mode, int padding, int kernel, int stride, int dilation)
    {
        long span = (long)dilation * (kernel - 1);
        long pads = Pads(mode, padding, kernel, dilation);
        long numerator = input + pads - span - 1;
        long output = numerator < 0 ? 0 : numerator / stride + 1;
        return Check(output >= 1, "the window is larger than the padded input") && Check(output <= int.MaxValue, "the output is too large") ? output : null;
    }

    public static long Size(IReadOnlyList<int> dimensions) => dimensions.Aggregate(1L, (a, d) => Math.Min(a * Math.Max(d, 0), 1L << 40));
}
