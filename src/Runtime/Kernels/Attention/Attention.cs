using System;
using System.Runtime.CompilerServices;

namespace TensorForge.Kernels
{
    /// <summary>Multi-head scaled dot-product self-attention as <c>torch.nn.functional.multi_head_attention_forward</c>
    /// computes it between the input projection and out_proj, batch-first: for every sample b and head h, with
    /// Q, K, V the head's [steps, d/heads] slices of q, k, v [batch, steps, d],
    /// <code>
    /// P = softmax(Q Kᵀ / √(d/heads) + mask)     (mask: −∞ above the diagonal when causal, so step t attends to steps ≤ t)
    /// O = (P ⊙ dropoutMask) V                    (the head's slice of output [batch, steps, d])
    /// </code>
    /// and the backward pass to dq, dk, dv.</summary>
    /// <remarks>
    /// <para>The probabilities P [batch, heads, steps, steps] are written by <see cref="Forward"/> (PyTorch's attention
    /// weights per head before dropout; masked entries are exactly 0) and read by <see cref="Backward"/>. The optional
    /// dropout mask has the same shape and holds 0 or 1/(1 − p) per entry (as <see cref="Dropout"/> draws them); empty
    /// means no dropout.</para>
    /// <para>Each head is done on the calling thread, in a fixed order, with small fused vector loops sized for short
    /// sequences (a head is tens of thousands of multiply-adds, too few for a GEMM call to pay). Nothing is allocated.
    /// Spans may be longer than the sizes need; a shorter one, or a model width that the heads do not divide, throws
    /// <see cref="ArgumentException"/> before anything is written.</para>
    /// </remarks>
    public static unsafe class Attention
    {
        /// <summary>Floats of the probabilities [batch, heads, steps, steps].</summary>
        public static int ProbabilitiesSize(int batch, int steps, int heads)
        {
            KernelArguments.NonNegative(batch, nameof(batch));
            KernelArguments.NonNegative(steps, nameof(steps));
            KernelArguments.NonNegative(heads, nameof(heads));
            return WorkspaceLayout.ToLength((long)batch * heads * steps * steps, "attention probabilities");
        }

        /// <summary>Floats of scratch <see cref="Forward"/> and <see cref="Backward"/> need (independent of the batch).</summary>
        public static int WorkspaceSize(int steps, int modelSize, int heads)
        {
            CheckSizes(0, steps, modelSize, heads);
            return WorkspaceLayout.ToLength(new Layout(steps, modelSize / heads).Total, "attention");
        }

