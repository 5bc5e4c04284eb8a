using TensorForge.Samples;

namespace TensorForge.Samples.Tests;

public sealed class WordSamplerTests
{
    [Fact]
    public void SamplingStopsAtTheBoundary()
    {
        // 'a' for the first three letters, then certainly the boundary.
        NextTokenDistribution distribution = (prefix, probabilities) =>
        {
            probabilities.Clear();
            probabilities[prefix.Length <= 3 ? WordTokens.Token('a') : WordTokens.Boundary] = 1f;
        };
        var random = new SeededRandom(1);
        Assert.Equal("aaa", WordSampler.Sample(distribution, ref random));
    }

    [Fact]
    public void SamplingStopsAtFifteenLettersAndSeesThePrefixSoFar()
    {
        var seen = new List<int[]>();
        NextTokenDistribution distribution = (prefix, probabilities) =>
        {
            seen.Add(prefix.ToArray());
            probabilities.Clear();
            probabilities[prefix.Length] = 1f; // a after [0], b after [0 a], … never the boundary
        };
        var random = new SeededRandom(1);
        Assert.Equal("abcdefghijklmno", WordSampler.Sample(distribution, ref random));
        Assert.Equal(15, seen.Count);
        Assert.Equal([0], seen[0]);
        Assert.Equal([0, 1, 2, 3], seen[3]);
        Assert.Equal(Enumerable.Range(0, 15), seen[14]);
    }

    [Fact]
    public void TheSameSeedGivesTheSameWords()
    {
        var counts = new NGramCounts(3, TestWords.Bundled.Train);
        IReadOnlyList<string> first = WordSampler.Sample(counts.Distribution(0.1), 20, seed: 42);
        IReadOnlyList<string> again = WordSampler.Sample(counts.Distribution(0.1), 20, seed: 42);
        IReadOnlyList<string> other = WordSampler.Sample(counts.Distribution(0.1), 20, seed: 43);
        Assert.Equal(20, first.Count);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.All(first, w => Assert.True(w.Length <= 15 && w.All(WordTokens.IsLetter)));
    }

    [Fact]
    public void TokensAreDrawnWithTheirProbabilities()
    {
        // First token: boundary 0.2, 'a' 0.3, 'b' 0.5; then the boundary.
        NextTokenDistribution distribution = (prefix, probabilities) =>
        {
            probabilities.Clear();
            if (prefix.Length == 1)
            {
                probabilities[0] = 0.2f;
                probabilities[1] = 0.3f;
                probabilities[2] = 0.5f;
            }
            else
            {
                probabilities[0] = 1f;
            }
        };
        const int n = 20_000;
        IReadOnlyList<string> words = WordSampler.Sample(distribution, n, seed: 7);
        // Standard deviations of the shares are at most 0.0036; 0.015 is four of them.
        Assert.Equal(0.2, words.Count(w => w == "") / (double)n, 0.015);
        Assert.Equal(0.3, words.Count(w => w == "a") / (double)n, 0.015);
        Assert.Equal(0.5, words.Count(w => w == "b") / (double)n, 0.015);
    }

    [Theory]
    [InlineData(new float[] { 0.5f, 0f, 0.5f }, 0.49f, 0)]
    [InlineData(new float[] { 0.5f, 0f, 0.5f }, 0.5f, 2)]
    [InlineData(new float[] { 0.5f, 0f, 0.5f }, 0.9999999f, 2)]
    [InlineData(new float[] { 1f, 3f }, 0.2f, 0)]
    [InlineData(new float[] { 1f, 3f }, 0.3f, 1)]
    [InlineData(new float[] { 0f, 0f, 1f, 0f }, 0f, 2)]
    [InlineData(new float[] { 0f, 0f, 1f, 0f }, 0.9999999f, 2)]
    public void DrawPicksTheTokenWhoseCumulativeProbabilityFirstPassesTheUniform(float[] probabilities, float uniform, int expected) =>
        Assert.Equal(expected, WordSampler.Draw(probabilities, uniform, [0]));

    [Theory]
    [InlineData(new float[] { 0.5f, -0.1f, 0.6f })]
    [InlineData(new float[] { 0.5f, float.NaN })]
    [InlineData(new float[] { 0.5f, float.PositiveInfinity })]
    [InlineData(new float[] { 0f, 0f })]
    public void ABrokenDistributionThrowsNamingThePrefix(float[] probabilities)
    {
        var e = Assert.Throws<InvalidOperationException>(() => WordSampler.Draw(probabilities, 0.5f, [0, 3]));
        Assert.Contains("[0, 3]", e.Message);
    }

    [Fact]
    public void CountNewCountsWordsOutsideTheList()
    {
        WordList list = TestWords.Of("ab", "cat", "dog", "ef", "gh", "ij", "kl", "mn", "op", "qr");
        Assert.Equal(2, WordSampler.CountNew(["cat", "ca", "", "dog"], list));
    }
}
