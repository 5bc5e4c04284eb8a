using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TensorForge.Kernels
{
    /// <summary>The forward pass and input gradient of convolutions with one input channel per group — depthwise layers
    /// (groups = channels, any multiplier) and single-channel inputs (LeNet's 1→6) — as direct loops over the grid of
    /// <see cref="ConvGrid"/>, without packing. With one input channel the sum has only kh·kw terms, so a multiply
    /// would spend more on packing panels and storing tiles than on FMAs; here each output vector is kh·kw loads and FMAs
    /// straight from the image (the forward pass), or each tap adds a scaled copy of the output gradient into the image
    /// gradient (the input gradient). Sums run over the taps in order, so the bits depend only on the geometry.</summary>
    internal static unsafe class ConvChannelwise
    {
        /// <summary>Whether a pass of a layer takes these loops: one input channel per group; for the input gradient also at
        /// most two output channels per group, since each (output channel, tap) pair costs a pass over the image gradient
        /// (LeNet's 1→6 is faster as a multiply).</summary>
        public static bool Applies(in Conv2DGeometry g, bool inputGradient)
            => g.GroupInChannels == 1 && (!inputGradient || g.GroupOutChannels <= 2);

        /// <summary>Whether the weight gradient takes these loops: one input channel per group, and few enough output
        /// channels per group that the multiply would take dot products anyway (see <see cref="Conv2DTiles.UsesDots"/>).</summary>
        public static bool AppliesToWeightGradient(in Conv2DGeometry g, int panelWidth, int batch)
            => g.GroupInChannels == 1 && Conv2DTiles.UsesDots(g.GroupOutChannels, panelWidth, batch);

        // ---------------------------------------------------------------------------------------------------------------

        public static void Forward(in Conv2DGeometry g, in ConvGrid grid, float* input, float* weight, float* bias, float* output,
            int s0, int s1, int c0, int c1)
        {
            if (SimdWidth.Use512)
                Forward<Vector512Math, Vector512<float>>(g, grid, input, weight, bias, output, s0, s1, c0, c1);
            else if (SimdWidth.Use256)
                Forward<Vector256Math, Vector256<float>>(g, grid, input, weight, bias, output, s0, s1, c0, c1);
            else if (SimdWidth.Use128)
                Forward<Vector128Math, Vector128<float>>(g, grid, input, weight, bias, output, s0, s1, c0, c1);
            else
                Forward<ScalarMath, float>(g, grid, input, weight, bias, output, s0, s1, c0, c1);
        }

        /// <summary>Samples [s0, s1), input channels (= groups) [c0, c1), every output channel of those groups.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Forward<S, T>(in Conv2DGeometry g, in ConvGrid grid, float* input, float* weight, float* bias, float* output,
            int s0, int s1, int c0, int c1)
            where S : ISimdMath<T> where T : struct
        {
            int w = S.Count;
            int taps = g.KernelHeight * g.KernelWidth, multiplier = g.GroupOutChannels, channels = c1 - c0;
            int columns = grid.Columns, padded = RoundUp(columns, 2 * w);
            int plane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth;
            long imageFloats = grid.Direct ? 0 : (long)channels * grid.ChannelStride + ConvGrid.ColumnAlign;

            var carver = new ScratchCarver(null);
            carver.Floats(imageFloats);
            carver.Floats((long)multiplier * padded);
            carver.Ints(taps);
            carver = new ScratchCarver(ConvScratch.Get(carver.Used));
            float* image = carver.Floats(imageFloats);
            float* result = carver.Floats((long)multiplier * padded);
            int* offsets = carver.Ints(taps);
            grid.TapOffsets(g, offsets);

            for (int s = s0; s < s1; s++)
            {
                float* x = input + (nint)s * g.InputSize + (nint)c0 * plane;
                nint channelStride = grid.ChannelStride;
                if (grid.Direct)
                {
                    image = x;
                }
                else
                {
                    grid.Build(g, x, channels, image);
                    ConvRows.Clear(image + (nint)channels * grid.ChannelStride, ConvGrid.ColumnAlign);
                }
                for (int c = 0; c < channels; c++)
                {
                    float* channelImage = image + c * channelStride;
                    int first = (c0 + c) * multiplier;
                    int j = 0;
                    for (; j + 4 <= multiplier; j += 4)
                        Taps<S, T, Rows4>(channelImage, offsets, taps, weight + (nint)(first + j) * taps, result + (nint)j * padded, padded, columns, grid.Direct);
                    for (; j + 2 <= multiplier; j += 2)
                        Taps<S, T, Rows2>(channelImage, offsets, taps, weight + (nint)(first + j) * taps, result + (nint)j * padded, padded, columns, grid.Direct);
                    if (j < multiplier)
                        Taps<S, T, Rows1>(channelImage, offsets, taps, weight + (nint)(first + j) * taps, result + (nint)j * padded, padded, columns, grid.Direct);
                    for (j = 0; j < multiplier; j++)
                    {
                        float* destination = output + (nint)s * g.OutputSize + (nint)(first + j) * outPlane;
                        Conv2DTiles.Compact(result + (nint)j * padded, destination, g.OutHeight, g.OutWidth, grid.Pitch,
                            bias != null ? bias[first + j] : 0f, bias != null);
                    }
                }
            }
        }

        /// <summary>R output channels of one input channel over all grid columns: out[j, q] = Σ_t w[j, t] · image[offset_t + q],
        /// two vectors of columns at a time. Whole vectors may read past the last column (the image has a panel of slack, or,
        /// read in place, the last vectors are finished one column at a time).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Taps<S, T, R>(float* image, int* offsets, int taps, float* weight, float* result, nint resultStride,
            int columns, bool exact)
            where S : ISimdMath<T> where T : struct where R : struct, IRowCount
        {
            int w = S.Count;
            int end = exact ? columns - columns % (2 * w) : columns;
            int q = 0;
            for (; q < end; q += 2 * w)
            {
                T a0 = S.Zero, a1 = S.Zero, b0 = S.Zero, b1 = S.Zero, c0 = S.Zero, c1 = S.Zero, d0 = S.Zero, d1 = S.Zero;
                for (int t = 0; t < taps; t++)
                {
                    float* source = image + offsets[t] + q;
                    T x0 = S.Load(source), x1 = S.Load(source + w);
                    T v = S.Broadcast(weight[t]);
                    a0 = S.MultiplyAdd(v, x0, a0); a1 = S.MultiplyAdd(v, x1, a1);
                    if (R.Count >= 2)
                    {
                        v = S.Broadcast(weight[taps + t]);
                        b0 = S.MultiplyAdd(v, x0, b0); b1 = S.MultiplyAdd(v, x1, b1);
                    }
                    if (R.Count >= 4)
                    {
                        v = S.Broadcast(weight[2 * taps + t]);
                        c0 = S.MultiplyAdd(v, x0, c0); c1 = S.MultiplyAdd(v, x1, c1);
                        v = S.Broadcast(weight[3 * taps + t]);
                        d0 = S.MultiplyAdd(v, x0, d0); d1 = S.MultiplyAdd(v, x1, d1);
                    }
                }
                S.Store(a0, result + q); S.Store(a1, result + q + w);
                if (R.Count >= 2) { S.Store(b0, result + resultStride + q); S.Store(b1, result + resultStride + q + w); }
                if (R.Count >= 4)
                {
                    S.Store(c0, result + 2 * resultStride + q); S.Store(c1, result + 2 * resultStride + q + w);
                    S.Store(d0, result + 3 * resultStride + q); S.Store(d1, result + 3 * resultStride + q + w);
                }
            }
            for (; q < columns; q++)
                for (int r = 0; r < R.Count; r++)
                {
                    float sum = 0f;
                    for (int t = 0; t < taps; t++)
                        sum = MathF.FusedMultiplyAdd(weight[r * taps + t], image[offsets[t] + q], sum);
                    result[r * resultStride + q] = sum;
                }
        }

        // ---------------------------------------------------------------------------------------------------------------

        public static void BackwardInput(in Conv2DGeometry g, in ConvGrid grid, float* outputGradient, float* weight, float* inputGradient,
            int s0, int s1, int c0, int c1)
        {
            if (SimdWidth.Use512)
                BackwardInput<Vector512Math, Vector512<float>>(g, grid, outputGradient, weight, inputGradient, s0, s1, c0, c1);
            else if (SimdWidth.Use256)
                BackwardInput<Vector256Math, Vector256<float>>(g, grid, outputGradient, weight, inputGradient, s0, s1, c0, c1);
            else if (SimdWidth.Use128)
                BackwardInput<Vector128Math, Vector128<float>>(g, grid, outputGradient, weight, inputGradient, s0, s1, c0, c1);
            else
                BackwardInput<ScalarMath, float>(g, grid, outputGradient, weight, inputGradient, s0, s1, c0, c1);
        }

        /// <summary>Samples [s0, s1), input channels (= groups) [c0, c1): the image gradient of a channel is, for each of its
        /// output channels in order and each tap in order, the output gradient on the grid (garbage columns zero) scaled by
        /// the tap's weight and added at the tap's offset; then it is un-padded into the input gradient.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void BackwardInput<S, T>(in Conv2DGeometry g, in ConvGrid grid, float* outputGradient, float* weight, float* inputGradient,
            int s0, int s1, int c0, int c1)
            where S : ISimdMath<T> where T : struct
        {
            int w = S.Count;
            int taps = g.KernelHeight * g.KernelWidth, multiplier = g.GroupOutChannels, channels = c1 - c0;
            int columns = grid.Columns, padded = RoundUp(columns, w);
            int outHeight = g.OutHeight, outWidth = g.OutWidth, outPlane = outHeight * outWidth;
            // Whole vectors add zeros past the last column: into the next channel's block, or the slack after the last.
            long imageFloats = (long)channels * grid.ChannelStride + ConvGrid.ColumnAlign;

            var carver = new ScratchCarver(null);
            carver.Floats(imageFloats);
            carver.Floats(padded);
            carver.Ints(taps);
            carver.Ints(g.InWidth);
            carver = new ScratchCarver(ConvScratch.Get(carver.Used));
            float* imageGradient = carver.Floats(imageFloats);
            float* gradientGrid = carver.Floats(padded);
            int* offsets = carver.Ints(taps);
            int* columnMap = carver.Ints(g.InWidth);
            grid.TapOffsets(g, offsets);

            for (int s = s0; s < s1; s++)
            {
                new Span<float>(imageGradient, checked((int)imageFloats)).Clear();
                for (int c = 0; c < channels; c++)
                {
                    float* channelGradient = imageGradient + (nint)c * grid.ChannelStride;
                    for (int j = 0; j < multiplier; j++)
                    {
                        int co = (c0 + c) * multiplier + j;
                        float* dy = outputGradient + (nint)s * g.OutputSize + (nint)co * outPlane;
                        if (grid.Pitch == outWidth)
                            ConvRows.Copy(dy, gradientGrid, columns);
                        else
                            Conv2DTiles.ToGrid(dy, gradientGrid, outHeight, outWidth, grid.Pitch);
                        ConvRows.Clear(gradientGrid + columns, padded - columns);
                        for (int t = 0; t < taps; t++)
                        {
                            T v = S.Broadcast(weight[(nint)co * taps + t]);
                            float* target = channelGradient + offsets[t];
                            for (int q = 0; q < padded; q += w)
                                S.Store(S.MultiplyAdd(v, S.Load(gradientGrid + q), S.Load(target + q)), target + q);
                        }
                    }
                }
                float* dx = inputGradient + (nint)s * g.InputSize + (nint)c0 * g.InHeight * g.InWidth;
                grid.Extract(g, imageGradient, channels, dx, columnMap);
            }
        }

        // ---------------------------------------------------------------------------------------------------------------

        public static void BackwardWeight(in Conv2DGeometry g, in ConvGrid grid, float* input, float* outputGradient, float* accumulator,
            int accumulatorStride, int batch, int c0, int c1)
        {
            if (SimdWidth.Use512)
                BackwardWeight<Vector512Math, Vector512<float>>(g, grid, input, outputGradient, accumulator, accumulatorStride, batch, c0, c1);
            else if (SimdWidth.Use256)
                BackwardWeight<Vector256Math, Vector256<float>>(g, grid, input, outputGradient, accumulator, accumulatorStride, batch, c0, c1);
            else if (SimdWidth.Use128)
                BackwardWeight<Vector128Math, Vector128<float>>(g, grid, input, outputGradient, accumulator, accumulatorStride, batch, c0, c1);
            else
                BackwardWeight<ScalarMath, float>(g, grid, input, outputGradient, accumulator, accumulatorStride, batch, c0, c1);
        }

        /// <summary>Weight-gradient accumulator rows of groups (= input channels) [c0, c1) over all samples: for every
        /// (channel, tap, output channel) a dot product of the image run and the output gradient on the grid, kept as a
        /// vector of partial sums across the whole batch (each sample's image built once for all the tile's channels) and
        /// summed across its lanes once at the end. The grid rows are zero past the last column, so whole vectors need no
        /// scalar tail (except when the input is read in place, where the last columns are summed one by one apart).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void BackwardWeight<S, T>(in Conv2DGeometry g, in ConvGrid grid, float* input, float* outputGradient, float* accumulator,
            int accumulatorStride, int batch, int c0, int c1)
            where S : ISimdMath<T> where T : struct
        {
            int w = S.Count;
            int taps = g.KernelHeight * g.KernelWidth, multiplier = g.GroupOutChannels, channels = c1 - c0;
            int columns = grid.Columns, outHeight = g.OutHeight, outWidth = g.OutWidth, outPlane = outHeight * outWidth;
            int padded = RoundUp(columns, w);
            int vectorEnd = grid.Direct ? columns - columns % w : padded;
            long imageFloats = grid.Direct ? 0 : (long)channels * grid.ChannelStride + ConvGrid.ColumnAlign;
            long dots = (long)channels * taps * multiplier;

            var carver = new ScratchCarver(null);
            carver.Floats(imageFloats);
            carver.Floats((long)multiplier * padded);
            carver.Floats(dots * w);
            carver.Floats(dots);
            carver.Ints(taps);
            carver.Pointers(taps);
            carver = new ScratchCarver(ConvScratch.Get(carver.Used));
            float* image = carver.Floats(imageFloats);
            float* gradientGrid = carver.Floats((long)multiplier * padded);
            float* partial = carver.Floats(dots * w);
            float* tail = carver.Floats(dots);
            int* offsets = carver.Ints(taps);
            nint* tapOffsets = carver.Pointers(taps);
            grid.TapOffsets(g, offsets);
            for (int t = 0; t < taps; t++)
                tapOffsets[t] = offsets[t];
            new Span<float>(partial, checked((int)(dots * w))).Clear();
            new Span<float>(tail, checked((int)dots)).Clear();

            for (int s = 0; s < batch; s++)
            {
                float* x = input + (nint)s * g.InputSize + (nint)c0 * g.InHeight * g.InWidth;
                if (grid.Direct)
                {
                    image = x;
                }
                else
                {
                    grid.Build(g, x, channels, image);
                    ConvRows.Clear(image + (nint)channels * grid.ChannelStride, ConvGrid.ColumnAlign);
                }
                for (int c = 0; c < channels; c++)
                {
                    int first = (c0 + c) * multiplier;
                    for (int j = 0; j < multiplier; j++)
                    {
                        float* dy = outputGradient + (nint)s * g.OutputSize + (nint)(first + j) * outPlane;
                        float* row = gradientGrid + (nint)j * padded;
                        if (grid.Pitch == outWidth)
                            ConvRows.Copy(dy, row, columns);
                        else
                            Conv2DTiles.ToGrid(dy, row, outHeight, outWidth, grid.Pitch);
                        ConvRows.Clear(row + columns, padded - columns);
                    }
                    float* channelImage = image + (nint)c * grid.ChannelStride;
                    float* channelPartial = partial + (nint)c * taps * multiplier * w;
                    int t0 = 0;
                    for (; t0 + 4 <= taps; t0 += 4)
                        PartialRows<S, T, Rows4>(channelImage, tapOffsets + t0, gradientGrid, padded, multiplier, vectorEnd, channelPartial + (nint)t0 * multiplier * w);
                    for (; t0 < taps; t0++)
                        PartialRows<S, T, Rows1>(channelImage, tapOffsets + t0, gradientGrid, padded, multiplier, vectorEnd, channelPartial + (nint)t0 * multiplier * w);
                    if (vectorEnd < columns)
                    {
                        for (int t = 0; t < taps; t++)
                            for (int j = 0; j < multiplier; j++)
                            {
                                float* run = channelImage + offsets[t], row = gradientGrid + (nint)j * padded;
                                nint dot = ((nint)c * taps + t) * multiplier + j;
                                float rest = tail[dot];
                                for (int q = vectorEnd; q < columns; q++)
                                    rest = MathF.FusedMultiplyAdd(run[q], row[q], rest);
                                tail[dot] = rest;
                            }
                    }
                }
            }

            for (int c = 0; c < channels; c++)
                for (int t = 0; t < taps; t++)
                    for (int j = 0; j < multiplier; j++)
                    {
                        nint dot = ((nint)c * taps + t) * multiplier + j;
                        accumulator[((nint)(c0 + c) * taps + t) * accumulatorStride + j] = S.Sum(S.Load(partial + dot * w)) + tail[dot];
                    }
        }

        /// <summary>P image runs (starting at image + offsets[r]) × every gradient row j (grid + j·gridStride), one sample:
        /// partial[(r·multiplier + j)·w ..] += their lane-wise products over [0, vectorEnd), gradient rows two at a time so
        /// that each loaded image vector feeds several FMAs. Each partial vector sums its lanes' products in order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static void PartialRows<S, T, P>(float* image, nint* offsets, float* grid, nint gridStride, int multiplier, int vectorEnd, float* partial)
            where S : ISimdMath<T> where T : struct where P : struct, IRowCount
        {
            int w = S.Count;
            float* x0 = image + offsets[0];
            float* x1 = P.Count >= 4 ? image + offsets[1] : null;
            float* x2 = P.Count >= 4 ? image + offsets[2] : null;
            float* x3 = P.Count >= 4 ? image + offsets[3] : null;
            nint tapStride = (nint)multiplier * w;
            int j = 0;
            for (; j + 2 <= multiplier; j += 2)
            {
                float* y0 = grid + (nint)j * gridStride, y1 = y0 + gridStride;
                float* p = partial + (nint)j * w;
                T s00 = S.Load(p), s01 = S.Load(p + w);
                T s10 = P.Count >= 4 ? S.Load(p + tapStride) : S.Zero, s11 = P.Count >= 4 ? S.Load(p + tapStride + w) : S.Zero;
                T s20 = P.Count >= 4 ? S.Load(p + 2 * tapStride) : S.Zero, s21 = P.Count >= 4 ? S.Load(p + 2 * tapStride + w) : S.Zero;
                T s30 = P.Count >= 4 ? S.Load(p + 3 * tapStride) : S.Zero, s31 = P.Count >= 4 ? S.Load(p + 3 * tapStride + w) : S.Zero;
                for (nint q = 0; q < vectorEnd; q += w)
                {
                    T a = S.Load(y0 + q), b = S.Load(y1 + q);
                    T x = S.Load(x0 + q);
                    s00 = S.MultiplyAdd(x, a, s00); s01 = S.MultiplyAdd(x, b, s01);
                    if (P.Count >= 4)
                    {
                        x = S.Load(x1 + q);
                        s10 = S.MultiplyAdd(x, a, s10); s11 = S.MultiplyAdd(x, b, s11);
                        x = S.Load(x2 + q);
                        s20 = S.MultiplyAdd(x, a, s20); s21 = S.MultiplyAdd(x, b, s21);
                        x = S.Load(x3 + q);
                        s30 = S.MultiplyAdd(x, a, s30); s31 = S.MultiplyAdd(x, b, s31);
                    }
                }
                S.Store(s00, p); S.Store(s01, p + w);
                if (P.Count >= 4)
                {
                    S.Store(s10, p + tapStride); S.Store(s11, p + tapStride + w);
                    S.Store(s20, p + 2 * tapStride); S.Store(s21, p + 2 * tapStride + w);
                    S.Store(s30, p + 3 * tapStride); S.Store(s31, p + 3 * tapStride + w);
                }
            }
            if (j < multiplier)
            {
                float* y0 = grid + (nint)j * gridStride;
                float* p = partial + (nint)j * w;
                T s0 = S.Load(p);
                T s1 = P.Count >= 4 ? S.Load(p + tapStride) : S.Zero;
                T s2 = P.Count >= 4 ? S.Load(p + 2 * tapStride) : S.Zero;
                T s3 = P.Count >= 4 ? S.Load(p + 3 * tapStride) : S.Zero;
                for (nint q = 0; q < vectorEnd; q += w)
                {
                    T a = S.Load(y0 + q);
                    s0 = S.MultiplyAdd(S.Load(x0 + q), a, s0);
                    if (P.Count >= 4)
                    {
                        s1 = S.MultiplyAdd(S.Load(x1 + q), a, s1);
                        s2 = S.MultiplyAdd(S.Load(x2 + q), a, s2);
                        s3 = S.MultiplyAdd(S.Load(x3 + q), a, s3);
                    }
                }
                S.Store(s0, p);
                if (P.Count >= 4)
                {
                    S.Store(s1, p + tapStride);
                    S.Store(s2, p + 2 * tapStride);
                    S.Store(s3, p + 3 * tapStride);
                }
            }
        }

        private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
    }
}