        /// <summary>The attention output of every head, and its probabilities.</summary>
        /// <param name="q">Queries [batch, steps, modelSize] (after the input projection).</param>
        /// <param name="k">Keys [batch, steps, modelSize].</param>
        /// <param name="v">Values [batch, steps, modelSize].</param>
        /// <param name="dropoutMask">Multipliers of the probabilities [batch, heads, steps, steps], or empty for none.</param>
        /// <param name="output">The heads' outputs side by side [batch, steps, modelSize] (the input of out_proj).</param>
        /// <param name="probabilities">Receives P [batch, heads, steps, steps] (<see cref="ProbabilitiesSize"/>).</param>
        /// <param name="workspace">Scratch of <see cref="WorkspaceSize"/> floats.</param>
        /// <param name="batch">Samples.</param>
        /// <param name="steps">Sequence length T.</param>
        /// <param name="modelSize">d, the width of q, k, v and the output.</param>
        /// <param name="heads">Heads; must divide d.</param>
        /// <param name="causal">Step t attends only to steps ≤ t.</param>
        public static void Forward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> dropoutMask,
            Span<float> output, Span<float> probabilities, Span<float> workspace, int batch, int steps, int modelSize, int heads, bool causal)
        {
            CheckSizes(batch, steps, modelSize, heads);
            CheckSequence(q.Length, nameof(q), batch, steps, modelSize);
            CheckSequence(k.Length, nameof(k), batch, steps, modelSize);
            CheckSequence(v.Length, nameof(v), batch, steps, modelSize);
            CheckProbabilities(dropoutMask.Length, nameof(dropoutMask), batch, steps, heads, emptyAllowed: true);
            CheckSequence(output.Length, nameof(output), batch, steps, modelSize);
            CheckProbabilities(probabilities.Length, nameof(probabilities), batch, steps, heads, emptyAllowed: false);
            var layout = new Layout(steps, heads == 0 ? 0 : modelSize / heads);
            SequenceArguments.Workspace(workspace.Length, layout.Total, "Attention.WorkspaceSize");
            if (batch == 0 || steps == 0 || modelSize == 0)
                return;

            int dh = modelSize / heads;
            float scale = 1f / MathF.Sqrt(dh);
            fixed (float* pq = q, pk = k, pv = v, pm = dropoutMask, po = output, pp = probabilities, pw = workspace)
            {
                float* keysT = pw + layout.Transposed, dropped = pw + layout.Row;
                for (int b = 0; b < batch; b++)
                    for (int h = 0; h < heads; h++)
                    {
                        nint head = (nint)b * steps * modelSize + (nint)h * dh;
                        float* qh = pq + head, kh = pk + head, vh = pv + head, oh = po + head;
                        nint block = ((nint)b * heads + h) * steps * steps;
                        float* p = pp + block, mask = pm == null ? null : pm + block;
                        Transpose(kh, modelSize, keysT, steps, dh);
                        for (int i = 0; i < steps; i++)
                        {
                            int n = causal ? i + 1 : steps;
                            float* row = p + (nint)i * steps;
                            // Scores of query i against keys 0..n−1, then their softmax.
                            var scores = new RowCombination { A = qh + (nint)i * modelSize, AStride = 1, X = keysT, XStride = steps, Y = row, Rows = dh };
                            ColumnKernel.Rows(ref scores, 1, n);
                            Softmax(row, n, scale);
                            new Span<float>(row + n, steps - n).Clear();
                            float* weights = row;
                            if (mask != null)
                            {
                                var apply = new Product { X = row, Y = mask + (nint)i * steps, Z = dropped };
                                ColumnKernel.Rows(ref apply, 1, n);
                                weights = dropped;
                            }
                            var combine = new RowCombination { A = weights, AStride = 1, X = vh, XStride = modelSize, Y = oh + (nint)i * modelSize, Rows = n };
                            ColumnKernel.Rows(ref combine, 1, dh);
                        }
                    }
            }
        }

