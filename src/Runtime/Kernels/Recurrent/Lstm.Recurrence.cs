using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TensorForge.Kernels
{
    public static unsafe partial class Lstm
    {
        /// <summary>The recurrence of a forward pass, every step of it: each step's h·W_hhᵀ with its gate math in one pass
        /// over packed weights (<see cref="RecurrentWeights"/>), a tile of rows × the four gates of one vector of hidden units
        /// in registers, started from the step's input pre-activations and bias; the finished pre-activations go back only to
        /// the rows they came from, still in L1, for the gate math.</summary>
        /// <remarks>The samples of a batch do not interact, so a tile of this job is a block of rows carried through all the
        /// steps: threads synchronise once per call, not once per step. Every element is summed over k in order from its
        /// pre-activation, whatever the rows beside it, so the bits do not depend on the number of threads.</remarks>
        private sealed class ForwardRecurrence : RowBlockJob
        {
            [ThreadStatic] private static ForwardRecurrence? t_job;

            private float* _packed, _gates, _bias, _state, _cell, _output;
            private int _steps, _hidden;
            private bool _reverse, _training;

            /// <summary>Runs the recurrence over gates (input pre-activations, step-major; with training overwritten by i, f,
            /// g, o), writing h to output ([batch, steps, hidden]) and, with training, the state and cell slots of every step.</summary>
            public static void Run(float* packed, float* gates, float* bias, float* state, float* cell, float* output,
                int batch, int steps, int hidden, int width, bool reverse, bool training)
            {
                ForwardRecurrence job = t_job ??= new ForwardRecurrence();
                job._packed = packed; job._gates = gates; job._bias = bias; job._state = state; job._cell = cell; job._output = output;
                job._steps = steps; job._hidden = hidden; job._reverse = reverse; job._training = training;
                job.Run(batch, (long)steps * GateCount * hidden * hidden, width);
                job._packed = job._gates = job._bias = job._state = job._cell = job._output = null;
            }

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            protected override void Rows<S, T>(int first, int end)
            {
                int n = _hidden, g = GateCount * n, batch = Batch, steps = _steps;
                nint bh = (nint)batch * n;
                for (int s = 0; s < steps; s++)
                {
                    int t = RecurrentSequence.Time(s, steps, _reverse);
                    var step = new Step
                    {
                        Hidden = n,
                        Depth = s == 0 ? 0 : n,
                        Bias = _bias,
                        Output = _output + (nint)t * n,
                        OutputStride = (nint)steps * n,
                        StoreGates = _training,
                    };
                    if (_training)
                    {
                        // Slot s holds the state before step s.
                        step.Previous = _state + s * bh;
                        step.PreviousStride = n;
                        step.State = _state + (s + 1) * bh;
                        step.CellPrevious = _cell + s * bh;
                        step.CellNext = _cell + (s + 1) * bh;
                    }
                    else
                    {
                        // The previous state is the output of the previous step; the cell is updated in place.
                        step.Previous = _output + (nint)RecurrentSequence.Time(Math.Max(s - 1, 0), steps, _reverse) * n;
                        step.PreviousStride = (nint)steps * n;
                        step.CellPrevious = step.CellNext = _cell;
                    }
                    step.Gates = _gates + s * (nint)batch * g;
                    for (int c = 0; c < n; c += S.Count)
                    {
                        float* panel = _packed + (nint)c * n * GateCount;
                        int b = first;
                        for (; b + 4 <= end; b += 4)
                            step.Tile<S, T, Rows4>(panel, b, c);
                        if (b + 2 <= end)
                        {
                            step.Tile<S, T, Rows2>(panel, b, c);
                            b += 2;
                        }
                        if (b < end)
                            step.Single<S, T>(panel, b, c);
                    }
                }
            }
        }

        /// <summary>The recurrence of backpropagation through time, every step of it: each step's dGates·W_hh (dL/dh through
        /// the recurrence) with the gate derivatives of the step before it in one pass, a tile of rows × up to four vectors of
        /// hidden units in registers. W_hh is read where it is: its rows are already contiguous along the hidden units.</summary>
        /// <remarks>As <see cref="ForwardRecurrence"/>, a tile is a block of rows carried through all the steps, and every
        /// element is summed over the gates in order from zero whatever the rows beside it.</remarks>
        private sealed class BackwardRecurrence : RowBlockJob
        {
            [ThreadStatic] private static BackwardRecurrence? t_job;

            private float* _weightHh, _gates, _cell, _dOutput, _dCell, _dGates, _partial;
            private int _steps, _hidden;
            private bool _reverse;

            /// <summary>dGates of every step from dh (dL/dh [batch, steps, hidden]) and the training forward's cache; dCell
            /// ([batch, hidden], zero on entry) carries dL/dc from step to step; partial ([batch, hidden]) is scratch.</summary>
            public static void Run(float* weightHh, float* gates, float* cell, float* dOutput, float* dCell, float* dGates, float* partial,
                int batch, int steps, int hidden, int width, bool reverse)
            {
                BackwardRecurrence job = t_job ??= new BackwardRecurrence();
                job._weightHh = weightHh; job._gates = gates; job._cell = cell; job._dOutput = dOutput; job._dCell = dCell; job._dGates = dGates;
                job._partial = partial;
                job._steps = steps; job._hidden = hidden; job._reverse = reverse;
                job.Run(batch, (long)steps * GateCount * hidden * hidden, width);
                job._weightHh = job._gates = job._cell = job._dOutput = job._dCell = job._dGates = job._partial = null;
            }

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            protected override void Rows<S, T>(int first, int end)
            {
                int n = _hidden, g = GateCount * n, batch = Batch, steps = _steps, w = S.Count;
                nint bh = (nint)batch * n, bg = (nint)batch * g;
                for (int s = steps - 1; s >= 0; s--)
                {
                    var step = new BackStep
                    {
                        Hidden = n,
                        Depth = s == steps - 1 ? 0 : g,
                        WeightHh = _weightHh,
                        DGatesNext = _dGates + (s + 1) * bg,
                        Gates = _gates + s * bg,
                        CellPrevious = _cell + s * bh,
                        Cell = _cell + (s + 1) * bh,
                        DOutput = _dOutput + (nint)RecurrentSequence.Time(s, steps, _reverse) * n,
                        DOutputStride = (nint)steps * n,
                        DCell = _dCell,
                        DGates = _dGates + s * bg,
                        Partial = _partial,
                    };
                    int c = 0;
                    for (; c + 4 * w <= n; c += 4 * w)
                        step.Columns<S, T, Rows4>(first, end, c);
                    for (; c < n; c += w)
                        step.Columns<S, T, Rows1>(first, end, c);
                }
            }
        }

        /// <summary>One step of the backward recurrence for R rows and V vectors of hidden units.</summary>
        private struct BackStep
        {
            public float* WeightHh, DGatesNext, Gates, CellPrevious, Cell, DOutput, DCell, DGates, Partial;
            public nint DOutputStride;
            public int Hidden, Depth;

            /// <summary>Rows [first, end) for V vectors of hidden units from c. The sum over the 4H gates runs in blocks whose
            /// part of W_hh (V vectors wide) fits in L1 while every row passes over it; between blocks each row's partial sums
            /// wait in Partial, and the FMA chain continues from them, so the blocks do not change the result.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public readonly void Columns<S, T, V>(int first, int end, int c) where S : ISimdMath<T> where T : struct where V : struct, IRowCount
            {
                int blockDepth = Math.Max(8, 8192 / (V.Count * S.Count));
                int j0 = 0;
                do
                {
                    int j1 = Math.Min(j0 + blockDepth, Depth);
                    int b = first;
                    for (; b + 4 <= end; b += 4)
                        Tile<S, T, Rows4, V>(b, c, j0, j1);
                    if (b + 2 <= end)
                    {
                        Tile<S, T, Rows2, V>(b, c, j0, j1);
                        b += 2;
                    }
                    if (b < end)
                        Tile<S, T, Rows1, V>(b, c, j0, j1);
                    j0 = j1;
                }
                while (j0 < Depth);
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private readonly void Tile<S, T, R, V>(int b, int c, int j0, int j1) where S : ISimdMath<T> where T : struct where R : struct, IRowCount where V : struct, IRowCount
            {
                int n = Hidden, w = S.Count;
                nint g = GateCount * n;
                T d00 = S.Zero, d01 = S.Zero, d02 = S.Zero, d03 = S.Zero, d10 = S.Zero, d11 = S.Zero, d12 = S.Zero, d13 = S.Zero;
                T d20 = S.Zero, d21 = S.Zero, d22 = S.Zero, d23 = S.Zero, d30 = S.Zero, d31 = S.Zero, d32 = S.Zero, d33 = S.Zero;
                float* p0 = Partial + (nint)b * n, p1 = p0 + n, p2 = p1 + n, p3 = p2 + n;
                if (j0 > 0)
                {
                    Load<S, T, V>(p0, out d00, out d01, out d02, out d03);
                    if (R.Count >= 2)
                        Load<S, T, V>(p1, out d10, out d11, out d12, out d13);
                    if (R.Count >= 4)
                    {
                        Load<S, T, V>(p2, out d20, out d21, out d22, out d23);
                        Load<S, T, V>(p3, out d30, out d31, out d32, out d33);
                    }
                }
                float* a0 = DGatesNext + b * g, a1 = a0 + g, a2 = a1 + g, a3 = a2 + g;
                float* weights = WeightHh + (nint)j0 * n + c;
                for (int j = j0; j < j1; j++)
                {
                    T w0 = S.Load(weights), w1 = default, w2 = default, w3 = default;
                    if (V.Count == 4)
                    {
                        w1 = S.Load(weights + w); w2 = S.Load(weights + 2 * w); w3 = S.Load(weights + 3 * w);
                    }
                    T x = S.Broadcast(a0[j]);
                    d00 = S.MultiplyAdd(x, w0, d00);
                    if (V.Count == 4) { d01 = S.MultiplyAdd(x, w1, d01); d02 = S.MultiplyAdd(x, w2, d02); d03 = S.MultiplyAdd(x, w3, d03); }
                    if (R.Count >= 2)
                    {
                        x = S.Broadcast(a1[j]);
                        d10 = S.MultiplyAdd(x, w0, d10);
                        if (V.Count == 4) { d11 = S.MultiplyAdd(x, w1, d11); d12 = S.MultiplyAdd(x, w2, d12); d13 = S.MultiplyAdd(x, w3, d13); }
                    }
                    if (R.Count >= 4)
                    {
                        x = S.Broadcast(a2[j]);
                        d20 = S.MultiplyAdd(x, w0, d20);
                        if (V.Count == 4) { d21 = S.MultiplyAdd(x, w1, d21); d22 = S.MultiplyAdd(x, w2, d22); d23 = S.MultiplyAdd(x, w3, d23); }
                        x = S.Broadcast(a3[j]);
                        d30 = S.MultiplyAdd(x, w0, d30);
                        if (V.Count == 4) { d31 = S.MultiplyAdd(x, w1, d31); d32 = S.MultiplyAdd(x, w2, d32); d33 = S.MultiplyAdd(x, w3, d33); }
                    }
                    weights += n;
                }

                Store<S, T, V>(p0, d00, d01, d02, d03);
                if (R.Count >= 2)
                    Store<S, T, V>(p1, d10, d11, d12, d13);
                if (R.Count >= 4)
                {
                    Store<S, T, V>(p2, d20, d21, d22, d23);
                    Store<S, T, V>(p3, d30, d31, d32, d33);
                }
                if (j1 < Depth)
                    return;
                // The gate derivatives as a loop over the vectors of the tile (unrolled, they would not keep their constants
                // in registers).
                for (int r = 0; r < R.Count; r++)
                    for (int v = 0; v < V.Count; v++)
                        Finish<S, T>(b + r, c + v * w, S.Load(Partial + (nint)(b + r) * n + v * w));
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static void Load<S, T, V>(float* p, out T d0, out T d1, out T d2, out T d3) where S : ISimdMath<T> where T : struct where V : struct, IRowCount
            {
                int w = S.Count;
                d0 = S.Load(p);
                d1 = d2 = d3 = S.Zero;
                if (V.Count == 4)
                {
                    d1 = S.Load(p + w); d2 = S.Load(p + 2 * w); d3 = S.Load(p + 3 * w);
                }
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static void Store<S, T, V>(float* p, T d0, T d1, T d2, T d3) where S : ISimdMath<T> where T : struct where V : struct, IRowCount
            {
                int w = S.Count;
                S.Store(d0, p);
                if (V.Count == 4)
                {
                    S.Store(d1, p + w); S.Store(d2, p + 2 * w); S.Store(d3, p + 3 * w);
                }
            }

            /// <summary>dL/d pre-activations of row b from dL/dh (output plus <paramref name="recurrent"/>) and dL/dc; leaves
            /// dL/dc of the step before in DCell.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private readonly void Finish<S, T>(int b, int c, T recurrent) where S : ISimdMath<T> where T : struct
            {
                int n = Hidden;
                nint row = (nint)b * n + c, gateRow = (nint)b * GateCount * n + c;
                float* gates = Gates + gateRow, dGates = DGates + gateRow;
                T one = S.Broadcast(1f);
                T i = S.Load(gates), f = S.Load(gates + n), g = S.Load(gates + 2 * n), o = S.Load(gates + 3 * n);
                T dh = S.Add(S.Load(DOutput + b * DOutputStride + c), recurrent);
                T tanhC = GateMath.Tanh<S, T>(S.Load(Cell + row));
                T dO = S.Multiply(S.Multiply(dh, tanhC), S.Multiply(o, S.Subtract(one, o)));
                T dc = S.MultiplyAdd(S.Multiply(dh, o), S.MultiplyAdd(S.Subtract(S.Zero, tanhC), tanhC, one), S.Load(DCell + row));
                T dI = S.Multiply(S.Multiply(dc, g), S.Multiply(i, S.Subtract(one, i)));
                T dF = S.Multiply(S.Multiply(dc, S.Load(CellPrevious + row)), S.Multiply(f, S.Subtract(one, f)));
                T dG = S.Multiply(S.Multiply(dc, i), S.MultiplyAdd(S.Subtract(S.Zero, g), g, one));
                S.Store(S.Multiply(dc, f), DCell + row);
                S.Store(dI, dGates);
                S.Store(dF, dGates + n);
                S.Store(dG, dGates + 2 * n);
                S.Store(dO, dGates + 3 * n);
            }
        }

        /// <summary>One step of the forward recurrence for R rows and one vector of hidden units.</summary>
        private struct Step
        {
            public float* Gates, Bias, Previous, CellPrevious, CellNext, State, Output;
            public nint PreviousStride, OutputStride;
            public int Hidden, Depth;
            public bool StoreGates;

            /// <summary>Rows b … b + R − 1, hidden units c … c + S.Count − 1.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public readonly void Tile<S, T, R>(float* panel, int b, int c) where S : ISimdMath<T> where T : struct where R : struct, IRowCount
            {
                int n = Hidden, w = S.Count;
                nint g = GateCount * n;
                float* pre = Gates + b * g + c, bias = Bias + c;
                T bi = S.Load(bias), bf = S.Load(bias + n), bg = S.Load(bias + 2 * n), bo = S.Load(bias + 3 * n);
                T i0 = S.Add(S.Load(pre), bi), f0 = S.Add(S.Load(pre + n), bf), g0 = S.Add(S.Load(pre + 2 * n), bg), o0 = S.Add(S.Load(pre + 3 * n), bo);
                T i1 = default, f1 = default, g1 = default, o1 = default, i2 = default, f2 = default, g2 = default, o2 = default;
                T i3 = default, f3 = default, g3 = default, o3 = default;
                if (R.Count >= 2)
                {
                    float* p = pre + g;
                    i1 = S.Add(S.Load(p), bi); f1 = S.Add(S.Load(p + n), bf); g1 = S.Add(S.Load(p + 2 * n), bg); o1 = S.Add(S.Load(p + 3 * n), bo);
                }
                if (R.Count >= 4)
                {
                    float* p = pre + 2 * g;
                    i2 = S.Add(S.Load(p), bi); f2 = S.Add(S.Load(p + n), bf); g2 = S.Add(S.Load(p + 2 * n), bg); o2 = S.Add(S.Load(p + 3 * n), bo);
                    p += g;
                    i3 = S.Add(S.Load(p), bi); f3 = S.Add(S.Load(p + n), bf); g3 = S.Add(S.Load(p + 2 * n), bg); o3 = S.Add(S.Load(p + 3 * n), bo);
                }

                nint stride = PreviousStride;
                float* a0 = Previous + b * stride, a1 = a0 + stride, a2 = a1 + stride, a3 = a2 + stride;
                float* weights = panel;
                for (int k = 0; k < Depth; k++)
                {
                    T wi = S.Load(weights), wf = S.Load(weights + w), wg = S.Load(weights + 2 * w), wo = S.Load(weights + 3 * w);
                    T x = S.Broadcast(a0[k]);
                    i0 = S.MultiplyAdd(x, wi, i0); f0 = S.MultiplyAdd(x, wf, f0); g0 = S.MultiplyAdd(x, wg, g0); o0 = S.MultiplyAdd(x, wo, o0);
                    if (R.Count >= 2)
                    {
                        x = S.Broadcast(a1[k]);
                        i1 = S.MultiplyAdd(x, wi, i1); f1 = S.MultiplyAdd(x, wf, f1); g1 = S.MultiplyAdd(x, wg, g1); o1 = S.MultiplyAdd(x, wo, o1);
                    }
                    if (R.Count >= 4)
                    {
                        x = S.Broadcast(a2[k]);
                        i2 = S.MultiplyAdd(x, wi, i2); f2 = S.MultiplyAdd(x, wf, f2); g2 = S.MultiplyAdd(x, wg, g2); o2 = S.MultiplyAdd(x, wo, o2);
                        x = S.Broadcast(a3[k]);
                        i3 = S.MultiplyAdd(x, wi, i3); f3 = S.MultiplyAdd(x, wf, f3); g3 = S.MultiplyAdd(x, wg, g3); o3 = S.MultiplyAdd(x, wo, o3);
                    }
                    weights += GateCount * w;
                }

                // The pre-activations go back to the rows they came from (still in L1), and the gate math runs as a loop
                // over the rows: unrolled four times it would not keep its constants in registers.
                Keep<S, T>(pre, n, i0, f0, g0, o0);
                if (R.Count >= 2)
                    Keep<S, T>(pre + g, n, i1, f1, g1, o1);
                if (R.Count >= 4)
                {
                    Keep<S, T>(pre + 2 * g, n, i2, f2, g2, o2);
                    Keep<S, T>(pre + 3 * g, n, i3, f3, g3, o3);
                }
                for (int r = 0; r < R.Count; r++)
                    Finish<S, T>(b + r, c);
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static void Keep<S, T>(float* pre, int n, T i, T f, T g, T o) where S : ISimdMath<T> where T : struct
            {
                S.Store(i, pre);
                S.Store(f, pre + n);
                S.Store(g, pre + 2 * n);
                S.Store(o, pre + 3 * n);
            }

            /// <summary>Row b alone (a batch of one, or the last row of an odd batch), hidden units c … c + S.Count − 1: four
            /// vectors of accumulators would wait on the FMA latency, so the sum over k is split into four interleaved partial
            /// sums (k mod 4), added at the end in a fixed order.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public readonly void Single<S, T>(float* panel, int b, int c) where S : ISimdMath<T> where T : struct
            {
                int n = Hidden, w = S.Count;
                float* pre = Gates + b * (nint)GateCount * n + c, bias = Bias + c;
                T i0 = S.Add(S.Load(pre), S.Load(bias)), f0 = S.Add(S.Load(pre + n), S.Load(bias + n));
                T g0 = S.Add(S.Load(pre + 2 * n), S.Load(bias + 2 * n)), o0 = S.Add(S.Load(pre + 3 * n), S.Load(bias + 3 * n));
                T i1 = S.Zero, f1 = S.Zero, g1 = S.Zero, o1 = S.Zero, i2 = S.Zero, f2 = S.Zero, g2 = S.Zero, o2 = S.Zero;
                T i3 = S.Zero, f3 = S.Zero, g3 = S.Zero, o3 = S.Zero;
                float* a = Previous + b * PreviousStride;
                float* weights = panel;
                int k = 0, step = GateCount * w;
                for (; k + 4 <= Depth; k += 4)
                {
                    T x = S.Broadcast(a[k]);
                    i0 = S.MultiplyAdd(x, S.Load(weights), i0); f0 = S.MultiplyAdd(x, S.Load(weights + w), f0);
                    g0 = S.MultiplyAdd(x, S.Load(weights + 2 * w), g0); o0 = S.MultiplyAdd(x, S.Load(weights + 3 * w), o0);
                    x = S.Broadcast(a[k + 1]);
                    i1 = S.MultiplyAdd(x, S.Load(weights + step), i1); f1 = S.MultiplyAdd(x, S.Load(weights + step + w), f1);
                    g1 = S.MultiplyAdd(x, S.Load(weights + step + 2 * w), g1); o1 = S.MultiplyAdd(x, S.Load(weights + step + 3 * w), o1);
                    x = S.Broadcast(a[k + 2]);
                    i2 = S.MultiplyAdd(x, S.Load(weights + 2 * step), i2); f2 = S.MultiplyAdd(x, S.Load(weights + 2 * step + w), f2);
                    g2 = S.MultiplyAdd(x, S.Load(weights + 2 * step + 2 * w), g2); o2 = S.MultiplyAdd(x, S.Load(weights + 2 * step + 3 * w), o2);
                    x = S.Broadcast(a[k + 3]);
                    i3 = S.MultiplyAdd(x, S.Load(weights + 3 * step), i3); f3 = S.MultiplyAdd(x, S.Load(weights + 3 * step + w), f3);
                    g3 = S.MultiplyAdd(x, S.Load(weights + 3 * step + 2 * w), g3); o3 = S.MultiplyAdd(x, S.Load(weights + 3 * step + 3 * w), o3);
                    weights += 4 * step;
                }
                for (; k < Depth; k++)
                {
                    T x = S.Broadcast(a[k]);
                    i0 = S.MultiplyAdd(x, S.Load(weights), i0); f0 = S.MultiplyAdd(x, S.Load(weights + w), f0);
                    g0 = S.MultiplyAdd(x, S.Load(weights + 2 * w), g0); o0 = S.MultiplyAdd(x, S.Load(weights + 3 * w), o0);
                    weights += step;
                }
                Keep<S, T>(pre, n, S.Add(S.Add(i0, i1), S.Add(i2, i3)), S.Add(S.Add(f0, f1), S.Add(f2, f3)),
                    S.Add(S.Add(g0, g1), S.Add(g2, g3)), S.Add(S.Add(o0, o1), S.Add(o2, o3)));
                Finish<S, T>(b, c);
            }

            /// <summary>The gates from the pre-activations of row b (kept in Gates), the new cell and hidden state.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private readonly void Finish<S, T>(int b, int c) where S : ISimdMath<T> where T : struct
            {
                int n = Hidden;
                nint row = (nint)b * n + c;
                float* pre = Gates + b * (nint)GateCount * n + c;
                T i = GateMath.Sigmoid<S, T>(S.Load(pre));
                T f = GateMath.Sigmoid<S, T>(S.Load(pre + n));
                T g = GateMath.Tanh<S, T>(S.Load(pre + 2 * n));
                T o = GateMath.Sigmoid<S, T>(S.Load(pre + 3 * n));
                T cell = S.MultiplyAdd(f, S.Load(CellPrevious + row), S.Multiply(i, g));
                T h = S.Multiply(o, GateMath.Tanh<S, T>(cell));
                S.Store(cell, CellNext + row);
                S.Store(h, Output + b * OutputStride + c);
                if (StoreGates)
                {
                    S.Store(h, State + row);
                    float* gates = Gates + b * (nint)GateCount * n + c;
                    S.Store(i, gates);
                    S.Store(f, gates + n);
                    S.Store(g, gates + 2 * n);
                    S.Store(o, gates + 3 * n);
                }
            }
        }
    }
}
