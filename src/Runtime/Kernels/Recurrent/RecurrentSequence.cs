using System;
using System.Numerics.Tensors;

namespace TensorForge.Kernels
{
    /// <summary>What <see cref="Rnn"/>, <see cref="Lstm"/> and <see cref="Gru"/> share: argument checks, the reordering of a
    /// batch-first sequence into processing order, the combined biases and the finishing of the parameter gradients.</summary>
    /// <remarks>Inside the workspace every sequence is stored step-major in processing order: row (s, b) is sample b at
    /// step s of the recurrence, which is time s going forward and time T − 1 − s in reverse. Then the rows of one step
    /// form one dense [batch, ·] matrix for the per-step GEMMs, and the gates of all steps one dense [steps·batch, ·]
    /// matrix for the parameter-gradient GEMMs.</remarks>
    internal static class RecurrentSequence
    {
        /// <summary>The time index of processing step <paramref name="s"/>.</summary>
        public static int Time(int s, int steps, bool reverse) => reverse ? steps - 1 - s : s;

        /// <summary>xs[s, b, :] = x[b, Time(s), :] for a batch-first x [batch, steps, size].</summary>
        public static void ToStepMajor(ReadOnlySpan<float> x, Span<float> xs, int batch, int steps, int size, bool reverse)
        {
            for (int s = 0; s < steps; s++)
            {
                int t = Time(s, steps, reverse);
                for (int b = 0; b < batch; b++)
                    x.Slice((b * steps + t) * size, size).CopyTo(xs.Slice((s * batch + b) * size, size));
            }
        }

        /// <summary>x[b, Time(s), :] = xs[s, b, :] (or +=).</summary>
        public static void FromStepMajor(ReadOnlySpan<float> xs, Span<float> x, int batch, int steps, int size, bool reverse, bool accumulate)
        {
            for (int s = 0; s < steps; s++)
            {
                int t = Time(s, steps, reverse);
                for (int b = 0; b < batch; b++)
                {
                    ReadOnlySpan<float> source = xs.Slice((s * batch + b) * size, size);
                    Span<float> destination = x.Slice((b * steps + t) * size, size);
                    if (accumulate)
                        TensorPrimitives.Add(destination, source, destination);
                    else
                        source.CopyTo(destination);
                }
            }
        }

        /// <summary>destination = biasIh + biasHh over <paramref name="count"/> elements; an empty bias counts as zeros.</summary>
        public static void CombineBiases(ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, Span<float> destination, int count)
        {
            destination = destination.Slice(0, count);
            if (!biasIh.IsEmpty && !biasHh.IsEmpty)
                TensorPrimitives.Add(biasIh.Slice(0, count), biasHh.Slice(0, count), destination);
            else if (!biasIh.IsEmpty)
                biasIh.Slice(0, count).CopyTo(destination);
            else if (!biasHh.IsEmpty)
                biasHh.Slice(0, count).CopyTo(destination);
            else
                destination.Clear();
        }

        /// <summary>gradient (+)= sum, unless the gradient is not wanted (empty).</summary>
        public static void FinishGradient(ReadOnlySpan<float> sum, Span<float> gradient, bool accumulate)
        {
            if (gradient.IsEmpty)
                return;
            gradient = gradient.Slice(0, sum.Length);
            if (accumulate)
                TensorPrimitives.Add(gradient, sum, gradient);
            else
                sum.CopyTo(gradient);
        }

        /// <summary>The checks every forward pass makes; G is the number of gates.</summary>
        public static void CheckForward(ReadOnlySpan<float> x, ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh,
            ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, Span<float> h, Span<float> workspace, long workspaceNeeded,
            string sizeMethod, int gates, int batch, int steps, int inputSize, int hiddenSize)
        {
            CheckSizes(batch, steps, inputSize, hiddenSize);
            string gh = GateRowsName(gates);
            int gateRows = gates * hiddenSize;
            SequenceArguments.AtLeast(x.Length, nameof(x), batch, steps, inputSize, nameof(batch), nameof(steps), nameof(inputSize));
            SequenceArguments.AtLeast(weightIh.Length, nameof(weightIh), gateRows, inputSize, gh, nameof(inputSize));
            SequenceArguments.AtLeast(weightHh.Length, nameof(weightHh), gateRows, hiddenSize, gh, nameof(hiddenSize));
            SequenceArguments.EmptyOrAtLeast(biasIh.Length, nameof(biasIh), gateRows, gh);
            SequenceArguments.EmptyOrAtLeast(biasHh.Length, nameof(biasHh), gateRows, gh);
            SequenceArguments.AtLeast(h.Length, nameof(h), batch, steps, hiddenSize, nameof(batch), nameof(steps), nameof(hiddenSize));
            SequenceArguments.Workspace(workspace.Length, workspaceNeeded, sizeMethod);
        }

