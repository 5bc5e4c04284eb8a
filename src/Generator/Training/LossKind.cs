namespace TensorForge.Generator.Training
{
    /// <summary>Mirror of TensorForge.Loss (same values).</summary>
    internal enum LossKind { None = 0, MeanSquaredError = 1, SoftmaxCrossEntropy = 2, BinaryCrossEntropyWithLogits = 3 }

    /// <summary>Mirror of TensorForge.Reduction (same values).</summary>
    internal enum LossReduction { Mean = 0, Sum = 1, SumPerSample = 2 }
}
