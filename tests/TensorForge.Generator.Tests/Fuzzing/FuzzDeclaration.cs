using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace TensorForge.Generator.Tests.Fuzzing;

internal enum NamespaceStyle { None, Block, FileScoped }

/// <summary>How the class's declaration is split: one declaration, two partial declarations in one file, or in two files.</summary>
internal enum SplitStyle { None, SameFile, TwoFiles }

/// <summary>How the attributes are spelled: flags, so that one declaration can mix them.</summary>
[Flags]
internal enum AttributeSyntax
{
    Plain = 0,
    /// <summary>Two attributes per list: <c>[Input(4), Dense(2)]</c>.</summary>
    Grouped = 1,
    /// <summary>Every other attribute as <c>TensorForge.Dense</c> or <c>global::TensorForge.DenseAttribute</c>.</summary>
    Qualified = 2,
    /// <summary>[Network] on the second partial declaration rather than the first.</summary>
    NetworkOnSecondPart = 4,
}

/// <summary>A name as written in source and as reflection sees it (<c>@class</c> is <c>class</c>, <c>N\u0065t</c> is <c>Net</c>).</summary>
internal sealed record Identifier(string Source, string Metadata);

/// <summary>A type enclosing the network class.</summary>
internal sealed record FuzzContainer(string Modifiers, string Keyword, Identifier Name, ImmutableArray<string> TypeParameters, bool IsPartial);

/// <summary>One attribute of the class, as source text without brackets, plus what the runner needs to know about it without
/// parsing it back: the largest per-sample element count it introduces, the factor by which it can grow a value in the forward
/// pass, and the factor by which it can grow a gradient in the backward pass (a batch norm divides by √ε at most).
/// A block's name is written as a token (<see cref="FuzzBlock.Token"/>) that <see cref="FuzzDeclaration.Render"/> replaces.</summary>
internal sealed record FuzzAttribute(string Text, long Elements = 0, double Gain = 1, double BackwardGain = 1)
{
    public override string ToString() => "[" + Text + "]";

    /// <summary>The attribute's kind as written: <c>Dense</c> for <c>Dense(4, Name = "x")</c>.</summary>
    public string Kind => Text.IndexOf('(') is int end and >= 0 ? Text.Substring(0, end) : Text;

    /// <summary>Optimizers and schedules may stand on any partial declaration; everything else is a layer attribute.</summary>
    public bool IsLayer => Kind is not ("Sgd" or "Adam" or "AdamW" or "CosineAnnealing" or "StepDecay");
}

/// <summary>A class rendered beside the network, in the same namespace: a <c>[Block]</c> the network (or another block) uses
/// with <c>[Use(typeof(…))]</c>, or, when <see cref="Marker"/> is empty, a plain class that a use names by mistake.
/// <see cref="TypeParameters"/> makes it generic (a use then names <c>Block0&lt;int&gt;</c>, which is not the block).</summary>
internal sealed record FuzzBlock(Identifier Name, string Marker, string Modifiers, ImmutableArray<FuzzAttribute> Attributes, string TypeParameters = "")
{
    /// <summary>The text attributes write for the name of block <paramref name="index"/>; replaced when rendered.</summary>
    public static string Token(int index) => "§B" + index.ToString(CultureInfo.InvariantCulture) + "§";
}

/// <summary>What the fuzzer's own shape model (<see cref="ShapeModel"/>, PyTorch's rules) says of a declaration whose class shape
/// and training attributes are sane: valid with these sizes, or invalid for <see cref="Reason"/>. The runner checks that the
/// generator agrees.</summary>
internal sealed record FuzzPrediction(bool Valid, string? Reason, long InputSize, long OutputSize, long ParameterCount, string OutputShape);

