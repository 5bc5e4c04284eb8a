using System;
using System.Runtime.CompilerServices;

namespace TensorForge.Kernels
{
    /// <summary>One layer, one direction of <c>nn.LSTM</c> (batch_first) over a whole sequence, and its backpropagation
    /// through time. PyTorch's equations, gate order (i, f, g, o) and parameter layouts:
    /// <code>
    /// i = σ(W_ii x + b_ii + W_hi h + b_hi)     weight_ih [4H, in]  = [W_ii; W_if; W_ig; W_io]
    /// f = σ(W_if x + b_if + W_hf h + b_hf)     weight_hh [4H, H]   = [W_hi; W_hf; W_hg; W_ho]
    /// g = tanh(W_ig x + b_ig + W_hg h + b_hg)  bias_ih [4H], bias_hh [4H]
    /// o = σ(W_io x + b_io + W_ho h + b_ho)
    /// c' = f ⊙ c + i ⊙ g,   h' = o ⊙ tanh(c')
    /// </code>
    /// with zero initial h and c.</summary>
    /// <remarks>
    /// <para>x is [batch, steps, inputSize] and h [batch, steps, hiddenSize], row-major. With <c>reverse</c> the recurrence
    /// runs from the last time step to the first (the reverse direction of a bidirectional layer); h[b, t] is still the
    /// state at time t. The input projection of all steps is one GEMM, the recurrent one a GEMM per step; the gate math is
    /// fused into one pass per step. Nothing is allocated; results do not depend on <see cref="Gemm.MaxThreads"/>.</para>
    /// <para>The workspace (<see cref="WorkspaceSize"/> floats) holds everything between the calls: a training forward
    /// caches the gates and states there for <see cref="Backward"/>, which leaves that cache as it found it (it may run
    /// more than once per forward). Spans may be longer than the sizes need; a shorter one throws
    /// <see cref="ArgumentException"/> naming the sizes before anything is written.</para>
    /// </remarks>
    public static unsafe class Lstm
    {
        private const int GateCount = 4;
        private const string SizeMethod = "Lstm.WorkspaceSize", TrainingSizeMethod = SizeMethod + "(…, training: true)";

        /// <summary>Floats of workspace <see cref="Forward"/> and <see cref="Backward"/> need: with <paramref name="training"/>
        /// the cache and the backward pass's scratch (about steps·batch·(8·hiddenSize + 2·inputSize)), without it only
        /// what an inference forward needs (about steps·batch·(4·hiddenSize + inputSize)).</summary>
        public static int WorkspaceSize(int batch, int steps, int inputSize, int hiddenSize, bool training)
        {
            RecurrentSequence.CheckSizes(batch, steps, inputSize, hiddenSize);
            return WorkspaceLayout.ToLength(new Layout(batch, steps, inputSize, hiddenSize, training).Total, "LSTM");
        }

        /// <summary>h = LSTM(x) over the whole sequence; with <paramref name="training"/> also caches in the workspace what
        /// <see cref="Backward"/> needs.</summary>
        /// <param name="x">Input [batch, steps, inputSize].</param>
        /// <param name="weightIh">weight_ih [4·hiddenSize, inputSize].</param>
        /// <param name="weightHh">weight_hh [4·hiddenSize, hiddenSize].</param>
        /// <param name="biasIh">bias_ih [4·hiddenSize], or empty for none.</param>
        /// <param name="biasHh">bias_hh [4·hiddenSize], or empty for none.</param>
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

            int g = GateCount * hiddenSize, bh = batch * hiddenSize, bg = batch * g, sb = steps * batch;
            Span<float> gates = workspace.Slice(layout.Gates, sb * g);
            Span<float> xs = workspace.Slice(layout.X, sb * inputSize);
            RecurrentSequence.CombineBiases(biasIh, biasHh, workspace.Slice(layout.Bias, g), g);
            RecurrentSequence.ToStepMajor(x, xs, batch, steps, inputSize, reverse);
            Gemm.MultiplyTransposedB(xs, weightIh, gates, sb, inputSize, g);
            workspace.Slice(layout.Cell, bh).Clear();

