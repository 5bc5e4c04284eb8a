using System;

namespace TensorForge.Data
{
    /// <summary>Reads the IDX format of MNIST (optionally gzipped, detected by the magic bytes).</summary>
    public static class Idx
    {
        /// <summary>Reads an idx3-ubyte image file as floats scaled to [0, 1]; returns the images and the per-image shape [rows, cols].</summary>
        public static (float[] Images, int Count, int Rows, int Columns) ReadImages(string path) => throw new NotImplementedException();

        /// <summary>Reads an idx1-ubyte label file.</summary>
        public static int[] ReadLabels(string path) => throw new NotImplementedException();

        /// <summary>Loads images and labels into a dataset (checks the counts agree).</summary>
        public static Dataset LoadDataset(string imagesPath, string labelsPath) => throw new NotImplementedException();
    }
}
