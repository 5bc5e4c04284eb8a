using System;
using System.Runtime.CompilerServices;

namespace TensorForge.Kernels
{
    /// <summary>One layer, one direction of <c>nn.GRU</c> (batch_first) over a whole sequence, and its backpropagation
    /// through time. PyTorch's equations, gate order (r, z, n) and parameter layouts:
    /// <code>
    /// r = σ(W_ir x + b_ir + W_hr h + b_hr)           weight_ih [3H, in] = [W_ir; W_iz; W_in]
    /// z = σ(W_iz x + b_iz + W_hz h + b_hz)           weight_hh [3H, H]  = [W_hr; W_hz; W_hn]
    /// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))  bias_ih [3H], bias_hh [3H]
    /// h' = (1 − z) ⊙ n + z ⊙ h
    /// </code>
    /// with a zero initial state.</summary>
    /// <remarks>Shapes, directions, workspace and checks as in <see cref="Lstm"/>: x [batch, steps, inputSize], h [batch,
    /// steps, hiddenSize]; a training forward caches the gates, W_hn h + b_hn and the states for <see cref="Backward"/>,
    /// which may run more than once.</remarks>
    public static unsafe class Gru
    {
        private const int GateCount = 3;
        private const string SizeMethod = "Gru.WorkspaceSize", TrainingSizeMethod = SizeMethod + "(…, training: true)";

        /// <summary>Floats of workspace <see cref="Forward"/> and <see cref="Backward"/> need, with or without the training
        /// cache and the backward pass's scratch.</summary>
        public static int WorkspaceSize(int batch, int steps, int inputSize, int hiddenSize, bool training)
        {
            RecurrentSequence.CheckSizes(batch, steps, inputSize, hiddenSize);
            return WorkspaceLayout.ToLength(new Layout(batch, steps, inputSize, hiddenSize, training).Total, "GRU");
        }

        /// <summary>h = GRU(x) over the whole sequence; with <paramref name="training"/> also caches in the workspace what
        /// <see cref="Backward"/> needs.</summary>
        /// <param name="x">Input [batch, steps, inputSize].</param>
        /// <param name="weightIh">weight_ih [3·hiddenSize, inputSize].</param>
        /// <param name="weightHh">weight_hh [3·hiddenSize, hiddenSize].</param>
        /// <param name="biasIh">bias_ih [3·hiddenSize], or empty for none.</param>
        /// <param name="biasHh">bias_hh [3·hiddenSize], or empty for none.</param>
        /// <param name="h">Output: the hidden state after every time step [batch, steps, hiddenSize].</param>
        /// <param name="workspace">At least <see cref="WorkspaceSize"/>(…, training) floats.</param>
        /// <param name="batch">Samples.</param>
        /// <param name="steps">Time steps T.</param>
        /// <param name="inputSize">Features of x per step.</param>
        /// <param name="hiddenSize">H.</param>
        /// <param name="reverse">Run the recurrence from time T − 1 down to 0.</param>
        /// <param name="training">Cache gates and states for <see cref="Backward"/>.</param>
        public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh,
            ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, Span<float> h, Span<float> workspace,
            int batch, int steps, int inputSize, int hiddenSize, bool reverse, bool training)
        {
            RecurrentSequence.CheckSizes(batch, steps, inputSize, hiddenSize);
            var layout = new Layout(batch, steps, inputSize, hiddenSize, training);
            RecurrentSequence.CheckForward(x, weightIh, weightHh, biasIh, biasHh, h, workspace, layout.Total, SizeMethod,
                GateCount, batch, steps, inputSize, hiddenSize);
            if (batch == 0 || steps == 0 || hiddenSize == 0)
                return;

            int n = hiddenSize, g = GateCount * n, bh = batch * n, bg = batch * g, sb = steps * batch;
            Span<float> gates = workspace.Slice(layout.Gates, sb * g);
            Span<float> xs = workspace.Slice(layout.X, sb * inputSize);
            Span<float> recurrent = workspace.Slice(layout.Recurrent, bg);
            // r and z add both biases up front; n keeps b_in with the input and b_hn inside r ⊙ (W_hn h + b_hn).
            Span<float> bias = workspace.Slice(layout.Bias, g), biasHn = workspace.Slice(layout.BiasHn, n);
            RecurrentSequence.CombineBiases(biasIh, biasHh, bias, 2 * n);
            RecurrentSequence.CombineBiases(biasIh.IsEmpty ? default : biasIh.Slice(2 * n, n), default, bias.Slice(2 * n), n);
            RecurrentSequence.CombineBiases(biasHh.IsEmpty ? default : biasHh.Slice(2 * n, n), default, biasHn, n);
            RecurrentSequence.ToStepMajor(x, xs, batch, steps, inputSize, reverse);
            Gemm.MultiplyTransposedB(xs, weightIh, gates, sb, inputSize, g);
            workspace.Slice(layout.State, bh).Clear();

            fixed (float* w = workspace, output = h)
            {
                var cell = new ForwardCell
                {
                    Bias = w + layout.Bias,
                    BiasHn = w + layout.BiasHn,
                    Recurrent = w + layout.Recurrent,
                    Hidden = n,
                    OutputStride = (nint)steps * n,
                    Training = training,
                };
                for (int s = 0; s < steps; s++)
                {
                    int previous = training ? s : 0, next = training ? s + 1 : 0;
                    if (s > 0)
                        Gemm.MultiplyTransposedB(workspace.Slice(layout.State + previous * bh, bh), weightHh, recurrent, batch, n, g);
                    else
                        recurrent.Clear();
                    cell.Gates = w + layout.Gates + (nint)s * bg;
                    cell.HiddenProjection = training ? w + layout.HiddenProjection + (nint)s * bh : null;
                    cell.StatePrevious = w + layout.State + (nint)previous * bh;
                    cell.StateNext = w + layout.State + (nint)next * bh;
                    cell.Output = output + (nint)RecurrentSequence.Time(s, steps, reverse) * n;
                    ColumnKernel.Rows(ref cell, batch, n);
                }
            }
        }

