namespace TensorForge.Schedules
{
    /// <summary>A learning-rate schedule ticked once per optimizer step.</summary>
    /// <remarks>Schedules are closed forms of the step count, so they hold no state and can be shared.</remarks>
    public interface ILearningRateSchedule
    {
        /// <summary>The learning rate for the step that follows <paramref name="step"/> earlier ticks (step 0 = base rate).</summary>
        /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
        float LearningRate(float baseLearningRate, long step);
    }
}
