using TensorForge.Kernels;

namespace TensorForge.Runtime.Tests.Kernels.Recurrent;

/// <summary>The recurrent layers under test, called through one interface so that every test runs on each of them.</summary>
public enum CellKind { RnnTanh, RnnReLU, Lstm, Gru }

/// <summary>One recurrent layer's sizes and data: x [batch, steps, input], PyTorch's weight_ih/weight_hh/bias_ih/bias_hh.</summary>
internal sealed class RecurrentCase
{
    public required CellKind Kind { get; init; }
    public required int Batch { get; init; }
    public required int Steps { get; init; }
    public required int Input { get; init; }
    public required int Hidden { get; init; }
    public required bool Reverse { get; init; }
    public required float[] X { get; init; }
    public required float[] WeightIh { get; init; }
    public required float[] WeightHh { get; init; }
    public required float[] BiasIh { get; init; } // empty: no bias
    public required float[] BiasHh { get; init; }

    public int Gates => RecurrentReference.Gates(Kind);
    public int GateRows => Gates * Hidden;

    public static RecurrentCase Create(CellKind kind, int batch, int steps, int input, int hidden, bool reverse, bool bias, int seed)
    {
        int g = RecurrentReference.Gates(kind) * hidden;
        // PyTorch's initialisation range, U(−1/√H, 1/√H); inputs U(−1, 1).
        float k = 1f / MathF.Sqrt(hidden);
        return new RecurrentCase
        {
            Kind = kind, Batch = batch, Steps = steps, Input = input, Hidden = hidden, Reverse = reverse,
            X = KernelTestSupport.Random(batch * steps * input, seed),
            WeightIh = KernelTestSupport.Random(g * input, seed + 1, -k, k),
            WeightHh = KernelTestSupport.Random(g * hidden, seed + 2, -k, k),
            BiasIh = bias ? KernelTestSupport.Random(g, seed + 3, -k, k) : [],
            BiasHh = bias ? KernelTestSupport.Random(g, seed + 4, -k, k) : [],
        };
    }

    public override string ToString() => $"{Kind} batch {Batch} steps {Steps} in {Input} hidden {Hidden}{(Reverse ? " reverse" : "")}{(BiasIh.Length == 0 ? " no bias" : "")}";
}

/// <summary>The layers under test as one API.</summary>
internal static class RecurrentKernels
{
    public static int WorkspaceSize(CellKind kind, int batch, int steps, int input, int hidden, bool training) => kind switch
    {
        CellKind.Lstm => Lstm.WorkspaceSize(batch, steps, input, hidden, training),
        CellKind.Gru => Gru.WorkspaceSize(batch, steps, input, hidden, training),
        _ => Rnn.WorkspaceSize(batch, steps, input, hidden, training),
    };

    public static void Forward(CellKind kind, ReadOnlySpan<float> x, ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh,
        ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, Span<float> h, Span<float> workspace,
        int batch, int steps, int input, int hidden, bool reverse, bool training)
    {
        switch (kind)
        {
            case CellKind.Lstm:
                Lstm.Forward(x, weightIh, weightHh, biasIh, biasHh, h, workspace, batch, steps, input, hidden, reverse, training);
                break;
            case CellKind.Gru:
                Gru.Forward(x, weightIh, weightHh, biasIh, biasHh, h, workspace, batch, steps, input, hidden, reverse, training);
                break;
            default:
                Rnn.Forward(x, weightIh, weightHh, biasIh, biasHh, h, workspace, batch, steps, input, hidden, Nonlinearity(kind), reverse, training);
                break;
        }
    }

