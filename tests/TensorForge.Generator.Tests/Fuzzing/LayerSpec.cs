using System.Collections.Immutable;
using System.Globalization;

namespace TensorForge.Generator.Tests.Fuzzing;

/// <summary>A layer attribute as data, so that <see cref="ShapeModel"/> can work out its output and
/// <see cref="GraphNetworkBuilder"/> can choose the next layer from it; <see cref="Text"/> is how it is written. Integer arguments may
/// hold <see cref="Width"/> or <see cref="Stride"/> (written <c>BlockArguments.Width</c>/<c>.Stride</c>); optional ones are omitted
/// when null. <see cref="NullLiteral"/> as a reference is written <c>null!</c>.</summary>
internal abstract record LayerSpec(string Kind)
{
    public const int Width = -1_000_001;
    public const int Stride = -1_000_002;
    public const string NullLiteral = "<null!>";

    public string? Name { get; init; }
    public string? From { get; init; }

    /// <summary>The arguments before Name and From, already written.</summary>
    protected abstract IEnumerable<string> Arguments { get; }

    /// <summary>Every integer argument (for the placeholders a block uses).</summary>
    public virtual IEnumerable<int> Integers => Enumerable.Empty<int>();

    public virtual double Gain => 1;
    public virtual double BackwardGain => 1;

    public string Text
    {
        get
        {
            var all = Arguments.Append(Name is null ? "" : "Name = " + Reference(Name)).Append(From is null ? "" : "From = " + Reference(From))
                .Where(a => a.Length > 0).ToArray();
            return all.Length == 0 ? Kind : Kind + "(" + string.Join(", ", all) + ")";
        }
    }

    public FuzzAttribute Attribute => new FuzzAttribute(Text, Gain: Gain, BackwardGain: BackwardGain);

    public override string ToString() => "[" + Text + "]";

    public static string Int(int value) => value switch
    {
        Width => "BlockArguments.Width",
        Stride => "BlockArguments.Stride",
        _ => FuzzDeclaration.Int(value),
    };

    public static string Reference(string name) => name == NullLiteral ? "null!" : FuzzDeclaration.String(name);

    protected static string Named(string name, int? value) => value is int v ? name + " = " + Int(v) : "";

    protected static string Activation(int? value) => value switch
    {
        null => "",
        >= 0 and <= 5 => "Activation = Activation." + new[] { "None", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Gelu" }[value.Value],
        _ => "Activation = (Activation)(" + FuzzDeclaration.Int(value.Value) + ")",
    };

    protected static string Bool(string name, bool? value) => value is bool b ? name + " = " + (b ? "true" : "false") : "";

    protected static string Float(string name, float? value) => value is float f ? name + " = " + FuzzDeclaration.Float(f) : "";
}

internal sealed record InputSpec(ImmutableArray<int> Dimensions) : LayerSpec("Input")
{
    protected override IEnumerable<string> Arguments => Dimensions.Select(Int);
    public override IEnumerable<int> Integers => Dimensions;
}

/// <summary>[Conv2D]: a square kernel is written <c>Conv2D(out, k)</c>, a rectangular one <c>Conv2D(out, kh, kw)</c>; a padding
/// mode outside 0–2 is written as a cast.</summary>
internal sealed record ConvSpec(int Out, int KernelHeight, int KernelWidth, bool Square) : LayerSpec("Conv2D")
{
    public int? StrideValue { get; init; }
    public int? Padding { get; init; }
    public int? Mode { get; init; }
    public int? Dilation { get; init; }
    public int? Groups { get; init; }
    public bool? Bias { get; init; }
    public int? ActivationValue { get; init; }
    /// <summary>Written with parameter names, <c>Conv2D(outChannels: 4, kernelSize: 3)</c>.</summary>
    public bool NamedArguments { get; init; }

    protected override IEnumerable<string> Arguments
    {
        get
        {
            string prefix(string name) => NamedArguments ? name + ": " : "";
            yield return prefix("outChannels") + Int(Out);
            if (Square) yield return prefix("kernelSize") + Int(KernelHeight);
            else { yield return prefix("kernelHeight") + Int(KernelHeight); yield return prefix("kernelWidth") + Int(KernelWidth); }
            yield return Named("Stride", StrideValue);
            yield return Named("Padding", Padding);
            yield return Mode switch
            {
                null => "",
                0 => "PaddingMode = PaddingMode.Explicit",
                1 => "PaddingMode = PaddingMode.Valid",
                2 => "PaddingMode = PaddingMode.Same",
                int m => "PaddingMode = (PaddingMode)(" + FuzzDeclaration.Int(m) + ")",
            };
            yield return Named("Dilation", Dilation);
            yield return Named("Groups", Groups);
            yield return Bool("Bias", Bias);
            yield return Activation(ActivationValue);
        }
    }

    public override IEnumerable<int> Integers
        => new[] { Out, KernelHeight, KernelWidth, StrideValue ?? 1, Padding ?? 0, Dilation ?? 1, Groups ?? 1 };
}

/// <summary>[ConvTranspose2D]: always a square kernel, <c>ConvTranspose2D(out, k)</c>.</summary>
internal sealed record ConvTransposeSpec(int Out, int Kernel) : LayerSpec("ConvTranspose2D")
{
    public int? StrideValue { get; init; }
    public int? Padding { get; init; }
    public int? OutputPadding { get; init; }
    public int? Dilation { get; init; }
    public int? Groups { get; init; }
    public bool? Bias { get; init; }
    public int? ActivationValue { get; init; }

