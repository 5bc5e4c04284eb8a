using System;

namespace TensorForge.Kernels
{
    /// <summary>2-D convolution with PyTorch <c>nn.Conv2d</c> semantics (NCHW, float32, weight <c>[out, in/groups, kh, kw]</c>):
    /// the forward pass and both gradients, for any stride, padding (per side), dilation and groups.</summary>
    /// <remarks>
    /// <para>Every pass is a matrix multiply over an implicit im2col matrix, on the register-blocked micro-kernel of the GEMM
    /// (8 rows × 2 vectors of FMAs): each sample's channels are copied once into a zero-padded, stride-split image
    /// (<see cref="ConvGrid"/>) in which every im2col row is a contiguous run, so the forward pass multiplies one sample's
    /// grid where it lies (several small samples side by side are packed into panels with plain vector copies), the weight
    /// gradient broadcasts the rows straight from the image, and the input gradient folds its
    /// rows back with vector adds (with stride 1 it is instead the forward pass over the output gradient with the kernel
    /// reversed). Nothing of size channels × kernel × positions is ever written. Layers with one input channel per group
    /// (depthwise) run direct tap loops instead (<see cref="ConvChannelwise"/>).</para>
    /// <para>Large calls use up to <see cref="Gemm.MaxThreads"/> threads: samples (and, for a small batch, blocks of
    /// channels) for the forward pass and the input gradient; blocks of weight rows, each summing over the whole batch in
    /// order, for the weight gradient. Results are bit-identical whatever the number of threads.</para>
    /// <para>After the first call on a thread (which sizes that thread's scratch buffer), calls allocate nothing.</para>
    /// <para>Spans may be longer than needed; only the leading elements are used. Outputs must not overlap inputs.</para>
    /// <para>Non-finite values: the padded grid computes a few columns that are dropped or multiplied by zero, so an
    /// infinite or NaN input or weight can make more gradient entries NaN than PyTorch would (0·∞ = NaN); finite values
    /// are unaffected.</para>
    /// </remarks>
    public static unsafe class Conv2D
    {
        /// <summary>Floats of workspace <see cref="Forward"/>, <see cref="BackwardInput"/> and
        /// <see cref="BackwardWeight"/> need for <paramref name="batch"/> samples (the largest of the three). The caller owns
        /// it and may share one workspace between layers: calls never run concurrently on one network.</summary>
        /// <remarks>The workspace holds what the threads of one call share (the transposed weight, the weight-gradient
        /// accumulator); it does not grow with the batch.</remarks>
        public static int WorkspaceSize(int batch, in Conv2DGeometry g)
        {
            KernelArguments.NonNegative(batch, nameof(batch));
            long accumulator = (long)g.Groups * g.ReductionLength * AccumulatorStride(g);
            return checked((int)Math.Max(accumulator, g.WeightSize));
        }

        /// <summary>output = conv(input, weight) + bias, overwriting output.</summary>
        /// <param name="input">[batch, InChannels, InHeight, InWidth].</param>
        /// <param name="weight">[OutChannels, InChannels/Groups, KernelHeight, KernelWidth].</param>
        /// <param name="bias">[OutChannels], or empty for no bias.</param>
        /// <param name="output">[batch, OutChannels, OutHeight, OutWidth].</param>
        /// <param name="workspace">At least <see cref="WorkspaceSize"/> floats.</param>
        /// <param name="batch">Samples.</param>
        /// <param name="g">The layer.</param>
        /// <exception cref="ArgumentException">A span is too short (the message names the sizes), or batch is negative.</exception>
        public static void Forward(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
            Span<float> output, Span<float> workspace, int batch, in Conv2DGeometry g)
        {
            KernelArguments.NonNegative(batch, nameof(batch));
            KernelArguments.AtLeast(input.Length, nameof(input), batch, g.InputSize, nameof(batch), "InputSize");
            CheckWeight(weight.Length, nameof(weight), g);
            CheckBias(bias.Length, nameof(bias), g);
            KernelArguments.AtLeast(output.Length, nameof(output), batch, g.OutputSize, nameof(batch), "OutputSize");
            CheckWorkspace(workspace.Length, batch, g);
            if (batch == 0)
                return;

            fixed (float* x = input, w = weight, b = bias, y = output)
            {
                var job = Conv2DJob.For(Conv2DJob.Pass.Forward, g, batch);
                job.Input = x;
                job.Weight = w;
                job.Bias = bias.IsEmpty ? null : b;
                job.Output = y;
                job.Execute();
            }
        }

