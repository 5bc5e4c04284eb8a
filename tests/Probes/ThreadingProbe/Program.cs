using System;
using System.Diagnostics;
using TensorForge;
using TensorForge.Kernels;
var r = new Random(1);
float[] Rand(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)r.NextDouble(); return a; }
void Time(string name, Action act, int calls)
{
    foreach (int threads in new[] { 1, 2, 1, 2, 1, 2 })
    {
        Gemm.MaxThreads = threads;
        for (int i = 0; i < calls / 10; i++) act();
        var t = new double[calls];
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < calls; i++) { long a = Stopwatch.GetTimestamp(); act(); t[i] = (Stopwatch.GetTimestamp() - a) * 1e6 / Stopwatch.Frequency; }
        double mean = sw.Elapsed.TotalMicroseconds / calls;
        Array.Sort(t);
        Console.WriteLine($"{name} threads {threads}: mean {mean:F2} µs, p10 {t[calls / 10]:F2}, median {t[calls / 2]:F2}, p90 {t[calls * 9 / 10]:F2}");
    }
}
var net = new ProbeMlp(42);
var x1 = Rand(784); var y1 = new float[10];
var x32 = Rand(784 * 32); var y32 = new float[320];
int[] labels = new int[32]; for (int i = 0; i < 32; i++) labels[i] = i % 10;
int[] label1 = { 3 };
string only = args.Length > 0 ? args[0] : "all";
if (only == "fixed")
{
    Gemm.MaxThreads = 1;
    foreach (var (m, k, n) in new[] { (32, 8, 32), (32, 16, 64), (32, 128, 64), (9, 8, 32) })
    {
        var a = Rand(m * k); var b = Rand(n * k); var c = new float[m * n];
        for (int i = 0; i < 200000; i++) Gemm.MultiplyTransposedB(a, b, c, m, k, n);
        var best = double.MaxValue;
        for (int rep = 0; rep < 7; rep++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < 100000; i++) Gemm.MultiplyTransposedB(a, b, c, m, k, n);
            best = Math.Min(best, sw.Elapsed.TotalMicroseconds / 100000);
        }
        double ideal = 2.0 * m * k * n / 116e3; // µs at 116 GFLOP/s
        Console.WriteLine($"A·Bᵀ {m}x{k}x{n}: {best * 1000:F0} ns (ideal at peak {ideal * 1000:F0} ns)");
    }
    return;
}
if (only == "wake")
{
    Gemm.MaxThreads = 2;
    for (int i = 0; i < 20000; i++) net.Forward(x1, y1);
    for (int rep = 0; rep < 5; rep++)
    {
        Thread.Sleep(250);
        var t = new long[6000];
        for (int i = 0; i < t.Length; i++) { long a = Stopwatch.GetTimestamp(); net.Forward(x1, y1); t[i] = Stopwatch.GetTimestamp() - a; }
        double Avg(int from, int to) { double sum = 0; for (int i = from; i < to; i++) sum += t[i]; return sum / (to - from) * 1e6 / Stopwatch.Frequency; }
        Console.WriteLine($"after sleep: calls 0-9 {Avg(0, 10):F2} µs, 10-99 {Avg(10, 100):F2}, 100-999 {Avg(100, 1000):F2}, 1000-2999 {Avg(1000, 3000):F2}, 3000-5999 {Avg(3000, 6000):F2}");
    }
    return;
}
if (only == "bench1")
{
    foreach (int threads in (args.Length > 1 ? new[] { 2 } : new[] { 1, 2, 1, 2 }))
    {
        Gemm.MaxThreads = threads;
        var means = new List<double>();
        for (int rep = 0; rep < 21; rep++)
        {
            Thread.Sleep(250);
            var sw = Stopwatch.StartNew(); int calls = 0;
            while (sw.Elapsed.TotalMilliseconds < 25) { net.Forward(x1, y1); calls++; }
            means.Add(sw.Elapsed.TotalMicroseconds / calls);
        }
        means.Sort();
        Console.WriteLine($"bench-like Forward batch 1 threads {threads}: median of 21 × 25 ms = {means[10]:F2} µs (min {means[0]:F2}, max {means[20]:F2})");
    }
    return;
}
var adam = new TensorForge.Optimizers.Adam(109_386); var ap = Rand(109_386); var ag = Rand(109_386);
if (only is "all" or "adam") Time("Adam 109386", () => adam.Step(ap, ag, 1e-3f), 5000);
var w1 = new float[784 * 128]; var g1 = new float[128];
if (only is "all" or "g1") Time("GEMM 1x784x128", () => Gemm.MultiplyTransposedB(x1, w1, g1, 1, 784, 128), 50000);
if (only is "all" or "f1") Time("Forward batch 1", () => net.Forward(x1, y1), 50000);
if (only is "all" or "f32") Time("Forward batch 32", () => net.Forward(x32, y32), 5000);
if (only is "all" or "t32") Time("TrainStep batch 32", () => net.TrainStep(x32, labels), 3000);
var o1 = new float[10]; var d1 = new float[10]; d1[3] = 0.1f;
if (only is "all" or "fb1") Time("ForwardTrain+Backward batch 1", () => { net.ForwardTrain(x1, o1); net.Backward(d1, Span<float>.Empty); }, 5000);
var o32 = new float[320]; var d32 = new float[320]; for (int i = 0; i < 32; i++) d32[i * 10 + i % 10] = 0.1f;
if (only is "all" or "fb32") Time("ForwardTrain+Backward batch 32", () => { net.ForwardTrain(x32, o32); net.Backward(d32, Span<float>.Empty); }, 3000);
if (only is "all" or "f32t") Time("ForwardTrain batch 32", () => { net.ForwardTrain(x32, o32); }, 3000);
if (only is "all" or "s1") Time("Step", () => net.Step(), 5000);
if (only is "all" or "t1") Time("TrainStep batch 1", () => net.TrainStep(x1, label1), 5000);

[Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 42)]
[Input(784)]
[Dense(128, Activation = Activation.ReLU, Name = "fc1")]
[Dense(64, Activation = Activation.ReLU, Name = "fc2")]
[Dense(10, Name = "fc3")]
[Adam(LearningRate = 1e-3f)]
public partial class ProbeMlp;
