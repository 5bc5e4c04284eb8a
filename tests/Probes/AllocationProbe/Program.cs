using System;
using TensorForge;
var network = new MnistLike();
var r = new Random(1);
float[] input = new float[32 * 784]; for (int i = 0; i < input.Length; i++) input[i] = (float)r.NextDouble();
int[] labels = new int[32]; for (int i = 0; i < 32; i++) labels[i] = r.Next(10);
var output = new float[320];
if (Environment.GetEnvironmentVariable("POOL1") is not null) TensorForge.Kernels.Gemm.MaxThreads = 1;
int warm = int.Parse(Environment.GetEnvironmentVariable("WARM") ?? "2");
for (int w = 0; w < warm; w++) { network.Forward(input, output); network.TrainStep(input, labels); }
if (Environment.GetEnvironmentVariable("POOL1") is not null) TensorForge.Kernels.Gemm.MaxThreads = 1;
for (int round = 0; round < 3; round++)
{
    for (int i = 0; i < 10; i++)
    {
        int g0 = GC.CollectionCount(0);
        long b0 = GC.GetAllocatedBytesForCurrentThread();
        network.Forward(input, output);
        long b1 = GC.GetAllocatedBytesForCurrentThread();
        network.TrainStep(input, labels);
        long b2 = GC.GetAllocatedBytesForCurrentThread();
        if (b1 != b0) Console.WriteLine($"round {round} call {i}: Forward {b1 - b0} bytes");
        int g2 = GC.CollectionCount(0);
        if (b2 != b1) Console.WriteLine($"round {round} call {i}: TrainStep {b2 - b1} bytes, gen0 GCs during Forward+TrainStep {g2 - g0}");
        else if (g2 != g0) Console.WriteLine($"round {round} call {i}: a GC ({g2 - g0}) with no allocation seen");
    }
}
[Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 42)]
[Input(1, 28, 28)]
[Flatten]
[Dense(128, Activation = Activation.ReLU, Name = "fc1")]
[Dropout(0.1f)]
[Dense(64, Activation = Activation.ReLU, Name = "fc2")]
[Dense(10, Name = "fc3")]
[Adam(LearningRate = 1e-3f)]
[CosineAnnealing(TMax = 2500)]
public partial class MnistLike;
