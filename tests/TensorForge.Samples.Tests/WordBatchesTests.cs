using TensorForge.Samples;

namespace TensorForge.Samples.Tests;

public sealed class WordBatchesTests
{
    private const int I = WordTokens.IgnoredLabel;

    [Fact]
    public void BatchesAreRowsOfSixteenTokensAndTheLastMayBeSmaller()
    {
        var batches = new WordBatches(["ab", "c", "de"], batchSize: 2);
        Assert.Equal(2, batches.Count);

        WordBatch first = batches.Get(0);
        Assert.Equal(2, first.Words);
        Assert.Equal(5, first.Predictions);
        Assert.Equal(32, first.Inputs.Length);
        Assert.Equal([0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], first.Inputs.ToArray());
        Assert.Equal([1, 2, 0, I, I, I, I, I, I, I, I, I, I, I, I, I, 3, 0, I, I, I, I, I, I, I, I, I, I, I, I, I, I], first.Labels.ToArray());

        WordBatch last = batches.Get(1);
        Assert.Equal(1, last.Words);
        Assert.Equal(3, last.Predictions);
        Assert.Equal([0, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], last.Inputs.ToArray());
        Assert.Equal([4, 5, 0, I, I, I, I, I, I, I, I, I, I, I, I, I], last.Labels.ToArray());

        Assert.Throws<ArgumentOutOfRangeException>(() => batches.Get(2));
    }

    [Fact]
    public void ABatchSizeAboveTheWordCountIsOneBatch()
    {
        var batches = new WordBatches(["ab", "c"], batchSize: 64);
        Assert.Equal(2, batches.BatchSize);
        Assert.Equal(1, batches.Count);
        Assert.Equal(5, batches.Get(0).Predictions);
    }

    [Fact]
    public void AShuffledEpochHoldsEveryWordOnceInAnOrderSetByTheSeed()
    {
        IReadOnlyList<string> words = TestWords.Bundled.Train.Take(1000).ToList();
        var batches = new WordBatches(words, batchSize: 64);

        batches.Shuffle(43);
        List<string> first = Epoch(batches, out long predictions);
        batches.Shuffle(43);
        List<string> again = Epoch(batches, out _);
        batches.Shuffle(44);
        List<string> other = Epoch(batches, out _);
        batches.InFileOrder();
        List<string> fileOrder = Epoch(batches, out _);

        Assert.Equal(words.Order(StringComparer.Ordinal), first.Order(StringComparer.Ordinal));
        Assert.Equal(WordList.Predictions(words), predictions);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(words.Order(StringComparer.Ordinal), other.Order(StringComparer.Ordinal));
        Assert.NotEqual(words, first);
        Assert.Equal(words, fileOrder);
    }

    [Fact]
    public void AnEmptyListOrABadBatchSizeThrows()
    {
        Assert.Throws<ArgumentException>(() => new WordBatches([], 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WordBatches(["ab"], 0));
    }

    private static List<string> Epoch(WordBatches batches, out long predictions)
    {
        var words = new List<string>();
        predictions = 0;
        for (int b = 0; b < batches.Count; b++)
        {
            WordBatch batch = batches.Get(b);
            predictions += batch.Predictions;
            for (int i = 0; i < batch.Words; i++)
                words.Add(TestWords.Decode(batch.Inputs.Slice(i * WordTokens.Length, WordTokens.Length)));
        }
        return words;
    }
}
