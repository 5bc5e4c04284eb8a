using System;

namespace TensorForge
{
    /// <summary>Argument checks used by generated code. Every message names the expected and the actual shape.</summary>
    public static class Guard
    {
        /// <summary>Returns the batch size implied by <paramref name="input"/> (input.Length / inputSize) and checks that
        /// the input is a non-empty whole number of samples and that <paramref name="outputLength"/> is batch × outputSize.
        /// <paramref name="inputShape"/> and <paramref name="outputShape"/> are the per-sample shapes as text, e.g. "[1, 28, 28]".</summary>
        public static int Batch(int inputLength, int inputSize, string inputShape, int outputLength, int outputSize, string outputShape,
            string inputName = "input", string outputName = "output") => throw new NotImplementedException();

        /// <summary>Checks that a span named <paramref name="name"/> holds exactly batch × size elements.</summary>
        public static void Length(int length, int batch, int size, string shape, string name) => throw new NotImplementedException();

        /// <summary>Checks that every label lies in [0, classes) and that there are batch × perSample of them.</summary>
        public static void Labels(ReadOnlySpan<int> labels, int batch, int perSample, int classes, string name = "labels") => throw new NotImplementedException();
    }
}
