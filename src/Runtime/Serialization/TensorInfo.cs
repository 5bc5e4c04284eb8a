using System;
using System.Globalization;

namespace TensorForge.Serialization
{
    /// <summary>One named tensor of a model's state_dict: its shape and where it lives in the parameter block.</summary>
    public sealed class TensorInfo
    {
        private readonly int[] _shape;

        /// <exception cref="ArgumentException"><paramref name="name"/> is empty or reserved, a dimension is negative, or the
        /// element count exceeds <see cref="int.MaxValue"/>.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative.</exception>
        public TensorInfo(string name, int[] shape, int offset)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            ArgumentNullException.ThrowIfNull(shape);
            ArgumentOutOfRangeException.ThrowIfNegative(offset);
            if (name == Safetensors.MetadataKey)
                throw new ArgumentException($"'{name}' is reserved by the safetensors format and cannot name a tensor.", nameof(name));
            long length = 1;
            foreach (int dimension in shape)
            {
                if (dimension < 0)
                    throw new ArgumentException($"tensor '{name}' has shape {FormatShape(shape)}, which has a negative dimension", nameof(shape));
                length *= dimension;
                if (length > int.MaxValue)
                    throw new ArgumentException($"tensor '{name}' of shape {FormatShape(shape)} has more than {int.MaxValue} elements", nameof(shape));
            }
            Name = name;
            _shape = (int[])shape.Clone();
            Offset = offset;
            Length = (int)length;
        }

        public string Name { get; }

        /// <summary>The dimensions (a copy: changing it does not change the tensor).</summary>
        public int[] Shape => (int[])_shape.Clone();

        /// <summary>Offset in floats in the parameter block.</summary>
        public int Offset { get; }

        /// <summary>Product of the shape.</summary>
        public int Length { get; }

        internal ReadOnlySpan<int> ShapeSpan => _shape;

        /// <summary>The shape as text, e.g. "[128, 784]".</summary>
        public string ShapeText => FormatShape(_shape);

        public override string ToString() => $"{Name} F32 {ShapeText} at {Offset.ToString(CultureInfo.InvariantCulture)}";

        internal static string FormatShape(ReadOnlySpan<int> shape)
        {
            var text = new System.Text.StringBuilder("[");
            for (int i = 0; i < shape.Length; i++)
            {
                if (i > 0)
                    text.Append(", ");
                text.Append(shape[i].ToString(CultureInfo.InvariantCulture));
            }
            return text.Append(']').ToString();
        }
    }
}
