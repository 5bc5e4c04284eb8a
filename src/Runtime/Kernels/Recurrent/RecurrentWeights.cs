using System.Runtime.Intrinsics;

namespace TensorForge.Kernels
{
    /// <summary>The packed recurrent weights the fused recurrences of <see cref="Lstm"/> read: weight_hh [G·H, H] rearranged
    /// once per call so that one step's multiply and its gate math run as one pass, the gates of a hidden unit side by
    /// side in registers.</summary>
    /// <remarks>Hidden units are taken in chunks of <c>width</c> (one vector). Chunk c holds, for every k &lt; H, the G
    /// vectors W[q·H + c·width + l, k] (l &lt; width) of gates q = 0 … G − 1 one after another:
    /// packed[((c·H + k)·G + q)·width + l]. A chunk's panel (H·G vectors, 32 KiB for the LSTM of 128) stays in L1 while the
    /// rows of the batch pass over it, and each k costs G vector loads and one broadcast per row.</remarks>
    internal static unsafe class RecurrentWeights
    {
        /// <summary>The vector width (in floats) the fused recurrence uses for <paramref name="hidden"/> units: the widest
        /// enabled one whose count divides it, else 1 (single floats, any size).</summary>
        public static int Width(int hidden)
        {
            if (SimdWidth.Use512 && hidden % Vector512<float>.Count == 0)
                return Vector512<float>.Count;
            if (SimdWidth.Use256 && hidden % Vector256<float>.Count == 0)
                return Vector256<float>.Count;
            if (SimdWidth.Use128 && hidden % Vector128<float>.Count == 0)
                return Vector128<float>.Count;
            return 1;
        }

        /// <summary>Floats the packed weights take: G·H·H.</summary>
        public static long Size(int gates, int hidden) => (long)gates * hidden * hidden;

        /// <summary>Packs weight_hh [gates·hidden, hidden] (row-major) as the remarks describe.</summary>
        public static void Pack(float* weights, float* packed, int gates, int hidden, int width)
        {
            int h = hidden;
            nint step = (nint)gates * width;
            bool blocks = width % 8 == 0 && h % 8 == 0 && Transpose8x8.IsSupported;
            for (int c = 0; c < h / width; c++)
            {
                for (int q = 0; q < gates; q++)
                {
                    float* destination = packed + (nint)c * h * step + q * width;
                    float* source = weights + ((nint)q * h + c * width) * h;
                    if (blocks)
                    {
                        // Eight rows (hidden units) by eight columns (k) at a time.
                        for (int l = 0; l < width; l += 8)
                            for (int k = 0; k < h; k += 8)
                                Transpose8x8.Run(source + (nint)l * h + k, h, destination + k * step + l, step, add: false);
                    }
                    else
                    {
                        for (int l = 0; l < width; l++)
                            for (int k = 0; k < h; k++)
                                destination[k * step + l] = source[(nint)l * h + k];
                    }
                }
            }
        }
    }
}