        /// <summary>Backpropagation through time after a training <see cref="Forward"/> with the same sizes, weights,
        /// <paramref name="reverse"/> and workspace: from dL/dh at every time step, dL/dx and the parameter gradients.</summary>
        /// <param name="dh">dL/dh [batch, steps, hiddenSize]; zeros at the steps whose output is not used.</param>
        /// <param name="weightIh">weight_ih [3·hiddenSize, inputSize], as given to Forward.</param>
        /// <param name="weightHh">weight_hh [3·hiddenSize, hiddenSize], as given to Forward.</param>
        /// <param name="dx">dL/dx [batch, steps, inputSize], or empty when not wanted.</param>
        /// <param name="weightIhGradient">dL/dweight_ih [3·hiddenSize, inputSize].</param>
        /// <param name="weightHhGradient">dL/dweight_hh [3·hiddenSize, hiddenSize].</param>
        /// <param name="biasIhGradient">dL/dbias_ih [3·hiddenSize], or empty when the layer has no bias.</param>
        /// <param name="biasHhGradient">dL/dbias_hh [3·hiddenSize], or empty when the layer has no bias.</param>
        /// <param name="workspace">The workspace of the training forward (read, and its scratch part overwritten).</param>
        /// <param name="batch">Samples.</param>
        /// <param name="steps">Time steps T.</param>
        /// <param name="inputSize">Features of x per step.</param>
        /// <param name="hiddenSize">H.</param>
        /// <param name="reverse">As given to Forward.</param>
        /// <param name="accumulate">Add to the four parameter gradients instead of overwriting them.</param>
        /// <param name="accumulateInputGradient">Add to dx instead of overwriting it.</param>
        public static void Backward(ReadOnlySpan<float> dh, ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh,
            Span<float> dx, Span<float> weightIhGradient, Span<float> weightHhGradient, Span<float> biasIhGradient, Span<float> biasHhGradient,
            Span<float> workspace, int batch, int steps, int inputSize, int hiddenSize, bool reverse, bool accumulate, bool accumulateInputGradient)
        {
            RecurrentSequence.CheckSizes(batch, steps, inputSize, hiddenSize);
            var layout = new Layout(batch, steps, inputSize, hiddenSize, training: true);
            RecurrentSequence.CheckBackward(dh, weightIh, weightHh, dx, weightIhGradient, weightHhGradient, biasIhGradient, biasHhGradient,
                workspace, layout.Total, TrainingSizeMethod, GateCount, batch, steps, inputSize, hiddenSize);
            if (RecurrentSequence.HandleEmptyBackward(dx, weightIhGradient, weightHhGradient, biasIhGradient, biasHhGradient,
                GateCount, batch, steps, inputSize, hiddenSize, accumulate, accumulateInputGradient))
                return;

            int n = hiddenSize, g = GateCount * n, bh = batch * n, bg = batch * g, sb = steps * batch;
            Span<float> dGatesInput = workspace.Slice(layout.DGatesInput, sb * g);
            Span<float> dGatesHidden = workspace.Slice(layout.DGatesHidden, sb * g);
            Span<float> dHidden = workspace.Slice(layout.DHidden, bh);
            dHidden.Clear();
            workspace.Slice(layout.BiasSumInput, g).Clear();
            workspace.Slice(layout.BiasSumHidden, g).Clear();

            fixed (float* w = workspace, dOutput = dh)
            {
                var cell = new BackwardCell
                {
                    Hidden = n,
                    DOutputStride = (nint)steps * n,
                    DHidden = w + layout.DHidden,
                    BiasSumInput = w + layout.BiasSumInput,
                    BiasSumHidden = w + layout.BiasSumHidden,
                };
                for (int s = steps - 1; s >= 0; s--)
                {
                    cell.Gates = w + layout.Gates + (nint)s * bg;
                    cell.HiddenProjection = w + layout.HiddenProjection + (nint)s * bh;
                    cell.StatePrevious = w + layout.State + (nint)s * bh;
                    cell.DOutput = dOutput + (nint)RecurrentSequence.Time(s, steps, reverse) * n;
                    cell.DGatesInput = w + layout.DGatesInput + (nint)s * bg;
                    cell.DGatesHidden = w + layout.DGatesHidden + (nint)s * bg;
                    ColumnKernel.Rows(ref cell, batch, n);
                    // The cell left dh ⊙ z (the direct path) in dHidden; add the path through W_hh.
                    if (s > 0)
                        Gemm.Multiply(dGatesHidden.Slice(s * bg, bg), weightHh, dHidden, batch, g, n, accumulate: true);
                }
            }

            Gemm.MultiplyTransposedA(dGatesInput, workspace.Slice(layout.X, sb * inputSize), weightIhGradient, g, sb, inputSize, accumulate);
            Gemm.MultiplyTransposedA(dGatesHidden.Slice(bg), workspace.Slice(layout.State + bh, (steps - 1) * bh), weightHhGradient,
                g, (steps - 1) * batch, n, accumulate);
            RecurrentSequence.FinishGradient(workspace.Slice(layout.BiasSumInput, g), biasIhGradient, accumulate);
            RecurrentSequence.FinishGradient(workspace.Slice(layout.BiasSumHidden, g), biasHhGradient, accumulate);
            if (!dx.IsEmpty)
            {
                Span<float> dxs = workspace.Slice(layout.DX, sb * inputSize);
                Gemm.Multiply(dGatesInput, weightIh, dxs, sb, g, inputSize);
                RecurrentSequence.FromStepMajor(dxs, dx, batch, steps, inputSize, reverse, accumulateInputGradient);
            }
        }

