using System;

namespace TensorForge
{
    /// <summary>A lookup table of token vectors, PyTorch <c>nn.Embedding(vocabulary, dimension)</c>: token ids <c>[T]</c> →
    /// <c>[T, dimension]</c>, weight <c>[vocabulary, dimension]</c> initialised N(0, 1). It reads the network's token input,
    /// which makes the generated members take <c>ReadOnlySpan&lt;int&gt;</c> token ids.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class EmbeddingAttribute : LayerAttribute
    {
        /// <summary>A table of <paramref name="vocabulary"/> vectors of <paramref name="dimension"/> elements.</summary>
        public EmbeddingAttribute(int vocabulary, int dimension) { Vocabulary = vocabulary; Dimension = dimension; }
        /// <summary>Number of token ids (num_embeddings).</summary>
        public int Vocabulary { get; }
        /// <summary>Elements per vector (embedding_dim).</summary>
        public int Dimension { get; }
    }
}
