namespace TensorForge.Samples
{
    // The weights come with the networks: a file that no longer fits a network (a layer resized or renamed) is a compile
    // error here (TF2004–TF2007), not a failure at deployment. See weights/README.md for where the files come from.
    [Weights("weights/mnist-mlp.safetensors", Embed = true)]
    public partial class MnistMlpInference;

    [Weights("weights/lenet5.safetensors", Embed = true)]
    public partial class LeNet5Inference;
}