        private readonly struct Layout
        {
            public readonly int Bias, BiasHn, X, Gates, Recurrent, HiddenProjection, State;
            public readonly int DGatesInput, DGatesHidden, DX, DHidden, BiasSumInput, BiasSumHidden;
            public readonly long Total;

            public Layout(int batch, int steps, int inputSize, int hiddenSize, bool training)
            {
                long bh = (long)batch * hiddenSize, sb = (long)steps * batch, g = (long)GateCount * hiddenSize;
                var w = new WorkspaceLayout();
                Bias = w.Take(g);                                   // b_ir + b_hr, b_iz + b_hz, b_in
                BiasHn = w.Take(hiddenSize);                        // b_hn
                X = w.Take(sb * inputSize);                         // x, step-major
                Gates = w.Take(sb * g);                             // input projections, then (training) r, z, n
                Recurrent = w.Take(batch * g);                      // h · W_hhᵀ of the current step
                HiddenProjection = w.Take(training ? sb * hiddenSize : 0); // W_hn h + b_hn
                State = w.Take(training ? (steps + 1) * bh : bh);   // h before each step (slot 0 = 0)
                if (training)
                {
                    DGatesInput = w.Take(sb * g);                   // dL/d(input-side pre-activations of r, z, n)
                    DGatesHidden = w.Take(sb * g);                  // dL/d(h · W_hhᵀ + b_hh)
                    DX = w.Take(sb * inputSize);
                    DHidden = w.Take(bh);
                    BiasSumInput = w.Take(g);
                    BiasSumHidden = w.Take(g);
                }
                Total = w.Total;
            }
        }