    public static void Backward(CellKind kind, ReadOnlySpan<float> dh, ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh,
        Span<float> dx, Span<float> weightIhGradient, Span<float> weightHhGradient, Span<float> biasIhGradient, Span<float> biasHhGradient,
        Span<float> workspace, int batch, int steps, int input, int hidden, bool reverse, bool accumulate, bool accumulateInputGradient)
    {
        switch (kind)
        {
            case CellKind.Lstm:
                Lstm.Backward(dh, weightIh, weightHh, dx, weightIhGradient, weightHhGradient, biasIhGradient, biasHhGradient, workspace,
                    batch, steps, input, hidden, reverse, accumulate, accumulateInputGradient);
                break;
            case CellKind.Gru:
                Gru.Backward(dh, weightIh, weightHh, dx, weightIhGradient, weightHhGradient, biasIhGradient, biasHhGradient, workspace,
                    batch, steps, input, hidden, reverse, accumulate, accumulateInputGradient);
                break;
            default:
                Rnn.Backward(dh, weightIh, weightHh, dx, weightIhGradient, weightHhGradient, biasIhGradient, biasHhGradient, workspace,
                    batch, steps, input, hidden, Nonlinearity(kind), reverse, accumulate, accumulateInputGradient);
                break;
        }
    }

    private static RnnNonlinearity Nonlinearity(CellKind kind) => kind == CellKind.RnnReLU ? RnnNonlinearity.ReLU : RnnNonlinearity.Tanh;
}

/// <summary>PyTorch's documented equations (nn.RNN, nn.LSTM, nn.GRU), one sample and one step at a time, in double.</summary>
internal static class RecurrentReference
{
    public static int Gates(CellKind kind) => kind switch { CellKind.Lstm => 4, CellKind.Gru => 3, _ => 1 };

    /// <summary>h [batch, steps, hidden] for x [batch, steps, input]; empty biases are zeros.</summary>
    public static double[] Forward(CellKind kind, double[] x, double[] weightIh, double[] weightHh, double[] biasIh, double[] biasHh,
        int batch, int steps, int input, int hidden, bool reverse)
    {
        int g = Gates(kind) * hidden;
        var output = new double[batch * steps * hidden];
        var gi = new double[g];
        var gh = new double[g];
        for (int b = 0; b < batch; b++)
        {
            var h = new double[hidden];
            var c = new double[hidden];
            for (int s = 0; s < steps; s++)
            {
                int t = reverse ? steps - 1 - s : s;
                for (int r = 0; r < g; r++)
                {
                    double sum = biasIh.Length > 0 ? biasIh[r] : 0;
                    for (int i = 0; i < input; i++)
                        sum += weightIh[r * input + i] * x[(b * steps + t) * input + i];
                    gi[r] = sum;
                    sum = biasHh.Length > 0 ? biasHh[r] : 0;
                    for (int i = 0; i < hidden; i++)
                        sum += weightHh[r * hidden + i] * h[i];
                    gh[r] = sum;
                }
                var next = new double[hidden];
                for (int j = 0; j < hidden; j++)
                {
                    switch (kind)
                    {
                        case CellKind.RnnTanh:
                            next[j] = Math.Tanh(gi[j] + gh[j]);
                            break;
                        case CellKind.RnnReLU:
                            next[j] = Math.Max(gi[j] + gh[j], 0);
                            break;
                        case CellKind.Lstm:
                            double ig = Sigmoid(gi[j] + gh[j]), fg = Sigmoid(gi[hidden + j] + gh[hidden + j]);
                            double gg = Math.Tanh(gi[2 * hidden + j] + gh[2 * hidden + j]), og = Sigmoid(gi[3 * hidden + j] + gh[3 * hidden + j]);
                            c[j] = fg * c[j] + ig * gg;
                            next[j] = og * Math.Tanh(c[j]);
                            break;
                        case CellKind.Gru:
                            double rg = Sigmoid(gi[j] + gh[j]), zg = Sigmoid(gi[hidden + j] + gh[hidden + j]);
                            double ng = Math.Tanh(gi[2 * hidden + j] + rg * gh[2 * hidden + j]);
                            next[j] = (1 - zg) * ng + zg * h[j];
                            break;
                    }
                }
                h = next;
                Array.Copy(h, 0, output, (b * steps + t) * hidden, hidden);
            }
        }
        return output;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    public static double[] ToDouble(float[] values) => Array.ConvertAll(values, v => (double)v);
}
