using System;
using TensorForge.Kernels;

namespace TensorForge.Optimizers
{
    /// <summary>torch.optim.SGD (dampening 0): g += wd·p; b = μ·b + g (b = g on the first step); g = nesterov ? g + μ·b : b; p −= lr·g.</summary>
    /// <remarks>One fused, vectorised pass over the block. Where PyTorch's CPU kernel fuses (add with alpha) this does too,
    /// so results match PyTorch to the last bit or two. Momentum values below 1e-30 in magnitude are stored as zero to keep
    /// denormals out of the arithmetic (a change below 1e-30).</remarks>
    public sealed unsafe class Sgd : IOptimizer
    {
        private readonly int _parameterCount;
        private readonly float _momentum;
        private readonly bool _nesterov;
        private readonly float _weightDecay;
        private readonly AlignedBuffer _momentumBuffer;

        /// <exception cref="ArgumentOutOfRangeException">A count or hyperparameter is negative or not finite.</exception>
        /// <exception cref="ArgumentException"><paramref name="nesterov"/> without momentum (as in PyTorch).</exception>
        public Sgd(int parameterCount, float learningRate, float momentum = 0f, bool nesterov = false, float weightDecay = 0f)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
            OptimizerChecks.NonNegative(learningRate, nameof(learningRate));
            OptimizerChecks.NonNegative(momentum, nameof(momentum));
            OptimizerChecks.NonNegative(weightDecay, nameof(weightDecay));
            if (nesterov && momentum == 0f)
                throw new ArgumentException("Nesterov momentum requires a momentum greater than 0.", nameof(nesterov));
            _parameterCount = parameterCount;
            BaseLearningRate = learningRate;
            _momentum = momentum;
            _nesterov = nesterov;
            _weightDecay = weightDecay;
            _momentumBuffer = momentum == 0f ? AlignedBuffer.Empty : new AlignedBuffer(parameterCount);
        }

        public float BaseLearningRate { get; }

        public long StepCount { get; private set; }

        /// <summary>The momentum buffer (PyTorch's <c>momentum_buffer</c>); empty without momentum.</summary>
        public ReadOnlySpan<float> MomentumBuffer => _momentumBuffer.Span;

        /// <inheritdoc/>
        public void CopyStateFrom(IOptimizer source)
        {
            if (source is not Sgd other)
                throw new ArgumentException($"the state of a {source?.GetType().Name ?? "null"} cannot be copied into a Sgd", nameof(source));
            if (other._parameterCount != _parameterCount)
                throw new ArgumentException($"the source optimizer has {other._parameterCount} parameters but this one has {_parameterCount}", nameof(source));
            other._momentumBuffer.Span.CopyTo(_momentumBuffer.Span);
            StepCount = other.StepCount;
        }

        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate)
        {
            OptimizerChecks.Lengths(_parameterCount, parameters.Length, gradients.Length, learningRate);
            fixed (float* p = parameters, g = gradients, b = _momentumBuffer.Span)
            {
                var update = new SgdUpdate
                {
                    Parameters = p,
                    Gradients = g,
                    Momentum = b,
                    NegativeLearningRate = -learningRate,
                    WeightDecay = _weightDecay,
                    MomentumFactor = _momentum,
                    Nesterov = _nesterov,
                    FirstStep = StepCount == 0,
                };
                FusedLoop.Run(update, _parameterCount);
            }
            StepCount++;
        }

        private struct SgdUpdate : IElementUpdate
        {
            public float* Parameters;
            public float* Gradients;
            public float* Momentum; // null without momentum
            public float NegativeLearningRate;
            public float WeightDecay;
            public float MomentumFactor;
            public bool Nesterov;
            public bool FirstStep;

            public readonly void Apply<S, T>(nint index) where S : ISimdMath<T> where T : struct
            {
                float* p = Parameters + index;
                T parameter = S.Load(p);
                T direction = S.Load(Gradients + index);
                if (WeightDecay != 0f)
                    direction = S.MultiplyAdd(S.Broadcast(WeightDecay), parameter, direction);
                if (MomentumFactor != 0f)
                {
                    float* b = Momentum + index;
                    T mu = S.Broadcast(MomentumFactor);
                    // PyTorch: buf.mul_(momentum).add_(d_p): two roundings, not fused.
                    T buffer = FirstStep ? direction : S.Add(S.Multiply(S.Load(b), mu), direction);
                    buffer = FusedLoop.FlushBelow<S, T>(buffer, S.Broadcast(OptimizerChecks.FlushThreshold));
                    S.Store(buffer, b);
                    direction = Nesterov ? S.MultiplyAdd(mu, buffer, direction) : buffer;
                }
                S.Store(S.MultiplyAdd(S.Broadcast(NegativeLearningRate), direction, parameter), p);
            }
        }
    }
}
