using TensorForge.Samples;

namespace TensorForge.Samples.Tests;

public sealed class CountModelTests
{
    // Training "ab" and "a", i.e. [0 a b 0] and [0 a 0]; held out "ba", i.e. [0 b a 0]: three predictions.
    private static readonly string[] s_train = ["ab", "a"];
    private static readonly string[] s_heldOut = ["ba"];

    [Fact]
    public void BigramByHand()
    {
        var counts = new NGramCounts(2, s_train);
        // After 0: a twice (2 in all). After a: b once, 0 once (2). After b: 0 once (1).
        // Held out: P(b | 0) = (0+k)/(2+27k), P(a | b) = (0+k)/(1+27k), P(0 | a) = (1+k)/(2+27k).
        Assert.Equal((Math.Log(29) + Math.Log(28) + Math.Log(29.0 / 2)) / 3, counts.NatsPerToken(s_heldOut, 1), 12);
        Assert.Equal(-(Math.Log(0.5 / 15.5) + Math.Log(0.5 / 14.5) + Math.Log(1.5 / 15.5)) / 3, counts.NatsPerToken(s_heldOut, 0.5), 12);
        Assert.Equal(2.01 / 2.27, counts.Probability([0], 1, 0.01), 12);
        Assert.Equal(1.01 / 2.27, counts.Probability([0, 1], 2, 0.01), 12);
    }

    [Fact]
    public void TrigramByHandWithTwoBoundariesBeforeTheFirstLetter()
    {
        var counts = new NGramCounts(3, s_train);
        // (0,0): a twice (2). (0,a): b once, 0 once (2). (a,b): 0 once (1).
        // Held out: P(b | 0,0) = k/(2+27k), P(a | 0,b) = k/(0+27k) = 1/27, P(0 | b,a) = 1/27.
        Assert.Equal((Math.Log(29) + 2 * Math.Log(27)) / 3, counts.NatsPerToken(s_heldOut, 1), 12);
        Assert.Equal((Math.Log(2.27 / 0.01) + 2 * Math.Log(27)) / 3, counts.NatsPerToken(s_heldOut, 0.01), 12);
        // The context of the first letter is two boundaries whether or not the prefix spells out the leading one.
        Assert.Equal(2.01 / 2.27, counts.Probability([0], 1, 0.01), 12);
        Assert.Equal(2.01 / 2.27, counts.Probability([], 1, 0.01), 12);
        Assert.Equal(1.01 / 2.27, counts.Probability([0, 1], 2, 0.01), 12);
        Assert.Equal(1.01 / 1.27, counts.Probability([0, 1, 2], 0, 0.01), 12);
    }

    [Fact]
    public void UniformIsLn27()
    {
        Assert.Equal(Math.Log(27), Baselines.Uniform, 15);
        Assert.Equal("3.296", Baselines.Uniform.ToString("F3", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void TheDistributionIsTheModelsProbabilitiesAndSumsToOne()
    {
        var counts = new NGramCounts(3, TestWords.Bundled.Train);
        NextTokenDistribution distribution = counts.Distribution(0.1);
        var probabilities = new float[27];
        int[] prefix = [0, WordTokens.Token('t'), WordTokens.Token('h')];
        distribution(prefix, probabilities);
        for (int t = 0; t < 27; t++)
            Assert.Equal((float)counts.Probability(prefix, t, 0.1), probabilities[t]);
        Assert.Equal(1.0, probabilities.Sum(p => (double)p), 6);
    }

    [Fact]
    public void KMustBePositive()
    {
        var counts = new NGramCounts(2, s_train);
        Assert.Throws<ArgumentOutOfRangeException>(() => counts.NatsPerToken(s_heldOut, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => counts.Distribution(double.NaN));
    }

    /// <summary>Issue 8's check of the split and the metric: the best add-k bigram and trigram on the bundled data.</summary>
    [Fact]
    public void TheBundledBaselinesAreIssue8sFigures()
    {
        WordList words = TestWords.Bundled;
        CountBaseline bigram = Baselines.Best("bigram", 2, words);
        CountBaseline trigram = Baselines.Best("trigram", 3, words);
        Assert.Equal(2.4722, Math.Round(bigram.NatsPerToken, 4));
        Assert.Equal(2.1499, Math.Round(trigram.NatsPerToken, 4));
        Assert.Equal(0.1, bigram.K);
        Assert.Equal(0.1, trigram.K);
        Assert.Equal([0.01, 0.1, 0.5, 1], bigram.Candidates.Select(c => c.K));
        Assert.Equal(bigram.NatsPerToken, bigram.Candidates.Min(c => c.NatsPerToken));
        Assert.Equal(trigram.NatsPerToken, trigram.Candidates.Min(c => c.NatsPerToken));
    }
}
