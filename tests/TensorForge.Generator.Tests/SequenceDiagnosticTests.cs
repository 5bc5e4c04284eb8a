using Microsoft.CodeAnalysis;
using TensorForge.Generator.Tests.Infrastructure;

namespace TensorForge.Generator.Tests;

/// <summary>The diagnostics of token inputs and sequence layers (TF1013–TF1015 and their TF0006 arguments), located, with
/// their exact messages.</summary>
public class SequenceDiagnosticTests
{
    private const string Usings = "using TensorForge;\n";

    private static Diagnostic Single(string markup) => Assert.Single(DiagnosticMarkup.Verify(Usings + markup));

    [Fact]
    public void TF1013_TokenInputReadByADenseLayer()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(16, Vocabulary = 27)]
            [{|TF1013:Dense(8)|}]
            public partial class Net;
            """);
        Assert.Equal("The input of 'Net' holds token ids ([16], vocabulary 27), so only an [Embedding] can read it, but Dense 'dense1' does", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1013_TokenInputAlsoReadThroughFrom()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(16)]
            [Embedding(27, 8)]
            [{|TF1013:Dense(8, From = "input")|}]
            public partial class Net;
            """);
        Assert.Equal("The input of 'Net' holds token ids ([16], vocabulary 27), so only an [Embedding] can read it, but Dense 'dense1' does", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1014_EmbeddingFedFloats()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(16)]
            [Dense(16)]
            [{|TF1014:Embedding(27, 8)|}]
            public partial class Net;
            """);
        Assert.Equal("Embedding 'embedding1' looks up token ids, so it must read the network's input, but it reads [16] from 'dense1'", diagnostic.GetMessage());
    }

    [Fact]
    public void TF0006_EmbeddingVocabularyDiffersFromTheInputs()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(16, Vocabulary = 27)]
            [Embedding({|TF0006:30|}, 8)]
            public partial class Net;
            """);
        Assert.Equal("vocabulary of Embedding 'embedding1' must be 27, the vocabulary of the token input (from [Input(…, Vocabulary = 27)]) but is 30", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1015_RecurrentLayerOnAVector()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(32)]
            [{|TF1015:Lstm(64)|}]
            public partial class Net;
            """);
        Assert.Equal("Lstm 'lstm1' expects a sequence [time, features] but receives [32]", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1015_SequencePoolingOnAnImage()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(1, 8, 8)]
            [{|TF1015:MeanOverTime|}]
            public partial class Net;
            """);
        Assert.Equal("MeanOverTime 'meanovertime1' expects a sequence [time, features] but receives [1, 8, 8]", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("Lstm({|TF0006:0|})", "hidden of Lstm 'lstm1' must be positive but is 0")]
    [InlineData("Gru(8, {|TF0006:NumLayers = 0|})", "NumLayers of Gru 'gru1' must be at least 1 but is 0")]
    [InlineData("Rnn(8, {|TF0006:Nonlinearity = Activation.Sigmoid|})", "Nonlinearity of Rnn 'rnn1' must be Activation.Tanh or Activation.ReLU but is 3")]
    [InlineData("LayerNorm({|TF0006:Epsilon = 0f|})", "Epsilon of LayerNorm 'layernorm1' must be positive and finite but is 0")]
    public void TF0006_SequenceLayerArguments(string layer, string message)
    {
        Diagnostic diagnostic = Single($$"""
            [Network]
            [Input(5, 4)]
            [{{layer}}]
            public partial class Net;
            """);
        Assert.Equal(message, diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("Embedding({|TF0006:0|}, 8)", "vocabulary of Embedding 'embedding1' must be positive but is 0")]
    [InlineData("Embedding(27, {|TF0006:-4|})", "dimension of Embedding 'embedding1' must be positive but is -4")]
    public void TF0006_EmbeddingSizes(string layer, string message)
    {
        Diagnostic diagnostic = Single($$"""
            [Network]
            [Input(5)]
            [{{layer}}]
            public partial class Net;
            """);
        Assert.Equal(message, diagnostic.GetMessage());
    }

    [Fact]
    public void PerTimeStepLabelsOnANetworkWhoseOutputIsNotASequenceNeedNoSpecialRule()
    {
        // A sequence model's output [T, C] takes T labels per sample; one of [C] takes one: both are the cross-entropy rule.
        Assert.Empty(DiagnosticMarkup.Verify(Usings + """
            [Network(Loss = Loss.SoftmaxCrossEntropy)]
            [Input(16)]
            [Embedding(27, 8)]
            [Gru(16, ReturnSequences = false)]
            [Dense(27)]
            [Adam(MaxGradientNorm = 1f)]
            public partial class Net;
            """));
    }

    [Fact]
    public void TF1016_PositionalEncodingOfTheWrongWidth()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(16, 32)]
            [PositionalEncoding({|TF1016:64|})]
            public partial class Net;
            """);
        Assert.Equal("PositionalEncoding 'positionalencoding1' adds a table of width 64, but its input [16, 32] has 32 features per time step", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1017_HeadsThatDoNotDivideTheWidth()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(16, 30)]
            [MultiHeadAttention({|TF1017:4|})]
            public partial class Net;
            """);
        Assert.Equal("MultiHeadAttention 'multiheadattention1' has 4 heads, which must divide the model width 30 of its input [16, 30]", diagnostic.GetMessage());
    }

    [Fact]
    public void TF1017_InsideATransformerEncoderLayerIsReportedOnTheLayerNamingTheSubmodule()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(16, 30)]
            [{|TF1017:TransformerEncoderLayer(4, Name = "enc")|}]
            public partial class Net;
            """);
        Assert.Equal("MultiHeadAttention 'enc.self_attn' has 4 heads, which must divide the model width 30 of its input [16, 30]", diagnostic.GetMessage());
    }

    [Fact]
    public void TF0006_TransformerEncoderLayerArguments()
    {
        Diagnostic diagnostic = Single("""
            [Network]
            [Input(16, 32)]
            [TransformerEncoderLayer(4, {|TF0006:Activation = Activation.Tanh|})]
            public partial class Net;
            """);
        Assert.Equal("Activation of TransformerEncoderLayer 'transformerencoderlayer1' must be Activation.ReLU or Activation.Gelu but is 4", diagnostic.GetMessage());
    }
}
