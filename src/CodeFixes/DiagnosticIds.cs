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

        /// <summary>Kernel larger than the padded input.</summary>
        public const string NoOutput = "TF1005";

        /// <summary>Add of different shapes.</summary>
        public const string AddShapeMismatch = "TF1007";

        /// <summary>Unknown layer reference (From, Add, Concat).</summary>
        public const string UnknownLayerReference = "TF1009";
    }

    /// <summary>Keys of the data the analyzer attaches to its diagnostics for the fixes (TensorForge.Generator's
    /// <c>FixProperties</c>, repeated here for the same reason as the ids).</summary>
    internal static class FixProperties
    {
        /// <summary>TF1009: the names the reference could name, separated by '\n'.</summary>
        public const string Candidates = nameof(Candidates);

        /// <summary>TF1001: the rank of the Dense's input (3 for an image).</summary>
        public const string InputRank = nameof(InputRank);

        /// <summary>TF1005: a Padding value with which every output size of the layer is at least 1.</summary>
        public const string Padding = nameof(Padding);

        /// <summary>TF1007: "Conv2D" (1×1) or "Dense", the layer that projects the Add's named input to the previous layer's shape.</summary>
        public const string Projection = nameof(Projection);

        /// <summary>TF1007: the projection's output channels or units.</summary>
        public const string ProjectionWidth = nameof(ProjectionWidth);

        /// <summary>TF1007: the projection's stride (1 for Dense).</summary>
        public const string ProjectionStride = nameof(ProjectionStride);

        /// <summary>TF1007: the name of the Add's previous layer, which the fixed Add names instead.</summary>
        public const string MainBranch = nameof(MainBranch);
    }
}
