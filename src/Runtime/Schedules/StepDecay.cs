using System;

namespace TensorForge.Schedules
{
    /// <summary>StepLR: base · γ^⌊t/stepSize⌋.</summary>
    /// <remarks>Computed in double from the closed form, so it does not accumulate the rounding of repeated multiplication.</remarks>
    public sealed class StepDecay : ILearningRateSchedule
    {
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepSize"/> is not positive, or <paramref name="gamma"/>
        /// is not a finite positive number.</exception>
        public StepDecay(int stepSize, float gamma = 0.1f)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
            if (!(gamma > 0f) || float.IsPositiveInfinity(gamma))
                throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be a finite number > 0.");
            StepSize = stepSize;
            Gamma = gamma;
        }

        public int StepSize { get; }

        public float Gamma { get; }

        public float LearningRate(float baseLearningRate, long step)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(step);
            return (float)(baseLearningRate * Math.Pow(Gamma, step / StepSize));
        }
    }
}
