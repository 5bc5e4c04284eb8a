using System;

namespace TensorForge.Optimizers
{
    /// <summary>torch.optim.SGD (dampening 0): g += wd·p; b = μ·b + g (b = g on the first step); g = nesterov ? g + μ·b : b; p −= lr·g.</summary>
    public sealed class Sgd : IOptimizer
    {
        public Sgd(int parameterCount, float learningRate, float momentum = 0f, bool nesterov = false, float weightDecay = 0f) => throw new NotImplementedException();
        public float BaseLearningRate => throw new NotImplementedException();
        public long StepCount => throw new NotImplementedException();
        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate) => throw new NotImplementedException();
    }
}
