using System;

namespace TensorForge.Optimizers
{
    /// <summary>torch.optim.Adam (decoupled = false: g += wd·p) and torch.optim.AdamW (decoupled = true: p *= 1 − lr·wd).
    /// m = β₁m + (1−β₁)g; v = β₂v + (1−β₂)g²; p −= lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε).</summary>
    public sealed class Adam : IOptimizer
    {
        public Adam(int parameterCount, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f,
            float weightDecay = 0f, bool decoupledWeightDecay = false) => throw new NotImplementedException();
        public float BaseLearningRate => throw new NotImplementedException();
        public long StepCount => throw new NotImplementedException();
        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate) => throw new NotImplementedException();
    }
}