    protected override IEnumerable<string> Arguments => new[]
    {
        Int(Out), Int(Kernel), Named("Stride", StrideValue), Named("Padding", Padding), Named("OutputPadding", OutputPadding),
        Named("Dilation", Dilation), Named("Groups", Groups), Bool("Bias", Bias), Activation(ActivationValue),
    };

    public override IEnumerable<int> Integers => new[] { Out, Kernel, StrideValue ?? 1, Padding ?? 0, OutputPadding ?? 0, Dilation ?? 1, Groups ?? 1 };
}

/// <summary>[Upsample(scale)].</summary>
internal sealed record UpsampleSpec(int Scale) : LayerSpec("Upsample")
{
    protected override IEnumerable<string> Arguments => new[] { Int(Scale) };
    public override IEnumerable<int> Integers => new[] { Scale };
}

/// <summary>[Unflatten(dims…)].</summary>
internal sealed record UnflattenSpec(ImmutableArray<int> Shape) : LayerSpec("Unflatten")
{
    protected override IEnumerable<string> Arguments => Shape.Select(Int);
    public override IEnumerable<int> Integers => Shape;
}

/// <summary>[MaxPool2D] or [AvgPool2D].</summary>
internal sealed record PoolSpec(string PoolKind, int Kernel) : LayerSpec(PoolKind)
{
    public int? StrideValue { get; init; }
    public int? Padding { get; init; }

    protected override IEnumerable<string> Arguments => new[] { Int(Kernel), Named("Stride", StrideValue), Named("Padding", Padding) };
    public override IEnumerable<int> Integers => new[] { Kernel, StrideValue ?? 0, Padding ?? 0 };
}

/// <summary>A layer without arguments: GlobalAvgPool, Flatten, ReLU, Sigmoid, Tanh, Gelu, Softmax, Reparameterize.</summary>
internal sealed record PlainSpec(string PlainKind) : LayerSpec(PlainKind)
{
    protected override IEnumerable<string> Arguments => Enumerable.Empty<string>();
}

internal sealed record LeakyReLUSpec(float? Slope) : LayerSpec("LeakyReLU")
{
    protected override IEnumerable<string> Arguments => new[] { Slope is float s ? FuzzDeclaration.Float(s) : "" };
    public override double Gain => Slope is float s ? s : 1;
}

internal sealed record DropoutSpec(float? P) : LayerSpec("Dropout")
{
    protected override IEnumerable<string> Arguments => new[] { P is float p ? FuzzDeclaration.Float(p) : "" };
}

internal sealed record BatchNormSpec : LayerSpec
{
    public BatchNormSpec() : base("BatchNorm") { }
    public float? Epsilon { get; init; }
    public float? Momentum { get; init; }
    public bool? Affine { get; init; }
    public int? ActivationValue { get; init; }

    protected override IEnumerable<string> Arguments
        => new[] { Float("Epsilon", Epsilon), Float("Momentum", Momentum), Bool("Affine", Affine), Activation(ActivationValue) };

    /// <summary>Backward divides by √(var + ε); with ε below 1e-6 a constant channel's gradient can grow past any bound.</summary>
    public override double BackwardGain => Epsilon is float e && e > 0 && e < 1e-6f ? 1 / Math.Sqrt(e) : 1;
}

internal sealed record DenseSpec(int Units) : LayerSpec("Dense")
{
    public bool? Bias { get; init; }
    public int? ActivationValue { get; init; }

    protected override IEnumerable<string> Arguments => new[] { Int(Units), Bool("Bias", Bias), Activation(ActivationValue) };
    public override IEnumerable<int> Integers => new[] { Units };
}

/// <summary>[Add("other")] or [Concat("other")].</summary>
internal sealed record MergeSpec(string MergeKind, string Other) : LayerSpec(MergeKind)
{
    protected override IEnumerable<string> Arguments => new[] { Reference(Other) };
}

/// <summary>[Use(typeof(…))]: <see cref="Block"/> is the index of the block it names (null for a type that is no block of the
/// declaration: <c>int</c>, <c>null</c>); <see cref="TypeText"/> is the argument as written.</summary>
internal sealed record UseSpec(int? Block, string TypeText) : LayerSpec("Use")
{
    public int? WidthValue { get; init; }
    public int? StrideValue { get; init; }

    public static UseSpec Of(int block, string suffix = "") => new UseSpec(block, "typeof(" + FuzzBlock.Token(block) + suffix + ")");

    protected override IEnumerable<string> Arguments => new[] { TypeText, Named("Width", WidthValue), Named("Stride", StrideValue) };
    public override IEnumerable<int> Integers => new[] { WidthValue ?? 0, StrideValue ?? 1 };
}

/// <summary>Anything else, written as is: the model cannot tell its output.</summary>
internal sealed record RawSpec(string RawKind, string RawText) : LayerSpec(RawKind)
{
    protected override IEnumerable<string> Arguments => RawText.Length == 0 ? Enumerable.Empty<string>() : new[] { RawText };
}

internal static class SpecText
{
    public static string Shape(IReadOnlyList<int> dimensions) => "[" + string.Join(", ", dimensions.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