        /// <summary>inputGradient = ∂L/∂input, overwriting it.</summary>
        /// <param name="outputGradient">∂L/∂output, [batch, OutChannels, OutHeight, OutWidth].</param>
        /// <param name="weight">[OutChannels, InChannels/Groups, KernelHeight, KernelWidth].</param>
        /// <param name="inputGradient">[batch, InChannels, InHeight, InWidth].</param>
        /// <param name="workspace">At least <see cref="WorkspaceSize"/> floats.</param>
        /// <param name="batch">Samples.</param>
        /// <param name="g">The layer.</param>
        /// <exception cref="ArgumentException">A span is too short (the message names the sizes), or batch is negative.</exception>
        public static void BackwardInput(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> weight, Span<float> inputGradient,
            Span<float> workspace, int batch, in Conv2DGeometry g)
        {
            KernelArguments.NonNegative(batch, nameof(batch));
            KernelArguments.AtLeast(outputGradient.Length, nameof(outputGradient), batch, g.OutputSize, nameof(batch), "OutputSize");
            CheckWeight(weight.Length, nameof(weight), g);
            KernelArguments.AtLeast(inputGradient.Length, nameof(inputGradient), batch, g.InputSize, nameof(batch), "InputSize");
            CheckWorkspace(workspace.Length, batch, g);
            if (batch == 0)
                return;

            fixed (float* dy = outputGradient, w = weight, dx = inputGradient, work = workspace)
            {
                if (FlippedGeometry(g, out Conv2DGeometry flipped))
                {
                    // W'[group·in/groups + ci, co, ky, kx] = W[group·out/groups + co, ci, kh − 1 − ky, kw − 1 − kx]: reversing
                    // both kernel axes reverses the tap index.
                    int inGroup = g.GroupInChannels, outGroup = g.GroupOutChannels, taps = g.KernelHeight * g.KernelWidth;
                    for (int group = 0; group < g.Groups; group++)
                        for (int co = 0; co < outGroup; co++)
                            for (int ci = 0; ci < inGroup; ci++)
                            {
                                float* source = w + ((nint)(group * outGroup + co) * inGroup + ci) * taps;
                                float* destination = work + ((nint)(group * inGroup + ci) * outGroup + co) * taps;
                                for (int t = 0; t < taps; t++)
                                    destination[taps - 1 - t] = source[t];
                            }
                    var forward = Conv2DJob.For(Conv2DJob.Pass.Forward, flipped, batch);
                    forward.Input = dy;
                    forward.Weight = work;
                    forward.Output = dx;
                    forward.Execute();
                    return;
                }

                var job = Conv2DJob.For(Conv2DJob.Pass.BackwardInput, g, batch);
                if (!ConvChannelwise.Applies(g, inputGradient: true))
                {
                    // Wᵀ per group, [in/groups·kh·kw, out/groups]: the rows the input-gradient multiply broadcasts.
                    int depth = g.ReductionLength, outGroup = g.GroupOutChannels;
                    for (int group = 0; group < g.Groups; group++)
                    {
                        float* source = w + (nint)group * outGroup * depth;
                        float* destination = work + (nint)group * outGroup * depth;
                        for (int co = 0; co < outGroup; co++)
                            for (int p = 0; p < depth; p++)
                                destination[(nint)p * outGroup + co] = source[(nint)co * depth + p];
                    }
                }
                job.Output = dy;
                job.Weight = work;
                job.OriginalWeight = w;
                job.Input = dx;
                job.Execute();
            }
        }

