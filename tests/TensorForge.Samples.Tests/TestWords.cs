using TensorForge.Samples;

namespace TensorForge.Samples.Tests;

/// <summary>The bundled word list (copied beside the test assembly), loaded once.</summary>
internal static class TestWords
{
    private static readonly Lazy<WordList> s_bundled =
        new(() => WordList.Load(Path.Combine(AppContext.BaseDirectory, "data", "english-words")));

    public static WordList Bundled => s_bundled.Value;

    /// <summary>A list whose lines are <paramref name="lines"/>, split as the sample splits files.</summary>
    public static WordList Of(params string[] lines) => WordList.Parse(lines, "test list");

    /// <summary>The word of one row of inputs <c>[0, letters…, 0…]</c>.</summary>
    public static string Decode(ReadOnlySpan<int> inputs)
    {
        Assert.Equal(WordTokens.Boundary, inputs[0]);
        var word = new System.Text.StringBuilder();
        for (int t = 1; t < inputs.Length && inputs[t] != WordTokens.Boundary; t++)
            word.Append(WordTokens.Letter(inputs[t]));
        return word.ToString();
    }
}
