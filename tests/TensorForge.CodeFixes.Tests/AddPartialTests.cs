using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace TensorForge.CodeFixes.Tests;

public class AddPartialTests
{
    [Fact]
    public Task Adds_partial_after_the_other_modifiers() => CodeFixTest<AddPartialCodeFixProvider>.VerifyFix(
        """
        using TensorForge;

        [Network(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(784)]
        [Dense(10)]
        public sealed class {|TF0001:Net|};
        """,
        """
        using TensorForge;

        [Network(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(784)]
        [Dense(10)]
        public sealed partial class Net;
        """);

    [Fact]
    public Task Adds_partial_to_a_class_without_modifiers_keeping_its_documentation() => CodeFixTest<AddPartialCodeFixProvider>.VerifyFix(
        """
        using TensorForge;

        namespace Models
        {
            /// <summary>A regressor.</summary>
            [Network] [Input(4)] [Dense(1)]
            class {|TF0001:Net|}
            {
            }
        }
        """,
        """
        using TensorForge;

        namespace Models
        {
            /// <summary>A regressor.</summary>
            [Network] [Input(4)] [Dense(1)]
            partial class Net
            {
            }
        }
        """);

    [Fact]
    public Task Adds_partial_to_a_record() => CodeFixTest<AddPartialCodeFixProvider>.VerifyFix(
        """
        using TensorForge;

        [Network, Input(4), Dense(2)]
        public record {|TF0001:Net|};
        """,
        """
        using TensorForge;

        [Network, Input(4), Dense(2)]
        public partial record Net;
        """);

    [Fact]
    public Task The_fix_on_the_network_also_makes_its_containing_types_partial()
    {
        // Only the network's own diagnostic is fixed (FixOne, the diagnostic on Net): Outer and Middle become partial too.
        var test = new CodeFixTest<AddPartialCodeFixProvider>(
            """
            using TensorForge;

            public class {|TF0001:Outer|}
            {
                internal static class {|TF0001:Middle|}
                {
                    [Network] [Input(4)] [Dense(2)]
                    public class {|TF0001:Net|};
                }
            }
            """,
            """
            using TensorForge;

            public partial class Outer
            {
                internal static partial class Middle
                {
                    [Network] [Input(4)] [Dense(2)]
                    public partial class Net;
                }
            }
            """)
        {
            // The containing types' TF0001 are non-local (the analyzer reports them while analysing Net), hence the skipped check.
            CodeFixTestBehaviors = CodeFixTestBehaviors.FixOne | CodeFixTestBehaviors.SkipFixAllCheck | CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
            NumberOfIncrementalIterations = 1,
            SelectDiagnostic = diagnostics => diagnostics.Single(d => d.Location.SourceTree!.ToString().Substring(d.Location.SourceSpan.Start, 3) == "Net"),
        };
        return test.RunAsync();
    }

    [Fact]
    public Task Fix_all_makes_every_network_and_containing_type_partial_once()
    {
        var test = new CodeFixTest<AddPartialCodeFixProvider>(
            """
            using TensorForge;

            public static class {|TF0001:Models|}
            {
                [Network] [Input(4)] [Dense(2)]
                public class {|TF0001:First|};

                [Network] [Input(8)] [Dense(3)]
                internal sealed class {|TF0001:Second|};
            }

            [Network] [Input(2)] [Dense(1)]
            class {|TF0001:Third|};
            """,
            """
            using TensorForge;

            public static partial class Models
            {
                [Network] [Input(4)] [Dense(2)]
                public partial class First;

                [Network] [Input(8)] [Dense(3)]
                internal sealed partial class Second;
            }

            [Network] [Input(2)] [Dense(1)]
            partial class Third;
            """);
        // The analyzer reports a containing type that is not partial while analysing each network inside it: Models twice, and
        // as a non-local diagnostic (hence the skipped check; the fix on a network's own TF0001 covers its containing types).
        test.TestState.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticIds.NotPartial, DiagnosticSeverity.Error).WithSpan(3, 21, 3, 27));
        test.CodeFixTestBehaviors = CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
        return test.RunAsync();
    }
}