        /// <summary>weightGradient (and biasGradient unless it is empty) = ∂L/∂weight (∂L/∂bias) summed over the batch, or
        /// added to them when <paramref name="accumulate"/> is true.</summary>
        /// <param name="outputGradient">∂L/∂output, [batch, OutChannels, OutHeight, OutWidth].</param>
        /// <param name="input">The forward pass's input, [batch, InChannels, InHeight, InWidth].</param>
        /// <param name="weightGradient">[OutChannels, InChannels/Groups, KernelHeight, KernelWidth].</param>
        /// <param name="biasGradient">[OutChannels], or empty for a layer without bias.</param>
        /// <param name="workspace">At least <see cref="WorkspaceSize"/> floats.</param>
        /// <param name="batch">Samples.</param>
        /// <param name="g">The layer.</param>
        /// <param name="accumulate">Add to the gradients instead of overwriting them.</param>
        /// <exception cref="ArgumentException">A span is too short (the message names the sizes), or batch is negative.</exception>
        public static void BackwardWeight(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> input, Span<float> weightGradient,
            Span<float> biasGradient, Span<float> workspace, int batch, in Conv2DGeometry g, bool accumulate)
        {
            KernelArguments.NonNegative(batch, nameof(batch));
            KernelArguments.AtLeast(outputGradient.Length, nameof(outputGradient), batch, g.OutputSize, nameof(batch), "OutputSize");
            KernelArguments.AtLeast(input.Length, nameof(input), batch, g.InputSize, nameof(batch), "InputSize");
            CheckWeight(weightGradient.Length, nameof(weightGradient), g);
            CheckBias(biasGradient.Length, nameof(biasGradient), g);
            CheckWorkspace(workspace.Length, batch, g);

            if (batch == 0)
            {
                if (!accumulate)
                {
                    weightGradient.Slice(0, g.WeightSize).Clear();
                    if (!biasGradient.IsEmpty)
                        biasGradient.Slice(0, g.OutChannels).Clear();
                }
                return;
            }

            fixed (float* dy = outputGradient, x = input, dw = weightGradient, db = biasGradient, work = workspace)
            {
                if (!biasGradient.IsEmpty)
                    BiasGradient(dy, db, batch, g, accumulate);
                var job = Conv2DJob.For(Conv2DJob.Pass.BackwardWeight, g, batch);
                job.Output = dy;
                job.Input = x;
                job.Weight = dw;
                job.Workspace = work;
                job.Accumulate = accumulate;
                job.Execute();
            }
        }

        /// <summary>For stride 1, the input gradient is the forward convolution of the output gradient with the kernel
        /// reversed along both axes and its channel axes swapped, padded by dilation·(k − 1) − padding on each side: a
        /// multiply as deep as the forward pass's (out/groups·kh·kw) instead of out/groups, with no folding back of im2col
        /// rows. Taken when that padding is not negative, and the forward pass has a full register tile of rows (at least
        /// 8 input channels per group) or is a per-channel loop (depthwise with multiplier 1).</summary>
        private static bool FlippedGeometry(in Conv2DGeometry g, out Conv2DGeometry flipped)
        {
            int spanHeight = g.DilationHeight * (g.KernelHeight - 1), spanWidth = g.DilationWidth * (g.KernelWidth - 1);
            bool applies = g.StrideHeight == 1 && g.StrideWidth == 1
                           && g.PadTop <= spanHeight && g.PadBottom <= spanHeight && g.PadLeft <= spanWidth && g.PadRight <= spanWidth
                           && (g.GroupInChannels >= ConvGemm.MR || (g.GroupInChannels == 1 && g.GroupOutChannels == 1));
            flipped = applies
                ? new Conv2DGeometry(g.OutChannels, g.OutHeight, g.OutWidth, g.InChannels, g.KernelHeight, g.KernelWidth, 1, 1,
                    spanHeight - g.PadTop, spanWidth - g.PadLeft, spanHeight - g.PadBottom, spanWidth - g.PadRight,
                    g.DilationHeight, g.DilationWidth, g.Groups)
                : default;
            return applies;
        }

        /// <summary>Row stride of the weight-gradient accumulator: output channels per group, padded to whole panels.</summary>
        internal static int AccumulatorStride(in Conv2DGeometry g)
            => (g.GroupOutChannels + ConvGrid.ColumnAlign - 1) / ConvGrid.ColumnAlign * ConvGrid.ColumnAlign;

