using System;
using System.Runtime.CompilerServices;

namespace TensorForge.Kernels
{
    /// <summary>The nonlinearity of an Elman RNN (<c>nn.RNN</c>'s <c>nonlinearity</c>).</summary>
    public enum RnnNonlinearity
    {
        /// <summary>h' = tanh(…), PyTorch's default.</summary>
        Tanh,
        /// <summary>h' = max(…, 0).</summary>
        ReLU,
    }

    /// <summary>One layer, one direction of <c>nn.RNN</c> (batch_first) over a whole sequence, and its backpropagation
    /// through time: h' = act(W_ih x + b_ih + W_hh h + b_hh) with act tanh or ReLU, weight_ih [H, in], weight_hh [H, H],
    /// bias_ih [H], bias_hh [H], and a zero initial state.</summary>
    /// <remarks>Shapes, directions, workspace and checks as in <see cref="Lstm"/>: x [batch, steps, inputSize], h [batch,
    /// steps, hiddenSize]; a training forward caches the states for <see cref="Backward"/>, which may run more than once.</remarks>
    public static unsafe class Rnn
    {
        private const string SizeMethod = "Rnn.WorkspaceSize", TrainingSizeMethod = SizeMethod + "(…, training: true)";

        /// <summary>Floats of workspace <see cref="Forward"/> and <see cref="Backward"/> need, with or without the training
        /// cache and the backward pass's scratch.</summary>
        public static int WorkspaceSize(int batch, int steps, int inputSize, int hiddenSize, bool training)
        {
            RecurrentSequence.CheckSizes(batch, steps, inputSize, hiddenSize);
            return WorkspaceLayout.ToLength(new Layout(batch, steps, inputSize, hiddenSize, training).Total, "RNN");
        }

        /// <summary>h = RNN(x) over the whole sequence; with <paramref name="training"/> also caches in the workspace what
        /// <see cref="Backward"/> needs.</summary>
        /// <param name="x">Input [batch, steps, inputSize].</param>
        /// <param name="weightIh">weight_ih [hiddenSize, inputSize].</param>
        /// <param name="weightHh">weight_hh [hiddenSize, hiddenSize].</param>
        /// <param name="biasIh">bias_ih [hiddenSize], or empty for none.</param>
        /// <param name="biasHh">bias_hh [hiddenSize], or empty for none.</param>
        /// <param name="h">Output: the hidden state after every time step [batch, steps, hiddenSize].</param>
        /// <param name="workspace">At least <see cref="WorkspaceSize"/>(…, training) floats.</param>
        /// <param name="batch">Samples.</param>
        /// <param name="steps">Time steps T.</param>
        /// <param name="inputSize">Features of x per step.</param>
        /// <param name="hiddenSize">H.</param>
        /// <param name="nonlinearity">tanh or ReLU.</param>
        /// <param name="reverse">Run the recurrence from time T − 1 down to 0.</param>
        /// <param name="training">Cache the states for <see cref="Backward"/>.</param>
        public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh,
            ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, Span<float> h, Span<float> workspace,
            int batch, int steps, int inputSize, int hiddenSize, RnnNonlinearity nonlinearity, bool reverse, bool training)
        {
            CheckNonlinearity(nonlinearity);
            RecurrentSequence.CheckSizes(batch, steps, inputSize, hiddenSize);
            var layout = new Layout(batch, steps, inputSize, hiddenSize, training);
            RecurrentSequence.CheckForward(x, weightIh, weightHh, biasIh, biasHh, h, workspace, layout.Total, SizeMethod,
                1, batch, steps, inputSize, hiddenSize);
            if (batch == 0 || steps == 0 || hiddenSize == 0)
                return;

            int bh = batch * hiddenSize, sb = steps * batch;
            Span<float> pre = workspace.Slice(layout.Pre, sb * hiddenSize);
            Span<float> xs = workspace.Slice(layout.X, sb * inputSize);
            RecurrentSequence.CombineBiases(biasIh, biasHh, workspace.Slice(layout.Bias, hiddenSize), hiddenSize);
            RecurrentSequence.ToStepMajor(x, xs, batch, steps, inputSize, reverse);
            Gemm.MultiplyTransposedB(xs, weightIh, pre, sb, inputSize, hiddenSize);

            fixed (float* w = workspace, output = h)
            {
                var cell = new ForwardCell
                {
                    Bias = w + layout.Bias,
                    Hidden = hiddenSize,
                    OutputStride = (nint)steps * hiddenSize,
                    ReLU = nonlinearity == RnnNonlinearity.ReLU,
                };
                for (int s = 0; s < steps; s++)
                {
                    int previous = training ? s : 0, next = training ? s + 1 : 0;
                    if (s > 0)
                        Gemm.MultiplyTransposedB(workspace.Slice(layout.State + previous * bh, bh), weightHh, pre.Slice(s * bh, bh),
                            batch, hiddenSize, hiddenSize, accumulate: true);
                    cell.Pre = w + layout.Pre + (nint)s * bh;
                    cell.State = w + layout.State + (nint)next * bh;
                    cell.Output = output + (nint)RecurrentSequence.Time(s, steps, reverse) * hiddenSize;
                    ColumnKernel.Rows(ref cell, batch, hiddenSize);
                }
            }
        }

