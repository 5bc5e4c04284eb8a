namespace TensorForge.CodeFixes
{
    /// <summary>The ids of the diagnostics fixed here, as the analyzer (src/Generator/Diagnostics/DiagnosticDescriptors.cs)
    /// reports them. Copied rather than referenced so that this assembly depends on the compiler's API only; a test checks
    /// each id against the analyzer's catalogue by title.</summary>
    internal static class DiagnosticIds
    {
        /// <summary>Network class must be partial.</summary>
        public const string NotPartial = "TF0001";

        /// <summary>Network has no [Input].</summary>
        public const string MissingInput = "TF0002";

        /// <summary>Dense needs a vector input.</summary>
        public const string DenseNeedsVector = "TF1001";

        /// <summary>Softmax before SoftmaxCrossEntropy.</summary>
        public const string SoftmaxBeforeCrossEntropy = "TF1003";
    }
}
