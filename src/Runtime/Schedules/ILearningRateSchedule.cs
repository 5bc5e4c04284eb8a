namespace TensorForge.Schedules
{
    /// <summary>A learning-rate schedule ticked once per optimizer step.</summary>
    public interface ILearningRateSchedule
    {
        /// <summary>The learning rate for the step that follows <paramref name="step"/> earlier ticks (step 0 = base rate).</summary>
        float LearningRate(float baseLearningRate, long step);
    }
}
