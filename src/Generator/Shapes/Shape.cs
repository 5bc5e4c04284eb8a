using System;
using System.Globalization;
using System.Linq;
using TensorForge.Generator.Helpers;

namespace TensorForge.Generator.Shapes
{
    /// <summary>A per-sample tensor shape (no batch dimension), compared by value.</summary>
    internal sealed record Shape(EquatableArray<int> Dimensions)
    {
        public static Shape Of(params int[] dimensions) => new Shape(dimensions.ToEquatableArray());

        public int Rank => Dimensions.Count;

        /// <summary>Product of the dimensions, or -1 if it overflows an int.</summary>
        public long LongSize => Dimensions.Aggregate(1L, (acc, d) => acc > int.MaxValue ? acc : acc * d);

        public int Size => checked((int)LongSize);

        public int Last => Dimensions[Dimensions.Count - 1];

        public bool IsVector => Rank == 1;

        /// <summary>"[1, 28, 28]"</summary>
        public override string ToString()
            => "[" + string.Join(", ", Dimensions.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
    }
}
