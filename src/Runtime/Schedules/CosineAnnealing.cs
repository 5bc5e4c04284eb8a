using System;

namespace TensorForge.Schedules
{
    /// <summary>CosineAnnealingLR, closed form: min + (base − min)·(1 + cos(π·t/TMax))/2.</summary>
    /// <remarks>Computed in double. As in PyTorch, the curve continues past <c>TMax</c> (the rate rises again towards the base
    /// over the next TMax steps) rather than staying at the minimum.</remarks>
    public sealed class CosineAnnealing : ILearningRateSchedule
    {
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="tMax"/> is not positive, or
        /// <paramref name="minLearningRate"/> is negative or not finite.</exception>
        public CosineAnnealing(int tMax, float minLearningRate = 0f)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tMax);
            if (!(minLearningRate >= 0f) || float.IsPositiveInfinity(minLearningRate))
                throw new ArgumentOutOfRangeException(nameof(minLearningRate), minLearningRate, "minLearningRate must be a finite number >= 0.");
            TMax = tMax;
            MinLearningRate = minLearningRate;
        }

        /// <summary>Steps from the base rate to the minimum.</summary>
        public int TMax { get; }

        public float MinLearningRate { get; }

        public float LearningRate(float baseLearningRate, long step)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(step);
            double cosine = Math.Cos(Math.PI * step / TMax);
            return (float)(MinLearningRate + (baseLearningRate - (double)MinLearningRate) * (1.0 + cosine) / 2.0);
        }
    }
}
