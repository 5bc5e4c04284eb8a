using System.Collections.Generic;

namespace TensorForge.Generator.Layers
{
    /// <summary>Plans one layer from its attribute, or returns null after reporting why it cannot.</summary>
    internal delegate LayerPlan? LayerBuilder(LayerBuildContext context);

    /// <summary>Every layer kind the generator knows, by attribute name (without "Attribute"). Adding a layer kind means
    /// one file in this folder, one line here, its attribute, its kernels and its tests.</summary>
    internal static class LayerRegistry
    {
        private static readonly Dictionary<string, LayerBuilder> Builders = new Dictionary<string, LayerBuilder>
        {
            ["Dense"] = DenseLayer.Create,
            ["Flatten"] = FlattenLayer.Create,
            ["Dropout"] = DropoutLayer.Create,
            ["ReLU"] = ActivationLayer.For(ActivationKind.ReLU),
            ["LeakyReLU"] = ActivationLayer.For(ActivationKind.LeakyReLU),
            ["Sigmoid"] = ActivationLayer.For(ActivationKind.Sigmoid),
            ["Tanh"] = ActivationLayer.For(ActivationKind.Tanh),
            ["Gelu"] = ActivationLayer.For(ActivationKind.Gelu),
            ["Softmax"] = SoftmaxLayer.Create,
            ["Conv2D"] = Conv2DLayer.Create,
            ["MaxPool2D"] = MaxPool2DLayer.Create,
            ["AvgPool2D"] = AvgPool2DLayer.Create,
            ["GlobalAvgPool"] = GlobalAvgPoolLayer.Create,
            ["BatchNorm"] = BatchNormLayer.Create,
            ["Add"] = AddLayer.Create,
            ["Concat"] = ConcatLayer.Create,
            ["Embedding"] = EmbeddingLayer.Create,
            ["Rnn"] = RecurrentLayer.For(RecurrentCell.Rnn),
            ["Lstm"] = RecurrentLayer.For(RecurrentCell.Lstm),
            ["Gru"] = RecurrentLayer.For(RecurrentCell.Gru),
            ["LastStep"] = SequencePoolLayer.For(mean: false),
            ["MeanOverTime"] = SequencePoolLayer.For(mean: true),
            ["LayerNorm"] = LayerNormLayer.Create,
            ["PositionalEncoding"] = PositionalEncodingLayer.Create,
            ["MultiHeadAttention"] = MultiHeadAttentionLayer.Create,
            ["ConvTranspose2D"] = ConvTranspose2DLayer.Create,
            ["Upsample"] = UpsampleLayer.Create,
            ["Unflatten"] = UnflattenLayer.Create,
            ["Reparameterize"] = ReparameterizeLayer.Create,
            ["AdditiveAttention"] = AdditiveAttentionLayer.Create,
        };

        public static bool TryGet(string kind, out LayerBuilder builder) => Builders.TryGetValue(kind, out builder!);

        public static IEnumerable<string> Kinds => Builders.Keys;
    }
}
