namespace TensorForge.CodeFixes.Tests;

/// <summary>TF0002 is fixed only where the declaration determines the input shape: when the first layer uses a block whose own
/// [Input] has fixed sizes. A Dense, Flatten or activation takes any input, so no fix is offered for them (a guessed size would
/// compile and be wrong).</summary>
public class AddInputTests
{
    [BlocksFact]
    public Task Adds_the_input_of_the_block_the_first_layer_uses() => CodeFixTest<AddInputCodeFixProvider>.VerifyFix(
        """
        using TensorForge;

        [Block]
        [Input(1, 28, 28)]
        [Flatten]
        [Dense(64, Activation = Activation.ReLU)]
        public partial class Stem;

        [{|TF0002:Network(Loss = Loss.SoftmaxCrossEntropy)|}]
        [Use(typeof(Stem), Name = "stem")]
        [Dense(10)]
        public partial class Net;
        """,
        """
        using TensorForge;

        [Block]
        [Input(1, 28, 28)]
        [Flatten]
        [Dense(64, Activation = Activation.ReLU)]
        public partial class Stem;

        [Network(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(1, 28, 28)]
        [Use(typeof(Stem), Name = "stem")]
        [Dense(10)]
        public partial class Net;
        """);

    [BlocksFact]
    public Task Adds_the_input_inline_and_written_like_the_first_layer() => CodeFixTest<AddInputCodeFixProvider>.VerifyFix(
        """
        [TensorForge.Block, TensorForge.Input(16), TensorForge.Dense(8)]
        public partial class Encoder;

        [{|TF0002:TensorForge.Network|}] [TensorForge.UseAttribute(typeof(Encoder))] [TensorForge.Dense(2)] public partial class Net;
        """,
        """
        [TensorForge.Block, TensorForge.Input(16), TensorForge.Dense(8)]
        public partial class Encoder;

        [TensorForge.Network] [TensorForge.InputAttribute(16)] [TensorForge.UseAttribute(typeof(Encoder))] [TensorForge.Dense(2)] public partial class Net;
        """);

    [BlocksFact]
    public Task Keeps_the_documentation_first_when_the_first_layer_opens_the_declaration() => CodeFixTest<AddInputCodeFixProvider>.VerifyFix(
        """
        using TensorForge;

        namespace Models
        {
            [Block, Input(8), Dense(8)]
            public partial class Layer;

            /// <summary>Two layers.</summary>
            [Use(typeof(Layer))]
            [Use(typeof(Layer))]
            [{|TF0002:Network|}]
            public partial class Net;
        }
        """,
        """
        using TensorForge;

        namespace Models
        {
            [Block, Input(8), Dense(8)]
            public partial class Layer;

            /// <summary>Two layers.</summary>
            [Input(8)]
            [Use(typeof(Layer))]
            [Use(typeof(Layer))]
            [Network]
            public partial class Net;
        }
        """);

    [Fact]
    public Task No_fix_when_the_first_layer_is_a_Dense() => CodeFixTest<AddInputCodeFixProvider>.VerifyNoFix(
        """
        using TensorForge;

        [{|TF0002:Network|}]
        [Dense(10)]
        public partial class Net;
        """);

    [Fact]
    public Task No_fix_when_the_first_layer_is_a_Flatten() => CodeFixTest<AddInputCodeFixProvider>.VerifyNoFix(
        """
        using TensorForge;

        [{|TF0002:Network(Loss = Loss.SoftmaxCrossEntropy)|}]
        [Flatten]
        [Dense(10)]
        public partial class Net;
        """);

    [BlocksFact]
    public Task No_fix_when_the_used_block_declares_no_input() => CodeFixTest<AddInputCodeFixProvider>.VerifyNoFix(
        """
        using TensorForge;

        [Block]
        [Dense(64)]
        public partial class Head;

        [{|TF0002:Network|}]
        [Use(typeof(Head))]
        public partial class Net;
        """);

    [Fact]
    public Task No_fix_when_the_network_has_no_layer() => CodeFixTest<AddInputCodeFixProvider>.VerifyNoFix(
        """
        using TensorForge;

        [{|TF0002:Network|}]
        public partial class Net;
        """);
}

/// <summary>A test of networks that use reusable blocks ([Block], [Use]): skipped where TensorForge.Attributes has no [Use].</summary>
internal sealed class BlocksFactAttribute : FactAttribute
{
    public BlocksFactAttribute()
    {
        if (typeof(NetworkAttribute).Assembly.GetType("TensorForge.UseAttribute") is null)
            Skip = "TensorForge.Attributes has no [Use] (reusable blocks) in this build";
    }
}
