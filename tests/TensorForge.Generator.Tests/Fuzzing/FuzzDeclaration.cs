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
/// parsing it back: the largest per-sample element count it introduces and the factor by which it can grow a value.</summary>
internal sealed record FuzzAttribute(string Text, long Elements = 0, double Gain = 1)
{
    public override string ToString() => "[" + Text + "]";
}

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
    bool PrimaryConstructor = false)
{
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

    public double Gain => Attributes.Aggregate(1.0, (g, a) => g * Math.Max(1.0, Math.Abs(a.Gain)));

    public int LayerCount => Attributes.Length;

    /// <summary>The source files of this declaration, named <c>D0042.cs</c> (and <c>D0042b.cs</c> for a split in two files).</summary>
    public IReadOnlyList<(string Path, string Text)> Render(int id)
    {
        ImmutableArray<FuzzAttribute> first = Split == SplitStyle.None ? Attributes : Attributes.Take(SplitAt).ToImmutableArray();
        ImmutableArray<FuzzAttribute> second = Split == SplitStyle.None ? ImmutableArray<FuzzAttribute>.Empty : Attributes.Skip(SplitAt).ToImmutableArray();
        bool networkOnSecond = Split != SplitStyle.None && Syntax.HasFlag(AttributeSyntax.NetworkOnSecondPart);
        string head = ClassDeclaration(id, first, withNetwork: !networkOnSecond, withConstraints: true);
        if (Split == SplitStyle.None) return new[] { (Id(id) + ".cs", File(id, head)) };
        string tail = ClassDeclaration(id, second, withNetwork: networkOnSecond, withConstraints: false);
        if (Split == SplitStyle.SameFile) return new[] { (Id(id) + ".cs", File(id, head + "\n" + tail)) };
        return new[] { (Id(id) + ".cs", File(id, head)), (Id(id) + "b.cs", File(id, tail)) };
    }

    /// <summary>All files of the declaration in one string, for failure messages and regression tests.</summary>
    public string Describe(int id) => string.Join("\n", Render(id).Select(f => $"// ---- {f.Path}\n{f.Text}"));

    private string File(int id, string classDeclaration)
    {
        var text = new StringBuilder("using TensorForge;\n\n");
        switch (Namespace)
        {
            case NamespaceStyle.FileScoped:
                text.Append("namespace ").Append(NamespaceName(id)).Append(";\n\n").Append(Wrap(id, classDeclaration));
                break;
            case NamespaceStyle.Block:
                text.Append("namespace ").Append(NamespaceName(id)).Append("\n{\n").Append(Wrap(id, classDeclaration)).Append("}\n");
                break;
            default:
                text.Append(Wrap(id, classDeclaration));
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
        string[] spelled = attributes.Select((a, i) => Spell(a.Text, i)).ToArray();
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
