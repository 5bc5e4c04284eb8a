using System;

namespace TensorForge.Serialization
{
    /// <summary>One named tensor of a model's state_dict: its shape and where it lives in the parameter block.</summary>
    public sealed class TensorInfo
    {
        public TensorInfo(string name, int[] shape, int offset) => throw new NotImplementedException();
        public string Name => throw new NotImplementedException();
        public int[] Shape => throw new NotImplementedException();
        /// <summary>Offset in floats in the parameter block.</summary>
        public int Offset => throw new NotImplementedException();
        /// <summary>Product of the shape.</summary>
        public int Length => throw new NotImplementedException();
    }
}