        /// <summary>The checks every backward pass makes.</summary>
        public static void CheckBackward(ReadOnlySpan<float> dh, ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh,
            Span<float> dx, Span<float> weightIhGradient, Span<float> weightHhGradient, Span<float> biasIhGradient, Span<float> biasHhGradient,
            Span<float> workspace, long workspaceNeeded, string sizeMethod, int gates, int batch, int steps, int inputSize, int hiddenSize)
        {
            CheckSizes(batch, steps, inputSize, hiddenSize);
            string gh = GateRowsName(gates);
            int gateRows = gates * hiddenSize;
            SequenceArguments.AtLeast(dh.Length, nameof(dh), batch, steps, hiddenSize, nameof(batch), nameof(steps), nameof(hiddenSize));
            SequenceArguments.AtLeast(weightIh.Length, nameof(weightIh), gateRows, inputSize, gh, nameof(inputSize));
            SequenceArguments.AtLeast(weightHh.Length, nameof(weightHh), gateRows, hiddenSize, gh, nameof(hiddenSize));
            SequenceArguments.EmptyOrAtLeast(dx.Length, nameof(dx), batch, steps, inputSize, nameof(batch), nameof(steps), nameof(inputSize));
            SequenceArguments.AtLeast(weightIhGradient.Length, nameof(weightIhGradient), gateRows, inputSize, gh, nameof(inputSize));
            SequenceArguments.AtLeast(weightHhGradient.Length, nameof(weightHhGradient), gateRows, hiddenSize, gh, nameof(hiddenSize));
            SequenceArguments.EmptyOrAtLeast(biasIhGradient.Length, nameof(biasIhGradient), gateRows, gh);
            SequenceArguments.EmptyOrAtLeast(biasHhGradient.Length, nameof(biasHhGradient), gateRows, gh);
            SequenceArguments.Workspace(workspace.Length, workspaceNeeded, sizeMethod);
        }

        /// <summary>How the messages name the rows of the weights (constants: checks run on every call and allocate nothing).</summary>
        private static string GateRowsName(int gates) => gates switch { 1 => "hiddenSize", 3 => "3·hiddenSize", _ => "4·hiddenSize" };

        public static void CheckSizes(int batch, int steps, int inputSize, int hiddenSize)
        {
            KernelArguments.NonNegative(batch, nameof(batch));
            KernelArguments.NonNegative(steps, nameof(steps));
            KernelArguments.NonNegative(inputSize, nameof(inputSize));
            KernelArguments.NonNegative(hiddenSize, nameof(hiddenSize));
        }

        /// <summary>For an empty problem (no sample, step or hidden unit) every gradient is an empty sum: overwriting clears
        /// it, accumulating leaves it. Returns true when there is nothing else to do.</summary>
        public static bool HandleEmptyBackward(Span<float> dx, Span<float> weightIhGradient, Span<float> weightHhGradient,
            Span<float> biasIhGradient, Span<float> biasHhGradient, int gates, int batch, int steps, int inputSize, int hiddenSize,
            bool accumulate, bool accumulateInputGradient)
        {
            if (batch != 0 && steps != 0 && hiddenSize != 0)
                return false;
            int gateRows = gates * hiddenSize;
            if (!dx.IsEmpty && !accumulateInputGradient)
                dx.Slice(0, batch * steps * inputSize).Clear();
            if (!accumulate)
            {
                weightIhGradient.Slice(0, gateRows * inputSize).Clear();
                weightHhGradient.Slice(0, gateRows * hiddenSize).Clear();
                if (!biasIhGradient.IsEmpty)
                    biasIhGradient.Slice(0, gateRows).Clear();
                if (!biasHhGradient.IsEmpty)
                    biasHhGradient.Slice(0, gateRows).Clear();
            }
            return true;
        }
    }

    /// <summary>A fused recurrence as a <see cref="WorkerPool"/> job: each tile is a block of rows (samples) carried through
    /// every step, in the vector width chosen for the hidden size (<see cref="RecurrentWeights.Width"/>).</summary>
    /// <remarks>One block per thread, in whole strips of four rows, or a single block when the whole recurrence is below
    /// <see cref="GemmParallel.Threshold"/> multiply-adds. The split never changes a result: rows do not interact, and a
    /// row is computed by the same strip kernel whatever the block, since blocks start at multiples of four.</remarks>
    internal abstract class RowBlockJob : ParallelJob
    {
        private int _tileRows, _width;

        /// <summary>Rows of the batch.</summary>
        protected int Batch { get; private set; }

        /// <summary>Runs the rows of <paramref name="batch"/>, <paramref name="workPerRow"/> multiply-adds each.</summary>
        protected void Run(int batch, long workPerRow, int width)
        {
            Batch = batch;
            _width = width;
            int threads = WorkerPool.PlannedThreads;
            int tiles = batch * workPerRow < GemmParallel.Threshold ? 1 : Math.Min(threads, (batch + 3) / 4);
            _tileRows = tiles <= 1 ? batch : ((batch + tiles - 1) / tiles + 3) / 4 * 4;
            WorkerPool.Run(this, (batch + _tileRows - 1) / _tileRows, threads);
        }

        public sealed override void RunTile(int index)
        {
            int first = index * _tileRows, end = Math.Min(Batch, first + _tileRows);
            switch (_width)
            {
                case 16: Rows<Vector512Math, System.Runtime.Intrinsics.Vector512<float>>(first, end); break;
                case 8: Rows<Vector256Math, System.Runtime.Intrinsics.Vector256<float>>(first, end); break;
                case 4: Rows<Vector128Math, System.Runtime.Intrinsics.Vector128<float>>(first, end); break;
                default: Rows<ScalarMath, float>(first, end); break;
            }
        }

        /// <summary>Rows [first, end) through every step.</summary>
        protected abstract void Rows<S, T>(int first, int end) where S : ISimdMath<T> where T : struct;
    }
}
