using System;
using System.Globalization;

namespace TensorForge.Optimizers
{
    /// <summary>Argument checks shared by the optimizers.</summary>
    internal static class OptimizerChecks
    {
        /// <summary>Moment and momentum values smaller than this in magnitude are stored as zero. Without it, a long run
        /// fills the buffers with denormals (v decays by β₂ every step where a gradient is zero), and denormal arithmetic
        /// is 3–4× slower on x86. The change to any result is below 1e-30.</summary>
        public const float FlushThreshold = 1e-30f;

        public static void NonNegative(float value, string name)
        {
            if (!(value >= 0f) || float.IsPositiveInfinity(value))
                throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number >= 0.");
        }

        public static void Lengths(int parameterCount, int parametersLength, int gradientsLength, float learningRate)
        {
            if (parametersLength != parameterCount)
                throw new ArgumentException(
                    $"parameters has {Format(parametersLength)} elements but the optimizer was created for {Format(parameterCount)}", "parameters");
            if (gradientsLength != parameterCount)
                throw new ArgumentException(
                    $"gradients has {Format(gradientsLength)} elements but parameters has {Format(parametersLength)}", "gradients");
            NonNegative(learningRate, nameof(learningRate));
        }

        private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