        /// <summary>dq, dk and dv (overwritten) from dL/doutput, after a <see cref="Forward"/> with the same q, k, v, dropout
        /// mask and sizes, whose probabilities it reads.</summary>
        /// <param name="q">Queries [batch, steps, modelSize], as given to Forward.</param>
        /// <param name="k">Keys, as given to Forward.</param>
        /// <param name="v">Values, as given to Forward.</param>
        /// <param name="probabilities">P from Forward [batch, heads, steps, steps].</param>
        /// <param name="dropoutMask">As given to Forward (empty for none).</param>
        /// <param name="outputGradient">dL/doutput [batch, steps, modelSize].</param>
        /// <param name="dq">dL/dq [batch, steps, modelSize].</param>
        /// <param name="dk">dL/dk [batch, steps, modelSize].</param>
        /// <param name="dv">dL/dv [batch, steps, modelSize].</param>
        /// <param name="workspace">Scratch of <see cref="WorkspaceSize"/> floats.</param>
        /// <param name="batch">Samples.</param>
        /// <param name="steps">Sequence length T.</param>
        /// <param name="modelSize">d.</param>
        /// <param name="heads">Heads; must divide d.</param>
        /// <param name="causal">As given to Forward.</param>
        public static void Backward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> probabilities,
            ReadOnlySpan<float> dropoutMask, ReadOnlySpan<float> outputGradient, Span<float> dq, Span<float> dk, Span<float> dv,
            Span<float> workspace, int batch, int steps, int modelSize, int heads, bool causal)
        {
            CheckSizes(batch, steps, modelSize, heads);
            CheckSequence(q.Length, nameof(q), batch, steps, modelSize);
            CheckSequence(k.Length, nameof(k), batch, steps, modelSize);
            CheckSequence(v.Length, nameof(v), batch, steps, modelSize);
            CheckProbabilities(probabilities.Length, nameof(probabilities), batch, steps, heads, emptyAllowed: false);
            CheckProbabilities(dropoutMask.Length, nameof(dropoutMask), batch, steps, heads, emptyAllowed: true);
            CheckSequence(outputGradient.Length, nameof(outputGradient), batch, steps, modelSize);
            CheckSequence(dq.Length, nameof(dq), batch, steps, modelSize);
            CheckSequence(dk.Length, nameof(dk), batch, steps, modelSize);
            CheckSequence(dv.Length, nameof(dv), batch, steps, modelSize);
            var layout = new Layout(steps, heads == 0 ? 0 : modelSize / heads);
            SequenceArguments.Workspace(workspace.Length, layout.Total, "Attention.WorkspaceSize");
            if (batch == 0 || steps == 0 || modelSize == 0)
                return;

            int dh = modelSize / heads;
            float scale = 1f / MathF.Sqrt(dh);
            fixed (float* pq = q, pk = k, pv = v, pp = probabilities, pm = dropoutMask, pdo = outputGradient,
                pdq = dq, pdk = dk, pdv = dv, pw = workspace)
            {
                float* valuesT = pw + layout.Transposed, dScores = pw + layout.Scores, droppedAll = pw + layout.Dropped;
                for (int b = 0; b < batch; b++)
                    for (int h = 0; h < heads; h++)
                    {
                        nint head = (nint)b * steps * modelSize + (nint)h * dh;
                        float* qh = pq + head, kh = pk + head, vh = pv + head, doh = pdo + head;
                        float* dqh = pdq + head, dkh = pdk + head, dvh = pdv + head;
                        nint block = ((nint)b * heads + h) * steps * steps;
                        float* p = pp + block, mask = pm == null ? null : pm + block;
                        // The weights that multiplied V: P, or P ⊙ mask.
                        float* dropped = mask == null ? p : droppedAll;
                        Transpose(vh, modelSize, valuesT, steps, dh);
                        for (int i = 0; i < steps; i++)
                        {
                            int n = causal ? i + 1 : steps;
                            nint r = (nint)i * steps;
                            // dL/d(weights) row i = dO_i · Vᵀ, then through the dropout mask and the softmax:
                            // dS = scale · P ⊙ (dP − Σ P ⊙ dP).
                            var weightGradient = new RowCombination { A = doh + (nint)i * modelSize, AStride = 1, X = valuesT, XStride = steps, Y = dScores + r, Rows = dh };
                            ColumnKernel.Rows(ref weightGradient, 1, n);
                            if (mask != null)
                            {
                                var through = new Product { X = dScores + r, Y = mask + r, Z = dScores + r };
                                ColumnKernel.Rows(ref through, 1, n);
                                var weights = new Product { X = p + r, Y = mask + r, Z = droppedAll + r };
                                ColumnKernel.Rows(ref weights, 1, n);
                                new Span<float>(droppedAll + r + n, steps - n).Clear();
                            }
                            var dot = new Dot { X = p + r, Y = dScores + r };
                            ColumnKernel.Rows(ref dot, 1, n);
                            var softmax = new SoftmaxGradient { P = p + r, D = dScores + r, Dot = dot.Sum, Scale = scale };
                            ColumnKernel.Rows(ref softmax, 1, n);
                            new Span<float>(dScores + r + n, steps - n).Clear();
                        }
                        for (int i = 0; i < steps; i++)
                        {
                            // dQ_i = Σ_j dS_ij K_j over the keys query i saw.
                            var query = new RowCombination { A = dScores + (nint)i * steps, AStride = 1, X = kh, XStride = modelSize, Y = dqh + (nint)i * modelSize, Rows = causal ? i + 1 : steps };
                            ColumnKernel.Rows(ref query, 1, dh);
                        }
                        for (int j = 0; j < steps; j++)
                        {
                            // dK_j = Σ_i dS_ij Q_i and dV_j = Σ_i (P ⊙ mask)_ij dO_i over the queries that saw key j.
                            int first = causal ? j : 0;
                            var key = new RowCombination { A = dScores + (nint)first * steps + j, AStride = steps, X = qh + (nint)first * modelSize, XStride = modelSize, Y = dkh + (nint)j * modelSize, Rows = steps - first };
                            ColumnKernel.Rows(ref key, 1, dh);
                            var value = new RowCombination { A = dropped + (nint)first * steps + j, AStride = steps, X = doh + (nint)first * modelSize, XStride = modelSize, Y = dvh + (nint)j * modelSize, Rows = steps - first };
                            ColumnKernel.Rows(ref value, 1, dh);
                        }
                    }
            }
        }

        private static void CheckSizes(int batch, int steps, int modelSize, int heads)
        {
            KernelArguments.NonNegative(batch, nameof(batch));
            KernelArguments.NonNegative(steps, nameof(steps));
            KernelArguments.NonNegative(modelSize, nameof(modelSize));
            if (heads < 1)
                throw new ArgumentOutOfRangeException(nameof(heads), heads, $"heads must be at least 1 but is {heads}.");
            if (modelSize % heads != 0)
                throw new ArgumentException($"heads = {heads} does not divide modelSize = {modelSize}.", nameof(heads));
        }

        private static void CheckSequence(int length, string name, int batch, int steps, int modelSize)
            => SequenceArguments.AtLeast(length, name, batch, steps, modelSize, nameof(batch), nameof(steps), nameof(modelSize));

        private static void CheckProbabilities(int length, string name, int batch, int steps, int heads, bool emptyAllowed)
        {
            long needed = (long)batch * heads * steps * steps;
            if (length < needed && !(emptyAllowed && length == 0))
                throw new ArgumentException(
                    $"{name} has {length} elements but batch×heads×steps×steps = {batch}×{heads}×{steps}×{steps} needs {needed}.", name);
        }

        /// <summary>destination[c, j] = source[j·stride + c] for a head's [steps, dh] slice.</summary>
        private static void Transpose(float* source, nint stride, float* destination, int steps, int dh)
        {
            for (int j = 0; j < steps; j++)
                for (int c = 0; c < dh; c++)
                    destination[(nint)c * steps + j] = source[j * stride + c];
        }

        /// <summary>row[0..n) = softmax(scale · row[0..n)).</summary>
        private static void Softmax(float* row, int n, float scale)
        {
            float max = float.NegativeInfinity;
            for (int j = 0; j < n; j++)
                max = MathF.Max(max, row[j]);
            var exp = new ScaledExp { X = row, Scale = scale, Offset = -scale * max };
            ColumnKernel.Rows(ref exp, 1, n);
            var normalise = new Divide { X = row, Divisor = exp.Sum };
            ColumnKernel.Rows(ref normalise, 1, n);
        }

        private readonly struct Layout
        {
            public readonly int Transposed, Row, Scores, Dropped;
            public readonly long Total;

            public Layout(int steps, int headSize)
            {
                var w = new WorkspaceLayout();
                Transposed = w.Take((long)steps * headSize);   // Kᵀ (forward) or Vᵀ (backward) of one head
                Row = w.Take(steps);                           // one row of dropped-out probabilities (forward)
                Scores = w.Take((long)steps * steps);          // dL/dscores of one head (backward)
                Dropped = w.Take((long)steps * steps);         // P ⊙ dropout mask of one head (backward)
                Total = w.Total;
            }
        }

        /// <summary>Y[c] = Σ_{r &lt; Rows} A[r·AStride] · X[r·XStride + c]: a combination of rows, two accumulators (even and
        /// odd rows) per vector of columns.</summary>
        private struct RowCombination : IColumnKernel
        {
            public float* A, X, Y;
            public nint AStride, XStride;
            public int Rows;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public readonly void Run<S, T>(int row, int start, int end) where S : ISimdMath<T> where T : struct
            {
                float* a = A, x = X, y = Y;
                nint aStride = AStride, xStride = XStride;
                int rows = Rows;
                for (int c = start; c < end; c += S.Count)
                {
                    T even = S.Zero, odd = S.Zero;
                    int r = 0;
                    for (; r + 2 <= rows; r += 2)
                    {
                        even = S.MultiplyAdd(S.Broadcast(a[r * aStride]), S.Load(x + r * xStride + c), even);
                        odd = S.MultiplyAdd(S.Broadcast(a[(r + 1) * aStride]), S.Load(x + (r + 1) * xStride + c), odd);
                    }
                    if (r < rows)
                        even = S.MultiplyAdd(S.Broadcast(a[r * aStride]), S.Load(x + r * xStride + c), even);
                    S.Store(S.Add(even, odd), y + c);
                }
            }
        }

        /// <summary>X = exp(Scale·X + Offset) in place; Sum = Σ X.</summary>
        private struct ScaledExp : IColumnKernel
        {
            public float* X;
            public float Scale, Offset, Sum;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Run<S, T>(int row, int start, int end) where S : ISimdMath<T> where T : struct
            {
                T scale = S.Broadcast(Scale), offset = S.Broadcast(Offset), sum = S.Zero;
                for (int j = start; j < end; j += S.Count)
                {
                    T e = S.Exp(S.MultiplyAdd(S.Load(X + j), scale, offset));
                    S.Store(e, X + j);
                    sum = S.Add(sum, e);
                }
                Sum += S.Sum(sum);
            }
        }

        /// <summary>X /= Divisor in place.</summary>
        private struct Divide : IColumnKernel
        {
            public float* X;
            public float Divisor;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public readonly void Run<S, T>(int row, int start, int end) where S : ISimdMath<T> where T : struct
            {
                T divisor = S.Broadcast(Divisor);
                for (int j = start; j < end; j += S.Count)
                    S.Store(S.Divide(S.Load(X + j), divisor), X + j);
            }
        }

        /// <summary>Z = X ⊙ Y (Z may be X).</summary>
        private struct Product : IColumnKernel
        {
            public float* X, Y, Z;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public readonly void Run<S, T>(int row, int start, int end) where S : ISimdMath<T> where T : struct
            {
                for (int j = start; j < end; j += S.Count)
                    S.Store(S.Multiply(S.Load(X + j), S.Load(Y + j)), Z + j);
            }
        }

        /// <summary>Sum = Σ X ⊙ Y.</summary>
        private struct Dot : IColumnKernel
        {
            public float* X, Y;
            public float Sum;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Run<S, T>(int row, int start, int end) where S : ISimdMath<T> where T : struct
            {
                T sum = S.Zero;
                for (int j = start; j < end; j += S.Count)
                    sum = S.MultiplyAdd(S.Load(X + j), S.Load(Y + j), sum);
                Sum += S.Sum(sum);
            }
        }

        /// <summary>D = Scale · P ⊙ (D − Dot) in place.</summary>
        private struct SoftmaxGradient : IColumnKernel
        {
            public float* P, D;
            public float Dot, Scale;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public readonly void Run<S, T>(int row, int start, int end) where S : ISimdMath<T> where T : struct
            {
                T dot = S.Broadcast(Dot), scale = S.Broadcast(Scale);
                for (int j = start; j < end; j += S.Count)
                    S.Store(S.Multiply(scale, S.Multiply(S.Load(P + j), S.Subtract(S.Load(D + j), dot))), D + j);
            }
        }
    }
}
