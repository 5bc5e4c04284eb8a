using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;
using TensorForge.Generator.Tests.Infrastructure;

namespace TensorForge.Generator.Tests;

/// <summary>The generated part fits every kind of class a user may write: generic, nested (in generic types too), records, and
/// explicit accessibility. Each compiles cleanly, then runs: forward, one training step, deterministic per seed.</summary>
public class ClassShapeTests
{
    private const string Layers = """
        [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 5)]
        [Input(6)]
        [Dense(8, Activation = Activation.ReLU)]
        [Dense(3)]
        [Adam(LearningRate = 0.05f)]
        """;

    public static TheoryData<string, string, string> Shapes => new TheoryData<string, string, string>
    {
        // case, declaration, the closed type user code names
        { "generic", Layers + "public partial class Net<T> where T : struct;", "Net<int>" },
        { "generic, two parameters", Layers + "public partial class Net<TIn, TOut> where TOut : class, new();", "Net<int, object>" },
        { "nested", "public partial class Outer { internal partial class Middle { " + Layers + "public partial class Net; } }", "Outer.Middle.Net" },
        { "nested in generic", "public partial class Outer<TKey> { " + Layers + "internal partial class Net; }", "Outer<string>.Net" },
        { "record", Layers + "public partial record Net;", "Net" },
        { "sealed record in a namespace", "namespace Models { " + Layers + "public sealed partial record Net; }", "Models.Net" },
        { "internal", Layers + "internal partial class Net;", "Net" },
        { "internal sealed, file-scoped namespace", "namespace Models;\n" + Layers + "internal sealed partial class Net;", "Models.Net" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void GeneratedMembersCompileAndBehave(string @case, string declaration, string closedType)
    {
        _ = @case;
        string probe = $$"""
            public static class Probe
            {
                public static float[] Run(int seed)
                {
                    var net = new {{closedType}}(seed);
                    var input = new float[2 * {{closedType}}.InputSize];
                    for (int i = 0; i < input.Length; i++) input[i] = (i % 7) * 0.25f - 0.5f;
                    var before = new float[2 * {{closedType}}.OutputSize];
                    net.Forward(input, before);
                    float loss = net.TrainStep(input, new int[] { 0, 2 });
                    var after = new float[before.Length];
                    net.Forward(input, after);
                    var result = new float[2 * before.Length + 1];
                    before.CopyTo(result, 0);
                    after.CopyTo(result, before.Length);
                    result[^1] = loss;
                    return result;
                }

                public static int ParameterCount => {{closedType}}.ParameterCount;

                public static string Summary => {{closedType}}.Summary;

                public static global::TensorForge.IClassifierNetwork Create() => new {{closedType}}();

                public static System.Type Type => typeof({{closedType}});
            }
            """;
        GeneratorResult result = GeneratorHarness.Run("using TensorForge;\n" + declaration, probe);
        result.AssertCleanCompilation();

        Assembly assembly = Load(result.Output, out AssemblyLoadContext context);
        try
        {
            Type probeType = assembly.GetType("Probe", throwOnError: true)!;
            float[] Run(int seed) => (float[])probeType.GetMethod("Run")!.Invoke(null, new object[] { seed })!;

            Assert.Equal(6 * 8 + 8 + 8 * 3 + 3, (int)probeType.GetProperty("ParameterCount")!.GetValue(null)!);
            Assert.Contains("Total parameters: 83", (string)probeType.GetProperty("Summary")!.GetValue(null)!);
            var network = (IClassifierNetwork)probeType.GetMethod("Create")!.Invoke(null, null)!;
            Assert.Equal(6, network.InputSize);
            Assert.Equal(83, network.Parameters.Length);

            float[] first = Run(1);
            Assert.All(first, v => Assert.True(float.IsFinite(v)));
            Assert.True(first[^1] > 0f, "cross-entropy of a fresh network is positive");
            Assert.NotEqual(first[..6], first[6..12]); // the step changed the parameters
            Assert.Equal(first, Run(1));               // same seed, same numbers
            Assert.NotEqual(first, Run(2));

            Type networkType = (Type)probeType.GetProperty("Type")!.GetValue(null)!;
            AssertShape(declaration, networkType);
        }
        finally
        {
            context.Unload();
        }
    }

    private static void AssertShape(string declaration, Type type)
    {
        Assert.Equal(declaration.Contains("Outer"), type.IsNested);
        Assert.Equal(declaration.Contains("<T"), type.IsGenericType); // a type nested in a generic type is generic too
        bool isRecord = type.GetMethod("<Clone>$") is not null;
        Assert.Equal(declaration.Contains("record"), isRecord);
        if (declaration.Contains("internal partial class Net") || declaration.Contains("internal sealed partial class Net"))
        {
            Assert.False(type.IsPublic || type.IsNestedPublic, $"{type} should stay internal");
        }
        Assert.Equal(declaration.Contains("sealed"), type.IsSealed);
    }

    [Fact]
    public void RecordEqualityAndToStringStillWork()
    {
        // The record's synthesized members see the generated fields and properties (Parameters is a Span<float>).
        GeneratorResult result = GeneratorHarness.Run("using TensorForge;\n" + Layers + "public partial record Net;", """
            public static class Probe
            {
                public static bool SelfEqual() { var n = new Net(); var same = n; return n.Equals(same) && n == same; }
                public static bool TwoEqual() => new Net(1).Equals(new Net(1));
                public static string Text() => new Net().ToString();
            }
            """);
        result.AssertCleanCompilation();

        Assembly assembly = Load(result.Output, out AssemblyLoadContext context);
        try
        {
            Type probe = assembly.GetType("Probe", throwOnError: true)!;
            Assert.True((bool)probe.GetMethod("SelfEqual")!.Invoke(null, null)!);
            Assert.False((bool)probe.GetMethod("TwoEqual")!.Invoke(null, null)!); // separate parameter buffers
            Assert.StartsWith("Net {", (string)probe.GetMethod("Text")!.Invoke(null, null)!);
        }
        finally
        {
            context.Unload();
        }
    }

    private static Assembly Load(Compilation compilation, out AssemblyLoadContext context)
    {
        using var stream = new MemoryStream();
        EmitResult emitted = compilation.Emit(stream);
        Assert.True(emitted.Success, TestCompilation.Describe(emitted.Diagnostics));
        stream.Position = 0;
        // TensorForge.Runtime and .Attributes resolve from the default context, where the test already loaded them.
        context = new AssemblyLoadContext("ClassShapeTests", isCollectible: true);
        return context.LoadFromStream(stream);
    }
}
