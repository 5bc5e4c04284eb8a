using System;

namespace TensorForge.Kernels
{
    /// <summary>Nearest-neighbour upsampling by an integer factor, PyTorch <c>nn.Upsample(scale_factor=s, mode='nearest')</c>
    /// on NCHW images: output[n, c, y, x] = input[n, c, ⌊y/s⌋, ⌊x/s⌋], [C, H, W] → [C, H·s, W·s] per sample.</summary>
    /// <remarks>Backward sums each s×s block of the output gradient (rows in order, columns in order within a row), so the
    /// result does not depend on threads. Single-threaded; allocates nothing.</remarks>
    public static class Upsample
    {
        /// <summary>Writes the upsampled images.</summary>
        /// <param name="input">[batch, channels, height, width].</param>
        /// <param name="output">[batch, channels, height·scale, width·scale].</param>
        /// <param name="batch">Samples.</param>
        /// <param name="channels">Channels.</param>
        /// <param name="height">Input rows.</param>
        /// <param name="width">Input columns.</param>
        /// <param name="scale">The factor (≥ 1).</param>
        /// <exception cref="ArgumentException">A span is too short (the message names the sizes), a size is negative or the scale below 1.</exception>
        public static void NearestForward(ReadOnlySpan<float> input, Span<float> output, int batch, int channels, int height, int width, int scale)
        {
            int planes = Check(input.Length, nameof(input), output.Length, nameof(output), batch, channels, height, width, scale);
            int outWidth = width * scale;
            for (int p = 0; p < planes; p++)
            {
                for (int y = 0; y < height; y++)
                {
                    ReadOnlySpan<float> source = input.Slice((p * height + y) * width, width);
                    Span<float> first = output.Slice((p * height + y) * scale * outWidth, outWidth);
                    if (scale == 2)
                    {
                        for (int x = 0; x < width; x++)
                        {
                            float v = source[x];
                            first[2 * x] = v;
                            first[2 * x + 1] = v;
                        }
                    }
                    else
                    {
                        for (int x = 0; x < width; x++)
                            first.Slice(x * scale, scale).Fill(source[x]);
                    }
                    for (int r = 1; r < scale; r++)
                        first.CopyTo(output.Slice(((p * height + y) * scale + r) * outWidth, outWidth));
                }
            }
        }

        /// <summary>Overwrites inputGradient with the sum of each pixel's scale×scale block of outputGradient.</summary>
        /// <param name="outputGradient">[batch, channels, height·scale, width·scale].</param>
        /// <param name="inputGradient">[batch, channels, height, width].</param>
        /// <param name="batch">Samples.</param>
        /// <param name="channels">Channels.</param>
        /// <param name="height">Input rows.</param>
        /// <param name="width">Input columns.</param>
        /// <param name="scale">The factor (≥ 1).</param>
        /// <exception cref="ArgumentException">A span is too short (the message names the sizes), a size is negative or the scale below 1.</exception>
        public static void NearestBackward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batch, int channels, int height, int width, int scale)
        {
            int planes = Check(inputGradient.Length, nameof(inputGradient), outputGradient.Length, nameof(outputGradient), batch, channels, height, width, scale);
            int outWidth = width * scale;
            for (int p = 0; p < planes; p++)
            {
                for (int y = 0; y < height; y++)
                {
                    Span<float> target = inputGradient.Slice((p * height + y) * width, width);
                    ReadOnlySpan<float> block = outputGradient.Slice((p * height + y) * scale * outWidth, scale * outWidth);
                    for (int x = 0; x < width; x++)
                    {
                        float sum = 0f;
                        for (int r = 0; r < scale; r++)
                        {
                            ReadOnlySpan<float> row = block.Slice(r * outWidth + x * scale, scale);
                            for (int k = 0; k < scale; k++)
                                sum += row[k];
                        }
                        target[x] = sum;
                    }
                }
            }
        }

        /// <summary>Checks sizes and lengths; returns batch × channels.</summary>
        private static int Check(int smallLength, string smallName, int largeLength, string largeName, int batch, int channels, int height, int width, int scale)
        {
            KernelArguments.NonNegative(batch, nameof(batch));
            KernelArguments.NonNegative(channels, nameof(channels));
            KernelArguments.NonNegative(height, nameof(height));
            KernelArguments.NonNegative(width, nameof(width));
            if (scale < 1)
                throw new ArgumentOutOfRangeException(nameof(scale), scale, $"scale must be at least 1 but is {scale}.");
            long planes = (long)batch * channels;
            long small = planes * height * width;
            long large = small * scale * scale;
            if (large > int.MaxValue)
                throw new ArgumentException($"batch×channels×(height·scale)×(width·scale) = {batch}×{channels}×{(long)height * scale}×{(long)width * scale} does not fit in an int.");
            if (smallLength < small)
                throw new ArgumentException($"{smallName} has {smallLength} elements but batch×channels×height×width = {batch}×{channels}×{height}×{width} needs {small}.", smallName);
            if (largeLength < large)
                throw new ArgumentException($"{largeName} has {largeLength} elements but batch×channels×(height·scale)×(width·scale) = "
                    + $"{batch}×{channels}×{height * scale}×{width * scale} needs {large}.", largeName);
            return (int)planes;
        }
    }
}
