namespace TensorForge.Generator
{
    /// <summary>Names of the incremental steps, so tests can assert which steps ran.</summary>
    internal static class TrackingNames
    {
        public const string Declarations = nameof(Declarations);
        public const string Blocks = nameof(Blocks);
        public const string Plans = nameof(Plans);
        public const string EmitPlans = nameof(EmitPlans);

        // [Weights] (Weights/WeightsPipeline.cs)
        public const string WeightsDeclarations = nameof(WeightsDeclarations);
        public const string WeightsExpectations = nameof(WeightsExpectations);
        public const string WeightsFiles = nameof(WeightsFiles);
        public const string WeightsChecks = nameof(WeightsChecks);

        // ExportOnnx (Emit/OnnxEmitter.cs): whether the compilation references TensorForge.Onnx.
        public const string OnnxReferenced = nameof(OnnxReferenced);
    }
}
