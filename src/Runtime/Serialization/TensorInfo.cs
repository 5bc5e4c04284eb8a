using System;
using System.Globalization;

namespace TensorForge.Serialization
{
    /// <summary>The element type of a tensor in a safetensors file.</summary>
    public enum TensorDType
    {
        /// <summary>32-bit IEEE float ("F32"): one float slot of the parameter block per element.</summary>
        F32,

        /// <summary>64-bit signed integer ("I64"), e.g. batch norm's <c>num_batches_tracked</c>: two float slots of the parameter
        /// block per element, holding the value's raw little-endian bytes (low half first). The slots are copied, never computed
        /// with; <c>BatchNorm.IncrementCounter</c> is the one kernel that reads them as an integer.</summary>
        I64,
    }

    /// <summary>One named tensor of a model's state_dict: its shape, its element type and where it lives in the parameter block.</summary>
    public sealed class TensorInfo
    {
        private readonly int[] _shape;

        /// <summary>An F32 tensor.</summary>
        /// <exception cref="ArgumentException"><paramref name="name"/> is empty or reserved, a dimension is negative, or the
        /// element count exceeds <see cref="int.MaxValue"/>.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative.</exception>
        public TensorInfo(string name, int[] shape, int offset)
            : this(name, shape, offset, TensorDType.F32)
        {
        }

        /// <summary>A tensor of the given element type. An empty <paramref name="shape"/> is a 0-dimensional tensor of one element
        /// (PyTorch writes <c>num_batches_tracked</c> so: I64, shape []).</summary>
        /// <exception cref="ArgumentException"><paramref name="name"/> is empty or reserved, a dimension is negative, the storage
        /// (<see cref="StorageLength"/> floats) exceeds <see cref="int.MaxValue"/>, or <paramref name="dtype"/> is not a defined
        /// <see cref="TensorDType"/>.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative.</exception>
        public TensorInfo(string name, int[] shape, int offset, TensorDType dtype)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            ArgumentNullException.ThrowIfNull(shape);
            ArgumentOutOfRangeException.ThrowIfNegative(offset);
            if (name == Safetensors.MetadataKey)
                throw new ArgumentException($"'{name}' is reserved by the safetensors format and cannot name a tensor.", nameof(name));
            if (dtype is not (TensorDType.F32 or TensorDType.I64))
                throw new ArgumentException($"tensor '{name}' has dtype {(int)dtype}, which is not a TensorDType (F32 or I64)", nameof(dtype));
            int slots = SlotsPerElement(dtype);
            long length = 1;
            foreach (int dimension in shape)
            {
                if (dimension < 0)
                    throw new ArgumentException($"tensor '{name}' has shape {FormatShape(shape)}, which has a negative dimension", nameof(shape));
                length *= dimension;
                if (length * slots > int.MaxValue)
                    throw new ArgumentException(
                        $"tensor '{name}' {dtype} {FormatShape(shape)} needs more than {int.MaxValue} floats of storage", nameof(shape));
            }
            Name = name;
            _shape = (int[])shape.Clone();
            Offset = offset;
            DType = dtype;
            Length = (int)length;
            StorageLength = (int)(length * slots);
        }

        public string Name { get; }

        /// <summary>The dimensions (a copy: changing it does not change the tensor).</summary>
        public int[] Shape => (int[])_shape.Clone();

        /// <summary>The element type written to and expected in a file.</summary>
        public TensorDType DType { get; }

        /// <summary>Offset in floats in the parameter block.</summary>
        public int Offset { get; }

        /// <summary>Product of the shape: the number of elements (1 for a 0-dimensional tensor).</summary>
        public int Length { get; }

        /// <summary>Floats the tensor occupies in the parameter block: <see cref="Length"/> for F32, 2 × <see cref="Length"/> for
        /// I64.</summary>
        public int StorageLength { get; }

        /// <summary>Bytes per element in a file (4 for F32, 8 for I64).</summary>
        internal int ElementBytes => SlotsPerElement(DType) * sizeof(float);

        /// <summary>The dtype as the safetensors header spells it.</summary>
        internal string DTypeName => DType == TensorDType.I64 ? "I64" : "F32";

        internal ReadOnlySpan<int> ShapeSpan => _shape;

        /// <summary>The shape as text, e.g. "[128, 784]".</summary>
        public string ShapeText => FormatShape(_shape);

        public override string ToString() => $"{Name} {DTypeName} {ShapeText} at {Offset.ToString(CultureInfo.InvariantCulture)}";

        private static int SlotsPerElement(TensorDType dtype) => dtype == TensorDType.I64 ? 2 : 1;

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
