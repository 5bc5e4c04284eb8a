using System.Reflection;
using TensorForge;

// What `dotnet add package TensorForge` gives a user: the generator writes ConsumerNet's members, the runtime trains it, and
// the same code runs under the JIT and as a Native AOT binary. Exits 1 if the loss does not fall, if a saved and reloaded
// network does not give bit-identical outputs, or if loading changed nothing; then the same for two token sequence networks
// (an LSTM with additive attention, a causal Transformer; SequenceCheck.cs) and a small convolutional VAE through the generative
// layer kinds (GenerativeCheck.cs), which must also allocate nothing per call.

const int Features = ConsumerNet.InputSize, Classes = ConsumerNet.OutputSize, Samples = 256, Batch = 32, Steps = 60;

string version = typeof(INetwork).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
Console.WriteLine($"TensorForge {version}: {Environment.ProcessPath}");
Console.WriteLine(ConsumerNet.Summary);

// Synthetic, seeded data: the class of a sample is the largest of three fixed linear functions of its features.
var random = new Random(12345);
var inputs = new float[Samples * Features];
var labels = new int[Samples];
for (int i = 0; i < inputs.Length; i++)
    inputs[i] = (float)(random.NextDouble() * 2 - 1);
for (int s = 0; s < Samples; s++)
{
    ReadOnlySpan<float> x = inputs.AsSpan(s * Features, Features);
    float a = x[0] + x[1] - x[2], b = x[3] - x[4] + 0.5f * x[5], c = x[6] + x[7] - x[0];
    labels[s] = a >= b && a >= c ? 0 : b >= c ? 1 : 2;
}

var failures = new List<string>();
var network = new ConsumerNet();
float firstLoss = 0, lastLoss = 0;
for (int step = 0; step < Steps; step++)
{
    int start = step * Batch % Samples;
    float loss = network.TrainStep(inputs.AsSpan(start * Features, Batch * Features), labels.AsSpan(start, Batch));
    if (!float.IsFinite(loss))
        failures.Add($"step {step + 1}: the loss is {loss}");
    if (step == 0)
        firstLoss = loss;
    lastLoss = loss;
}
Console.WriteLine($"training: {Steps} steps of batch {Batch}, loss {firstLoss:F4} -> {lastLoss:F4}");
if (!(lastLoss < 0.5f * firstLoss))
    failures.Add($"the loss did not fall to half: {firstLoss:F4} -> {lastLoss:F4}");

var outputs = new float[Samples * Classes];
network.Forward(inputs, outputs);
int correct = 0;
for (int s = 0; s < Samples; s++)
{
    ReadOnlySpan<float> row = outputs.AsSpan(s * Classes, Classes);
    int predicted = row[0] >= row[1] && row[0] >= row[2] ? 0 : row[1] >= row[2] ? 1 : 2;
    correct += predicted == labels[s] ? 1 : 0;
}
Console.WriteLine($"training accuracy: {correct} of {Samples}");

string path = Path.Combine(Path.GetTempPath(), $"tensorforge-package-consumer-{Environment.ProcessId}.safetensors");
try
{
    network.Save(path);
    var reloaded = new ConsumerNet(seed: 99);
    var before = new float[outputs.Length];
    reloaded.Forward(inputs, before);
    reloaded.Load(path);
    var after = new float[outputs.Length];
    reloaded.Forward(inputs, after);
    Console.WriteLine($"saved {new FileInfo(path).Length:N0} bytes, loaded into a second instance: outputs " +
        (after.AsSpan().SequenceEqual(outputs) ? "bit-identical" : "DIFFERENT"));
    if (!after.AsSpan().SequenceEqual(outputs))
        failures.Add("the reloaded network's outputs differ from the saved network's");
    if (before.AsSpan().SequenceEqual(outputs))
        failures.Add("the second instance gave the same outputs before loading: the check proves nothing");
}
finally
{
    File.Delete(path);
}

failures.AddRange(SequenceCheck.Run());
failures.AddRange(GenerativeCheck.Run());

foreach (string failure in failures)
    Console.WriteLine($"FAILED: {failure}");
Console.WriteLine(failures.Count == 0 ? "package consumer: OK" : "package consumer: FAILED");
return failures.Count == 0 ? 0 : 1;

[Network(Loss = Loss.SoftmaxCrossEntropy, Seed = 7)]
[Input(8)]
[Dense(32, Activation = Activation.ReLU)]
[Dense(3)]
[Adam(LearningRate = 0.01f)]
public partial class ConsumerNet;