        /// <summary>db[co] (+)= Σ_s Σ_q dy[s, co, q], samples in order, each plane summed in a fixed order.</summary>
        private static void BiasGradient(float* dy, float* db, int batch, in Conv2DGeometry g, bool accumulate)
        {
            int plane = g.OutHeight * g.OutWidth;
            for (int co = 0; co < g.OutChannels; co++)
            {
                float sum = 0f;
                for (int s = 0; s < batch; s++)
                    sum += FixedOrderSum(dy + (nint)s * g.OutputSize + (nint)co * plane, plane);
                db[co] = accumulate ? db[co] + sum : sum;
            }
        }

        /// <summary>A sum whose order depends only on the length (not on alignment, unlike TensorPrimitives.Sum, nor on
        /// threads): four 8-lane accumulators, then the lanes, then the tail.</summary>
        internal static float FixedOrderSum(float* x, int count)
        {
            int i = 0;
            float total = 0f;
            if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated && count >= 32)
            {
                var s0 = System.Runtime.Intrinsics.Vector256<float>.Zero;
                var s1 = s0;
                var s2 = s0;
                var s3 = s0;
                for (; i + 32 <= count; i += 32)
                {
                    s0 += System.Runtime.Intrinsics.Vector256.Load(x + i);
                    s1 += System.Runtime.Intrinsics.Vector256.Load(x + i + 8);
                    s2 += System.Runtime.Intrinsics.Vector256.Load(x + i + 16);
                    s3 += System.Runtime.Intrinsics.Vector256.Load(x + i + 24);
                }
                total = System.Runtime.Intrinsics.Vector256.Sum((s0 + s1) + (s2 + s3));
            }
            for (; i < count; i++)
                total += x[i];
            return total;
        }

        private static void CheckWeight(int length, string name, in Conv2DGeometry g)
        {
            if (length < g.WeightSize)
                throw new ArgumentException($"{name} has {length} elements but OutChannels×(InChannels/Groups)×KernelHeight×KernelWidth = "
                    + $"{g.OutChannels}×{g.GroupInChannels}×{g.KernelHeight}×{g.KernelWidth} needs {g.WeightSize}.", name);
        }

        private static void CheckBias(int length, string name, in Conv2DGeometry g)
        {
            if (length != 0 && length < g.OutChannels)
                throw new ArgumentException($"{name} has {length} elements but OutChannels = {g.OutChannels} needs {g.OutChannels} "
                    + "(or pass an empty span for no bias).", name);
        }