            fixed (float* w = workspace, output = h)
            {
                var cell = new ForwardCell
                {
                    Bias = w + layout.Bias,
                    Hidden = hiddenSize,
                    OutputStride = (nint)steps * hiddenSize,
                    StoreGates = training,
                };
                for (int s = 0; s < steps; s++)
                {
                    // Training keeps every state (slot s holds the state before step s); inference updates one slot in place.
                    int previous = training ? s : 0, next = training ? s + 1 : 0;
                    if (s > 0)
                        Gemm.MultiplyTransposedB(workspace.Slice(layout.State + previous * bh, bh), weightHh, gates.Slice(s * bg, bg),
                            batch, hiddenSize, g, accumulate: true);
                    cell.Gates = w + layout.Gates + (nint)s * bg;
                    cell.CellPrevious = w + layout.Cell + (nint)previous * bh;
                    cell.CellNext = w + layout.Cell + (nint)next * bh;
                    cell.State = w + layout.State + (nint)next * bh;
                    cell.Output = output + (nint)RecurrentSequence.Time(s, steps, reverse) * hiddenSize;
                    ColumnKernel.Rows(ref cell, batch, hiddenSize);
                }
            }
        }

        /// <summary>Backpropagation through time after a training <see cref="Forward"/> with the same sizes, weights,
        /// <paramref name="reverse"/> and workspace: from dL/dh at every time step, dL/dx and the parameter gradients.</summary>
        /// <param name="dh">dL/dh [batch, steps, hiddenSize]; zeros at the steps whose output is not used.</param>
        /// <param name="weightIh">weight_ih [4·hiddenSize, inputSize], as given to Forward.</param>
        /// <param name="weightHh">weight_hh [4·hiddenSize, hiddenSize], as given to Forward.</param>
        /// <param name="dx">dL/dx [batch, steps, inputSize], or empty when not wanted.</param>
        /// <param name="weightIhGradient">dL/dweight_ih [4·hiddenSize, inputSize].</param>
        /// <param name="weightHhGradient">dL/dweight_hh [4·hiddenSize, hiddenSize].</param>
        /// <param name="biasIhGradient">dL/dbias_ih [4·hiddenSize], or empty when the layer has no bias.</param>
        /// <param name="biasHhGradient">dL/dbias_hh [4·hiddenSize], or empty when the layer has no bias.</param>
        /// <param name="workspace">The workspace of the training forward (read, and its scratch part overwritten).</param>
        /// <param name="batch">Samples.</param>
        /// <param name="steps">Time steps T.</param>
        /// <param name="inputSize">Features of x per step.</param>
        /// <param name="hiddenSize">H.</param>
        /// <param name="reverse">As given to Forward.</param>
        /// <param name="accumulate">Add to the four parameter gradients instead of overwriting them.</param>
        /// <param name="accumulateInputGradient">Add to dx instead of overwriting it (the two directions of a bidirectional
        /// layer read the same x).</param>
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

            int g = GateCount * hiddenSize, bh = batch * hiddenSize, bg = batch * g, sb = steps * batch;
            Span<float> dGates = workspace.Slice(layout.DGates, sb * g);
            Span<float> dHidden = workspace.Slice(layout.DHidden, bh);
            dHidden.Clear();
            workspace.Slice(layout.DCell, bh).Clear();
            workspace.Slice(layout.BiasSum, g).Clear();

