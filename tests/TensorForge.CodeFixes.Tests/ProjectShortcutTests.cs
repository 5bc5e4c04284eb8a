using Microsoft.CodeAnalysis.Testing;

namespace TensorForge.CodeFixes.Tests;

public class ProjectShortcutTests
{
    [Fact]
    public Task Projects_a_strided_shortcut_with_a_1x1_convolution() => CodeFixTest<ProjectShortcutCodeFixProvider>.VerifyFix(
        // docs/diagnostics.md's TF1007: c2 halves [16, 8, 8] to [32, 4, 4]; (8 − 1)/2 + 1 = 4, so the projection has stride 2.
        """
        using TensorForge;

        [Network]
        [Input(16, 8, 8)]
        [Conv2D(16, 3, Padding = 1, Name = "c1")]
        [Conv2D(32, 3, Stride = 2, Padding = 1, Name = "c2")]
        [{|TF1007:Add("c1")|}]
        public partial class Net;
        """,
        """
        using TensorForge;

        [Network]
        [Input(16, 8, 8)]
        [Conv2D(16, 3, Padding = 1, Name = "c1")]
        [Conv2D(32, 3, Stride = 2, Padding = 1, Name = "c2")]
        [Conv2D(32, 1, Stride = 2, From = "c1", Name = "proj")]
        [Add("c2")]
        public partial class Net;
        """);

    [Fact]
    public Task Names_an_unnamed_main_branch_by_its_default_name_and_keeps_the_layout() => CodeFixTest<ProjectShortcutCodeFixProvider>.VerifyFix(
        // Channels differ, sizes agree: stride 1 is left out. The main branch is the second Conv2D, "conv2d2" by default.
        """
        using TensorForge;

        [Network] [Input(3, 6, 6)] [Conv2D(4, 3, Padding = 1, Name = "stem")] [Conv2D(8, 3, Padding = 1)] [{|TF1007:Add("stem")|}, ReLU] public partial class Net;
        """,
        """
        using TensorForge;

        [Network] [Input(3, 6, 6)] [Conv2D(4, 3, Padding = 1, Name = "stem")] [Conv2D(8, 3, Padding = 1)] [Conv2D(8, 1, From = "stem", Name = "proj"), Add("conv2d2"), ReLU] public partial class Net;
        """);

    [Fact]
    public Task Projects_vectors_with_a_dense_layer_under_a_free_name() => CodeFixTest<ProjectShortcutCodeFixProvider>.VerifyFix(
        // "proj" is taken (by a constant), so the projection is "proj2".
        """
        using TensorForge;

        [Network]
        [Input(8)]
        [Dense(16, Name = Names.Projection)]
        [Dense(4, Name = "head")]
        [{|TF1007:TensorForge.AddAttribute("proj")|}]
        public partial class Net;

        static class Names { public const string Projection = "proj"; }
        """,
        """
        using TensorForge;

        [Network]
        [Input(8)]
        [Dense(16, Name = Names.Projection)]
        [Dense(4, Name = "head")]
        [TensorForge.DenseAttribute(4, From = "proj", Name = "proj2")]
        [TensorForge.AddAttribute("head")]
        public partial class Net;

        static class Names { public const string Projection = "proj"; }
        """);

    [Fact]
    public Task Projects_a_sequence_of_equal_length_per_time_step() => CodeFixTest<ProjectShortcutCodeFixProvider>.VerifyFix(
        """
        using TensorForge;

        [Network]
        [Input(5, 6)]
        [Lstm(8, Name = "lstm")]
        [{|TF1007:Add("input")|}]
        public partial class Net;
        """,
        """
        using TensorForge;

        [Network]
        [Input(5, 6)]
        [Lstm(8, Name = "lstm")]
        [Dense(8, From = "input", Name = "proj")]
        [Add("lstm")]
        public partial class Net;
        """);

    [Fact]
    public Task Fix_all_gives_every_projection_of_a_network_its_own_name() => CodeFixTest<ProjectShortcutCodeFixProvider>.VerifyFix(
        // Two independent mismatches in Net (both reported at once) and one in Net2, whose names are its own.
        """
        using TensorForge;

        [Network]
        [Input(2, 8, 8)]
        [Conv2D(4, 3, Stride = 2, Padding = 1, Name = "a")]
        [{|TF1007:Add("input")|}]
        [Conv2D(8, 3, Stride = 2, Padding = 1, From = "input", Name = "b")]
        [{|TF1007:Add("input")|}]
        public partial class Net;

        [Network]
        [Input(2, 8, 8)]
        [Conv2D(4, 3, Stride = 2, Padding = 1, Name = "a")]
        [{|TF1007:Add("input")|}]
        public partial class Net2;
        """,
        """
        using TensorForge;

        [Network]
        [Input(2, 8, 8)]
        [Conv2D(4, 3, Stride = 2, Padding = 1, Name = "a")]
        [Conv2D(4, 1, Stride = 2, From = "input", Name = "proj")]
        [Add("a")]
        [Conv2D(8, 3, Stride = 2, Padding = 1, From = "input", Name = "b")]
        [Conv2D(8, 1, Stride = 2, From = "input", Name = "proj2")]
        [Add("b")]
        public partial class Net;

        [Network]
        [Input(2, 8, 8)]
        [Conv2D(4, 3, Stride = 2, Padding = 1, Name = "a")]
        [Conv2D(4, 1, Stride = 2, From = "input", Name = "proj")]
        [Add("a")]
        public partial class Net2;
        """);

    [Fact]
    public Task Offers_nothing_when_no_stride_maps_the_shortcut() => CodeFixTest<ProjectShortcutCodeFixProvider>.VerifyNoFix(
        // The main branch is larger than the shortcut ([4, 6, 6] against [4, 4, 4]): a strided 1×1 convolution only shrinks.
        """
        using TensorForge;

        [Network]
        [Input(4, 4, 4)]
        [Conv2D(4, 3, Padding = 2)]
        [{|TF1007:Add("input")|}]
        public partial class Net;
        """);

    [Fact]
    public Task Offers_nothing_for_shapes_of_different_rank() => CodeFixTest<ProjectShortcutCodeFixProvider>.VerifyNoFix(
        """
        using TensorForge;

        [Network]
        [Input(2, 4, 4)]
        [Flatten]
        [Dense(32, Name = "fc")]
        [{|TF1007:Add("input")|}]
        public partial class Net;
        """);

    [Fact]
    public Task Offers_nothing_for_an_Add_that_reads_another_layer_with_From() => CodeFixTest<ProjectShortcutCodeFixProvider>.VerifyNoFix(
        // The Add's first input is "a", not the layer before it, so inserting a layer before the Add would change nothing.
        """
        using TensorForge;

        [Network]
        [Input(8)]
        [Dense(4, Name = "a")]
        [Dense(6, Name = "b")]
        [{|TF1007:Add("b", From = "a")|}]
        public partial class Net;
        """);
}