        private static void CheckWorkspace(int length, int batch, in Conv2DGeometry g)
        {
            int needed = WorkspaceSize(batch, g);
            if (length < needed)
                throw new ArgumentException($"workspace has {length} elements but WorkspaceSize(batch = {batch}) = {needed}.", "workspace");
        }
    }

    /// <summary>One convolution pass split into tiles for <see cref="WorkerPool"/>; reused per thread, so a call allocates
    /// nothing.</summary>
    internal sealed unsafe class Conv2DJob : ParallelJob
    {
        public enum Pass { Forward, BackwardInput, BackwardWeight }

        [ThreadStatic] private static Conv2DJob? t_job;

        private Pass _pass;
        private Conv2DGeometry _g;
        private ConvGrid _grid;
        private int _batch, _units, _chunks, _chunkSize, _threads, _samplesPerTile, _groupsPerTile;
        private bool _channelwise;
        private bool _small;

        /// <summary>The input (forward, weight gradient) or the input gradient (input gradient).</summary>
        public float* Input;
        /// <summary>The weight (forward), the transposed weight (input gradient) or the weight gradient.</summary>
        public float* Weight;
        public float* Bias;
        /// <summary>The output (forward) or the output gradient (both backward passes).</summary>
        public float* Output;
        public float* Workspace;
        /// <summary>The weight as the caller passed it (the input gradient of one-channel groups reads it directly).</summary>
        public float* OriginalWeight;
        public bool Accumulate;

        /// <summary>The thread's job, set up for a pass: the geometry, and the split of the work into tiles.</summary>
        public static Conv2DJob For(Pass pass, in Conv2DGeometry g, int batch)
        {
            Conv2DJob job = t_job ??= new Conv2DJob();
            job._pass = pass;
            job._g = g;
            job._grid = new ConvGrid(g);
            job._batch = batch;
            job._samplesPerTile = 1;
            job.Input = job.Weight = job.Bias = job.Output = job.Workspace = job.OriginalWeight = null;
            job.Accumulate = false;

            int threads = WorkerPool.PlannedThreads;
            long work = batch * g.MultiplyAddsPerSample;
            if (work < GemmParallel.SmallThreshold)
                threads = 1;
            else if (work < GemmParallel.Threshold)
                threads = WorkerPool.LimitByWork(threads, work, GemmParallel.SmallThreshold);
            job._threads = threads;
            job._small = work < GemmParallel.Threshold;

            // Two tiles per thread at least, so that a thread slowed by other work costs less.
            int wanted = threads == 1 ? 1 : 2 * threads;
            int rowsPerChunkUnit = ConvGemm.MR;
            job._groupsPerTile = 1;
            int panelWidth = SimdWidth.Use512 ? 32 : SimdWidth.Use256 ? 16 : SimdWidth.Use128 ? 8 : 2;
            job._channelwise = pass == Pass.BackwardWeight
                ? ConvChannelwise.AppliesToWeightGradient(g, panelWidth, batch)
                : ConvChannelwise.Applies(g, inputGradient: pass == Pass.BackwardInput);
            if (job._channelwise)
            {
                // Forward and input gradient: one sample per unit, its channels (= groups) split into chunks when there are
                // fewer samples than tiles. Weight gradient: chunks of channels, each over the whole batch.
                job._units = pass == Pass.BackwardWeight ? 1 : batch;
                job.Chunk(wanted, g.Groups, 1);
                return job;
            }
            switch (pass)
            {
                case Pass.Forward:
                    job.GroupSamples(wanted);
                    job.Chunk(wanted, g.GroupOutChannels, rowsPerChunkUnit);
                    break;
                case Pass.BackwardInput:
                    job.GroupSamples(wanted);
                    job.Chunk(wanted, g.GroupInChannels, 1);
                    break;
                default:
                    // Several groups per tile when there are more groups than tiles (depthwise: 64 groups of 9 weights).
                    job._groupsPerTile = Math.Max(1, g.Groups / wanted);
                    job._units = (g.Groups + job._groupsPerTile - 1) / job._groupsPerTile;
                    job.Chunk(wanted, g.ReductionLength, rowsPerChunkUnit);
                    break;
            }
            return job;
        }

        /// <summary>Grid columns a tile of the forward or input-gradient pass should have at least: samples of a small image
        /// are put side by side until they fill this many (a 7 × 7 output has 56 grid columns, under two panels of 32).</summary>
        private const int TileColumns = 256;

        /// <summary>Samples per tile (as many as fill <see cref="TileColumns"/>, while there are still
        /// <paramref name="wanted"/> tiles), and the units: blocks of samples × groups.</summary>
        private void GroupSamples(int wanted)
        {
            int perTile = Math.Clamp((TileColumns + _grid.Columns - 1) / _grid.Columns, 1, _batch);
            // The forward pass multiplies a lone sample's grid in place (no packing); that pays unless rounding its columns
            // up to whole panels wastes more than a tenth of them (7 × 7: 56 columns in 64; 14 × 14: 210 in 224 does pay).
            int roundedColumns = (_grid.Columns + ConvGrid.ColumnAlign - 1) / ConvGrid.ColumnAlign * ConvGrid.ColumnAlign;
            if (_pass == Pass.Forward && !_grid.Direct && 10 * (roundedColumns - _grid.Columns) <= _grid.Columns)
                perTile = 1;
            if (wanted > 1)
                perTile = Math.Min(perTile, Math.Max(1, _batch * _g.Groups / wanted));
            _samplesPerTile = perTile;
            _units = (_batch + perTile - 1) / perTile * _g.Groups;
        }

        /// <summary>Splits each unit's <paramref name="size"/> rows or channels into chunks (multiples of
        /// <paramref name="align"/>) when there are fewer units than tiles wanted.</summary>
        private void Chunk(int wanted, int size, int align)
        {
            int chunks = _units >= wanted ? 1 : Math.Min((wanted + _units - 1) / _units, (size + align - 1) / align);
            int chunkSize = ((size + chunks - 1) / chunks + align - 1) / align * align;
            _chunkSize = Math.Min(size, chunkSize);
            _chunks = (size + _chunkSize - 1) / _chunkSize;
        }

        public void Execute()
        {
            int tiles = _units * _chunks;
            if (_threads <= 1)
            {
                for (int i = 0; i < tiles; i++)
                    RunTile(i);
            }
            else
            {
                WorkerPool.Run(this, tiles, _threads, _small);
            }
            Input = Weight = Bias = Output = Workspace = OriginalWeight = null;
        }

        /// <summary>Rows [p0, p1) of a group's dWᵀ accumulator (row stride <paramref name="stride"/>) into the weight
        /// gradient [co, p], overwriting or adding.</summary>
        private void FinishWeightGradient(int group, int p0, int p1, float* accumulator, int stride)
        {
            int depth = _g.ReductionLength, outGroup = _g.GroupOutChannels;
            float* dw = Weight + (nint)group * outGroup * depth;
            for (int co = 0; co < outGroup; co++)
            {
                float* target = dw + (nint)co * depth;
                for (int p = p0; p < p1; p++)
                {
                    float value = accumulator[(nint)(p - p0) * stride + co];
                    target[p] = Accumulate ? target[p] + value : value;
                }
            }
        }

        public override void RunTile(int index)
        {
            int unit = index / _chunks, chunk = index % _chunks;
            ref readonly Conv2DGeometry g = ref _g;
            if (_channelwise)
            {
                int c0 = chunk * _chunkSize, c1 = Math.Min(g.Groups, c0 + _chunkSize);
                if (_pass == Pass.Forward)
                {
                    ConvChannelwise.Forward(g, _grid, Input, Weight, Bias, Output, unit, unit + 1, c0, c1);
                }
                else if (_pass == Pass.BackwardInput)
                {
                    ConvChannelwise.BackwardInput(g, _grid, Output, OriginalWeight, Input, unit, unit + 1, c0, c1);
                }
                else
                {
                    int stride = Conv2D.AccumulatorStride(g);
                    ConvChannelwise.BackwardWeight(g, _grid, Input, Output, Workspace, stride, _batch, c0, c1);
                    for (int group = c0; group < c1; group++)
                        FinishWeightGradient(group, 0, g.ReductionLength, Workspace + (nint)group * g.ReductionLength * stride, stride);
                }
                return;
            }
            switch (_pass)
            {
                case Pass.Forward:
                {
                    int m0 = chunk * _chunkSize, m1 = Math.Min(g.GroupOutChannels, m0 + _chunkSize);
                    int s0 = unit / g.Groups * _samplesPerTile, s1 = Math.Min(_batch, s0 + _samplesPerTile);
                    Conv2DTiles.Forward(g, _grid, Input, Weight, Bias, Output, s0, s1, unit % g.Groups, m0, m1);
                    break;
                }
                case Pass.BackwardInput:
                {
                    int c0 = chunk * _chunkSize, c1 = Math.Min(g.GroupInChannels, c0 + _chunkSize);
                    int s0 = unit / g.Groups * _samplesPerTile, s1 = Math.Min(_batch, s0 + _samplesPerTile);
                    Conv2DTiles.BackwardInput(g, _grid, Output, Weight, Input, s0, s1, unit % g.Groups, c0, c1);
                    break;
                }
                default:
                {
                    int depth = g.ReductionLength;
                    int p0 = chunk * _chunkSize, p1 = Math.Min(depth, p0 + _chunkSize);
                    int stride = Conv2D.AccumulatorStride(g);
                    int lastGroup = Math.Min(g.Groups, (unit + 1) * _groupsPerTile);
                    for (int group = unit * _groupsPerTile; group < lastGroup; group++)
                    {
                        float* accumulator = Workspace + ((nint)group * depth + p0) * stride;
                        Conv2DTiles.BackwardWeight(g, _grid, Input, Output, accumulator, stride, _batch, group, p0, p1);
                        FinishWeightGradient(group, p0, p1, accumulator, stride);
                    }
                    break;
                }
            }
        }
    }
}
