using System.IO.Compression;
using TensorForge.Data;
using TensorForge.Runtime.Tests.Infrastructure;

namespace TensorForge.Runtime.Tests.Data;

public class IdxTests
{
    // Three 2×3 images; pixel k of the file is 15·k, with a 255 at the end.
    private static readonly byte[] Pixels = [.. Enumerable.Range(0, 17).Select(k => (byte)(15 * k)), 255];

    private static readonly byte[] ImagesFile =
        [0x00, 0x00, 0x08, 0x03, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 3, .. Pixels];

    private static readonly byte[] LabelsFile = [0x00, 0x00, 0x08, 0x01, 0, 0, 0, 3, 7, 0, 9];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_images_scaled_to_the_unit_interval(bool gzipped)
    {
        using var folder = new TemporaryFolder();
        string path = Write(folder, "images-idx3-ubyte", ImagesFile, gzipped);

        var (images, count, rows, columns) = Idx.ReadImages(path);

        Assert.Equal((3, 2, 3), (count, rows, columns));
        Assert.Equal(Pixels.Select(p => p / 255f), images);
        Assert.Equal(1f, images[^1]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_labels(bool gzipped)
    {
        using var folder = new TemporaryFolder();
        Assert.Equal([7, 0, 9], Idx.ReadLabels(Write(folder, "labels-idx1-ubyte", LabelsFile, gzipped)));
    }

    [Fact]
    public void Loads_a_dataset_of_flattened_images()
    {
        using var folder = new TemporaryFolder();
        Dataset data = Idx.LoadDataset(Write(folder, "i", ImagesFile, true), Write(folder, "l", LabelsFile, false));
        Assert.Equal(3, data.Count);
        Assert.Equal(6, data.SampleSize);
        Assert.Equal(Pixels[6..12].Select(p => p / 255f), data.Sample(1).ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Wrong_magic_names_both_numbers(bool gzipped)
    {
        using var folder = new TemporaryFolder();
        string labels = Write(folder, "labels", LabelsFile, gzipped);
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(labels));
        Assert.Contains("0x00000801", e.Message);
        Assert.Contains("should be 0x00000803", e.Message);
        Assert.Contains(labels, e.Message);

        string images = Write(folder, "images", ImagesFile, gzipped);
        e = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(images));
        Assert.Contains("should be 0x00000801", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_or_overlong_files_are_rejected(bool gzipped)
    {
        using var folder = new TemporaryFolder();
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(Write(folder, "short", ImagesFile[..^1], gzipped)));
        Assert.Contains("truncated", e.Message);
        Assert.Contains("3 images of 2×3 pixels (18 bytes) but only 17 follow", e.Message);

        e = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(Write(folder, "long", [.. LabelsFile, 1], gzipped)));
        Assert.Contains("bytes after the 3 labels", e.Message);

        e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(Write(folder, "header", ImagesFile[..10], gzipped)));
        Assert.Contains("the header needs 16 bytes but the file has 10", e.Message);
    }

    [Fact]
    public void A_cut_gzip_stream_is_rejected()
    {
        using var folder = new TemporaryFolder();
        byte[] compressed = Gzip([.. ImagesFile, .. new byte[10_000]]);
        string path = folder.File("cut.gz");
        File.WriteAllBytes(path, compressed[..(compressed.Length / 2)]);
        Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
    }

    [Fact]
    public void Image_and_label_counts_must_agree()
    {
        using var folder = new TemporaryFolder();
        string labels = Write(folder, "l", [0x00, 0x00, 0x08, 0x01, 0, 0, 0, 2, 7, 0], false);
        var e = Assert.Throws<InvalidDataException>(() => Idx.LoadDataset(Write(folder, "i", ImagesFile, false), labels));
        Assert.Contains("has 3 images", e.Message);
        Assert.Contains("has 2 labels", e.Message);
    }

    [Fact]
    public void The_checked_in_mnist_sample_loads()
    {
        Dataset data = Idx.LoadDataset(TestFiles.Mnist("images-idx3-ubyte.gz"), TestFiles.Mnist("labels-idx1-ubyte.gz"));

        Assert.Equal(10_000, data.Count);
        Assert.Equal(28 * 28, data.SampleSize);
        Assert.Equal([9, 7, 8, 7, 3], data.Labels[..5]);
        Assert.All(Enumerable.Range(0, 10), digit => Assert.InRange(data.Labels.Count(l => l == digit), 800, 1200));
        Assert.Equal(0f, data.Inputs.Min());
        Assert.Equal(1f, data.Inputs.Max());
        Assert.Equal(22_348 / 255.0, data.Sample(0).ToArray().Sum(p => (double)p), 3);
    }

    private static string Write(TemporaryFolder folder, string name, byte[] contents, bool gzipped)
    {
        string path = folder.File(gzipped ? name + ".gz" : name);
        File.WriteAllBytes(path, gzipped ? Gzip(contents) : contents);
        return path;
    }

    private static byte[] Gzip(byte[] contents)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
            gzip.Write(contents);
        return output.ToArray();
    }
}
