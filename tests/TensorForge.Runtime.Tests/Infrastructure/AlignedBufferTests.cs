namespace TensorForge.Runtime.Tests.Infrastructure;

public class AlignedBufferTests
{
    [Fact]
    public unsafe void Every_length_starts_on_a_64_byte_boundary_and_is_zeroed()
    {
        var lengths = Enumerable.Range(1, 300).Concat([1000, 4095, 4096, 65_537, 1 << 20]);
        var buffers = new List<AlignedBuffer>(); // keep them alive so the allocator hands out varied addresses
        foreach (int length in lengths)
        {
            var buffer = new AlignedBuffer(length);
            buffers.Add(buffer);
            Assert.Equal(length, buffer.Length);
            Assert.Equal(length, buffer.Span.Length);
            fixed (float* first = buffer.Span)
                Assert.Equal(0u, (nuint)first % 64);
            Assert.True(buffer.Span.IndexOfAnyExcept(0f) < 0, $"length {length} is not zeroed");
        }
    }

    [Fact]
    public void Writes_persist_and_memory_views_the_same_elements()
    {
        var buffer = new AlignedBuffer(17);
        buffer.Span[16] = 3f;
        GC.Collect(); // pinned: must not move
        Assert.Equal(3f, buffer.Span[16]);
        Assert.Equal(3f, buffer.Memory.Span[16]);
    }

    [Fact]
    public void Length_zero_is_allowed_and_negative_is_rejected()
    {
        Assert.Equal(0, new AlignedBuffer(0).Span.Length);
        Assert.Equal(0, AlignedBuffer.Empty.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlignedBuffer(-1));
    }
}
