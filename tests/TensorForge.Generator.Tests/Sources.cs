namespace TensorForge.Generator.Tests;

/// <summary>Networks shared by several test classes.</summary>
internal static class Sources
{
    public const string MnistMlp = """
        using TensorForge;

        namespace Samples;

        /// <summary>The MNIST MLP of the README.</summary>
        [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 42)]
        [Input(1, 28, 28)]
        [Flatten]
        [Dense(128, Activation = Activation.ReLU, Name = "fc1")]
        [Dropout(0.1f)]
        [Dense(64, Activation = Activation.ReLU, Name = "fc2")]
        [Dense(10, Name = "fc3")]
        [Adam(LearningRate = 1e-3f)]
        [CosineAnnealing(TMax = 2500)]
        public partial class MnistMlp;
        """;

    /// <summary>Inference only: no loss, no optimizer.</summary>
    public const string Encoder = """
        using TensorForge;

        namespace Samples.Inference
        {
            /// <summary>Inference-only encoder.</summary>
            [Network]
            [Input(16)]
            [Dense(8, Activation = Activation.Tanh, Name = "hidden")]
            [Dense(4, Name = "code")]
            public partial class Encoder;
        }
        """;

    /// <summary>MSE regression with Nesterov SGD and a step schedule.</summary>
    public const string HousePrices = """
        using TensorForge;

        namespace Samples.Regression;

        /// <summary>Regression.</summary>
        [Network(Loss = Loss.MeanSquaredError, Seed = 7)]
        [Input(13)]
        [Dense(32, Activation = Activation.ReLU)]
        [Dense(16, Activation = Activation.Sigmoid)]
        [Dense(1)]
        [Sgd(LearningRate = 0.01f, Momentum = 0.9f, Nesterov = true, WeightDecay = 1e-4f)]
        [StepDecay(StepSize = 100, Gamma = 0.5f)]
        public partial class HousePrices;
        """;

    /// <summary>Every standalone activation, Softmax, LeakyReLU(0.2f), a Gelu-fused Dense, a Dense without bias, BCE, AdamW.</summary>
    public const string EveryLayer = """
        using TensorForge;

        namespace Samples.Zoo;

        /// <summary>Every layer kind.</summary>
        [Network(Loss = Loss.BinaryCrossEntropyWithLogits, Seed = 3)]
        [Input(2, 8)]
        [ReLU]
        [Sigmoid]
        [Tanh]
        [Gelu]
        [LeakyReLU(0.2f)]
        [Softmax]
        [Flatten]
        [Dense(32, Activation = Activation.Gelu)]
        [Dense(16, Bias = false, Activation = Activation.LeakyReLU)]
        [Dropout]
        [Dense(3, Name = "head")]
        [AdamW(LearningRate = 3e-4f, WeightDecay = 0.05f, Beta2 = 0.98f)]
        public partial class EveryLayer;
        """;

    /// <summary>A network nested two levels deep in a file-scoped namespace.</summary>
    public const string Nested = """
        using TensorForge;

        namespace Contoso.Models;

        /// <summary>Outer.</summary>
        public static partial class Zoo
        {
            /// <summary>Inner.</summary>
            internal partial class Cage
            {
                /// <summary>Nested network.</summary>
                [Network(Loss = Loss.SoftmaxCrossEntropy)]
                [Input(4)]
                [Dense(8, Activation = Activation.ReLU)]
                [Dense(3)]
                [Adam]
                internal partial class Tiny;
            }
        }
        """;

    /// <summary>A network in no namespace.</summary>
    public const string Global = """
        using TensorForge;

        /// <summary>Iris.</summary>
        [Network(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(4)]
        [Dense(3)]
        [Sgd]
        partial class Iris;
        """;

    /// <summary>LeNet-5: convolutions with fused ReLU, max pooling, Flatten and dense layers.</summary>
    public const string LeNet5 = """
        using TensorForge;

        namespace Samples.Vision;

        /// <summary>LeNet-5.</summary>
        [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 42)]
        [Input(1, 28, 28)]
        [Conv2D(6, 5, Padding = 2, Activation = Activation.ReLU, Name = "conv1")]
        [MaxPool2D(2, Name = "pool1")]
        [Conv2D(16, 5, Activation = Activation.ReLU, Name = "conv2")]
        [MaxPool2D(2, Name = "pool2")]
        [Flatten]
        [Dense(120, Activation = Activation.ReLU, Name = "fc1")]
        [Dense(84, Activation = Activation.ReLU, Name = "fc2")]
        [Dense(10, Name = "fc3")]
        [Adam(LearningRate = 1e-3f)]
        public partial class LeNet5;
        """;

    /// <summary>A residual network from a reusable block: BatchNorm buffers, From, Add, a strided projection shortcut,
    /// global average pooling, fan-out of the stem's output.</summary>
    public const string Residual = """
        using TensorForge;

        namespace Samples.Vision;

        /// <summary>A basic block whose shortcut is projected.</summary>
        [Block]
        [Conv2D(BlockArguments.Width, 3, Stride = BlockArguments.Stride, Padding = 1, Bias = false, Name = "conv1")]
        [BatchNorm(Activation = Activation.ReLU, Name = "bn1")]
        [Conv2D(BlockArguments.Width, 3, Padding = 1, Bias = false, Name = "conv2")]
        [BatchNorm(Name = "bn2")]
        [Conv2D(BlockArguments.Width, 1, Stride = BlockArguments.Stride, Bias = false, From = "input", Name = "downsample.0")]
        [BatchNorm(Name = "downsample.1")]
        [Add("bn2")]
        [ReLU]
        public partial class DownBlock;

        /// <summary>A tiny ResNet.</summary>
        [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 1)]
        [Input(1, 8, 8)]
        [Conv2D(4, 3, Padding = 1, Bias = false, Name = "conv1")]
        [BatchNorm(Activation = Activation.ReLU, Name = "bn1")]
        [Use(typeof(DownBlock), Width = 8, Stride = 2, Name = "layer1.0")]
        [MaxPool2D(2, From = "bn1", Name = "pool")]
        [Concat("layer1.0")]
        [GlobalAvgPool]
        [Dense(10, Name = "fc")]
        [AdamW(LearningRate = 1e-3f)]
        [CosineAnnealing(TMax = 100)]
        public partial class TinyResNet;
        """;

    /// <summary>A token network: an embedding, Dense on every time step, and a loss over every time step.</summary>
    public const string Tokens = """
        using TensorForge;

        namespace Samples.Text;

        /// <summary>Next-character logits at every position.</summary>
        [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 3)]
        [Input(16)]
        [Embedding(27, 8, Name = "embed")]
        [Dense(32, Activation = Activation.Tanh, Name = "hidden")]
        [Dense(27, Name = "head")]
        [Adam(LearningRate = 2e-3f)]
        public partial class CharacterModel;
        """;

    public const string RecurrentAttention = """
        using TensorForge;

        namespace Samples.Text;

        /// <summary>A sentence classifier: a bidirectional LSTM read by additive attention pooling.</summary>
        [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 5)]
        [Input(12)]
        [Embedding(20, 8, Name = "embed")]
        [Lstm(16, Bidirectional = true, Name = "lstm")]
        [AdditiveAttention(8, Name = "pool")]
        [Dense(3, Name = "head")]
        [Adam]
        public partial class AttentionClassifier;
        """;
}
