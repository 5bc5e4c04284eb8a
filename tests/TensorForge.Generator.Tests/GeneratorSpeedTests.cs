using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using TensorForge.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TensorForge.Generator.Tests;

/// <summary>Issue 10: "a 200-layer network is generated in under 100 ms". The one timed test of the generator: it reports the
/// figure (test output and artifacts/reliability.txt, which CI prints) and asserts it with a wide margin, since CI shares its
/// two cores with builds.</summary>
public class GeneratorSpeedTests(ITestOutputHelper output)
{
    /// <summary>The target of the issue.</summary>
    private const double TargetMilliseconds = 100;

    /// <summary>What the assertion allows: ten times the target, so that a loaded machine does not fail the test but a
    /// generator that became quadratic in the layer count does.</summary>
    private const double AllowedMilliseconds = 10 * TargetMilliseconds;

    /// <summary>200 layers: an image input, 49 residual units of convolution, batch norm, ReLU and Add (196 layers), and a
    /// classifier head of global average pooling, Dense, Dropout and Dense.</summary>
    internal static string TwoHundredLayers()
    {
        var source = new StringBuilder();
        source.AppendLine("using TensorForge;");
        source.AppendLine("namespace Deep;");
        source.AppendLine("[Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 1)]");
        source.AppendLine("[Input(8, 16, 16)]");
        for (int unit = 1; unit <= 49; unit++)
        {
            string name = "conv" + unit.ToString(CultureInfo.InvariantCulture);
            source.AppendLine($"[Conv2D(8, 3, Padding = 1, Name = \"{name}\")]");
            source.AppendLine("[BatchNorm]");
            source.AppendLine("[ReLU]");
            source.AppendLine($"[Add(\"{name}\")]");
        }
        source.AppendLine("[GlobalAvgPool]");
        source.AppendLine("[Dense(32, Activation = Activation.ReLU)]");
        source.AppendLine("[Dropout(0.1f)]");
        source.AppendLine("[Dense(10)]");
        source.AppendLine("[Adam(LearningRate = 1e-3f)]");
        source.AppendLine("public partial class Deep200;");
        return source.ToString();
    }

    [Fact]
    public void A_200_layer_network_is_generated_in_under_100_ms()
    {
        string source = TwoHundredLayers();
        Assert.Equal(200, source.Split('\n').Count(line => line.StartsWith("[", StringComparison.Ordinal)
            && !line.StartsWith("[Network", StringComparison.Ordinal) && !line.StartsWith("[Input", StringComparison.Ordinal)
            && !line.StartsWith("[Adam", StringComparison.Ordinal)));
        Compilation compilation = TestCompilation.Create(source);

        // Warm: the first run JIT-compiles the generator. Then each run is a new driver (nothing cached), as a fresh IDE
        // session or a command-line build generates: parse, shape inference and emission of all 200 layers.
        GeneratorResult warm = GeneratorHarness.Run(compilation);
        warm.AssertCleanCompilation();
        int generatedLength = warm.SingleSource.Length;

        const int runs = 9;
        var milliseconds = new double[runs];
        var cpuMilliseconds = new double[runs];
        using Process process = Process.GetCurrentProcess();
        var steps = new Dictionary<string, List<double>>();
        for (int run = 0; run < runs; run++)
        {
            GeneratorDriver driver = GeneratorHarness.CreateDriver();
            process.Refresh();
            TimeSpan cpuStart = process.TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            driver = driver.RunGenerators(compilation);
            milliseconds[run] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            process.Refresh();
            cpuMilliseconds[run] = (process.TotalProcessorTime - cpuStart).TotalMilliseconds;
            GeneratorRunResult result = driver.GetRunResult().Results.Single();
            Assert.Null(result.Exception);
            Assert.Equal(generatedLength, Assert.Single(result.GeneratedSources).SourceText.Length);
            foreach (var (name, runSteps) in result.TrackedSteps.Concat(result.TrackedOutputSteps))
            {
                if (!steps.TryGetValue(name, out List<double>? times))
                    steps[name] = times = new List<double>();
                times.Add(runSteps.Sum(s => s.ElapsedTime.TotalMilliseconds));
            }
        }
        Array.Sort(milliseconds);
        Array.Sort(cpuMilliseconds);
        double median = milliseconds[runs / 2];
        double cpuMedian = cpuMilliseconds[runs / 2];
        string line = string.Create(CultureInfo.InvariantCulture,
            $"generator speed: 200-layer network generated in {median:F1} ms wall, {cpuMedian:F1} ms CPU (medians of {runs} warm runs; wall fastest {milliseconds[0]:F1} ms, slowest {milliseconds[^1]:F1} ms; target {TargetMilliseconds:F0} ms; {generatedLength:N0} characters generated; load average {LoadAverage()})");
        output.WriteLine(line);
        foreach (var (name, times) in steps.OrderBy(s => s.Key, StringComparer.Ordinal))
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  step {name}: median {times.OrderBy(t => t).ElementAt(times.Count / 2):F1} ms"));
        ReliabilityReport.Line(line);
        // CPU time, not wall time: on a machine shared by builds the wall clock measures the other processes too.
        Assert.True(cpuMedian < AllowedMilliseconds, line);
    }

    /// <summary>The 1-minute load average on Linux (what the wall-clock figure was measured under), else "n/a".</summary>
    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
