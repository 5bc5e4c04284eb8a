using SkiaSharp;
using TensorForge.Samples.Pictures;

namespace TensorForge.Samples.Tests;

public sealed class PicturesTests
{
    [Fact]
    public void A_grid_of_64_digits_has_the_stated_size_and_every_pixel_its_value()
    {
        const int count = 64, size = 28;
        float[] images = Pattern(count, size, size);
        var options = new ImageGridOptions { Scale = 2, Padding = 3, Background = 77 };

        SKBitmap bitmap = Decode(ImageGrid.EncodePng(images, count, size, size, options));

        Assert.Equal(3 + 8 * (56 + 3), bitmap.Width);
        Assert.Equal(3 + 8 * (56 + 3), bitmap.Height);
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
                Assert.Equal(ExpectedGrey(images, count, size, size, options, x, y), Grey(bitmap, x, y));
        }
    }

    [Fact]
    public void A_partial_last_row_leaves_background_and_the_grid_is_as_wide_as_its_columns()
    {
        const int count = 10;
        float[] images = Pattern(count, 5, 4);
        var options = new ImageGridOptions { Columns = 4, Scale = 3, Padding = 1, Background = 200 };

        SKBitmap bitmap = Decode(ImageGrid.EncodePng(images, count, 5, 4, options));

        Assert.Equal((1 + 4 * (12 + 1), 1 + 3 * (15 + 1)), (bitmap.Width, bitmap.Height));
        Assert.Equal(ImageGrid.Size(count, 5, 4, options), (bitmap.Width, bitmap.Height));
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
                Assert.Equal(ExpectedGrey(images, count, 5, 4, options, x, y), Grey(bitmap, x, y));
        }
    }

    [Fact]
    public void Values_map_linearly_from_black_to_white_and_clamp_and_NaN_is_black()
    {
        float[] values = [-1f, 0f, 1f, -3f, 5f, float.NaN, 0.5f, -0.5f];
        var options = new ImageGridOptions { Columns = 1, Scale = 1, Padding = 0, Black = -1f, White = 1f };

        SKBitmap bitmap = Decode(ImageGrid.EncodePng(values, 1, 1, values.Length, options));

        byte[] expected = [0, 128, 255, 0, 255, 0, 191, 64]; // round(255·(v + 1)/2): 127.5 → 128, 191.25 → 191, 63.75 → 64
        Assert.Equal(expected, Enumerable.Range(0, values.Length).Select(x => Grey(bitmap, x, 0)));
    }

    [Fact]
    public void Bad_arguments_throw_naming_the_sizes_before_a_file_is_written()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tf-grid-{Guid.NewGuid():N}.png");
        var e = Assert.Throws<ArgumentException>(() => ImageGrid.WritePng(path, new float[783], 1, 28, 28));
        Assert.Contains("783", e.Message);
        Assert.Contains("784", e.Message);
        Assert.False(File.Exists(path));
        Assert.Throws<ArgumentException>(() => ImageGrid.WritePng(path, new float[784], 1, 28, 28, new ImageGridOptions { Scale = 0 }));
        Assert.Throws<ArgumentException>(() => ImageGrid.WritePng(path, new float[784], 1, 28, 28, new ImageGridOptions { White = 0f }));
        Assert.ThrowsAny<ArgumentException>(() => ImageGrid.WritePng(path, new float[784], 0, 28, 28));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void WritePng_creates_the_folder_and_writes_a_decodable_file()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"tf-grid-{Guid.NewGuid():N}");
        string path = Path.Combine(folder, "sub", "grid.png");
        try
        {
            ImageGrid.WritePng(path, Pattern(3, 28, 28), 3, 28, 28);
            SKBitmap bitmap = Decode(File.ReadAllBytes(path));
            Assert.Equal((2 + 3 * 58, 2 + 58), (bitmap.Width, bitmap.Height));
            Assert.Equal((2 + 3 * 58, 2 + 58), ImageGrid.ReadPngSize(path));

            string broken = Path.Combine(folder, "broken.png");
            File.WriteAllBytes(broken, File.ReadAllBytes(path).AsSpan(0, 20).ToArray());
            Assert.Throws<InvalidDataException>(() => ImageGrid.ReadPngSize(broken));
            Assert.Throws<InvalidDataException>(() => ImageGrid.ReadPngSize(Path.Combine(folder, "missing.png")));
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_loss_plot_is_a_png_of_the_stated_size_with_the_curves_drawn()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tf-plot-{Guid.NewGuid():N}", "loss.png");
        try
        {
            float[] steps = [.. Enumerable.Range(0, 300).Select(i => 2f * MathF.Exp(-i / 60f) + 0.1f * MathF.Sin(i))];
            LossCurve epochs = new("epoch mean", [100, 200, 300], [1.0, 0.4, 0.2]);
            LossPlot.WritePng(path, "test: loss", "step", "loss", [LossCurve.FromSteps("per step", steps, faint: true), epochs], 640, 400);

            SKBitmap bitmap = Decode(File.ReadAllBytes(path));
            Assert.Equal((640, 400), (bitmap.Width, bitmap.Height));
            // The second curve is drawn in ScottPlot's second palette colour (orange, #FF7F0E); the background is white.
            int orange = 0, white = 0;
            for (int y = 0; y < bitmap.Height; y++)
            {
                for (int x = 0; x < bitmap.Width; x++)
                {
                    SKColor c = bitmap.GetPixel(x, y);
                    if (c.Red > 230 && c.Green is > 100 and < 150 && c.Blue < 40) orange++;
                    if (c.Red == 255 && c.Green == 255 && c.Blue == 255) white++;
                }
            }
            Assert.InRange(orange, 100, 20_000);
            Assert.InRange(white, bitmap.Width * bitmap.Height / 2, bitmap.Width * bitmap.Height);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void A_loss_plot_rejects_no_curves_and_curves_of_unequal_lengths()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tf-plot-{Guid.NewGuid():N}.png");
        Assert.Throws<ArgumentException>(() => LossPlot.WritePng(path, "t", "x", "y", []));
        var e = Assert.Throws<ArgumentException>(() => LossPlot.WritePng(path, "t", "x", "y", [new LossCurve("bad", [1, 2, 3], [1, 2])]));
        Assert.Contains("3 x values but 2 y values", e.Message);
        Assert.False(File.Exists(path));
    }

    /// <summary>Image i's pixel (y, x) is ((7i + 3y + x) mod 256) / 255, so every grey level is exact.</summary>
    private static float[] Pattern(int count, int height, int width)
    {
        var images = new float[count * height * width];
        for (int i = 0; i < count; i++)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    images[(i * height + y) * width + x] = (7 * i + 3 * y + x) % 256 / 255f;
        return images;
    }

    /// <summary>The plain reference: which cell (if any) the grid pixel (gx, gy) falls in, and that image pixel's grey.</summary>
    private static byte ExpectedGrey(float[] images, int count, int height, int width, ImageGridOptions o, int gx, int gy)
    {
        int cellWidth = width * o.Scale + o.Padding, cellHeight = height * o.Scale + o.Padding;
        int column = (gx - o.Padding) / cellWidth, row = (gy - o.Padding) / cellHeight;
        int x = gx - o.Padding - column * cellWidth, y = gy - o.Padding - row * cellHeight;
        int image = row * o.Columns + column;
        if (gx < o.Padding || gy < o.Padding || x >= width * o.Scale || y >= height * o.Scale || column >= o.Columns || image >= count)
            return o.Background;
        float value = images[(image * height + y / o.Scale) * width + x / o.Scale];
        return (byte)Math.Round(Math.Clamp((value - o.Black) / (o.White - o.Black), 0f, 1f) * 255f, MidpointRounding.ToEven);
    }

    private static SKBitmap Decode(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png.Take(4));
        SKBitmap? bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        return bitmap;
    }

    private static byte Grey(SKBitmap bitmap, int x, int y)
    {
        SKColor c = bitmap.GetPixel(x, y);
        Assert.True(c.Red == c.Green && c.Green == c.Blue, $"pixel ({x}, {y}) is {c}, not grey");
        return c.Red;
    }
}
