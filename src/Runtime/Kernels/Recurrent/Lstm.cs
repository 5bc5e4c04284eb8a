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
    /// state at time t. The input projection of all steps is one GEMM. The recurrence runs as one fused pass per step — the
    /// step's product with weight_hh (packed once per call) and its gate math together, and in backpropagation dL/dh through
    /// weight_hh together with the gate derivatives — on blocks of samples that threads carry through every step on their
    /// own (samples do not interact). The weight gradients of all steps are one GEMM each. Nothing is allocated; results
    /// do not depend on <see cref="Gemm.MaxThreads"/>.</para>
    /// <para>The workspace (<see cref="WorkspaceSize"/> floats) holds everything between the calls: a training forward
    /// caches the gates and states there for <see cref="Backward"/>, which leaves that cache as it found it (it may run
    /// more than once per forward). Spans may be longer than the sizes need; a shorter one throws
    /// <see cref="ArgumentException"/> naming the sizes before anything is written.</para>
    /// </remarks>
    public static unsafe partial class Lstm
    {
        private const int GateCount = 4;
        private const string SizeMethod = "Lstm.WorkspaceSize", TrainingSizeMethod = SizeMethod + "(…, training: true)";

        /// <summary>Floats of workspace <see cref="Forward"/> and <see cref="Backward"/> need: with <paramref name="training"/>
        /// the cache and the backward pass's scratch (about steps·batch·(10·hiddenSize + 2·inputSize) + 4·hiddenSize²), without
        /// it only what an inference forward needs (about steps·batch·(4·hiddenSize + inputSize) + 4·hiddenSize²).</summary>
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

            int g = GateCount * hiddenSize, bh = batch * hiddenSize, sb = steps * batch;
            Span<float> gates = workspace.Slice(layout.Gates, sb * g);
            Span<float> xs = workspace.Slice(layout.X, sb * inputSize);
            RecurrentSequence.CombineBiases(biasIh, biasHh, workspace.Slice(layout.Bias, g), g);
            RecurrentSequence.ToStepMajor(x, xs, batch, steps, inputSize, reverse);
            Gemm.MultiplyTransposedB(xs, weightIh, gates, sb, inputSize, g);
            workspace.Slice(layout.Cell, bh).Clear();

            int width = RecurrentWeights.Width(hiddenSize);
            fixed (float* w = workspace, output = h, recurrentWeights = weightHh)
            {
                RecurrentWeights.Pack(recurrentWeights, w + layout.Packed, GateCount, hiddenSize, width);
                ForwardRecurrence.Run(w + layout.Packed, w + layout.Gates, w + layout.Bias, w + layout.State, w + layout.Cell, output,
                    batch, steps, hiddenSize, width, reverse, training);
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
            workspace.Slice(layout.DCell, bh).Clear();

            fixed (float* w = workspace, dOutput = dh, recurrentWeights = weightHh)
                BackwardRecurrence.Run(recurrentWeights, w + layout.Gates, w + layout.Cell, dOutput, w + layout.DCell, w + layout.DGates, w + layout.Partial,
                    batch, steps, hiddenSize, RecurrentWeights.Width(hiddenSize), reverse);

            // The bias gradients: the sums of the pre-activation gradients over every row, in a fixed order.
            Span<float> biasSum = workspace.Slice(layout.BiasSum, g);
            dGates.Slice(0, g).CopyTo(biasSum);
            for (int r = 1; r < sb; r++)
                System.Numerics.Tensors.TensorPrimitives.Add(biasSum, dGates.Slice(r * g, g), biasSum);

            // Step s read the state of slot s; slot 0 is the zero initial state, which adds nothing to dW_hh.
            Gemm.MultiplyTransposedA(dGates, workspace.Slice(layout.X, sb * inputSize), weightIhGradient, g, sb, inputSize, accumulate);
            Gemm.MultiplyTransposedA(dGates.Slice(bg), workspace.Slice(layout.State + bh, (steps - 1) * bh), weightHhGradient,
                g, (steps - 1) * batch, hiddenSize, accumulate);
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
            public readonly int Bias, Packed, X, Gates, State, Cell, DGates, DX, DCell, Partial, BiasSum;
            public readonly long Total;

            public Layout(int batch, int steps, int inputSize, int hiddenSize, bool training)
            {
                long bh = (long)batch * hiddenSize, sb = (long)steps * batch, g = (long)GateCount * hiddenSize;
                var w = new WorkspaceLayout();
                Bias = w.Take(g);                                   // bias_ih + bias_hh
                Packed = w.Take(RecurrentWeights.Size(GateCount, hiddenSize)); // weight_hh packed for the forward recurrence
                X = w.Take(sb * inputSize);                         // x, step-major
                Gates = w.Take(sb * g);                             // pre-activations, then (training) i, f, g, o
                State = w.Take(training ? (steps + 1) * bh : 0);    // h before each step (inference reads the output)
                Cell = w.Take(training ? (steps + 1) * bh : bh);    // c before each step (slot 0 = 0)
                if (training)
                {
                    DGates = w.Take(sb * g);                        // dL/d pre-activations
                    DX = w.Take(sb * inputSize);                    // dL/dx, step-major
                    DCell = w.Take(bh);                             // dL/dc through the recurrence
                    Partial = w.Take(bh);                           // partial sums of dL/dh through the recurrence
                    BiasSum = w.Take(g);                            // Σ dL/d pre-activations
                }
                Total = w.Total;
            }
        }
    }
}
