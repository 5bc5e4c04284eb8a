using System;
using System.IO;
using SkiaSharp;

namespace TensorForge.Samples.Pictures
{
    /// <summary>How <see cref="ImageGrid"/> lays out and shades its images.</summary>
    public sealed class ImageGridOptions
    {
        /// <summary>Images per row (default 8); the grid has as many rows as the count needs.</summary>
        public int Columns { get; set; } = 8;

        /// <summary>Output pixels per image pixel along each axis (nearest neighbour; default 2: a 28×28 digit becomes 56×56).</summary>
        public int Scale { get; set; } = 2;

        /// <summary>Pixels between neighbouring cells and around the grid (default 2).</summary>
        public int Padding { get; set; } = 2;

        /// <summary>Grey level of the padding, 0 (black) to 255 (white); default 128, so that black and white digits both stand out.</summary>
        public byte Background { get; set; } = 128;

        /// <summary>The value drawn black (default 0). Values below are clamped.</summary>
        public float Black { get; set; }

        /// <summary>The value drawn white (default 1: MNIST pixels are in [0, 1]; a tanh generator's output needs −1 and 1).</summary>
        public float White { get; set; } = 1f;
    }

    /// <summary>Writes a set of single-channel images (e.g. 64 MNIST digits) as one grey PNG grid, row by row.</summary>
    public static class ImageGrid
    {
        /// <summary>Draws <paramref name="count"/> images of <paramref name="height"/>×<paramref name="width"/> values (row-major,
        /// one after another in <paramref name="images"/>) into a grid and writes it to <paramref name="path"/> as an 8-bit grey
        /// PNG (the folder is created if needed). Value v becomes grey level round(255·(v − Black)/(White − Black)), clamped;
        /// NaN is drawn black.</summary>
        /// <exception cref="ArgumentException"><paramref name="images"/> holds fewer than count·height·width values, or a size or
        /// an option is not positive, or <see cref="ImageGridOptions.White"/> is not above <see cref="ImageGridOptions.Black"/>.</exception>
        public static void WritePng(string path, ReadOnlySpan<float> images, int count, int height, int width, ImageGridOptions? options = null)
        {
            ArgumentNullException.ThrowIfNull(path);
            byte[] png = EncodePng(images, count, height, width, options);
            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null)
                Directory.CreateDirectory(folder);
            File.WriteAllBytes(path, png);
        }

        /// <summary>The PNG file <see cref="WritePng"/> writes, as bytes.</summary>
        /// <exception cref="ArgumentException">As <see cref="WritePng"/>.</exception>
        public static byte[] EncodePng(ReadOnlySpan<float> images, int count, int height, int width, ImageGridOptions? options = null)
        {
            options ??= new ImageGridOptions();
            (int gridWidth, int gridHeight) = Size(count, height, width, options);
            long needed = (long)count * height * width;
            if (images.Length < needed)
                throw new ArgumentException(
                    $"images holds {images.Length} values but {count} images of {height}×{width} need {needed}", nameof(images));

            using var bitmap = new SKBitmap(new SKImageInfo(gridWidth, gridHeight, SKColorType.Gray8, SKAlphaType.Opaque));
            Span<byte> pixels = bitmap.GetPixelSpan();
            int rowBytes = bitmap.RowBytes;
            for (int y = 0; y < gridHeight; y++)
                pixels.Slice(y * rowBytes, gridWidth).Fill(options.Background);

            float range = options.White - options.Black;
            int scale = options.Scale, padding = options.Padding;
            for (int image = 0; image < count; image++)
            {
                int left = padding + (image % options.Columns) * (width * scale + padding);
                int top = padding + (image / options.Columns) * (height * scale + padding);
                ReadOnlySpan<float> values = images.Slice(image * height * width, height * width);
                for (int y = 0; y < height * scale; y++)
                {
                    Span<byte> row = pixels.Slice((top + y) * rowBytes + left, width * scale);
                    ReadOnlySpan<float> source = values.Slice(y / scale * width, width);
                    for (int x = 0; x < row.Length; x++)
                        row[x] = Grey(source[x / scale], options.Black, range);
                }
            }

            using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            return data.ToArray();
        }

        /// <summary>The grid's size in pixels for <paramref name="count"/> images of <paramref name="height"/>×<paramref name="width"/>.</summary>
        /// <exception cref="ArgumentException">A size or an option is out of range.</exception>
        public static (int Width, int Height) Size(int count, int height, int width, ImageGridOptions? options = null)
        {
            options ??= new ImageGridOptions();
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
            if (options.Columns <= 0 || options.Scale <= 0 || options.Padding < 0)
                throw new ArgumentException(
                    $"the grid needs Columns > 0, Scale > 0 and Padding ≥ 0 but has {options.Columns}, {options.Scale} and {options.Padding}",
                    nameof(options));
            if (!(options.White > options.Black))
                throw new ArgumentException($"White ({options.White}) must be above Black ({options.Black})", nameof(options));
            int columns = Math.Min(options.Columns, count);
            int rows = (count + options.Columns - 1) / options.Columns;
            long gridWidth = options.Padding + (long)columns * (width * (long)options.Scale + options.Padding);
            long gridHeight = options.Padding + (long)rows * (height * (long)options.Scale + options.Padding);
            if (gridWidth > 16_384 || gridHeight > 16_384)
                throw new ArgumentException($"a grid of {gridWidth}×{gridHeight} pixels is too large (at most 16,384 a side)", nameof(count));
            return ((int)gridWidth, (int)gridHeight);
        }

        /// <summary>Decodes the PNG at <paramref name="path"/> (a check that a written picture is whole) and returns its size.</summary>
        /// <exception cref="InvalidDataException">The file is missing or does not decode as an image.</exception>
        public static (int Width, int Height) ReadPngSize(string path)
        {
            if (!File.Exists(path))
                throw new InvalidDataException($"'{path}' was not written");
            using SKBitmap? bitmap = SKBitmap.Decode(path);
            if (bitmap is null)
                throw new InvalidDataException($"'{path}' does not decode as an image");
            return (bitmap.Width, bitmap.Height);
        }

        private static byte Grey(float value, float black, float range)
        {
            float level = (value - black) / range * 255f;
            return level >= 0f ? (byte)MathF.Round(MathF.Min(level, 255f)) : (byte)0; // NaN fails the test: black
        }
    }
}
