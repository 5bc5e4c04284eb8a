using Microsoft.CodeAnalysis;
using TensorForge.Generator.Tests.Infrastructure;

namespace TensorForge.Generator.Tests;

/// <summary>[AdditiveAttention]'s diagnostics (TF1015 on an input that is not a sequence, TF0006 on its size), located, with
/// their exact messages and no cascade onto the layers after it; and its plan (shape, parameters, summary).</summary>
public class AdditiveAttentionDiagnosticTests
{
    private const string Usings = "using TensorForge;\n";

    private static Diagnostic Single(string markup) => Assert.Single(DiagnosticMarkup.Verify(Usings + markup));

    [Fact]
    public void TF1015_OnAVector()
    {
        Diagnostic diagnostic = Single("""
            [Network(Loss = Loss.SoftmaxCrossEntropy)]
            [Input(32)]
            [{|TF1015:AdditiveAttention(16)|}]
            [Dense(4)]
            [Adam]
            public partial class Net;
            """);
        Assert.Equal("AdditiveAttention 'additiveattention1' expects a sequence [time, features] but receives [32]", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1015_AfterALastStepPooling()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(6, 4)]
            [Lstm(8, ReturnSequences = false, Name = "lstm")]
            [{|TF1015:AdditiveAttention(4, Name = "pool")|}]
            public partial class Net;
            """);
        Assert.Equal("AdditiveAttention 'pool' expects a sequence [time, features] but receives [8]", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("AdditiveAttention({|TF0006:0|})", "attentionSize of AdditiveAttention 'additiveattention1' must be positive but is 0")]
    [InlineData("AdditiveAttention({|TF0006:-3|})", "attentionSize of AdditiveAttention 'additiveattention1' must be positive but is -3")]
    public void TF0006_Size(string layer, string message)
    {
        Diagnostic diagnostic = Single($$"""
            [Network]
            [Input(5, 4)]
            [{{layer}}]
            [Dense(2)]
            public partial class Net;
            """);
        Assert.Equal(message, diagnostic.GetMessage());
    }

    [Fact]
    public void ValidDeclarationCompilesCleanlyWithPyTorchNamesAndSummary()
    {
        GeneratorResult result = GeneratorHarness.Run(Usings + """
            [Network(Loss = Loss.SoftmaxCrossEntropy)]
            [Input(12)]
            [Embedding(20, 8)]
            [Gru(6, Bidirectional = true)]
            [AdditiveAttention(5, Name = "pool")]
            [Dense(3)]
            [Adam]
            public partial class Net;
            """);
        result.AssertCleanCompilation();
        string source = result.SingleSource;
        Assert.Contains("\"pool.proj.weight\", new int[] { 5, 12 }", source);
        Assert.Contains("\"pool.proj.bias\", new int[] { 5 }", source);
        Assert.Contains("\"pool.v.weight\", new int[] { 1, 5 }", source);
        Assert.Contains("global::TensorForge.Kernels.AdditiveAttention.Forward(", source);
        Assert.Contains("global::TensorForge.Kernels.AdditiveAttention.Backward(", source);
    }
}
