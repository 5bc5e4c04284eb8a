namespace TensorForge.CodeFixes.Tests;

public class SetPaddingTests
{
    [Fact]
    public Task Gives_a_stride_1_convolution_same_padding() => CodeFixTest<SetPaddingCodeFixProvider>.VerifyFix(
        // (4 + 2·0 − 5)/1 + 1 = 0 rows; "same" for a 5×5 kernel is 2, and the output keeps [4, 28].
        """
        using TensorForge;

        [Network]
        [Input(1, 4, 28)]
        [{|TF1005:Conv2D(6, 5)|}]
        public partial class Net;
        """,
        """
        using TensorForge;

        [Network]
        [Input(1, 4, 28)]
        [Conv2D(6, 5, Padding = 2)]
        public partial class Net;
        """);

    [Fact]
    public Task Same_padding_of_a_dilated_convolution_covers_its_dilated_window() => CodeFixTest<SetPaddingCodeFixProvider>.VerifyFix(
        // A 5×5 kernel dilated by 2 spans 9 pixels: same padding is 2·(5 − 1)/2 = 4.
        """
        using TensorForge;

        [Network]
        [Input(1, 12, 12)]
        [Conv2D(6, 5)]
        [MaxPool2D(2)]
        [{|TF1005:Conv2D(16, 5, Dilation = 2, Name = "c2")|}]
        public partial class Net;
        """,
        """
        using TensorForge;

        [Network]
        [Input(1, 12, 12)]
        [Conv2D(6, 5)]
        [MaxPool2D(2)]
        [Conv2D(16, 5, Dilation = 2, Name = "c2", Padding = 4)]
        public partial class Net;
        """);

    [Fact]
    public Task Replaces_the_padding_of_a_strided_convolution_by_the_smallest_that_fits() => CodeFixTest<SetPaddingCodeFixProvider>.VerifyFix(
        // Stride 2 has no "same": (3 + 2·1 − 6)/2 + 1 = 0, while Padding = 2 gives (3 + 4 − 6)/2 + 1 = 1.
        """
        using TensorForge;

        [Network]
        [Input(1, 3, 3)]
        [{|TF1005:Conv2D(4, 6, Stride = 2, Padding = 1)|}]
        public partial class Net;
        """,
        """
        using TensorForge;

        [Network]
        [Input(1, 3, 3)]
        [Conv2D(4, 6, Stride = 2, Padding = 2)]
        public partial class Net;
        """);

    [Fact]
    public Task Pads_a_pooling_window_within_half_its_kernel() => CodeFixTest<SetPaddingCodeFixProvider>.VerifyFix(
        // (2 + 2·0 − 3)/3 + 1 = 0; Padding = 1 (at most 3/2, as PyTorch allows) gives (2 + 2 − 3)/3 + 1 = 1.
        """
        using TensorForge;

        [Network] [Input(3, 2, 2)] [{|TF1005:AvgPool2D(3)|}] public partial class Net;
        """,
        """
        using TensorForge;

        [Network] [Input(3, 2, 2)] [AvgPool2D(3, Padding = 1)] public partial class Net;
        """);

    [Fact]
    public Task Offers_no_padding_to_a_convolution_with_a_padding_mode() => CodeFixTest<SetPaddingCodeFixProvider>.VerifyNoFix(
        // PaddingMode.Valid asks for no padding; an explicit Padding beside it would be TF0006.
        """
        using TensorForge;

        [Network] [Input(1, 4, 4)] [{|TF1005:Conv2D(1, 5, PaddingMode = PaddingMode.Valid)|}] public partial class Net;
        """);
}
