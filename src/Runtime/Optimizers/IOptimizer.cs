using System;

namespace TensorForge.Optimizers
{
    /// <summary>An optimizer over one contiguous parameter block. State (momentum, moments) lives in the optimizer.</summary>
    public interface IOptimizer
    {
        /// <summary>The learning rate given at construction (the schedule's base).</summary>
        float BaseLearningRate { get; }
        /// <summary>Number of steps taken.</summary>
        long StepCount { get; }
        /// <summary>One update with the given learning rate. Lengths must equal the optimizer's parameter count.</summary>
        void Step(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate);
    }
}
