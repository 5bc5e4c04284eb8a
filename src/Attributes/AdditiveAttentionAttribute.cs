using System;

namespace TensorForge
{
    /// <summary>Additive (Bahdanau-style) attention pooling of a sequence <c>[T, H]</c> to one vector <c>[H]</c>:
    /// scores e_t = vᵀ tanh(W h_t + b), weights α = softmax over t of e, output Σ_t α_t h_t. Parameters <c>proj.weight
    /// [attentionSize, H]</c>, <c>proj.bias [attentionSize]</c> and <c>v.weight [1, attentionSize]</c> — the state_dict of a
    /// PyTorch module with <c>proj = nn.Linear(H, attentionSize)</c> and <c>v = nn.Linear(attentionSize, 1, bias=False)</c>
    /// computing <c>(softmax(v(tanh(proj(x))).squeeze(-1), dim=1).unsqueeze(-1) * x).sum(1)</c>, initialised as those
    /// <c>nn.Linear</c>s are (U(−1/√fan_in, 1/√fan_in)). Every time step takes part: there is no padding mask.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class AdditiveAttentionAttribute : LayerAttribute
    {
        /// <summary>Attention pooling whose projection has <paramref name="attentionSize"/> features.</summary>
        public AdditiveAttentionAttribute(int attentionSize) { AttentionSize = attentionSize; }
        /// <summary>Width A of the projection W h + b (and of v).</summary>
        public int AttentionSize { get; }
    }
}
