using TensorForge.Samples;

namespace TensorForge.Samples.Tests;

public sealed class WordListTests
{
    [Fact]
    public void TheBundledListSplitsIntoTheCountsOfIssue8()
    {
        WordList words = TestWords.Bundled;
        Assert.Equal(63_612, words.All.Count);
        Assert.Equal(57_251, words.Train.Count);
        Assert.Equal(6_361, words.HeldOut.Count);
        Assert.Equal(529_739, words.TrainPredictions);
        Assert.Equal(58_775, words.HeldOutPredictions);
        Assert.Equal(15, words.All.Max(w => w.Length));
        for (int k = 0; k < words.HeldOut.Count; k++)
            Assert.Equal(words.All[10 * k + 9], words.HeldOut[k]);
        Assert.Equal(words.All.Where((_, i) => i % 10 != 9), words.Train);
    }

    [Fact]
    public void LineIIsHeldOutWhenIMod10Is9()
    {
        string[] lines = Enumerable.Range(0, 25).Select(i => new string((char)('a' + i), 2)).ToArray();
        WordList words = TestWords.Of(lines);
        Assert.Equal(["jj", "tt"], words.HeldOut);
        Assert.Equal(23, words.Train.Count);
        Assert.DoesNotContain("jj", words.Train);
        Assert.Equal(6, words.HeldOutPredictions);
        Assert.Equal(23 * 3, words.TrainPredictions);
        Assert.True(words.Contains("jj"));
        Assert.True(words.Contains("aa"));
        Assert.False(words.Contains("a"));
    }

    [Theory]
    [InlineData(new[] { "ab", "cd", "Ef" }, "line 3", "'E'")]
    [InlineData(new[] { "ab", "c-d" }, "line 2", "'-'")]
    [InlineData(new[] { "a b" }, "line 1", "U+0020")]
    [InlineData(new[] { "ab", "caf\u00e9" }, "line 2", "U+00E9")]
    [InlineData(new[] { "ab", "", "cd" }, "line 2", "empty")]
    [InlineData(new[] { "abcdefghijklmnop" }, "line 1", "16 letters")]
    public void ALineThatIsNotAWordOfLettersAToZIsRejectedWithItsNumber(string[] lines, string where, string what)
    {
        var e = Assert.Throws<InvalidDataException>(() => TestWords.Of(lines));
        Assert.Contains(where, e.Message);
        Assert.Contains(what, e.Message);
    }

    [Fact]
    public void AListWithoutAHeldOutWordIsRejected()
    {
        Assert.Contains("no words", Assert.Throws<InvalidDataException>(() => TestWords.Of()).Message);
        string[] nine = Enumerable.Repeat("ab", 9).ToArray();
        Assert.Contains("holds 9 words; it needs at least 10", Assert.Throws<InvalidDataException>(() => TestWords.Of(nine)).Message);
        Assert.Single(TestWords.Of([.. nine, "cd"]).HeldOut);
    }

    [Fact]
    public void LoadReadsCrLfLinesAsLfLinesAndNamesAMissingFile()
    {
        string folder = Path.Combine(Path.GetTempPath(), "tf-words-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => WordList.Load(folder));
            Assert.Contains("words.txt", e.Message);

            File.WriteAllText(Path.Combine(folder, "words.txt"), "ab\r\ncd\r\nef\r\ngh\r\nij\r\nkl\r\nmn\r\nop\r\nqr\r\nst\r\n");
            WordList words = WordList.Load(folder);
            Assert.Equal(["ab", "cd", "ef", "gh", "ij", "kl", "mn", "op", "qr", "st"], words.All);
            Assert.Equal(["st"], words.HeldOut);

            File.WriteAllText(Path.Combine(folder, "words.txt"), "ab\ncd\nXY\n");
            e = Assert.Throws<InvalidDataException>(() => WordList.Load(folder));
            Assert.Contains("words.txt, line 3", e.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