        /// <summary>Backpropagation through time after a training <see cref="Forward"/> with the same sizes, weights,
        /// nonlinearity, <paramref name="reverse"/> and workspace: from dL/dh at every time step, dL/dx and the parameter
        /// gradients.</summary>
        /// <param name="dh">dL/dh [batch, steps, hiddenSize]; zeros at the steps whose output is not used.</param>
        /// <param name="weightIh">weight_ih [hiddenSize, inputSize], as given to Forward.</param>
        /// <param name="weightHh">weight_hh [hiddenSize, hiddenSize], as given to Forward.</param>
        /// <param name="dx">dL/dx [batch, steps, inputSize], or empty when not wanted.</param>
        /// <param name="weightIhGradient">dL/dweight_ih [hiddenSize, inputSize].</param>
        /// <param name="weightHhGradient">dL/dweight_hh [hiddenSize, hiddenSize].</param>
        /// <param name="biasIhGradient">dL/dbias_ih [hiddenSize], or empty when the layer has no bias.</param>
        /// <param name="biasHhGradient">dL/dbias_hh [hiddenSize], or empty when the layer has no bias.</param>
        /// <param name="workspace">The workspace of the training forward (read, and its scratch part overwritten).</param>
        /// <param name="batch">Samples.</param>
        /// <param name="steps">Time steps T.</param>
        /// <param name="inputSize">Features of x per step.</param>
        /// <param name="hiddenSize">H.</param>
        /// <param name="nonlinearity">As given to Forward.</param>
        /// <param name="reverse">As given to Forward.</param>
        /// <param name="accumulate">Add to the four parameter gradients instead of overwriting them.</param>
        /// <param name="accumulateInputGradient">Add to dx instead of overwriting it.</param>
        public static void Backward(ReadOnlySpan<float> dh, ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh,
            Span<float> dx, Span<float> weightIhGradient, Span<float> weightHhGradient, Span<float> biasIhGradient, Span<float> biasHhGradient,
            Span<float> workspace, int batch, int steps, int inputSize, int hiddenSize, RnnNonlinearity nonlinearity, bool reverse,
            bool accumulate, bool accumulateInputGradient)
        {
            CheckNonlinearity(nonlinearity);
            RecurrentSequence.CheckSizes(batch, steps, inputSize, hiddenSize);
            var layout = new Layout(batch, steps, inputSize, hiddenSize, training: true);
            RecurrentSequence.CheckBackward(dh, weightIh, weightHh, dx, weightIhGradient, weightHhGradient, biasIhGradient, biasHhGradient,
                workspace, layout.Total, TrainingSizeMethod, 1, batch, steps, inputSize, hiddenSize);
            if (RecurrentSequence.HandleEmptyBackward(dx, weightIhGradient, weightHhGradient, biasIhGradient, biasHhGradient,
                1, batch, steps, inputSize, hiddenSize, accumulate, accumulateInputGradient))
                return;

            int bh = batch * hiddenSize, sb = steps * batch;
            // The pre-activations are not needed after the forward pass; their gradients take their place.
            Span<float> dPre = workspace.Slice(layout.Pre, sb * hiddenSize);
            Span<float> dHidden = workspace.Slice(layout.DHidden, bh);
            dHidden.Clear();
            workspace.Slice(layout.BiasSum, hiddenSize).Clear();

            fixed (float* w = workspace, dOutput = dh)
            {
                var cell = new BackwardCell
                {
                    Hidden = hiddenSize,
                    DOutputStride = (nint)steps * hiddenSize,
                    DHidden = w + layout.DHidden,
                    BiasSum = w + layout.BiasSum,
                    ReLU = nonlinearity == RnnNonlinearity.ReLU,
                };
                for (int s = steps - 1; s >= 0; s--)
                {
                    cell.State = w + layout.State + (nint)(s + 1) * bh;
                    cell.DOutput = dOutput + (nint)RecurrentSequence.Time(s, steps, reverse) * hiddenSize;
                    cell.DPre = w + layout.Pre + (nint)s * bh;
                    ColumnKernel.Rows(ref cell, batch, hiddenSize);
                    if (s > 0)
                        Gemm.Multiply(dPre.Slice(s * bh, bh), weightHh, dHidden, batch, hiddenSize, hiddenSize);
                }
            }

            Gemm.MultiplyTransposedA(dPre, workspace.Slice(layout.X, sb * inputSize), weightIhGradient, hiddenSize, sb, inputSize, accumulate);
            Gemm.MultiplyTransposedA(dPre.Slice(bh), workspace.Slice(layout.State + bh, (steps - 1) * bh), weightHhGradient,
                hiddenSize, (steps - 1) * batch, hiddenSize, accumulate);
            ReadOnlySpan<float> biasSum = workspace.Slice(layout.BiasSum, hiddenSize);
            RecurrentSequence.FinishGradient(biasSum, biasIhGradient, accumulate);
            RecurrentSequence.FinishGradient(biasSum, biasHhGradient, accumulate);
            if (!dx.IsEmpty)
            {
                Span<float> dxs = workspace.Slice(layout.DX, sb * inputSize);
                Gemm.Multiply(dPre, weightIh, dxs, sb, hiddenSize, inputSize);
                RecurrentSequence.FromStepMajor(dxs, dx, batch, steps, inputSize, reverse, accumulateInputGradient);
            }
        }

