using TensorForge.Serialization;

namespace TensorForge.Runtime.Tests.Training;

/// <summary>The parts of <see cref="IClassifierNetwork"/> the trainer does not exercise, so test networks only write what matters.</summary>
internal abstract class ClassifierStub(int inputSize, int outputSize, int parameterCount) : IClassifierNetwork
{
    private readonly float[] _parameters = new float[parameterCount];
    private readonly float[] _gradients = new float[parameterCount];

    public int InputSize { get; } = inputSize;
    public int OutputSize { get; } = outputSize;
    public int ParameterCount => _parameters.Length;
    public Span<float> Parameters => _parameters;
    public Span<float> Gradients => _gradients;
    public virtual float LearningRate => 0f;

    public abstract void Forward(ReadOnlySpan<float> input, Span<float> output);
    public abstract float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<int> labels);

    public virtual void ForwardTrain(ReadOnlySpan<float> input, Span<float> output) => Forward(input, output);
    public virtual void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient) => throw new NotSupportedException();
    public void ZeroGradients() => Gradients.Clear();
    public virtual void Step() => throw new NotSupportedException();
    public float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> targets) => throw new NotSupportedException();

    protected virtual TensorInfo[] Tensors => [new("parameters", [ParameterCount], 0)];
    public void Save(string path) => Safetensors.Save(path, Tensors, _parameters);
    public void Save(Stream stream) => Safetensors.Save(stream, Tensors, _parameters);
    public void Load(string path) => Safetensors.Load(path, Tensors, _parameters);
    public void Load(Stream stream) => Safetensors.Load(stream, Tensors, _parameters);
}

/// <summary>Hand-written multinomial logistic regression (nn.Linear + softmax cross-entropy, plain SGD), the smallest real classifier.</summary>
internal sealed class SoftmaxRegression : ClassifierStub
{
    private readonly float _learningRate;

    public SoftmaxRegression(int inputs, int classes, float learningRate, int seed)
        : base(inputs, classes, classes * inputs + classes)
    {
        _learningRate = learningRate;
        var random = new SeededRandom(seed);
        Initializers.XavierUniform(Weights, inputs, classes, ref random);
    }

    public override float LearningRate => _learningRate;

    private Span<float> Weights => Parameters[..(OutputSize * InputSize)];
    private Span<float> Bias => Parameters[(OutputSize * InputSize)..];

    protected override TensorInfo[] Tensors =>
        [new("fc.weight", [OutputSize, InputSize], 0), new("fc.bias", [OutputSize], OutputSize * InputSize)];

    public override void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        int batch = Guard.Batch(input.Length, InputSize, $"[{InputSize}]", output.Length, OutputSize, $"[{OutputSize}]");
        for (int n = 0; n < batch; n++)
        {
            for (int k = 0; k < OutputSize; k++)
            {
                float sum = Bias[k];
                for (int i = 0; i < InputSize; i++)
                    sum += Weights[k * InputSize + i] * input[n * InputSize + i];
                output[n * OutputSize + k] = sum;
            }
        }
    }

    public override float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<int> labels)
    {
        int batch = input.Length / InputSize;
        Guard.Labels(labels, batch, 1, OutputSize);
        var logits = new float[batch * OutputSize];
        Forward(input, logits);
        ZeroGradients();
        Span<float> weightGradients = Gradients[..(OutputSize * InputSize)];
        Span<float> biasGradients = Gradients[(OutputSize * InputSize)..];
        double loss = 0;
        for (int n = 0; n < batch; n++)
        {
            Span<float> row = logits.AsSpan(n * OutputSize, OutputSize);
            float max = row.ToArray().Max();
            double total = row.ToArray().Sum(z => Math.Exp(z - max));
            loss += Math.Log(total) - (row[labels[n]] - max);
            for (int k = 0; k < OutputSize; k++)
            {
                // d(mean loss)/d(logit) = (softmax − one-hot) / batch
                float delta = (float)((Math.Exp(row[k] - max) / total - (k == labels[n] ? 1 : 0)) / batch);
                biasGradients[k] += delta;
                for (int i = 0; i < InputSize; i++)
                    weightGradients[k * InputSize + i] += delta * input[n * InputSize + i];
            }
        }
        Step();
        return (float)(loss / batch);
    }

    public override void Step()
    {
        for (int i = 0; i < ParameterCount; i++)
            Parameters[i] -= _learningRate * Gradients[i];
    }
}

/// <summary>One input per sample (the sample's index), one output: records what the trainer feeds it.</summary>
internal sealed class RecordingNetwork(Func<int, float>? lossOfCall = null) : ClassifierStub(1, 2, 0)
{
    public List<int[]> Batches { get; } = [];

    public override void Forward(ReadOnlySpan<float> input, Span<float> output) => output.Clear();

    public override float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<int> labels)
    {
        int[] samples = input.ToArray().Select(x => (int)x).ToArray();
        Assert.Equal(samples, labels.ToArray()); // labels travel with their inputs
        Batches.Add(samples);
        return lossOfCall?.Invoke(Batches.Count) ?? 1f;
    }
}
