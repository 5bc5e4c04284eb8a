using TensorForge.Kernels;
using static TensorForge.Runtime.Tests.Kernels.KernelTestSupport;

namespace TensorForge.Runtime.Tests.Kernels.Graph;

public class ResidualTests
{
    /// <summary>Every length 0–256 and large ones, ragged, past the length from which the sum is split over threads.</summary>
    private static IEnumerable<int> Lengths() => Enumerable.Range(0, 257).Concat([4099, 40_003, 131_075]);

    [Theory]
    [MemberData(nameof(Widths))]
    public void Add_matches_the_reference_for_every_length_and_in_place(int width)
    {
        using var scope = LimitWidth(width);
        foreach (int n in Lengths())
        {
            float[] x = Random(n, n), y = Random(n, n + 1);
            var sum = new float[n];
            Residual.Add(x, y, sum);
            for (int i = 0; i < n; i++)
                Assert.True(sum[i] == x[i] + y[i], $"n={n}: element {i} is {sum[i]:R} but {x[i] + y[i]:R}");

            // Into either operand: the fan-out gradient sum in generated code adds into its destination.
            float[] intoX = (float[])x.Clone(), intoY = (float[])y.Clone();
            Residual.Add(intoX, y, intoX);
            Residual.Add(x, intoY, intoY);
            Assert.Equal(sum, intoX);
            Assert.Equal(sum, intoY);
        }
    }

    public static TheoryData<int> Widths() => WidthData();

    [Fact]
    public void Mismatched_lengths_throw_and_name_them()
    {
        var e = Assert.Throws<ArgumentException>(() => Residual.Add(new float[5], new float[4], new float[5]));
        Assert.Contains("4", e.Message);
        Assert.Contains("5", e.Message);
        Assert.Throws<ArgumentException>(() => Residual.Add(new float[5], new float[5], new float[6]));
    }
}
