using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using TensorForge.Generator.Tests.Infrastructure;

namespace TensorForge.Generator.Tests;

/// <summary>Issue 10: hovering the class name or <c>Forward</c> in the IDE shows the layer table (output shapes, parameters and
/// multiply-accumulates per layer). The IDE's Quick Info renders the symbol's documentation XML, so these tests read that XML
/// from the compiled generated code (<see cref="ISymbol.GetDocumentationCommentXml"/>), as the IDE does: a <c>&lt;code&gt;</c>
/// block inside <c>&lt;summary&gt;</c>, which Quick Info shows in a fixed-width font, line by line.</summary>
public class HoverDocumentationTests
{
    private const string Lenet = """
        using TensorForge;
        namespace Hover;
        [Network(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(1, 28, 28)]
        [Conv2D(6, 5, Padding = 2, Activation = Activation.ReLU, Name = "c1")]
        [MaxPool2D(2)]
        [Flatten]
        [Dense(10, Name = "fc")]
        [Adam]
        public partial class Lenet;
        """;

    /// <summary>The whole table (checked by hand: conv 6·25 + 6 = 156 parameters and 6·28·28·25 = 117,600 MACs; dense
    /// 1176·10 + 10 = 11,770 and 11,760).</summary>
    private static readonly string[] ExpectedTable =
    {
        "Layer       Kind              Output       Parameters     MACs",
        "input       Input             [1, 28, 28]           0        0",
        "c1          Conv2D 5×5, ReLU  [6, 28, 28]         156  117,600",
        "maxpool2d1  MaxPool2D 2×2     [6, 14, 14]           0        0",
        "flatten1    Flatten           [1176]                0        0",
        "fc          Dense             [10]             11,770   11,760",
        "Total parameters: 11,926",
        "Multiply-accumulates per sample (forward): 129,360",
        "Loss: SoftmaxCrossEntropy",
        "Optimizer: Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0)",
    };

    [Fact]
    public void The_class_summary_holds_the_layer_table()
    {
        INamedTypeSymbol network = Compile(Lenet).GetTypeByMetadataName("Hover.Lenet")!;

        string[] table = CodeBlockOfSummary(network);

        AssertTable(table);
    }

    [Fact]
    public void Forward_summary_holds_the_layer_table()
    {
        INamedTypeSymbol network = Compile(Lenet).GetTypeByMetadataName("Hover.Lenet")!;
        IMethodSymbol forward = network.GetMembers("Forward").OfType<IMethodSymbol>().Single();

        string[] table = CodeBlockOfSummary(forward);

        AssertTable(table);
        Assert.Equal(CodeBlockOfSummary(network), table);
        Assert.StartsWith("Inference (dropout off).", Summary(forward).Nodes().OfType<XText>().First().Value.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_Forward_of_a_token_network_has_one_summary_and_the_token_overload_has_the_table()
    {
        INamedTypeSymbol network = Compile(Sources.Tokens).GetTypeByMetadataName("Samples.Text.CharacterModel")!;
        IMethodSymbol[] overloads = network.GetMembers().OfType<IMethodSymbol>()
            .Where(m => m.Name is "Forward" or "ForwardTrain" or "TrainStep").ToArray();
        // Forward, ForwardTrain, TrainStep with labels and TrainStep with targets, each with token ids and with float-coded ids.
        Assert.Equal(8, overloads.Length);
        foreach (IMethodSymbol method in overloads)
        {
            XElement documentation = XElement.Parse(method.GetDocumentationCommentXml()!);
            Assert.True(documentation.Elements("summary").Count() == 1, $"{method.ToDisplayString()}: {documentation}");
        }

        IMethodSymbol tokenForward = overloads.Single(m => m.Name == "Forward" && m.Parameters[0].Type.ToDisplayString() == "System.ReadOnlySpan<int>");
        string[] table = CodeBlockOfSummary(tokenForward);
        Assert.Contains(table, row => row.StartsWith("embed ", StringComparison.Ordinal) && row.Contains("[16, 8]", StringComparison.Ordinal));
    }

    private static Compilation Compile(string source)
    {
        GeneratorResult result = GeneratorHarness.Run(source);
        result.AssertCleanCompilation();
        return result.Output;
    }

    private static XElement Summary(ISymbol symbol)
    {
        string? xml = symbol.GetDocumentationCommentXml();
        Assert.False(string.IsNullOrEmpty(xml), $"{symbol.ToDisplayString()} has no documentation");
        return Assert.Single(XElement.Parse(xml!).Elements("summary"));
    }

    /// <summary>The lines of the one &lt;code&gt; block in the summary, without the common indentation.</summary>
    private static string[] CodeBlockOfSummary(ISymbol symbol)
    {
        XElement code = Assert.Single(Summary(symbol).Elements("code"));
        return code.Value.Split('\n').Select(l => l.TrimEnd('\r').Trim()).Where(l => l.Length > 0).ToArray();
    }

    private static void AssertTable(string[] table) => Assert.Equal(ExpectedTable, table);
}