/// <summary>A random network declaration: the class's shape (namespace, containers, keyword, generics, partial or not) and its
/// TensorForge attributes in source order. <see cref="Render"/> turns it into source files, unique per <c>id</c> so that many
/// declarations share one compilation.</summary>
internal sealed record FuzzDeclaration(
    NamespaceStyle Namespace,
    Identifier NamespacePrefix,
    ImmutableArray<FuzzContainer> Containers,
    string Modifiers,
    string Keyword,
    Identifier Name,
    ImmutableArray<string> TypeParameters,
    string Constraints,
    bool IsPartial,
    string NetworkArguments,
    ImmutableArray<FuzzAttribute> Attributes,
    SplitStyle Split,
    int SplitAt,
    AttributeSyntax Syntax = AttributeSyntax.Plain,
    string? Broken = null,
    bool PrimaryConstructor = false,
    ImmutableArray<FuzzBlock> Blocks = default,
    FuzzPrediction? Prediction = null)
{
    /// <summary>The blocks (never default).</summary>
    public ImmutableArray<FuzzBlock> BlockList => Blocks.IsDefault ? ImmutableArray<FuzzBlock>.Empty : Blocks;

    /// <summary>C# errors the declaration can be broken with (<see cref="Broken"/>): a keyword the attributes do not allow, or an
    /// extra attribute line the compiler rejects. The generator and the analyzer must still not throw.</summary>
    public static readonly ImmutableArray<string> BrokenVariants = ImmutableArray.Create(
        "struct", "record struct", "interface", "[Network]", "[Dense(\"x\")]", "[Input(1.5f)]", "[Dense()]", "[Conv2d(3)]",
        "[Network(Loss = 5)]", "[Dense(2, Name = 5)]", "[LeakyReLU(\"a\")]", "[Sgd(Momentum = \"x\")]", "[Input(int.MaxValue + 1)]",
        "[Dense(units: 2, units: 3)]", "[Dropout(p: 0.5f, q: 1)]", "[Input(new[] { 1.5 })]", "[Dense(2, Activation = 3)]", "[Input(Missing.Size)]");

    private string SpelledKeyword => Broken is "struct" or "record struct" or "interface" ? Broken : Keyword;

    /// <summary>The token that makes every name of declaration <paramref name="id"/> unique: <c>D0042</c>.</summary>
    public static string Id(int id) => "D" + id.ToString("0000", CultureInfo.InvariantCulture);

    internal static string TypeParameterList(ImmutableArray<string> parameters)
        => parameters.IsDefaultOrEmpty ? "" : "<" + string.Join(", ", parameters) + ">";

    /// <summary>Types in a namespace live in <c>Fuzz.D0042</c> (or another prefix); types in the global namespace carry the id in their names.</summary>
    public string NamespaceName(int id) => NamespacePrefix.Source + "." + Id(id);

    private string ClassName(int id) => Name.Source + (Namespace == NamespaceStyle.None ? Id(id) : "");

    private string OuterName(FuzzContainer container, int id) => container.Name.Source + (Namespace == NamespaceStyle.None ? Id(id) : "");

    /// <summary>The reflection name of the class, e.g. <c>Fuzz.D0042.Outer`1+Net</c>.</summary>
    public string MetadataName(int id)
    {
        string suffix = Namespace == NamespaceStyle.None ? Id(id) : "";
        var name = new StringBuilder(Namespace == NamespaceStyle.None ? "" : NamespacePrefix.Metadata + "." + Id(id) + ".");
        foreach (FuzzContainer container in Containers)
        {
            name.Append(container.Name.Metadata).Append(suffix).Append(Arity(container.TypeParameters)).Append('+');
        }
        return name.Append(Name.Metadata).Append(suffix).Append(Arity(TypeParameters)).ToString();
    }

    /// <summary>Type parameters of the class and of every container, outermost first (what MakeGenericType needs).</summary>
    public int GenericArity => Containers.Sum(c => c.TypeParameters.Length) + TypeParameters.Length;

    private static string Arity(ImmutableArray<string> parameters) => parameters.IsDefaultOrEmpty ? "" : "`" + parameters.Length;

    /// <summary>Largest per-sample element count any attribute introduces, and the product of the activations' gains.</summary>
    public long MaxElements => Attributes.Select(a => a.Elements).DefaultIfEmpty(0).Max();

    public double Gain => AllAttributes.Aggregate(1.0, (g, a) => g * Math.Max(1.0, Math.Abs(a.Gain)));

    /// <summary>The product of the backward gains; a block's count once per possible use (at most three).</summary>
    public double BackwardGain => Gain * AllAttributes.Aggregate(1.0, (g, a) => g * Math.Max(1.0, Math.Abs(a.BackwardGain)));

    /// <summary>The network's attributes and, three times over (a block may be used up to three times), its blocks'.</summary>
    private IEnumerable<FuzzAttribute> AllAttributes
        => Attributes.Concat(Enumerable.Repeat(BlockList.SelectMany(b => b.Attributes), 3).SelectMany(a => a));

    /// <summary>Convolutions or pooling layers (in the network or its blocks).</summary>
    public bool HasImageLayers => AllKinds.Any(k => k is "Conv2D" or "MaxPool2D" or "AvgPool2D" or "GlobalAvgPool" or "ConvTranspose2D" or "Upsample");

    /// <summary>Add, Concat or From (in the network or its blocks).</summary>
    public bool HasGraphReferences => Attributes.Concat(BlockList.SelectMany(b => b.Attributes)).Any(a => a.Kind is "Add" or "Concat" || a.Text.Contains("From = ", StringComparison.Ordinal));

    public bool UsesBlocks => Attributes.Any(a => a.Kind == "Use");

    private IEnumerable<string> AllKinds => Attributes.Concat(BlockList.SelectMany(b => b.Attributes)).Select(a => a.Kind);

    /// <summary>Whether every layer attribute stands on one partial declaration (else TF0005).</summary>
    public bool LayersOnOnePart
        => Split == SplitStyle.None || Attributes.Take(SplitAt).All(a => !a.IsLayer) || Attributes.Skip(SplitAt).All(a => !a.IsLayer);

    public int LayerCount => Attributes.Length;

    /// <summary>The source files of this declaration, named <c>D0042.cs</c> (and <c>D0042b.cs</c> for a split in two files).</summary>
    public IReadOnlyList<(string Path, string Text)> Render(int id)
    {
        ImmutableArray<FuzzAttribute> first = Split == SplitStyle.None ? Attributes : Attributes.Take(SplitAt).ToImmutableArray();
        ImmutableArray<FuzzAttribute> second = Split == SplitStyle.None ? ImmutableArray<FuzzAttribute>.Empty : Attributes.Skip(SplitAt).ToImmutableArray();
        bool networkOnSecond = Split != SplitStyle.None && Syntax.HasFlag(AttributeSyntax.NetworkOnSecondPart);
        string head = ClassDeclaration(id, first, withNetwork: !networkOnSecond, withConstraints: true);
        if (Split == SplitStyle.None) return new[] { (Id(id) + ".cs", File(id, head, withBlocks: true)) };
        string tail = ClassDeclaration(id, second, withNetwork: networkOnSecond, withConstraints: false);
        if (Split == SplitStyle.SameFile) return new[] { (Id(id) + ".cs", File(id, head + "\n" + tail, withBlocks: true)) };
        return new[] { (Id(id) + ".cs", File(id, head, withBlocks: true)), (Id(id) + "b.cs", File(id, tail)) };
    }

    /// <summary>All files of the declaration in one string, for failure messages and regression tests.</summary>
    public string Describe(int id) => string.Join("\n", Render(id).Select(f => $"// ---- {f.Path}\n{f.Text}"));

    /// <summary>The name block <paramref name="index"/> is declared with: unique per declaration like the class's.</summary>
    public string BlockName(int index, int id) => BlockList[index].Name.Source + (Namespace == NamespaceStyle.None ? Id(id) : "");

    /// <summary>Replaces the block tokens of an attribute's text with the blocks' names.</summary>
    private string Resolve(string text, int id)
    {
        if (!text.Contains('§')) return text;
        for (int i = 0; i < BlockList.Length; i++) text = text.Replace(FuzzBlock.Token(i), BlockName(i, id), StringComparison.Ordinal);
        return text;
    }

    private string BlockDeclarations(int id)
    {
        var text = new StringBuilder();
        for (int i = 0; i < BlockList.Length; i++)
        {
            FuzzBlock block = BlockList[i];
            text.Append('\n');
            if (block.Marker.Length > 0) text.Append(block.Marker).Append('\n');
            foreach (FuzzAttribute attribute in block.Attributes) text.Append('[').Append(Resolve(attribute.Text, id)).Append("]\n");
            text.Append($"{block.Modifiers} class {BlockName(i, id)}{block.TypeParameters};\n".TrimStart());
        }
        return text.ToString();
    }

    /// <summary>One file: the class in its containers and, in the first file, the blocks beside the outermost type (in the same
    /// namespace, so that <c>typeof(Block0)</c> in the class's attributes finds them).</summary>
    private string File(int id, string classDeclaration, bool withBlocks = false)
    {
        var text = new StringBuilder("using TensorForge;\n\n");
        string types = Wrap(id, classDeclaration) + (withBlocks ? BlockDeclarations(id) : "");
        switch (Namespace)
        {
            case NamespaceStyle.FileScoped:
                text.Append("namespace ").Append(NamespaceName(id)).Append(";\n\n").Append(types);
                break;
            case NamespaceStyle.Block:
                text.Append("namespace ").Append(NamespaceName(id)).Append("\n{\n").Append(types).Append("}\n");
                break;
            default:
                text.Append(types);
                break;
        }
        return text.ToString();
    }

    private string Wrap(int id, string inner)
    {
        string text = inner;
        for (int i = Containers.Length - 1; i >= 0; i--)
        {
            FuzzContainer c = Containers[i];
            string header = $"{c.Modifiers} {(c.IsPartial ? "partial " : "")}{c.Keyword} {OuterName(c, id)}{TypeParameterList(c.TypeParameters)}".Trim();
            text = header + "\n{\n" + text + "}\n";
        }
        return text;
    }

    private string ClassDeclaration(int id, ImmutableArray<FuzzAttribute> attributes, bool withNetwork, bool withConstraints)
    {
        var text = new StringBuilder();
        if (withNetwork) text.Append("[Network").Append(NetworkArguments.Length > 0 ? "(" + NetworkArguments + ")" : "").Append("]\n");
        if (withNetwork && Broken is { } broken && broken.StartsWith('[')) text.Append(broken).Append('\n');
        string[] spelled = attributes.Select((a, i) => Spell(Resolve(a.Text, id), i)).ToArray();
        int perList = Syntax.HasFlag(AttributeSyntax.Grouped) ? 2 : 1;
        foreach (string[] list in spelled.Chunk(perList)) text.Append('[').Append(string.Join(", ", list)).Append("]\n");
        string header = $"{Modifiers} {(IsPartial ? "partial " : "")}{SpelledKeyword} {ClassName(id)}{TypeParameterList(TypeParameters)}".Trim();
        text.Append(header);
        bool primary = PrimaryConstructor && withConstraints; // on the first part only
        bool isRecord = Keyword.StartsWith("record", StringComparison.Ordinal);
        if (primary) text.Append(isRecord ? "(int Width)" : "(int width)");
        if (withConstraints && Constraints.Length > 0) text.Append(' ').Append(Constraints);
        // A class's primary-constructor parameter must be read, or CS9113 warns.
        text.Append(primary && !isRecord ? " { public int Width => width; }\n" : ";\n");
        return text.ToString();
    }

    private string Spell(string attribute, int index)
    {
        if (!Syntax.HasFlag(AttributeSyntax.Qualified) || index % 2 == 1) return attribute;
        int end = attribute.IndexOf('(');
        string kind = end < 0 ? attribute : attribute.Substring(0, end);
        string rest = end < 0 ? "" : attribute.Substring(end);
        return index % 4 == 0 ? "TensorForge." + kind + rest : "global::TensorForge." + kind + "Attribute" + rest;
    }

    // ---- literals -------------------------------------------------------------------------------------

    public static string Float(float value)
    {
        if (float.IsNaN(value)) return "float.NaN";
        if (float.IsPositiveInfinity(value)) return "float.PositiveInfinity";
        if (float.IsNegativeInfinity(value)) return "float.NegativeInfinity";
        return value.ToString("R", CultureInfo.InvariantCulture) + "f";
    }

    public static string Int(int value)
        => value == int.MinValue ? "int.MinValue" : value.ToString(CultureInfo.InvariantCulture);

    public static string String(string value) => SymbolDisplay.FormatLiteral(value, quote: true);
}
