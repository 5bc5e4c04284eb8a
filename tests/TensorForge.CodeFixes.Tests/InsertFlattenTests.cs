namespace TensorForge.CodeFixes.Tests;

public class InsertFlattenTests
{
    [Fact]
    public Task Inserts_Flatten_on_its_own_line_before_the_Dense() => CodeFixTest<InsertFlattenCodeFixProvider>.VerifyFix(
        """
        using TensorForge;

        namespace Models
        {
            [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 42)]
            [Input(1, 28, 28)]
            // the classifier head
            [{|TF1001:Dense(128, Activation = Activation.ReLU, Name = "fc1")|}]
            [Dense(10, Name = "fc2")]
            [Adam(LearningRate = 1e-3f)]
            public partial class Mnist;
        }
        """,
        """
        using TensorForge;

        namespace Models
        {
            [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 42)]
            [Input(1, 28, 28)]
            [Flatten]
            // the classifier head
            [Dense(128, Activation = Activation.ReLU, Name = "fc1")]
            [Dense(10, Name = "fc2")]
            [Adam(LearningRate = 1e-3f)]
            public partial class Mnist;
        }
        """);

    [Fact]
    public Task Inserts_Flatten_inline_when_the_attributes_share_a_line() => CodeFixTest<InsertFlattenCodeFixProvider>.VerifyFix(
        """
        using TensorForge;

        [Network] [Input(3, 8, 8)] [{|TF1001:Dense(10)|}] public partial class Net;
        """,
        """
        using TensorForge;

        [Network] [Input(3, 8, 8)] [Flatten] [Dense(10)] public partial class Net;
        """);

    [Fact]
    public Task Inserts_Flatten_into_the_attribute_list_that_holds_the_Dense() => CodeFixTest<InsertFlattenCodeFixProvider>.VerifyFix(
        """
        using TensorForge;

        [Network, Input(1, 28, 28), {|TF1001:Dense(10)|}]
        public partial class Net;
        """,
        """
        using TensorForge;

        [Network, Input(1, 28, 28), Flatten, Dense(10)]
        public partial class Net;
        """);

    [Fact]
    public Task Writes_Flatten_the_way_the_Dense_is_written() => CodeFixTest<InsertFlattenCodeFixProvider>.VerifyFix(
        """
        [TensorForge.Network]
        [TensorForge.Input(2, 4, 4)]
        [{|TF1001:global::TensorForge.DenseAttribute(10)|}]
        public partial class Net;
        """,
        """
        [TensorForge.Network]
        [TensorForge.Input(2, 4, 4)]
        [global::TensorForge.FlattenAttribute]
        [global::TensorForge.DenseAttribute(10)]
        public partial class Net;
        """);

    [Fact]
    public Task Writes_the_global_name_when_the_Dense_is_an_alias() => CodeFixTest<InsertFlattenCodeFixProvider>.VerifyFix(
        """
        using Fc = TensorForge.DenseAttribute;

        [TensorForge.Network]
        [TensorForge.Input(2, 4, 4)]
        [{|TF1001:Fc(10)|}]
        public partial class Net;
        """,
        """
        using Fc = TensorForge.DenseAttribute;

        [TensorForge.Network]
        [TensorForge.Input(2, 4, 4)]
        [global::TensorForge.Flatten]
        [Fc(10)]
        public partial class Net;
        """);

    [Fact]
    public Task Fix_all_flattens_every_network_of_the_document() => CodeFixTest<InsertFlattenCodeFixProvider>.VerifyFix(
        """
        using TensorForge;

        [Network]
        [Input(1, 28, 28)]
        [{|TF1001:Dense(10)|}]
        public partial class First;

        [Network] [Input(3, 32, 32)] [{|TF1001:Dense(10)|}] public partial class Second;
        """,
        """
        using TensorForge;

        [Network]
        [Input(1, 28, 28)]
        [Flatten]
        [Dense(10)]
        public partial class First;

        [Network] [Input(3, 32, 32)] [Flatten] [Dense(10)] public partial class Second;
        """);

    [Fact]
    public Task Offers_GlobalAvgPool_before_a_Dense_on_an_image() => new CodeFixTest<InsertFlattenCodeFixProvider>(
        """
        using TensorForge;

        [Network(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(3, 32, 32)]
        [Conv2D(64, 3, Padding = 1, Activation = Activation.ReLU)]
        [{|TF1001:Dense(10)|}]
        [Adam]
        public partial class Net;
        """,
        """
        using TensorForge;

        [Network(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(3, 32, 32)]
        [Conv2D(64, 3, Padding = 1, Activation = Activation.ReLU)]
        [GlobalAvgPool]
        [Dense(10)]
        [Adam]
        public partial class Net;
        """)
    {
        CodeActionEquivalenceKey = InsertFlattenCodeFixProvider.GlobalAvgPoolKey,
        CodeActionIndex = 1,
    }.RunAsync();

    [Fact]
    public Task Offers_no_GlobalAvgPool_for_a_tensor_that_is_not_an_image() => new CodeFixTest<InsertFlattenCodeFixProvider>(
        // [2, 3, 4, 5] has rank 4: only [Flatten] makes it a vector; no action with the GlobalAvgPool key is offered.
        """
        using TensorForge;

        [Network] [Input(2, 3, 4, 5)] [{|TF1001:Dense(10)|}] public partial class Net;
        """,
        """
        using TensorForge;

        [Network] [Input(2, 3, 4, 5)] [{|TF1001:Dense(10)|}] public partial class Net;
        """)
    {
        CodeActionEquivalenceKey = InsertFlattenCodeFixProvider.GlobalAvgPoolKey,
    }.RunAsync();
}
