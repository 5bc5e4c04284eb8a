using System;
using System.Collections.Generic;
using System.Globalization;

namespace TensorForge.Serialization
{
    /// <summary>Checks of a model's tensor list against its parameter block, shared by reading and writing.
    /// These are programming errors (in generated code or a caller), so they throw <see cref="ArgumentException"/>.</summary>
    internal static class SafetensorsLayout
    {
        public static void Validate(ReadOnlySpan<TensorInfo> tensors, int parameterLength)
        {
            var names = new HashSet<string>(tensors.Length, StringComparer.Ordinal);
            foreach (TensorInfo tensor in tensors)
            {
                if (tensor is null)
                    throw new ArgumentException("the tensor list contains null", nameof(tensors));
                if (!names.Add(tensor.Name))
                    throw new ArgumentException($"the tensor list names '{tensor.Name}' twice", nameof(tensors));
                if ((long)tensor.Offset + tensor.StorageLength > parameterLength)
                    throw new ArgumentException(
                        $"tensor '{tensor.Name}' {tensor.DTypeName} {tensor.ShapeText} occupies floats [{Format(tensor.Offset)}, {Format((long)tensor.Offset + tensor.StorageLength)}) " +
                        $"but the parameter block has {Format(parameterLength)}", nameof(tensors));
            }
        }

        public static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
    }
}
