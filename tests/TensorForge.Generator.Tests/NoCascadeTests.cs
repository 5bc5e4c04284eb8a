using Microsoft.CodeAnalysis;
using TensorForge.Generator.Tests.Infrastructure;

namespace TensorForge.Generator.Tests;

/// <summary>An invalid network still gets every member (throwing), so user code that uses it reports only the TF error.</summary>
public class NoCascadeTests
{
    /// <summary>User code that touches every generated member of <c>Net</c>.</summary>
    private const string Usage = """
        using System;
        using System.IO;

        public static class Usage
        {
            public static void UseEverything(string path, Stream stream)
            {
                var net = new Net();
                var seeded = new Net(1);
                float[] input = new float[Net.InputSize * 2];
                float[] output = new float[Net.OutputSize * 2];
                int[] labels = new int[2];
                net.Forward(input, output);
                float loss = net.TrainStep(input, labels) + net.TrainStep(input, (ReadOnlySpan<float>)output);
                net.ForwardTrain(input, output);
                net.Backward(output, input);
                net.Backward(output, Span<float>.Empty);
                net.ZeroGradients();
                net.Step();
                Span<float> parameters = net.Parameters;
                Span<float> gradients = seeded.Gradients;
                float rate = net.LearningRate + loss + parameters.Length + gradients.Length;
                net.Save(path);
                net.Save(stream);
                net.Load(path);
                net.Load(stream);
                string summary = Net.Summary;
                const int sizes = Net.InputSize + Net.OutputSize + Net.ParameterCount;
                ReadOnlySpan<int> inputShape = Net.InputShape;
                ReadOnlySpan<int> outputShape = Net.OutputShape;
                Console.WriteLine($"{rate} {summary} {sizes} {inputShape.Length} {outputShape.Length}");
                TensorForge.INetwork asNetwork = net;
                TensorForge.Training.Trainer.Fit(net, null!, null, new TensorForge.Training.TrainerOptions());
                TensorForge.Training.Trainer.Evaluate(asNetwork, null!);
            }
        }
        """;

    public static TheoryData<string, string> InvalidNetworks => new TheoryData<string, string>
    {
        {
            "TF1001",
            """
            [Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 42)]
            [Input(1, 28, 28)]
            [Dense(128, Activation = Activation.ReLU, Name = "fc1")]
            [Dense(10, Name = "fc2")]
            [Adam(LearningRate = 1e-3f)]
            [CosineAnnealing(TMax = 2500)]
            public partial class Net;
            """
        },
        {
            "TF0002",
            """
            [Network]
            public partial class Net;
            """
        },
        {
            "TF0006",
            """
            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4)]
            [Dense(0)]
            [Sgd]
            public partial class Net;
            """
        },
        {
            "TF0007",
            """
            [Network(Loss = Loss.BinaryCrossEntropyWithLogits)]
            [Input(4)]
            [Dense(1)]
            [Sgd]
            [Adam]
            public partial class Net;
            """
        },
    };

    [Theory]
    [MemberData(nameof(InvalidNetworks))]
    public void InvalidNetworkReportsOnlyItsTensorForgeError(string id, string network)
    {
        GeneratorResult result = GeneratorHarness.Run("using TensorForge;\n" + network, Usage);

        Diagnostic[] errors = result.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(errors.All(d => d.Id == id), "Expected only " + id + ", got:" + Environment.NewLine + TestCompilation.Describe(errors));
        Assert.NotEmpty(errors);
        Assert.Contains("is not a valid TensorForge network", result.SingleSource);
    }

    [Fact]
    public void UsageCompilesAgainstAValidNetwork()
    {
        // The same usage against a valid network: proves the member list above is the real public surface.
        GeneratorResult result = GeneratorHarness.Run("""
            using TensorForge;
            [Network(Loss = Loss.SoftmaxCrossEntropy)]
            [Input(4)]
            [Dense(3)]
            [Adam]
            [CosineAnnealing(TMax = 10)]
            public partial class Net;
            """, Usage);

        result.AssertCleanCompilation();
    }
}
