using TensorForge.Samples;

namespace TensorForge.Samples.Tests;

public sealed class WordTokensTests
{
    private const int I = WordTokens.IgnoredLabel;

    [Fact]
    public void AWordIsBoundaryLettersBoundaryWithEveryNextTokenPredicted()
    {
        var inputs = new int[16];
        var labels = new int[16];
        Assert.Equal(4, WordTokens.Encode("cab", inputs, labels));
        Assert.Equal([0, 3, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], inputs);
        Assert.Equal([3, 1, 2, 0, I, I, I, I, I, I, I, I, I, I, I, I], labels);
    }

    [Fact]
    public void AFifteenLetterWordFillsTheSixteenSteps()
    {
        var inputs = new int[16];
        var labels = new int[16];
        Assert.Equal(16, WordTokens.Encode("abcdefghijklmnz", inputs, labels));
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 26], inputs);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 26, 0], labels);
    }

    [Fact]
    public void EncodingOverwritesWhatARowHeldBefore()
    {
        var inputs = new int[16];
        var labels = new int[16];
        WordTokens.Encode("abcdefghijklmno", inputs, labels);
        WordTokens.Encode("z", inputs, labels);
        Assert.Equal([0, 26, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], inputs);
        Assert.Equal([26, 0, I, I, I, I, I, I, I, I, I, I, I, I, I, I], labels);
    }

    [Theory]
    [InlineData("Ab", "'A'")]
    [InlineData("", "has 0")]
    [InlineData("abcdefghijklmnop", "has 16")]
    public void BadWordsThrowBeforeWriting(string word, string message)
    {
        var inputs = Enumerable.Repeat(7, 16).ToArray();
        var labels = Enumerable.Repeat(7, 16).ToArray();
        var e = Assert.Throws<ArgumentException>(() => WordTokens.Encode(word, inputs, labels));
        Assert.Contains(message, e.Message);
        Assert.All(inputs, v => Assert.Equal(7, v));
        Assert.All(labels, v => Assert.Equal(7, v));
    }

    [Fact]
    public void RowsOfTheWrongLengthThrowNamingTheSizes()
    {
        var e = Assert.Throws<ArgumentException>(() => WordTokens.Encode("ab", new int[15], new int[16]));
        Assert.Contains("16", e.Message);
        Assert.Contains("15", e.Message);
    }

    [Fact]
    public void LettersAndTokensRoundTrip()
    {
        for (char c = 'a'; c <= 'z'; c++)
            Assert.Equal(c, WordTokens.Letter(WordTokens.Token(c)));
        Assert.Equal(1, WordTokens.Token('a'));
        Assert.Equal(26, WordTokens.Token('z'));
    }
}