            fixed (float* w = workspace, dOutput = dh)
            {
                var cell = new BackwardCell
                {
                    Hidden = hiddenSize,
                    DOutputStride = (nint)steps * hiddenSize,
                    DHidden = w + layout.DHidden,
                    DCell = w + layout.DCell,
                    BiasSum = w + layout.BiasSum,
                };
                for (int s = steps - 1; s >= 0; s--)
                {
                    cell.Gates = w + layout.Gates + (nint)s * bg;
                    cell.CellPrevious = w + layout.Cell + (nint)s * bh;
                    cell.Cell = w + layout.Cell + (nint)(s + 1) * bh;
                    cell.DOutput = dOutput + (nint)RecurrentSequence.Time(s, steps, reverse) * hiddenSize;
                    cell.DGates = w + layout.DGates + (nint)s * bg;
                    ColumnKernel.Rows(ref cell, batch, hiddenSize);
                    // dL/dh of the previous step through the recurrence (the zero initial state needs none).
                    if (s > 0)
                        Gemm.Multiply(dGates.Slice(s * bg, bg), weightHh, dHidden, batch, g, hiddenSize);
                }
            }

            // Step s read the state of slot s; slot 0 is the zero initial state, which adds nothing to dW_hh.
            Gemm.MultiplyTransposedA(dGates, workspace.Slice(layout.X, sb * inputSize), weightIhGradient, g, sb, inputSize, accumulate);
            Gemm.MultiplyTransposedA(dGates.Slice(bg), workspace.Slice(layout.State + bh, (steps - 1) * bh), weightHhGradient,
                g, (steps - 1) * batch, hiddenSize, accumulate);
            ReadOnlySpan<float> biasSum = workspace.Slice(layout.BiasSum, g);
            RecurrentSequence.FinishGradient(biasSum, biasIhGradient, accumulate);
            RecurrentSequence.FinishGradient(biasSum, biasHhGradient, accumulate);
            if (!dx.IsEmpty)
            {
                Span<float> dxs = workspace.Slice(layout.DX, sb * inputSize);
                Gemm.Multiply(dGates, weightIh, dxs, sb, g, inputSize);
                RecurrentSequence.FromStepMajor(dxs, dx, batch, steps, inputSize, reverse, accumulateInputGradient);
            }
        }

        /// <summary>Where each region of the workspace starts (step-major, see <see cref="RecurrentSequence"/>).</summary>
        private readonly struct Layout
        {
            public readonly int Bias, X, Gates, State, Cell, DGates, DX, DHidden, DCell, BiasSum;
            public readonly long Total;

            public Layout(int batch, int steps, int inputSize, int hiddenSize, bool training)
            {
                long bh = (long)batch * hiddenSize, sb = (long)steps * batch, g = (long)GateCount * hiddenSize;
                var w = new WorkspaceLayout();
                Bias = w.Take(g);                                   // bias_ih + bias_hh
                X = w.Take(sb * inputSize);                         // x, step-major
                Gates = w.Take(sb * g);                             // pre-activations, then (training) i, f, g, o
                State = w.Take(training ? (steps + 1) * bh : bh);   // h before each step (slot 0 = 0)
                Cell = w.Take(training ? (steps + 1) * bh : bh);    // c before each step (slot 0 = 0)
                if (training)
                {
                    DGates = w.Take(sb * g);                        // dL/d pre-activations
                    DX = w.Take(sb * inputSize);                    // dL/dx, step-major
                    DHidden = w.Take(bh);                           // dL/dh through the recurrence
                    DCell = w.Take(bh);                             // dL/dc through the recurrence
                    BiasSum = w.Take(g);                            // Σ dL/d pre-activations
                }
                Total = w.Total;
            }
        }

        /// <summary>One step for every sample: gates from the pre-activations, the new cell and hidden state.</summary>
        private struct ForwardCell : IColumnKernel
        {
            public float* Gates, Bias, CellPrevious, CellNext, State, Output;
            public nint OutputStride;
            public int Hidden;
            public bool StoreGates;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public readonly void Run<S, T>(int row, int start, int end) where S : ISimdMath<T> where T : struct
            {
                int n = Hidden;
                float* pre = Gates + (nint)row * GateCount * n, bias = Bias;
                float* cellPrevious = CellPrevious + (nint)row * n, cellNext = CellNext + (nint)row * n;
                float* state = State + (nint)row * n, output = Output + row * OutputStride;
                bool store = StoreGates;
                for (int j = start; j < end; j += S.Count)
                {
                    T i = GateMath.Sigmoid<S, T>(S.Add(S.Load(pre + j), S.Load(bias + j)));
                    T f = GateMath.Sigmoid<S, T>(S.Add(S.Load(pre + n + j), S.Load(bias + n + j)));
                    T g = GateMath.Tanh<S, T>(S.Add(S.Load(pre + 2 * n + j), S.Load(bias + 2 * n + j)));
                    T o = GateMath.Sigmoid<S, T>(S.Add(S.Load(pre + 3 * n + j), S.Load(bias + 3 * n + j)));
                    T c = S.MultiplyAdd(f, S.Load(cellPrevious + j), S.Multiply(i, g));
                    T h = S.Multiply(o, GateMath.Tanh<S, T>(c));
                    S.Store(c, cellNext + j);
                    S.Store(h, state + j);
                    S.Store(h, output + j);
                    if (store)
                    {
                        S.Store(i, pre + j);
                        S.Store(f, pre + n + j);
                        S.Store(g, pre + 2 * n + j);
                        S.Store(o, pre + 3 * n + j);
                    }
                }
            }
        }

        /// <summary>One step back for every sample: dL/d pre-activations from dL/dh (output plus recurrence) and dL/dc;
        /// leaves dL/dc of the previous step in DCell and adds the pre-activation gradients to BiasSum.</summary>
        private struct BackwardCell : IColumnKernel
        {
            public float* Gates, CellPrevious, Cell, DOutput, DHidden, DCell, DGates, BiasSum;
            public nint DOutputStride;
            public int Hidden;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public readonly void Run<S, T>(int row, int start, int end) where S : ISimdMath<T> where T : struct
            {
                int n = Hidden;
                float* gates = Gates + (nint)row * GateCount * n, dGates = DGates + (nint)row * GateCount * n;
                float* cellPrevious = CellPrevious + (nint)row * n, cell = Cell + (nint)row * n;
                float* dOutput = DOutput + row * DOutputStride, dHidden = DHidden + (nint)row * n, dCell = DCell + (nint)row * n;
                float* biasSum = BiasSum;
                T one = S.Broadcast(1f);
                for (int j = start; j < end; j += S.Count)
                {
                    T i = S.Load(gates + j), f = S.Load(gates + n + j), g = S.Load(gates + 2 * n + j), o = S.Load(gates + 3 * n + j);
                    T dh = S.Add(S.Load(dOutput + j), S.Load(dHidden + j));
                    T tanhC = GateMath.Tanh<S, T>(S.Load(cell + j));
                    T dO = S.Multiply(S.Multiply(dh, tanhC), S.Multiply(o, S.Subtract(one, o)));
                    T dc = S.MultiplyAdd(S.Multiply(dh, o), S.MultiplyAdd(S.Subtract(S.Zero, tanhC), tanhC, one), S.Load(dCell + j));
                    T dI = S.Multiply(S.Multiply(dc, g), S.Multiply(i, S.Subtract(one, i)));
                    T dF = S.Multiply(S.Multiply(dc, S.Load(cellPrevious + j)), S.Multiply(f, S.Subtract(one, f)));
                    T dG = S.Multiply(S.Multiply(dc, i), S.MultiplyAdd(S.Subtract(S.Zero, g), g, one));
                    S.Store(S.Multiply(dc, f), dCell + j);
                    S.Store(dI, dGates + j);
                    S.Store(dF, dGates + n + j);
                    S.Store(dG, dGates + 2 * n + j);
                    S.Store(dO, dGates + 3 * n + j);
                    S.Store(S.Add(S.Load(biasSum + j), dI), biasSum + j);
                    S.Store(S.Add(S.Load(biasSum + n + j), dF), biasSum + n + j);
                    S.Store(S.Add(S.Load(biasSum + 2 * n + j), dG), biasSum + 2 * n + j);
                    S.Store(S.Add(S.Load(biasSum + 3 * n + j), dO), biasSum + 3 * n + j);
                }
            }
        }
    }
}
