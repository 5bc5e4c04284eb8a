using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TensorForge.Benchmarks
{
    /// <summary>The PyTorch module whose state_dict our <c>AdditiveAttention</c> layer writes (docs/generated-code.md):
    /// <c>proj</c> nn.Linear(H, A), <c>v</c> nn.Linear(A, 1, bias=False), and
    /// <c>(softmax(v(tanh(proj(x))).squeeze(-1), dim=1).unsqueeze(-1) * x).sum(1)</c> on x [batch, T, H].</summary>
    internal sealed class TorchAdditiveAttention : nn.Module<Tensor, Tensor>
    {
        // Named as the state_dict entries: a nested module's fields are registered again by their own names when its parent
        // registers it (TorchSharp's RegisterComponents), so "_proj" would appear beside "proj".
        private readonly Linear proj;
        private readonly Linear v;

        public TorchAdditiveAttention(long features, long attentionSize) : base("AdditiveAttention")
        {
            proj = nn.Linear(features, attentionSize);
            v = nn.Linear(attentionSize, 1, hasBias: false);
            register_module("proj", proj);
            register_module("v", v);
        }

        public override Tensor forward(Tensor x)
        {
            Tensor alpha = softmax(v.forward(tanh(proj.forward(x))).squeeze(-1), 1);
            return (alpha.unsqueeze(-1) * x).sum(1);
        }
    }

    /// <summary>The twin of <see cref="BenchWordsAttention"/>: <c>embed</c> nn.Embedding(27, E) → <c>lstm</c> nn.LSTM(E, H,
    /// batch_first=True), whole output sequence → <c>pool</c> <see cref="TorchAdditiveAttention"/>(H, A) → <c>head</c>
    /// nn.Linear(H, classes). Input: token ids [batch, 16] (int64); output: logits [batch, classes].</summary>
    internal sealed class TorchAttentionClassifier : nn.Module<Tensor, Tensor>
    {
        private readonly Embedding _embed;
        private readonly LSTM _lstm;
        private readonly TorchAdditiveAttention _pool;
        private readonly Linear _head;

        public TorchAttentionClassifier(long embedding, long hidden, long attentionSize, long classes) : base("WordAttention")
        {
            _embed = nn.Embedding(WordData.Vocabulary, embedding);
            _lstm = nn.LSTM(embedding, hidden, batchFirst: true);
            _pool = new TorchAdditiveAttention(hidden, attentionSize);
            _head = nn.Linear(hidden, classes);
            register_module("embed", _embed);
            register_module("lstm", _lstm);
            register_module("pool", _pool);
            register_module("head", _head);
        }

        public override Tensor forward(Tensor tokens)
            => _head.forward(_pool.forward(_lstm.forward(_embed.forward(tokens)).Item1));
    }
}
