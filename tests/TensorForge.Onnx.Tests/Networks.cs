using TensorForge;

namespace TensorForge.Onnx.Tests
{
    // One small network per layer kind (and LeNet, a residual block with BatchNorm, a Concat), exported and run in ONNX Runtime.

    [Network(Seed = 1)]
    [Input(8)]
    [Dense(16, Activation = Activation.ReLU, Name = "fc1")]
    [Dense(12, Activation = Activation.LeakyReLU, Name = "fc2")]
    [Dense(10, Activation = Activation.Sigmoid, Name = "fc3")]
    [Dense(10, Activation = Activation.Tanh, Name = "fc4")]
    [Dense(8, Activation = Activation.Gelu, Name = "fc5")]
    [Dense(6, Bias = false, Name = "fc6")]
    [Dropout(0.3f)]
    [Softmax]
    public partial class DenseActivations;

    [Network(Seed = 2)]
    [Input(12)]
    [Dense(12)]
    [LeakyReLU(0.2f)]
    [Dense(12)]
    [Tanh]
    [Dense(12)]
    [Gelu]
    [Dense(12)]
    [Sigmoid]
    [Dense(12)]
    [ReLU]
    public partial class StandaloneActivations;

    [Network(Seed = 3)]
    [Input(1, 28, 28)]
    [Conv2D(6, 5, Padding = 2, Activation = Activation.ReLU, Name = "conv1")]
    [MaxPool2D(2, Name = "pool1")]
    [Conv2D(16, 5, Activation = Activation.ReLU, Name = "conv2")]
    [MaxPool2D(2, Name = "pool2")]
    [Flatten]
    [Dense(120, Activation = Activation.ReLU, Name = "fc1")]
    [Dense(84, Activation = Activation.ReLU, Name = "fc2")]
    [Dense(10, Name = "fc3")]
    public partial class LeNet;

    [Network(Seed = 4)]
    [Input(4, 11, 11)]
    [Conv2D(6, 3, Stride = 2, Padding = 1, Activation = Activation.Gelu, Name = "strided")]
    [Conv2D(6, 3, Groups = 2, Dilation = 2, PaddingMode = PaddingMode.Same, Bias = false, Activation = Activation.Tanh, Name = "grouped")]
    [AvgPool2D(3, Stride = 1, Padding = 1, Name = "avg")]
    [MaxPool2D(3, Stride = 2, Padding = 1, Name = "max")]
    [Conv2D(5, 1, Activation = Activation.LeakyReLU, Name = "pointwise")]
    [GlobalAvgPool]
    [Dense(3)]
    public partial class ConvolutionVariants;

    [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 5)]
    [Input(3, 8, 8)]
    [Conv2D(8, 3, Padding = 1, Bias = false, Name = "stem")]
    [BatchNorm(Activation = Activation.ReLU, Name = "bn0")]
    [Conv2D(8, 3, Padding = 1, Bias = false, Name = "conv1")]
    [BatchNorm(Activation = Activation.ReLU, Name = "bn1")]
    [Conv2D(8, 3, Padding = 1, Bias = false, Name = "conv2")]
    [BatchNorm(Name = "bn2")]
    [Add("bn0", Name = "residual")]
    [ReLU]
    [GlobalAvgPool]
    [Dense(10, Name = "fc")]
    [Sgd(LearningRate = 0.01f)]
    public partial class ResidualBlock;

    [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 6)]
    [Input(2, 6, 6)]
    [Conv2D(3, 3, Padding = 1, Name = "left")]
    [Conv2D(4, 1, From = "input", Activation = Activation.ReLU, Name = "right")]
    [Concat("left", Name = "joined")]
    [MaxPool2D(2)]
    [Flatten]
    [Dense(10, Name = "fc1")]
    [BatchNorm(Affine = false, Epsilon = 1e-3f, Name = "bn")]
    [Dense(4, Name = "fc2")]
    [Concat("fc1", Name = "features")]
    [Dense(3, Name = "head")]
    [Sgd(LearningRate = 0.01f)]
    public partial class ConcatNetwork;

    [Network(Seed = 7)]
    [Input(10)]
    [Dense(32, Activation = Activation.ReLU)]
    [Unflatten(2, 4, 4)]
    [Upsample(2)]
    [ConvTranspose2D(3, 3, Stride = 2, Padding = 1, OutputPadding = 1, Activation = Activation.Sigmoid, Name = "deconv")]
    [ConvTranspose2D(2, 2, Groups = 1, Bias = false, Name = "deconv2")]
    [Flatten]
    public partial class Decoder;

    [Network(Seed = 8)]
    [Input(5, 6)]
    [Dense(8, Activation = Activation.Tanh, Name = "proj")]
    [LayerNorm(Name = "norm")]
    [Lstm(7, Name = "lstm")]
    [Gru(5, Bidirectional = true, Name = "gru")]
    [LayerNorm(Affine = false, Name = "norm2")]
    [Rnn(4, NumLayers = 2, Nonlinearity = Activation.ReLU, Name = "rnn")]
    [Rnn(3, Bidirectional = true, ReturnSequences = false, Name = "rnn2")]
    public partial class Recurrent;

    [Network(Seed = 9)]
    [Input(5, 4)]
    [Lstm(6, NumLayers = 2, Bidirectional = true, Name = "lstm")]
    [MeanOverTime]
    [Dense(3)]
    public partial class RecurrentMean;

    [Network(Seed = 10)]
    [Input(6)]
    [Embedding(20, 8, Name = "embed")]
    [PositionalEncoding(8)]
    [Gru(6, Name = "gru")]
    [LastStep]
    [Dense(3)]
    public partial class Tokens;

    [Network(Seed = 11)]
    [Input(6)]
    [Dense(8, Name = "encoder")]
    [Reparameterize(Name = "z")]
    [Dense(3, Name = "decoder")]
    public partial class Reparameterized;

    [Network(Seed = 12)]
    [Input(5, 8)]
    [MultiHeadAttention(2, Causal = true, Dropout = 0.1f, Name = "attn")]
    [TransformerEncoderLayer(2, FeedForward = 16, Activation = Activation.Gelu, Name = "enc0")]
    [TransformerEncoderLayer(4, FeedForward = 12, NormFirst = true, Causal = true, Name = "enc1")]
    [AdditiveAttention(6, Name = "pool")]
    [Dense(3)]
    public partial class Attention;
}
