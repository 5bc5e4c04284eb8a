using System;

namespace TensorForge.Schedules
{
    /// <summary>CosineAnnealingLR, closed form: min + (base − min)·(1 + cos(π·t/TMax))/2.</summary>
    public sealed class CosineAnnealing : ILearningRateSchedule
    {
        public CosineAnnealing(int tMax, float minLearningRate = 0f) => throw new NotImplementedException();
        public float LearningRate(float baseLearningRate, long step) => throw new NotImplementedException();
    }
}
