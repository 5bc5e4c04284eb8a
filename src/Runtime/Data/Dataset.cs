using System;

namespace TensorForge.Data
{
    /// <summary>An in-memory labelled dataset: <c>Count</c> samples of <c>SampleSize</c> floats each, and one label per sample.</summary>
    public sealed class Dataset
    {
        public Dataset(float[] inputs, int[] labels, int sampleSize) => throw new NotImplementedException();
        public float[] Inputs => throw new NotImplementedException();
        public int[] Labels => throw new NotImplementedException();
        public int SampleSize => throw new NotImplementedException();
        public int Count => throw new NotImplementedException();
        /// <summary>Samples [start, start+count) as a new dataset (copies).</summary>
        public Dataset Slice(int start, int count) => throw new NotImplementedException();
    }
}