        private struct ForwardCell : IColumnKernel
        {
            public float* Gates, Bias, BiasHn, Recurrent, HiddenProjection, StatePrevious, StateNext, Output;
            public nint OutputStride;
            public int Hidden;
            public bool Training;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public readonly void Run<S, T>(int row, int start, int end) where S : ISimdMath<T> where T : struct
            {
                int n = Hidden;
                float* gates = Gates + (nint)row * GateCount * n, recurrent = Recurrent + (nint)row * GateCount * n;
                float* bias = Bias, biasHn = BiasHn;
                float* statePrevious = StatePrevious + (nint)row * n, stateNext = StateNext + (nint)row * n;
                float* output = Output + row * OutputStride;
                float* hiddenProjection = HiddenProjection + (nint)row * n;
                bool training = Training;
                for (int j = start; j < end; j += S.Count)
                {
                    T r = GateMath.Sigmoid<S, T>(S.Add(S.Add(S.Load(gates + j), S.Load(recurrent + j)), S.Load(bias + j)));
                    T z = GateMath.Sigmoid<S, T>(S.Add(S.Add(S.Load(gates + n + j), S.Load(recurrent + n + j)), S.Load(bias + n + j)));
                    T hn = S.Add(S.Load(recurrent + 2 * n + j), S.Load(biasHn + j));
                    T c = GateMath.Tanh<S, T>(S.MultiplyAdd(r, hn, S.Add(S.Load(gates + 2 * n + j), S.Load(bias + 2 * n + j))));
                    T h = S.MultiplyAdd(z, S.Subtract(S.Load(statePrevious + j), c), c);
                    S.Store(h, stateNext + j);
                    S.Store(h, output + j);
                    if (training)
                    {
                        S.Store(r, gates + j);
                        S.Store(z, gates + n + j);
                        S.Store(c, gates + 2 * n + j);
                        S.Store(hn, hiddenProjection + j);
                    }
                }
            }
        }

        private struct BackwardCell : IColumnKernel
        {
            public float* Gates, HiddenProjection, StatePrevious, DOutput, DHidden, DGatesInput, DGatesHidden, BiasSumInput, BiasSumHidden;
            public nint DOutputStride;
            public int Hidden;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public readonly void Run<S, T>(int row, int start, int end) where S : ISimdMath<T> where T : struct
            {
                int n = Hidden;
                nint gateRow = (nint)row * GateCount * n;
                float* gates = Gates + gateRow, dInput = DGatesInput + gateRow, dHiddenGates = DGatesHidden + gateRow;
                float* hiddenProjection = HiddenProjection + (nint)row * n, statePrevious = StatePrevious + (nint)row * n;
                float* dOutput = DOutput + row * DOutputStride, dHidden = DHidden + (nint)row * n;
                float* sumInput = BiasSumInput, sumHidden = BiasSumHidden;
                T one = S.Broadcast(1f);
                for (int j = start; j < end; j += S.Count)
                {
                    T r = S.Load(gates + j), z = S.Load(gates + n + j), c = S.Load(gates + 2 * n + j);
                    T dh = S.Add(S.Load(dOutput + j), S.Load(dHidden + j));
                    // h' = n + z ⊙ (h − n)
                    T dN = S.Multiply(S.Multiply(dh, S.Subtract(one, z)), S.MultiplyAdd(S.Subtract(S.Zero, c), c, one));
                    T dZ = S.Multiply(S.Multiply(dh, S.Subtract(S.Load(statePrevious + j), c)), S.Multiply(z, S.Subtract(one, z)));
                    T dR = S.Multiply(S.Multiply(dN, S.Load(hiddenProjection + j)), S.Multiply(r, S.Subtract(one, r)));
                    T dHn = S.Multiply(dN, r);
                    S.Store(S.Multiply(dh, z), dHidden + j);
                    S.Store(dR, dInput + j);
                    S.Store(dZ, dInput + n + j);
                    S.Store(dN, dInput + 2 * n + j);
                    S.Store(dR, dHiddenGates + j);
                    S.Store(dZ, dHiddenGates + n + j);
                    S.Store(dHn, dHiddenGates + 2 * n + j);
                    S.Store(S.Add(S.Load(sumInput + j), dR), sumInput + j);
                    S.Store(S.Add(S.Load(sumInput + n + j), dZ), sumInput + n + j);
                    S.Store(S.Add(S.Load(sumInput + 2 * n + j), dN), sumInput + 2 * n + j);
                    S.Store(S.Add(S.Load(sumHidden + j), dR), sumHidden + j);
                    S.Store(S.Add(S.Load(sumHidden + n + j), dZ), sumHidden + n + j);
                    S.Store(S.Add(S.Load(sumHidden + 2 * n + j), dHn), sumHidden + 2 * n + j);
                }
            }
        }
    }
}
