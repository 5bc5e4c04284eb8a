using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TensorForge.Kernels
{
    /// <summary>The three convolution passes, one tile at a time, over <see cref="ConvGrid"/> images and
    /// <see cref="ConvGemm"/>. A tile is independent work: its own output elements, summed in an order that depends only
    /// on the geometry (the depth blocks below), so any split of the work into tiles gives the same bits.</summary>
    internal static unsafe class Conv2DTiles
    {
        /// <summary>Deepest block of the forward sum over (channel, ky, kx). 3×3 × 64 channels (576) is one block.</summary>
        private const int ForwardDepth = 640;
        /// <summary>Deepest block of the input-gradient sum over output channels.</summary>
        private const int BackwardInputDepth = 512;
        /// <summary>Deepest block of the weight-gradient sum over one sample's output positions: its panels of the output
        /// gradient (depth × 32 floats each) stay in L2.</summary>
        private const int BackwardWeightDepth = 1024;
        /// <summary>Floats of packed image panels per block of the forward pass (256 KiB: L2-resident beside the image).</summary>
        private const int ForwardPanelFloats = 64 * 1024;
        /// <summary>Rows of the im2col gradient computed before they are folded back into the image gradient.</summary>
        private const int BackwardInputRows = 64;

        /// <summary>Equal blocks of at most <paramref name="deepest"/>: returns the block depth.</summary>
        public static int BlockDepth(int depth, int deepest)
        {
            int blocks = Math.Max(1, (depth + deepest - 1) / deepest);
            return Math.Max(1, (depth + blocks - 1) / blocks);
        }

        // ---------------------------------------------------------------------------------------------------------------
        // Forward: out'[co, q] = Σ_p W[co, p] · X[p, q] per group, X the im2col rows of the image (packed into panels),
        // then the grid's garbage columns dropped and the bias added.

        public static void Forward(in Conv2DGeometry g, in ConvGrid grid, float* input, float* weight, float* bias, float* output,
            int s0, int s1, int group, int m0, int m1)
        {
            if (SimdWidth.Use512)
                Forward<Vector512Math, Vector512<float>>(g, grid, input, weight, bias, output, s0, s1, group, m0, m1);
            else if (SimdWidth.Use256)
                Forward<Vector256Math, Vector256<float>>(g, grid, input, weight, bias, output, s0, s1, group, m0, m1);
            else if (SimdWidth.Use128)
                Forward<Vector128Math, Vector128<float>>(g, grid, input, weight, bias, output, s0, s1, group, m0, m1);
            else
                Forward<ScalarMath, float>(g, grid, input, weight, bias, output, s0, s1, group, m0, m1);
        }

        /// <summary>Samples [s0, s1) of one group, output channels [m0, m1): the samples' grids side by side form the columns
        /// of one multiply, so that a small image (7 × 8 = 56 grid columns) still fills whole panels.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Forward<S, T>(in Conv2DGeometry g, in ConvGrid grid, float* input, float* weight, float* bias, float* output,
            int s0, int s1, int group, int m0, int m1)
            where S : ISimdMath<T> where T : struct
        {
            int nr = 2 * S.Count;
            int taps = g.KernelHeight * g.KernelWidth, depth = g.ReductionLength;
            int inGroup = g.GroupInChannels, outGroup = g.GroupOutChannels;
            int samples = s1 - s0, sampleColumns = grid.Columns, mc = m1 - m0;
            int columns = samples * sampleColumns, padded = RoundUp(columns, ConvGrid.ColumnAlign);
            int kcBlock = BlockDepth(depth, ForwardDepth);
            int chunk = Math.Clamp(ForwardPanelFloats / kcBlock / nr * nr, nr, RoundUp(columns, nr));
            long imageStride = grid.Direct ? g.InputSize : RoundUp((long)inGroup * grid.ChannelStride + ConvGrid.ColumnAlign, 16);

            var carver = new ScratchCarver(null);
            ForwardScratch(ref carver, g, grid, samples, imageStride, mc, padded, kcBlock, chunk, nr);
            carver = new ScratchCarver(ConvScratch.Get(carver.Used));
            float* image = ForwardScratch(ref carver, g, grid, samples, imageStride, mc, padded, kcBlock, chunk, nr, out nint* rowStarts,
                out float* packed, out float* result, out nint* rows, out int* tapOffsets);

            float* x = input + (nint)s0 * g.InputSize + (nint)group * inGroup * g.InHeight * g.InWidth;
            if (grid.Direct)
            {
                image = x;
            }
            else
            {
                for (int s = 0; s < samples; s++)
                {
                    float* sampleImage = image + s * imageStride;
                    grid.Build(g, x + (nint)s * g.InputSize, inGroup, sampleImage);
                    // Whole panels read up to a panel past the last channel's block: keep those floats finite.
                    ConvRows.Clear(sampleImage + (nint)inGroup * grid.ChannelStride, ConvGrid.ColumnAlign);
                }
            }
            grid.TapOffsets(g, tapOffsets);
            for (int c = 0, p = 0; c < inGroup; c++)
                for (int t = 0; t < taps; t++, p++)
                    rowStarts[p] = (nint)(image + (nint)c * grid.ChannelStride + tapOffsets[t]);

            // One sample on its own padded grid: every panel is one run of each row, read up to a panel past the row's end
            // (see PackRows), so the multiply reads B where it lies instead of packing it.
            bool inPlace = samples == 1 && !grid.Direct;
            for (int jc = 0; jc < columns; jc += chunk)
            {
                int width = Math.Min(chunk, columns - jc);
                int panels = (width + nr - 1) / nr;
                for (int pc = 0; pc < depth; pc += kcBlock)
                {
                    int kc = Math.Min(kcBlock, depth - pc);
                    for (int r = 0; r < mc; r++)
                        rows[r] = (nint)(weight + ((nint)(group * outGroup + m0 + r) * depth + pc));
                    if (inPlace)
                    {
                        ConvGemm.BlockInPlace<S, T>(rows, mc, rowStarts + pc, jc, panels, kc, result + jc, padded, add: pc > 0);
                        continue;
                    }
                    PackRows<S, T>(rowStarts + pc, (nint)imageStride, sampleColumns, samples, kc, jc, panels, packed, wholePanels: !grid.Direct);
                    ConvGemm.Block<S, T>(rows, mc, packed, (nint)kc * nr, nr, panels, kc, result + jc, padded, add: pc > 0, panelsOuter: false);
                }
            }

            // Drop the garbage columns, add the bias.
            for (int r = 0; r < mc; r++)
            {
                int channel = group * outGroup + m0 + r;
                for (int s = 0; s < samples; s++)
                {
                    float* destination = output + (nint)(s0 + s) * g.OutputSize + (nint)channel * g.OutHeight * g.OutWidth;
                    Compact(result + (nint)r * padded + (nint)s * sampleColumns, destination, g.OutHeight, g.OutWidth, grid.Pitch,
                        bias != null ? bias[channel] : 0f, bias != null);
                }
            }
        }

        /// <summary>One output plane from the grid: the garbage columns dropped, <paramref name="value"/> added when
        /// <paramref name="add"/>. Rows are written in order in whole vectors where the overshoot (into the rows after,
        /// written later) stays inside the plane; nothing outside the plane (another tile's, or past the output) is
        /// touched.</summary>
        internal static void Compact(float* source, float* destination, int outHeight, int outWidth, int pitch, float value, bool add)
        {
            if (pitch == outWidth)
            {
                AddScalar(source, value, destination, outHeight * outWidth, add);
                return;
            }
            int plane = outHeight * outWidth, overshoot = (outWidth + 7) & ~7;
            for (int oy = 0; oy < outHeight; oy++)
            {
                float* from = source + (nint)oy * pitch, to = destination + (nint)oy * outWidth;
                if (oy * outWidth + overshoot <= plane && oy < outHeight - 1)
                    ConvRows.AddScalarOvershooting(from, value, to, outWidth, add);
                else if (add)
                    ConvRows.AddScalar(from, value, to, outWidth);
                else
                    ConvRows.Copy(from, to, outWidth);
            }
        }

        private static float* ForwardScratch(ref ScratchCarver carver, in Conv2DGeometry g, in ConvGrid grid, int samples, long imageStride,
            int mc, int padded, int kcBlock, int chunk, int nr)
            => ForwardScratch(ref carver, g, grid, samples, imageStride, mc, padded, kcBlock, chunk, nr, out _, out _, out _, out _, out _);

        private static float* ForwardScratch(ref ScratchCarver carver, in Conv2DGeometry g, in ConvGrid grid, int samples, long imageStride,
            int mc, int padded, int kcBlock, int chunk, int nr, out nint* rowStarts, out float* packed, out float* result, out nint* rows, out int* tapOffsets)
        {
            float* image = grid.Direct ? null : carver.Floats(samples * imageStride);
            rowStarts = carver.Pointers(g.ReductionLength);
            // A panel row's last piece may write a panel past the row's end (see PackRows).
            packed = carver.Floats((long)kcBlock * chunk + nr);
            result = carver.Floats((long)mc * padded);
            rows = carver.Pointers(mc);
            tapOffsets = carver.Ints(g.KernelHeight * g.KernelWidth);
            return image;
        }

        /// <summary>One plane of the output gradient onto the grid: rows of outWidth floats at a pitch, the garbage columns
        /// zero. Rows are copied in order in whole vectors where the overshoot (into the garbage columns and the next row,
        /// both written after) stays inside the plane being read.</summary>
        internal static void ToGrid(float* source, float* destination, int outHeight, int outWidth, int pitch)
        {
            int plane = outHeight * outWidth, overshoot = (outWidth + 7) & ~7;
            for (int oy = 0; oy < outHeight; oy++)
            {
                float* from = source + (nint)oy * outWidth, to = destination + (nint)oy * pitch;
                if (oy * outWidth + overshoot <= plane && oy < outHeight - 1)
                    ConvRows.AddScalarOvershooting(from, 0f, to, outWidth, add: false);
                else
                    ConvRows.Copy(from, to, outWidth);
                ConvRows.Clear(to + outWidth, pitch - outWidth);
            }
        }

        private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

        private static long RoundUp(long value, int multiple) => (value + multiple - 1) / multiple * multiple;

        /// <summary>Packs kc im2col rows × columns [jc, jc + panels·NR) of the samples' grids side by side into panels of NR
        /// columns, kc rows each. Row p of sample s starts at rowStarts[p] + s·sampleStride; sample s holds columns
        /// [s·sampleColumns, (s + 1)·sampleColumns). A panel may take pieces of several samples. With
        /// <paramref name="wholePanels"/> (every row may be read a panel past its end) each piece is copied as a whole panel
        /// row, in order, so that each later piece overwrites the overshoot of the one before (the last piece's overshoot
        /// lands in the next row, which is packed after it, or in the buffer's extra panel row); columns past the last
        /// sample then hold whatever followed it, and their results are dropped. Without it (the input itself, read in
        /// place) pieces are copied exactly and the columns past the last sample are zero.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void PackRows<S, T>(nint* rowStarts, nint sampleStride, int sampleColumns, int samples, int kc, int jc, int panels,
            float* packed, bool wholePanels)
            where S : ISimdMath<T> where T : struct
        {
            int w = S.Count, nr = 2 * w;
            // (source offset, destination offset, length) of each piece of the current panel.
            nint* pieces = stackalloc nint[3 * 64];
            for (int j = 0; j < panels; j++)
            {
                int column = jc + j * nr;
                int sample = column / sampleColumns, q = column % sampleColumns;
                int count = 0, filled = 0;
                while (filled < nr && sample < samples)
                {
                    int length = Math.Min(nr - filled, sampleColumns - q);
                    pieces[3 * count] = sample * sampleStride + q;
                    pieces[3 * count + 1] = filled;
                    pieces[3 * count + 2] = length;
                    count++;
                    filled += length;
                    sample++;
                    q = 0;
                }
                float* panel = packed + (nint)j * kc * nr;
                if (count == 1 && (filled == nr || wholePanels))
                {
                    nint offset = pieces[0];
                    for (int p = 0; p < kc; p++)
                    {
                        float* source = (float*)rowStarts[p] + offset;
                        S.Store(S.Load(source), panel + p * nr);
                        S.Store(S.Load(source + w), panel + p * nr + w);
                    }
                }
                else if (wholePanels)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        float* row = (float*)rowStarts[p];
                        for (int i = 0; i < count; i++)
                        {
                            float* source = row + pieces[3 * i];
                            float* destination = panel + p * nr + pieces[3 * i + 1];
                            S.Store(S.Load(source), destination);
                            S.Store(S.Load(source + w), destination + w);
                        }
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++)
                    {
                        float* row = (float*)rowStarts[p];
                        float* destination = panel + p * nr;
                        for (int i = 0; i < count; i++)
                        {
                            float* source = row + pieces[3 * i];
                            nint at = pieces[3 * i + 1], length = pieces[3 * i + 2];
                            for (nint k = 0; k < length; k++)
                                destination[at + k] = source[k];
                        }
                        for (int k = filled; k < nr; k++)
                            destination[k] = 0f;
                    }
                }
            }
        }

        private static void AddScalar(float* source, float value, float* destination, int count, bool add)
        {
            var from = new ReadOnlySpan<float>(source, count);
            var to = new Span<float>(destination, count);
            if (add)
                TensorPrimitives.Add(from, value, to);
            else
                from.CopyTo(to);
        }

        // ---------------------------------------------------------------------------------------------------------------
        // Input gradient: dX'[p, q] = Σ_co Wᵀ[p, co] · dY'[co, q] per group (dY' the output gradient on the grid, garbage
        // columns zero), in blocks of rows folded back into the image gradient (col2im: row p adds to the run it was read
        // from), which is then un-padded into the input gradient.

        public static void BackwardInput(in Conv2DGeometry g, in ConvGrid grid, float* outputGradient, float* transposedWeight,
            float* inputGradient, int s0, int s1, int group, int c0, int c1)
        {
            if (SimdWidth.Use512)
                BackwardInput<Vector512Math, Vector512<float>>(g, grid, outputGradient, transposedWeight, inputGradient, s0, s1, group, c0, c1);
            else if (SimdWidth.Use256)
                BackwardInput<Vector256Math, Vector256<float>>(g, grid, outputGradient, transposedWeight, inputGradient, s0, s1, group, c0, c1);
            else if (SimdWidth.Use128)
                BackwardInput<Vector128Math, Vector128<float>>(g, grid, outputGradient, transposedWeight, inputGradient, s0, s1, group, c0, c1);
            else
                BackwardInput<ScalarMath, float>(g, grid, outputGradient, transposedWeight, inputGradient, s0, s1, group, c0, c1);
        }

        /// <summary>Samples [s0, s1) of one group, input channels [c0, c1); the samples' grids side by side are the columns.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void BackwardInput<S, T>(in Conv2DGeometry g, in ConvGrid grid, float* outputGradient, float* transposedWeight,
            float* inputGradient, int s0, int s1, int group, int c0, int c1)
            where S : ISimdMath<T> where T : struct
        {
            int nr = 2 * S.Count;
            int taps = g.KernelHeight * g.KernelWidth, depth = g.ReductionLength;
            int inGroup = g.GroupInChannels, outGroup = g.GroupOutChannels;
            int samples = s1 - s0, sampleColumns = grid.Columns, pitch = grid.Pitch;
            int columns = samples * sampleColumns, padded = RoundUp(columns, ConvGrid.ColumnAlign);
            int channels = c1 - c0;
            long imageStride = (long)channels * grid.ChannelStride;
            int kcBlock = BlockDepth(outGroup, BackwardInputDepth);

            var carver = new ScratchCarver(null);
            BackwardInputScratch(ref carver, g, grid, padded, samples * imageStride);
            carver = new ScratchCarver(ConvScratch.Get(carver.Used));
            float* gradientGrid = BackwardInputScratch(ref carver, g, grid, padded, samples * imageStride, out float* imageGradient,
                out float* columnsGradient, out nint* rows, out int* tapOffsets, out int* columnMap);

            // The output gradient on the grid, samples side by side: garbage and padding columns zero.
            int outHeight = g.OutHeight, outWidth = g.OutWidth;
            for (int co = 0; co < outGroup; co++)
            {
                float* destination = gradientGrid + (nint)co * padded;
                for (int s = 0; s < samples; s++)
                {
                    float* source = outputGradient + (nint)(s0 + s) * g.OutputSize + (nint)(group * outGroup + co) * outHeight * outWidth;
                    float* sampleGrid = destination + (nint)s * sampleColumns;
                    if (pitch == outWidth)
                        ConvRows.Copy(source, sampleGrid, sampleColumns);
                    else
                        ToGrid(source, sampleGrid, outHeight, outWidth, pitch);
                }
                ConvRows.Clear(destination + columns, padded - columns);
            }

            new Span<float>(imageGradient, checked((int)(samples * imageStride))).Clear();
            grid.TapOffsets(g, tapOffsets);
            int panels = (columns + nr - 1) / nr;
            int end = c1 * taps;
            for (int pb = c0 * taps; pb < end; pb += BackwardInputRows)
            {
                int rb = Math.Min(BackwardInputRows, end - pb);
                for (int pc = 0; pc < outGroup; pc += kcBlock)
                {
                    int kc = Math.Min(kcBlock, outGroup - pc);
                    for (int r = 0; r < rb; r++)
                        rows[r] = (nint)(transposedWeight + ((nint)(group * depth + pb + r) * outGroup + pc));
                    ConvGemm.Block<S, T>(rows, rb, gradientGrid + (nint)pc * padded, nr, padded, panels, kc, columnsGradient, padded,
                        add: pc > 0, panelsOuter: true);
                }
                // col2im: each row goes back to the run of the image it was read from, rows in order.
                int channel = pb / taps - c0, tap = pb % taps;
                for (int r = 0; r < rb; r++)
                {
                    float* run = imageGradient + (nint)channel * grid.ChannelStride + tapOffsets[tap];
                    for (int s = 0; s < samples; s++)
                        ConvRows.Add(run + s * imageStride, columnsGradient + (nint)r * padded + (nint)s * sampleColumns, sampleColumns);
                    if (++tap == taps)
                    {
                        tap = 0;
                        channel++;
                    }
                }
            }

            for (int s = 0; s < samples; s++)
            {
                float* dx = inputGradient + (nint)(s0 + s) * g.InputSize + (nint)(group * inGroup + c0) * g.InHeight * g.InWidth;
                grid.Extract(g, imageGradient + s * imageStride, channels, dx, columnMap);
            }
        }

        private static float* BackwardInputScratch(ref ScratchCarver carver, in Conv2DGeometry g, in ConvGrid grid, int padded, long imageFloats)
            => BackwardInputScratch(ref carver, g, grid, padded, imageFloats, out _, out _, out _, out _, out _);

        private static float* BackwardInputScratch(ref ScratchCarver carver, in Conv2DGeometry g, in ConvGrid grid, int padded, long imageFloats,
            out float* imageGradient, out float* columnsGradient, out nint* rows, out int* tapOffsets, out int* columnMap)
        {
            float* gradientGrid = carver.Floats((long)g.GroupOutChannels * padded);
            imageGradient = carver.Floats(imageFloats);
            columnsGradient = carver.Floats((long)BackwardInputRows * padded);
            rows = carver.Pointers(BackwardInputRows);
            tapOffsets = carver.Ints(g.KernelHeight * g.KernelWidth);
            columnMap = carver.Ints(g.InWidth);
            return gradientGrid;
        }

        // ---------------------------------------------------------------------------------------------------------------
        // Weight gradient: dWᵀ[p, co] = Σ_samples Σ_q X[p, q] · dY'ᵀ[q, co] per group, with X's rows broadcast straight
        // from the image and dY'ᵀ packed into panels of output channels (garbage grid columns zero, so they add nothing).
        // Rows [p0, p1) of one group, all samples in order, into the accumulator rows of the workspace.

        public static void BackwardWeight(in Conv2DGeometry g, in ConvGrid grid, float* input, float* outputGradient,
            float* accumulator, int accumulatorStride, int batch, int group, int p0, int p1)
        {
            if (SimdWidth.Use512)
                BackwardWeight<Vector512Math, Vector512<float>>(g, grid, input, outputGradient, accumulator, accumulatorStride, batch, group, p0, p1);
            else if (SimdWidth.Use256)
                BackwardWeight<Vector256Math, Vector256<float>>(g, grid, input, outputGradient, accumulator, accumulatorStride, batch, group, p0, p1);
            else if (SimdWidth.Use128)
                BackwardWeight<Vector128Math, Vector128<float>>(g, grid, input, outputGradient, accumulator, accumulatorStride, batch, group, p0, p1);
            else
                BackwardWeight<ScalarMath, float>(g, grid, input, outputGradient, accumulator, accumulatorStride, batch, group, p0, p1);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void BackwardWeight<S, T>(in Conv2DGeometry g, in ConvGrid grid, float* input, float* outputGradient,
            float* accumulator, int accumulatorStride, int batch, int group, int p0, int p1)
            where S : ISimdMath<T> where T : struct
        {
            int nr = 2 * S.Count;
            int taps = g.KernelHeight * g.KernelWidth;
            int inGroup = g.GroupInChannels, outGroup = g.GroupOutChannels;
            if (UsesDots(outGroup, nr, batch))
            {
                BackwardWeightDots<S, T>(g, grid, input, outputGradient, accumulator, accumulatorStride, batch, group, p0, p1);
                return;
            }
            int columns = grid.Columns, pitch = grid.Pitch;
            int ci0 = p0 / taps, ci1 = (p1 - 1) / taps + 1, channels = ci1 - ci0, mc = p1 - p0;
            int panels = (outGroup + nr - 1) / nr;
            int kcBlock = BlockDepth(columns, BackwardWeightDepth);

            var carver = new ScratchCarver(null);
            BackwardWeightScratch(ref carver, g, grid, channels, panels * nr, mc);
            carver = new ScratchCarver(ConvScratch.Get(carver.Used));
            float* image = BackwardWeightScratch(ref carver, g, grid, channels, panels * nr, mc, out float* gradientPanels,
                out nint* rowOffsets, out nint* rows, out int* tapOffsets);

            grid.TapOffsets(g, tapOffsets);
            for (int r = 0; r < mc; r++)
            {
                int p = p0 + r;
                rowOffsets[r] = (nint)(p / taps - ci0) * grid.ChannelStride + tapOffsets[p % taps];
            }

            int outHeight = g.OutHeight, outWidth = g.OutWidth;
            for (int s = 0; s < batch; s++)
            {
                float* x = input + (nint)s * g.InputSize + (nint)(group * inGroup + ci0) * g.InHeight * g.InWidth;
                if (grid.Direct)
                    image = x;
                else
                    grid.Build(g, x, channels, image);

                float* dy = outputGradient + (nint)s * g.OutputSize + (nint)group * outGroup * outHeight * outWidth;
                PackTransposed(dy, outGroup, outHeight, outWidth, pitch, columns, panels, nr, gradientPanels);

                for (int q = 0; q < columns; q += kcBlock)
                {
                    int kc = Math.Min(kcBlock, columns - q);
                    for (int r = 0; r < mc; r++)
                        rows[r] = (nint)(image + rowOffsets[r] + q);
                    ConvGemm.Block<S, T>(rows, mc, gradientPanels + (nint)q * nr, (nint)columns * nr, nr, panels, kc,
                        accumulator, accumulatorStride, add: s > 0 || q > 0, panelsOuter: false);
                }
            }
        }

        /// <summary>Whether the weight gradient takes dot products along the grid rather than panels of output channels: when
        /// the channels would fill at most a quarter of a panel (LeNet's 1→6, depthwise), or half of one (16-channel ResNet
        /// layers) with a batch long enough to pay for clearing and summing the dot products' vectors of partial sums, most of
        /// every FMA would be padding.</summary>
        internal static bool UsesDots(int outGroup, int nr, int batch) => 4 * outGroup <= nr || (2 * outGroup <= nr && batch >= 4);

        /// <summary>The weight gradient for few output channels: dW[co, p] = Σ_samples Σ_q dY'[co, q] · X[p, q] as dot products
        /// of two contiguous runs (the output gradient on the grid, garbage columns zero, and the image run of row p), four
        /// rows × two channels per step, each kept as a vector of partial sums across the whole batch and summed across its
        /// lanes once at the end (see <see cref="ConvChannelwise.PartialRows{S, T, P}"/>). The bits depend only on the
        /// geometry, never on the block a dot product falls in.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void BackwardWeightDots<S, T>(in Conv2DGeometry g, in ConvGrid grid, float* input, float* outputGradient,
            float* accumulator, int accumulatorStride, int batch, int group, int p0, int p1)
            where S : ISimdMath<T> where T : struct
        {
            int w = S.Count;
            int taps = g.KernelHeight * g.KernelWidth;
            int inGroup = g.GroupInChannels, outGroup = g.GroupOutChannels;
            int columns = grid.Columns, pitch = grid.Pitch, outHeight = g.OutHeight, outWidth = g.OutWidth;
            int ci0 = p0 / taps, ci1 = (p1 - 1) / taps + 1, channels = ci1 - ci0, mc = p1 - p0;
            int padded = RoundUp(columns, w);
            int vectorEnd = grid.Direct ? columns - columns % w : padded;
            long imageFloats = grid.Direct ? 0 : (long)channels * grid.ChannelStride + ConvGrid.ColumnAlign;
            long dots = (long)mc * outGroup;

            var carver = new ScratchCarver(null);
            carver.Floats(imageFloats);
            carver.Floats((long)outGroup * padded);
            carver.Pointers(mc);
            carver.Ints(taps);
            carver.Floats(dots * w);
            carver.Floats(dots);
            carver = new ScratchCarver(ConvScratch.Get(carver.Used));
            float* image = carver.Floats(imageFloats);
            float* gradientGrid = carver.Floats((long)outGroup * padded);
            nint* rowOffsets = carver.Pointers(mc);
            int* tapOffsets = carver.Ints(taps);
            float* partial = carver.Floats(dots * w);
            float* tail = carver.Floats(dots);
            grid.TapOffsets(g, tapOffsets);
            for (int r = 0; r < mc; r++)
            {
                int p = p0 + r;
                rowOffsets[r] = (nint)(p / taps - ci0) * grid.ChannelStride + tapOffsets[p % taps];
            }
            new Span<float>(partial, checked((int)(dots * w))).Clear();
            new Span<float>(tail, checked((int)dots)).Clear();

            for (int s = 0; s < batch; s++)
            {
                float* x = input + (nint)s * g.InputSize + (nint)(group * inGroup + ci0) * g.InHeight * g.InWidth;
                if (grid.Direct)
                {
                    image = x;
                }
                else
                {
                    grid.Build(g, x, channels, image);
                    ConvRows.Clear(image + (nint)channels * grid.ChannelStride, ConvGrid.ColumnAlign);
                }
                float* dy = outputGradient + (nint)s * g.OutputSize + (nint)group * outGroup * outHeight * outWidth;
                for (int co = 0; co < outGroup; co++)
                {
                    float* source = dy + (nint)co * outHeight * outWidth, destination = gradientGrid + (nint)co * padded;
                    if (pitch == outWidth)
                        ConvRows.Copy(source, destination, columns);
                    else
                        ToGrid(source, destination, outHeight, outWidth, pitch);
                    ConvRows.Clear(destination + columns, padded - columns);
                }

                int r0 = 0;
                for (; r0 + 4 <= mc; r0 += 4)
                    ConvChannelwise.PartialRows<S, T, Rows4>(image, rowOffsets + r0, gradientGrid, padded, outGroup, vectorEnd, partial + (nint)r0 * outGroup * w);
                for (; r0 < mc; r0++)
                    ConvChannelwise.PartialRows<S, T, Rows1>(image, rowOffsets + r0, gradientGrid, padded, outGroup, vectorEnd, partial + (nint)r0 * outGroup * w);
                if (vectorEnd < columns)
                {
                    for (int r = 0; r < mc; r++)
                        for (int co = 0; co < outGroup; co++)
                        {
                            float* run = image + rowOffsets[r], row = gradientGrid + (nint)co * padded;
                            float rest = tail[(nint)r * outGroup + co];
                            for (int q = vectorEnd; q < columns; q++)
                                rest = MathF.FusedMultiplyAdd(run[q], row[q], rest);
                            tail[(nint)r * outGroup + co] = rest;
                        }
                }
            }

            for (int r = 0; r < mc; r++)
                for (int co = 0; co < outGroup; co++)
                {
                    nint dot = (nint)r * outGroup + co;
                    accumulator[(nint)r * accumulatorStride + co] = S.Sum(S.Load(partial + dot * w)) + tail[dot];
                }
        }

        private static float* BackwardWeightScratch(ref ScratchCarver carver, in Conv2DGeometry g, in ConvGrid grid, int channels, int panelColumns, int mc)
            => BackwardWeightScratch(ref carver, g, grid, channels, panelColumns, mc, out _, out _, out _, out _);

        private static float* BackwardWeightScratch(ref ScratchCarver carver, in Conv2DGeometry g, in ConvGrid grid, int channels, int panelColumns, int mc,
            out float* gradientPanels, out nint* rowOffsets, out nint* rows, out int* tapOffsets)
        {
            float* image = grid.Direct ? null : carver.Floats((long)channels * grid.ChannelStride);
            gradientPanels = carver.Floats((long)grid.Columns * panelColumns);
            rowOffsets = carver.Pointers(mc);
            rows = carver.Pointers(mc);
            tapOffsets = carver.Ints(g.KernelHeight * g.KernelWidth);
            return image;
        }

        /// <summary>dY'ᵀ in panels: panel j holds output channels [j·NR, j·NR + NR) as <paramref name="columns"/> rows of NR
        /// floats (row q = oy·pitch + ox); garbage columns (ox ≥ outWidth) and channels past the group are zero.</summary>
        private static void PackTransposed(float* dy, int channels, int outHeight, int outWidth, int pitch, int columns, int panels, int nr, float* packed)
        {
            int plane = outHeight * outWidth;
            for (int j = 0; j < panels; j++)
            {
                float* panel = packed + (nint)j * columns * nr;
                int first = j * nr, count = Math.Min(nr, channels - first);
                int c = 0;
                // Eight channels × eight positions at a time, transposed in registers.
                if (Transpose8x8.IsSupported && nr >= 8)
                {
                    for (; c + 8 <= count; c += 8)
                    {
                        float* source = dy + (nint)(first + c) * plane;
                        for (int oy = 0; oy < outHeight; oy++)
                        {
                            float* row = source + (nint)oy * outWidth;
                            float* target = panel + (nint)oy * pitch * nr + c;
                            int ox = 0;
                            for (; ox + 8 <= outWidth; ox += 8)
                                Transpose8x8.Run(row + ox, plane, target + (nint)ox * nr, nr, add: false);
                            for (; ox < outWidth; ox++)
                                for (int i = 0; i < 8; i++)
                                    target[(nint)ox * nr + i] = row[ox + (nint)i * plane];
                        }
                    }
                }
                for (; c < count; c++)
                {
                    float* source = dy + (nint)(first + c) * plane;
                    for (int oy = 0; oy < outHeight; oy++)
                        for (int ox = 0; ox < outWidth; ox++)
                            panel[((nint)oy * pitch + ox) * nr + c] = source[(nint)oy * outWidth + ox];
                }
                // Channels past the group, then the garbage columns.
                if (count < nr)
                    for (int q = 0; q < columns; q++)
                        new Span<float>(panel + (nint)q * nr + count, nr - count).Clear();
                if (pitch > outWidth)
                    for (int oy = 0; oy < outHeight; oy++)
                        new Span<float>(panel + ((nint)oy * pitch + outWidth) * nr, (pitch - outWidth) * nr).Clear();
            }
        }
    }
}
