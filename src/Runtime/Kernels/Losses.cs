using System;

namespace TensorForge.Kernels
{
    /// <summary>Losses with PyTorch's mean reduction. Each returns the mean loss and, when <c>gradient</c> is not empty,
    /// overwrites it with d(mean loss)/d(output) (already divided by the reduction count).</summary>
    public static class Losses
    {
        /// <summary>Cross-entropy of row-wise softmax(logits) against class indices; mean over the batch.
        /// Throws <see cref="ArgumentException"/> for a label outside [0, classes).</summary>
        public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> gradient, int batch, int classes) => throw new NotImplementedException();

        /// <summary>Cross-entropy against class probabilities ([batch, classes]); mean over the batch.</summary>
        public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> gradient, int batch, int classes) => throw new NotImplementedException();

        /// <summary>Mean over every element of (output − target)².</summary>
        public static float MeanSquaredError(ReadOnlySpan<float> output, ReadOnlySpan<float> targets, Span<float> gradient) => throw new NotImplementedException();

        /// <summary>Mean over every element of the numerically stable BCE-with-logits: max(x,0) − x·t + log(1 + e^−|x|).</summary>
        public static float BinaryCrossEntropyWithLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> gradient) => throw new NotImplementedException();
    }
}
