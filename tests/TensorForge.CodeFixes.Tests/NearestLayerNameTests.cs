namespace TensorForge.CodeFixes.Tests;

public class NearestLayerNameTests
{
    [Fact]
    public Task Fixes_a_misspelt_From_to_the_nearest_earlier_layer() => CodeFixTest<NearestLayerNameCodeFixProvider>.VerifyFix(
        """
        using TensorForge;

        [Network]
        [Input(8)]
        [Dense(8, Name = "encoder")]
        [Dense(8, Name = "hidden")]
        [Dense(4, {|TF1009:From = "encodr"|})]
        public partial class Net;
        """,
        """
        using TensorForge;

        [Network]
        [Input(8)]
        [Dense(8, Name = "encoder")]
        [Dense(8, Name = "hidden")]
        [Dense(4, From = "encoder")]
        public partial class Net;
        """);

    [Fact]
    public Task Fixes_the_name_of_an_Add() => CodeFixTest<NearestLayerNameCodeFixProvider>.VerifyFix(
        """
        using TensorForge;

        [Network]
        [Input(16, 8, 8)]
        [Conv2D(16, 3, Padding = 1, Name = "conv1")]
        [Conv2D(16, 3, Padding = 1, Name = "conv2")]
        [Add({|TF1009:"Conv1"|})]
        public partial class Net;
        """,
        """
        using TensorForge;

        [Network]
        [Input(16, 8, 8)]
        [Conv2D(16, 3, Padding = 1, Name = "conv1")]
        [Conv2D(16, 3, Padding = 1, Name = "conv2")]
        [Add("conv1")]
        public partial class Net;
        """);

    [Fact]
    public Task Fixes_the_name_of_a_Concat_to_input() => CodeFixTest<NearestLayerNameCodeFixProvider>.VerifyFix(
        """
        using TensorForge;

        [Network]
        [Input(4, 8, 8)]
        [Conv2D(4, 3, Padding = 1, Name = "c1")]
        [Concat({|TF1009:"inptu"|})]
        public partial class Net;
        """,
        """
        using TensorForge;

        [Network]
        [Input(4, 8, 8)]
        [Conv2D(4, 3, Padding = 1, Name = "c1")]
        [Concat("input")]
        public partial class Net;
        """);

    [Fact]
    public Task Offers_only_earlier_layers_for_a_layer_that_comes_later() => CodeFixTest<NearestLayerNameCodeFixProvider>.VerifyFix(
        // "fc2" exists but comes later: the nearest name the layer may read is "fc1".
        """
        using TensorForge;

        [Network]
        [Input(8)]
        [Dense(8, Name = "fc1")]
        [Dense(8, {|TF1009:From = "fc2"|})]
        [Dense(8, Name = "fc2")]
        public partial class Net;
        """,
        """
        using TensorForge;

        [Network]
        [Input(8)]
        [Dense(8, Name = "fc1")]
        [Dense(8, From = "fc1")]
        [Dense(8, Name = "fc2")]
        public partial class Net;
        """);

    [Fact]
    public Task Offers_no_fix_when_no_name_is_near() => CodeFixTest<NearestLayerNameCodeFixProvider>.VerifyNoFix(
        """
        using TensorForge;

        [Network]
        [Input(8)]
        [Dense(8, Name = "fc1")]
        [Dense(8, {|TF1009:From = "attention_output"|})]
        public partial class Net;
        """);

    [Fact]
    public Task Fix_all_fixes_every_reference_of_the_document() => CodeFixTest<NearestLayerNameCodeFixProvider>.VerifyFix(
        """
        using TensorForge;

        [Network] [Input(8)] [Dense(8, Name = "stem")] [Dense(8, {|TF1009:From = "sterm"|})] public partial class First;

        [Network] [Input(8)] [Dense(8, Name = "base")] [Dense(8, Name = "top")] [Add({|TF1009:"bse"|})] public partial class Second;
        """,
        """
        using TensorForge;

        [Network] [Input(8)] [Dense(8, Name = "stem")] [Dense(8, From = "stem")] public partial class First;

        [Network] [Input(8)] [Dense(8, Name = "base")] [Dense(8, Name = "top")] [Add("base")] public partial class Second;
        """);

    [Theory]
    [InlineData("fc0", new[] { "input", "fc1", "fc2" }, "fc1")]
    [InlineData("Conv1", new[] { "input", "conv1" }, "conv1")]
    [InlineData("x", new[] { "input", "fc1" }, null)]
    [InlineData("decoder", new[] { "input", "encoder" }, "encoder")]
    public void Nearest_picks_the_closest_name_within_half_the_length(string written, string[] candidates, string? expected)
        => Assert.Equal(expected, NearestLayerNameCodeFixProvider.Nearest(written, candidates));

    [Theory]
    [InlineData("", "abc", 3)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("fc0", "fc1", 1)]
    [InlineData("same", "same", 0)]
    public void Distance_is_the_Levenshtein_distance(string a, string b, int expected)
    {
        Assert.Equal(expected, NearestLayerNameCodeFixProvider.Distance(a, b));
        Assert.Equal(expected, NearestLayerNameCodeFixProvider.Distance(b, a));
    }
}