        private static void CheckNonlinearity(RnnNonlinearity nonlinearity)
        {
            if (nonlinearity is not (RnnNonlinearity.Tanh or RnnNonlinearity.ReLU))
                throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, "The nonlinearity must be Tanh or ReLU.");
        }

        private readonly struct Layout
        {
            public readonly int Bias, X, Pre, State, DX, DHidden, BiasSum;
            public readonly long Total;

            public Layout(int batch, int steps, int inputSize, int hiddenSize, bool training)
            {
                long bh = (long)batch * hiddenSize, sb = (long)steps * batch;
                var w = new WorkspaceLayout();
                Bias = w.Take(hiddenSize);                          // bias_ih + bias_hh
                X = w.Take(sb * inputSize);                         // x, step-major
                Pre = w.Take(sb * hiddenSize);                      // pre-activations; in backward their gradients
                State = w.Take(training ? (steps + 1) * bh : bh);   // h before each step (slot 0 = 0)
                if (training)
                {
                    DX = w.Take(sb * inputSize);
                    DHidden = w.Take(bh);
                    BiasSum = w.Take(hiddenSize);
                }
                Total = w.Total;
            }
        }

        private struct ForwardCell : IColumnKernel
        {
            public float* Pre, Bias, State, Output;
            public nint OutputStride;
            public int Hidden;
            public bool ReLU;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public readonly void Run<S, T>(int row, int start, int end) where S : ISimdMath<T> where T : struct
            {
                int n = Hidden;
                float* pre = Pre + (nint)row * n, bias = Bias, state = State + (nint)row * n, output = Output + row * OutputStride;
                if (ReLU)
                {
                    for (int j = start; j < end; j += S.Count)
                    {
                        T h = S.Max(S.Add(S.Load(pre + j), S.Load(bias + j)), S.Zero);
                        S.Store(h, state + j);
                        S.Store(h, output + j);
                    }
                }
                else
                {
                    for (int j = start; j < end; j += S.Count)
                    {
                        T h = GateMath.Tanh<S, T>(S.Add(S.Load(pre + j), S.Load(bias + j)));
                        S.Store(h, state + j);
                        S.Store(h, output + j);
                    }
                }
            }
        }

        private struct BackwardCell : IColumnKernel
        {
            public float* State, DOutput, DHidden, DPre, BiasSum;
            public nint DOutputStride;
            public int Hidden;
            public bool ReLU;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public readonly void Run<S, T>(int row, int start, int end) where S : ISimdMath<T> where T : struct
            {
                int n = Hidden;
                float* state = State + (nint)row * n, dOutput = DOutput + row * DOutputStride, dHidden = DHidden + (nint)row * n;
                float* dPre = DPre + (nint)row * n, biasSum = BiasSum;
                T one = S.Broadcast(1f);
                for (int j = start; j < end; j += S.Count)
                {
                    T h = S.Load(state + j);
                    T dh = S.Add(S.Load(dOutput + j), S.Load(dHidden + j));
                    // ReLU passes the gradient where its output is positive (PyTorch's threshold_backward).
                    T d = ReLU ? S.Select(S.GreaterThan(h, S.Zero), dh, S.Zero) : S.Multiply(dh, S.MultiplyAdd(S.Subtract(S.Zero, h), h, one));
                    S.Store(d, dPre + j);
                    S.Store(S.Add(S.Load(biasSum + j), d), biasSum + j);
                }
            }
        }
    }
}
