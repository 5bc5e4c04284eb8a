using TensorForge;

namespace TensorForge.Benchmarks
{
    /// <summary>The MLP every MLP section measures: 784-128-64-10, ReLU, ReLU, logits; softmax cross-entropy; Adam 1e-3.
    /// No dropout and no schedule, so that its TorchSharp and ONNX twins compute exactly the same thing.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 42)]
    [Input(784)]
    [Dense(128, Activation = Activation.ReLU, Name = "fc1")]
    [Dense(64, Activation = Activation.ReLU, Name = "fc2")]
    [Dense(10, Name = "fc3")]
    [Adam(LearningRate = 1e-3f)]
    public partial class BenchMlp;

    /// <summary>Where each tensor of <see cref="BenchMlp"/> lives in <c>Parameters</c>: the layers in order, each as
    /// PyTorch's <c>state_dict</c> orders it (weight [out, in] row-major, then bias).</summary>
    internal static class BenchMlpLayout
    {
        public static readonly (int In, int Out)[] Layers = { (784, 128), (128, 64), (64, 10) };

        public static int WeightOffset(int layer)
        {
            int offset = 0;
            for (int i = 0; i < layer; i++)
                offset += Layers[i].Out * Layers[i].In + Layers[i].Out;
            return offset;
        }

        public static int BiasOffset(int layer) => WeightOffset(layer) + Layers[layer].Out * Layers[layer].In;
    }
}
