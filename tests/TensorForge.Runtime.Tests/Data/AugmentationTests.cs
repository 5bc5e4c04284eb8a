using TensorForge.Data;

namespace TensorForge.Runtime.Tests.Data;

public class AugmentationTests
{
    /// <summary>Each image equals its original moved by some (dy, dx) within the bound, zero-filled, all channels alike; and over
    /// many images every shift in the range occurs.</summary>
    [Fact]
    public void RandomShiftMovesEveryChannelByTheSameBoundedOffset()
    {
        const int count = 200, channels = 2, height = 5, width = 7, maxShift = 2;
        var original = new float[count * channels * height * width];
        for (int i = 0; i < original.Length; i++) original[i] = i + 1; // no zeros, so a shift is identifiable
        var images = (float[])original.Clone();
        var random = new SeededRandom(3);
        Augmentation.RandomShift(images, count, channels, height, width, maxShift, ref random);

        var seen = new HashSet<(int, int)>();
        for (int n = 0; n < count; n++)
        {
            (int, int)? match = null;
            for (int dy = -maxShift; dy <= maxShift && match is null; dy++)
                for (int dx = -maxShift; dx <= maxShift && match is null; dx++)
                    if (Matches(original, images, n, dy, dx)) match = (dy, dx);
            Assert.True(match.HasValue, $"image {n} is not a bounded shift of its original");
            seen.Add(match!.Value);
        }
        Assert.Equal(25, seen.Count);

        static bool Matches(float[] original, float[] shifted, int n, int dy, int dx)
        {
            for (int c = 0; c < channels; c++)
                for (int y = 0; y < height; y++)
                    for (int x = 0; x < width; x++)
                    {
                        int sy = y - dy, sx = x - dx;
                        float expected = sy < 0 || sy >= height || sx < 0 || sx >= width ? 0f
                            : original[((n * channels + c) * height + sy) * width + sx];
                        if (shifted[((n * channels + c) * height + y) * width + x] != expected) return false;
                    }
            return true;
        }
    }

    [Fact]
    public void RandomShiftIsSeededAndRejectsAWrongLength()
    {
        var a = Enumerable.Range(0, 3 * 16).Select(i => (float)i).ToArray();
        var b = (float[])a.Clone();
        var r1 = new SeededRandom(9);
        var r2 = new SeededRandom(9);
        Augmentation.RandomShift(a, 3, 1, 4, 4, 1, ref r1);
        Augmentation.RandomShift(b, 3, 1, 4, 4, 1, ref r2);
        Assert.Equal(a, b);
        var r3 = new SeededRandom(1);
        var e = Assert.Throws<ArgumentException>(() => Augmentation.RandomShift(new float[10], 3, 1, 4, 4, 1, ref r3));
        Assert.Contains("10 elements but 3 images of [1, 4, 4] need 48", e.Message);
    }
}
