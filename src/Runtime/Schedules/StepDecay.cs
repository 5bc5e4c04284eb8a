using System;

namespace TensorForge.Schedules
{
    /// <summary>StepLR: base · γ^⌊t/stepSize⌋.</summary>
    public sealed class StepDecay : ILearningRateSchedule
    {
        public StepDecay(int stepSize, float gamma = 0.1f) => throw new NotImplementedException();
        public float LearningRate(float baseLearningRate, long step) => throw new NotImplementedException();
    }
}
