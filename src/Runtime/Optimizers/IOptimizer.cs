using System;

namespace TensorForge.Optimizers
{
    /// <summary>An optimizer over one contiguous parameter block. State (momentum, moments) lives in the optimizer.</summary>
    /// <remarks>Implementations allocate their state once, in the constructor; <see cref="Step"/> allocates nothing.</remarks>
    public interface IOptimizer
    {
        /// <summary>The learning rate given at construction (the schedule's base).</summary>
        float BaseLearningRate { get; }
        /// <summary>Number of steps taken.</summary>
        long StepCount { get; }
        /// <summary>One update with the given learning rate. Lengths must equal the optimizer's parameter count.</summary>
        /// <exception cref="ArgumentException">A length differs from the parameter count.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative or not finite.</exception>
        void Step(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate);

        /// <summary>Makes this optimizer's state (step count, momentum or moments) a copy of <paramref name="source"/>'s, so that
        /// training continues from the same point (a cloned network, a restored snapshot).</summary>
        /// <exception cref="ArgumentException"><paramref name="source"/> is another kind of optimizer or has another parameter count.</exception>
        void CopyStateFrom(IOptimizer source);
    }
}
