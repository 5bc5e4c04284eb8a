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

    /// <summary>What the recurrent layers share: PyTorch's <c>num_layers</c>, <c>bidirectional</c> and <c>bias</c>, and whether the
    /// layer outputs every time step <c>[T, H·directions]</c> or only the last one <c>[H·directions]</c>
    /// (<c>output[:, -1, :]</c>). Parameters per layer k and direction: <c>weight_ih_lk</c>, <c>weight_hh_lk</c>,
    /// <c>bias_ih_lk</c>, <c>bias_hh_lk</c> (<c>_reverse</c> for the backward direction), initialised U(−1/√H, 1/√H).
    /// The input is batch-first <c>[T, features]</c>; the initial state is zero.</summary>
    public abstract class RecurrentAttribute : LayerAttribute
    {
        /// <summary>A recurrent layer with <paramref name="hidden"/> features of state.</summary>
        protected RecurrentAttribute(int hidden) { Hidden = hidden; }
        /// <summary>Features of the hidden state (hidden_size).</summary>
        public int Hidden { get; }
        /// <summary>Stacked layers, each reading the previous one's output sequence. Default 1.</summary>
        public int NumLayers { get; set; } = 1;
        /// <summary>Also run every layer from the last time step to the first, and concatenate the two directions. Default false.</summary>
        public bool Bidirectional { get; set; }
        /// <summary>Output every time step (true, the default) or only the last.</summary>
        public bool ReturnSequences { get; set; } = true;
        /// <summary>Whether the layers have biases. Default true.</summary>
        public bool Bias { get; set; } = true;
    }

    /// <summary>Elman RNN, PyTorch <c>nn.RNN(batch_first=True)</c>: h_t = f(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh), f tanh or ReLU.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class RnnAttribute : RecurrentAttribute
    {
        /// <summary>An RNN with <paramref name="hidden"/> features of state.</summary>
        public RnnAttribute(int hidden) : base(hidden) { }
        /// <summary><see cref="Activation.Tanh"/> (default) or <see cref="Activation.ReLU"/>.</summary>
        public Activation Nonlinearity { get; set; } = Activation.Tanh;
    }

    /// <summary>Long short-term memory, PyTorch <c>nn.LSTM(batch_first=True)</c>: gates i, f, g, o in that order in the weights.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class LstmAttribute : RecurrentAttribute
    {
        /// <summary>An LSTM with <paramref name="hidden"/> features of state.</summary>
        public LstmAttribute(int hidden) : base(hidden) { }
    }

    /// <summary>Gated recurrent unit, PyTorch <c>nn.GRU(batch_first=True)</c>: gates r, z, n; n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class GruAttribute : RecurrentAttribute
    {
        /// <summary>A GRU with <paramref name="hidden"/> features of state.</summary>
        public GruAttribute(int hidden) : base(hidden) { }
    }

    /// <summary>The last time step of a sequence: <c>[T, F]</c> → <c>[F]</c> (<c>x[:, -1, :]</c>).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class LastStepAttribute : LayerAttribute { }

    /// <summary>The mean over time of a sequence: <c>[T, F]</c> → <c>[F]</c> (<c>x.mean(dim=1)</c>).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class MeanOverTimeAttribute : LayerAttribute { }

    /// <summary>Layer normalisation over the last axis, PyTorch <c>nn.LayerNorm(features)</c>: weight 1 and bias 0 of
    /// <c>[features]</c> when <see cref="Affine"/>.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class LayerNormAttribute : LayerAttribute
    {
        /// <summary>Added to the variance (&gt; 0). Default 1e-5.</summary>
        public float Epsilon { get; set; } = 1e-5f;
        /// <summary>Learn a per-feature scale and shift (elementwise_affine). Default true.</summary>
        public bool Affine { get; set; } = true;
    }

    /// <summary>Adds the fixed sinusoidal table of Vaswani et al. to a sequence <c>[T, dimension]</c>:
    /// pe[t, 2i] = sin(t / 10000^(2i/d)), pe[t, 2i+1] = cos(t / 10000^(2i/d)). No parameters; the table's length is the
    /// compile-time T.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class PositionalEncodingAttribute : LayerAttribute
    {
        /// <summary>A table of width <paramref name="dimension"/>, which must be the input's feature count.</summary>
        public PositionalEncodingAttribute(int dimension) { Dimension = dimension; }
        /// <summary>Features per time step (d_model).</summary>
        public int Dimension { get; }
    }

    /// <summary>Multi-head scaled dot-product self-attention on <c>[T, d]</c>, PyTorch <c>nn.MultiheadAttention(d, heads,
    /// batch_first=True)</c> called as <c>attn(x, x, x)</c>: parameters <c>in_proj_weight [3d, d]</c>, <c>in_proj_bias [3d]</c>,
    /// <c>out_proj.weight [d, d]</c>, <c>out_proj.bias [d]</c>.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class MultiHeadAttentionAttribute : LayerAttribute
    {
        /// <summary>Attention with <paramref name="heads"/> heads (which must divide the model width).</summary>
        public MultiHeadAttentionAttribute(int heads) { Heads = heads; }
        /// <summary>Heads.</summary>
        public int Heads { get; }
        /// <summary>Step t attends only to steps ≤ t (PyTorch's causal mask). Default false.</summary>
        public bool Causal { get; set; }
        /// <summary>Dropout on the attention probabilities in training. Default 0.</summary>
        public float Dropout { get; set; }
    }

    /// <summary>A Transformer encoder layer, PyTorch <c>nn.TransformerEncoderLayer(d, heads, FeedForward, Dropout,
    /// activation, batch_first=True, norm_first=NormFirst)</c>, with its state_dict names (<c>self_attn.*</c>, <c>linear1.*</c>,
    /// <c>linear2.*</c>, <c>norm1.*</c>, <c>norm2.*</c>). It is inlined as those layers, with the residual Adds and dropouts.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class TransformerEncoderLayerAttribute : LayerAttribute
    {
        /// <summary>An encoder layer with <paramref name="heads"/> attention heads.</summary>
        public TransformerEncoderLayerAttribute(int heads) { Heads = heads; }
        /// <summary>Attention heads (which must divide the model width).</summary>
        public int Heads { get; }
        /// <summary>Width of the feed-forward network (dim_feedforward). Default 2048, as PyTorch.</summary>
        public int FeedForward { get; set; } = 2048;
        /// <summary>Dropout probability (attention, feed-forward and both residual branches). Default 0.1.</summary>
        public float Dropout { get; set; } = 0.1f;
        /// <summary>Pre-norm (LayerNorm before each sublayer) instead of PyTorch's default post-norm. Default false.</summary>
        public bool NormFirst { get; set; }
        /// <summary>Activation of the feed-forward network: <see cref="Activation.ReLU"/> (default) or <see cref="Activation.Gelu"/>.</summary>
        public Activation Activation { get; set; } = Activation.ReLU;
        /// <summary>Causal self-attention (a language model's mask). Default false.</summary>
        public bool Causal { get; set; }
        /// <summary>ε of both LayerNorms. Default 1e-5.</summary>
        public float LayerNormEpsilon { get; set; } = 1e-5f;
    }
}
