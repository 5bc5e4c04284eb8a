namespace TensorForge.CodeFixes.Tests;

public class RemoveSoftmaxTests
{
    [Fact]
    public Task Removes_the_Softmax_line() => CodeFixTest<RemoveSoftmaxCodeFixProvider>.VerifyFix(
        """
        using TensorForge;

        namespace Models
        {
            [Network(Loss = Loss.SoftmaxCrossEntropy)]
            [Input(784)]
            [Dense(10)]
            [{|TF1003:Softmax|}]
            [Adam]
            public partial class Net;
        }
        """,
        """
        using TensorForge;

        namespace Models
        {
            [Network(Loss = Loss.SoftmaxCrossEntropy)]
            [Input(784)]
            [Dense(10)]
            [Adam]
            public partial class Net;
        }
        """);

    [Fact]
    public Task Removes_an_inline_Softmax() => CodeFixTest<RemoveSoftmaxCodeFixProvider>.VerifyFix(
        """
        using TensorForge;

        [Network(Loss = Loss.SoftmaxCrossEntropy)] [Input(784)] [Dense(10)] [{|TF1003:Softmax(Name = "probabilities")|}] public partial class Net;
        """,
        """
        using TensorForge;

        [Network(Loss = Loss.SoftmaxCrossEntropy)] [Input(784)] [Dense(10)] public partial class Net;
        """);

    [Fact]
    public Task Removes_the_Softmax_from_a_shared_attribute_list() => CodeFixTest<RemoveSoftmaxCodeFixProvider>.VerifyFix(
        """
        using TensorForge;

        [Network(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(784), Dense(10), {|TF1003:Softmax|}]
        public partial class Net;
        """,
        """
        using TensorForge;

        [Network(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(784), Dense(10)]
        public partial class Net;
        """);

    [Fact]
    public Task Removes_only_the_last_Softmax() => CodeFixTest<RemoveSoftmaxCodeFixProvider>.VerifyFix(
        """
        using TensorForge;

        [Network(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(16)]
        [Softmax(Name = "attention")]
        [Dense(4)]
        [{|TF1003:Softmax|}]
        public partial class Net;
        """,
        """
        using TensorForge;

        [Network(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(16)]
        [Softmax(Name = "attention")]
        [Dense(4)]
        public partial class Net;
        """);

    [Fact]
    public Task Fix_all_removes_the_Softmax_of_every_network() => CodeFixTest<RemoveSoftmaxCodeFixProvider>.VerifyFix(
        """
        using TensorForge;

        [Network(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(784)]
        [Dense(10)]
        [{|TF1003:Softmax|}]
        public partial class First;

        [Network(Loss = Loss.SoftmaxCrossEntropy), Input(8), Dense(3), {|TF1003:Softmax|}]
        public partial class Second;
        """,
        """
        using TensorForge;

        [Network(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(784)]
        [Dense(10)]
        public partial class First;

        [Network(Loss = Loss.SoftmaxCrossEntropy), Input(8), Dense(3)]
        public partial class Second;
        """);
}
