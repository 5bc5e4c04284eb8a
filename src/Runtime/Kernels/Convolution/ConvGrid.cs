using System;
using System.Runtime.CompilerServices;

namespace TensorForge.Kernels
{
    /// <summary>The zero-padded, stride-split copy of one sample's channels that the convolution reads, laid out so that
    /// every row of the im2col matrix is a contiguous run of it.</summary>
    /// <remarks>
    /// <para>The output is computed on a grid of <see cref="Pitch"/> columns per output row (q = oy·Pitch + ox) instead of
    /// OutWidth: columns ox ≥ OutWidth are garbage, computed and then dropped (forward, input gradient) or multiplied by a
    /// zero output gradient (weight gradient). In exchange the im2col row of channel c and tap (ky, kx) is the run
    /// <c>image[c·ChannelStride + TapOffset(ky, kx) + q]</c>, q ∈ [0, <see cref="Columns"/>): packing it is a plain copy
    /// and the weight gradient can broadcast it from where it lies.</para>
    /// <para>With a stride s the padded input is split into s×s phases (rows ≡ a, columns ≡ b mod s); tap (ky, kx) reads
    /// phase ((ky·d) mod s, (kx·d) mod s) at an offset of ((ky·d) div s, (kx·d) div s), so a strided convolution also
    /// reads contiguous runs. Only the phases some tap reads are stored.</para>
    /// <para>The pitch is as narrow as aliasing allows: a read past the end of a row lands in the next row's left padding
    /// (zeros), so for stride 1 the right padding of one row is shared with the left padding of the next and the pitch is
    /// W + max(padLeft, padRight) rather than W + padLeft + padRight (28 × 28 with padding 1: 29 columns, 3.4% garbage).
    /// One extra zero row at the bottom of every block receives the last row's overflow, so every read of a column
    /// q &lt; Columns stays inside its channel's block.</para>
    /// <para>A 1×1 convolution with stride 1 and no padding reads the input itself (<see cref="Direct"/>).</para>
    /// </remarks>
    internal readonly unsafe struct ConvGrid
    {
        /// <summary>C buffers and panels are padded to multiples of this many columns (the widest panel).</summary>
        public const int ColumnAlign = 32;

        public ConvGrid(in Conv2DGeometry g)
        {
            Direct = g.KernelHeight == 1 && g.KernelWidth == 1 && g.StrideHeight == 1 && g.StrideWidth == 1
                     && g.PadTop == 0 && g.PadLeft == 0 && g.PadBottom == 0 && g.PadRight == 0;
            if (Direct)
            {
                Pitch = g.InWidth;
                Rows = g.InHeight;
                PhasesHigh = PhasesWide = 1;
            }
            else
            {
                int pitch = g.OutWidth;
                for (int kx = 0; kx < g.KernelWidth; kx++)
                {
                    int b = Phase(kx, g.DilationWidth, g.StrideWidth);
                    if (!FirstOfPhase(kx, g.DilationWidth, g.StrideWidth))
                        continue;
                    int offsetEnd = g.OutWidth + MaxOffset(b, g.KernelWidth, g.DilationWidth, g.StrideWidth);
                    int dataStart = DataStart(b, g.PadLeft, g.StrideWidth);
                    int dataEnd = DataEnd(b, g.PadLeft, g.InWidth, g.StrideWidth, dataStart);
                    pitch = Math.Max(pitch, Math.Max(Math.Min(dataEnd, offsetEnd), offsetEnd - dataStart));
                }
                int rows = 0;
                for (int ky = 0; ky < g.KernelHeight; ky++)
                {
                    int a = Phase(ky, g.DilationHeight, g.StrideHeight);
                    rows = Math.Max(rows, g.OutHeight + MaxOffset(a, g.KernelHeight, g.DilationHeight, g.StrideHeight) + 1);
                }
                Pitch = pitch;
                Rows = rows;
                PhasesHigh = PhaseIndex(g.StrideHeight, g.KernelHeight, g.DilationHeight, g.StrideHeight);
                PhasesWide = PhaseIndex(g.StrideWidth, g.KernelWidth, g.DilationWidth, g.StrideWidth);
            }
            BlockSize = Rows * Pitch;
            ChannelStride = PhasesHigh * PhasesWide * BlockSize;
            Columns = g.OutHeight * Pitch;
            ColumnsPadded = (Columns + ColumnAlign - 1) / ColumnAlign * ColumnAlign;
        }

        /// <summary>The input is read in place (1×1, stride 1, no padding).</summary>
        public readonly bool Direct;
        /// <summary>Columns per row of every phase block, and of the output grid.</summary>
        public readonly int Pitch;
        /// <summary>Rows of every phase block.</summary>
        public readonly int Rows;
        /// <summary>Distinct row phases (ky·dilation mod stride) the taps read.</summary>
        public readonly int PhasesHigh;
        /// <summary>Distinct column phases the taps read.</summary>
        public readonly int PhasesWide;
        /// <summary>Rows × Pitch.</summary>
        public readonly int BlockSize;
        /// <summary>Floats of one channel (all its phase blocks).</summary>
        public readonly int ChannelStride;
        /// <summary>Columns of the output grid: OutHeight × Pitch.</summary>
        public readonly int Columns;
        /// <summary><see cref="Columns"/> rounded up to <see cref="ColumnAlign"/>.</summary>
        public readonly int ColumnsPadded;

        /// <summary>Where tap (ky, kx) starts in its channel's image.</summary>
        public int TapOffset(in Conv2DGeometry g, int ky, int kx)
        {
            if (Direct)
                return 0;
            int a = Phase(ky, g.DilationHeight, g.StrideHeight), b = Phase(kx, g.DilationWidth, g.StrideWidth);
            int block = PhaseIndex(a, g.KernelHeight, g.DilationHeight, g.StrideHeight) * PhasesWide
                        + PhaseIndex(b, g.KernelWidth, g.DilationWidth, g.StrideWidth);
            return block * BlockSize + (int)((long)ky * g.DilationHeight / g.StrideHeight) * Pitch
                   + (int)((long)kx * g.DilationWidth / g.StrideWidth);
        }

        /// <summary>Fills <paramref name="offsets"/>[t] = TapOffset of tap t = ky·kw + kx.</summary>
        public void TapOffsets(in Conv2DGeometry g, int* offsets)
        {
            for (int ky = 0; ky < g.KernelHeight; ky++)
                for (int kx = 0; kx < g.KernelWidth; kx++)
                    offsets[ky * g.KernelWidth + kx] = TapOffset(g, ky, kx);
        }

        /// <summary>Writes the image of <paramref name="channels"/> channels (of InHeight × InWidth floats each, starting at
        /// <paramref name="input"/>) to <paramref name="image"/>: every float of every block, zeros where there is no
        /// input.</summary>
        public void Build(in Conv2DGeometry g, float* input, int channels, float* image)
        {
            if (g.StrideHeight == 1 && g.StrideWidth == 1)
            {
                BuildStride1(g, input, channels, image);
                return;
            }
            // Zero everything in one pass (long stores), then copy the input rows where they go: cheaper than clearing the
            // padding around each row when rows are short (a 7-column phase of a 14-wide input).
            for (int c = 0; c < channels; c++)
                new Span<float>(image + (nint)c * ChannelStride, ChannelStride).Clear();
            int sh = g.StrideHeight, sw = g.StrideWidth, width = g.InWidth, height = g.InHeight, pitch = Pitch;
            for (int ky = 0; ky < g.KernelHeight; ky++)
            {
                if (!FirstOfPhase(ky, g.DilationHeight, sh))
                    continue;
                int a = Phase(ky, g.DilationHeight, sh);
                int ia = PhaseIndex(a, g.KernelHeight, g.DilationHeight, sh);
                // Stored rows t holding input: a + sh·t − padTop ∈ [0, height).
                int firstRow = Math.Min(DataStart(a, g.PadTop, sh), Rows);
                int endRow = Math.Max(firstRow, Math.Min(DataEnd(a, g.PadTop, height, sh, firstRow), Rows));
                if (sw == 2)
                {
                    // Each input row once, split into its two column phases: even input columns go to phase padLeft mod 2
                    // from stored column padLeft div 2, odd ones to the other phase from (padLeft + 1) div 2.
                    int evenPhase = g.PadLeft % 2, oddPhase = 1 - evenPhase;
                    int evenStart = g.PadLeft / 2, oddStart = (g.PadLeft + 1) / 2;
                    bool evenUsed = PhaseUsed(evenPhase, g.KernelWidth, g.DilationWidth, 2), oddUsed = PhaseUsed(oddPhase, g.KernelWidth, g.DilationWidth, 2);
                    int evenCount = evenUsed ? Math.Clamp(pitch - evenStart, 0, (width + 1) / 2) : 0;
                    int oddCount = oddUsed ? Math.Clamp(pitch - oddStart, 0, width / 2) : 0;
                    nint evenBlock = evenUsed ? (nint)(ia * PhasesWide + PhaseIndex(evenPhase, g.KernelWidth, g.DilationWidth, 2)) * BlockSize + evenStart : 0;
                    nint oddBlock = oddUsed ? (nint)(ia * PhasesWide + PhaseIndex(oddPhase, g.KernelWidth, g.DilationWidth, 2)) * BlockSize + oddStart : 0;
                    for (int c = 0; c < channels; c++)
                    {
                        float* channelImage = image + (nint)c * ChannelStride;
                        float* source = input + (nint)c * height * width;
                        for (int t = firstRow; t < endRow; t++)
                            ConvRows.SplitEvenOdd(source + (nint)(a + sh * t - g.PadTop) * width, width,
                                channelImage + evenBlock + (nint)t * pitch, evenCount, channelImage + oddBlock + (nint)t * pitch, oddCount);
                    }
                    continue;
                }
                for (int kx = 0; kx < g.KernelWidth; kx++)
                {
                    if (!FirstOfPhase(kx, g.DilationWidth, sw))
                        continue;
                    int b = Phase(kx, g.DilationWidth, sw);
                    int ib = PhaseIndex(b, g.KernelWidth, g.DilationWidth, sw);
                    int start = Math.Min(DataStart(b, g.PadLeft, sw), pitch);
                    int count = Math.Max(start, Math.Min(DataEnd(b, g.PadLeft, width, sw, start), pitch)) - start;
                    if (count == 0)
                        continue;
                    // Input column of stored column u: b + sw·u − padLeft; input row of stored row t: a + sh·t − padTop.
                    int firstColumn = b + sw * start - g.PadLeft;
                    for (int c = 0; c < channels; c++)
                    {
                        float* block = image + (nint)c * ChannelStride + (nint)(ia * PhasesWide + ib) * BlockSize + start;
                        float* source = input + (nint)c * height * width + firstColumn;
                        for (int t = firstRow; t < endRow; t++)
                        {
                            float* row = block + (nint)t * pitch;
                            float* from = source + (nint)(a + sh * t - g.PadTop) * width;
                            if (sw == 1)
                                ConvRows.Copy(from, row, count);
                            else
                                for (int u = 0; u < count; u++)
                                    row[u] = from[(nint)u * sw];
                        }
                    }
                }
            }
        }

        /// <summary><see cref="Build"/> for stride 1 (one block per channel): each float written once, the rows above and below
        /// the input and the padding beside each row cleared and the input rows copied, rather than everything cleared first
        /// (the input rows fill most of the block, so clearing all of it nearly doubled the stores).</summary>
        private void BuildStride1(in Conv2DGeometry g, float* input, int channels, float* image)
        {
            int width = g.InWidth, height = g.InHeight, pitch = Pitch, rows = Rows;
            int firstRow = Math.Min(g.PadTop, rows);
            int endRow = Math.Max(firstRow, Math.Min(g.PadTop + height, rows));
            int start = Math.Min(g.PadLeft, pitch);
            int count = Math.Max(start, Math.Min(g.PadLeft + width, pitch)) - start;
            int right = pitch - start - count;
            for (int c = 0; c < channels; c++)
            {
                float* block = image + (nint)c * ChannelStride;
                float* source = input + (nint)c * height * width + (start - g.PadLeft);
                new Span<float>(block, firstRow * pitch).Clear();
                for (int t = firstRow; t < endRow; t++)
                {
                    float* row = block + (nint)t * pitch;
                    ConvRows.Clear(row, start);
                    ConvRows.Copy(source + (nint)(t - g.PadTop) * width, row + start, count);
                    ConvRows.Clear(row + start + count, right);
                }
                new Span<float>(block + (nint)endRow * pitch, (rows - endRow) * pitch).Clear();
            }
        }

        /// <summary>The inverse of <see cref="Build"/> for gradients: writes input[c, i, j] for <paramref name="channels"/>
        /// channels from the image positions that hold them, and zero where no tap reads the position.</summary>
        /// <remarks><paramref name="columnMap"/> is scratch of InWidth ints.</remarks>
        public void Extract(in Conv2DGeometry g, float* image, int channels, float* input, int* columnMap)
        {
            int sh = g.StrideHeight, sw = g.StrideWidth, width = g.InWidth, height = g.InHeight;
            // Offset of input column j within a block row, or −1 if it is not stored.
            for (int j = 0; j < width; j++)
            {
                int jp = j + g.PadLeft;
                int b = jp % sw, u = jp / sw;
                columnMap[j] = u < Pitch && PhaseUsed(b, g.KernelWidth, g.DilationWidth, sw)
                    ? PhaseIndex(b, g.KernelWidth, g.DilationWidth, sw) * BlockSize + u
                    : -1;
            }
            // Stride 2: input columns come in pairs (phase 0, phase 1) of one stored column; with only phase 0 stored
            // (a 1×1 kernel), phase 1 is a row of zeros.
            bool pairs2 = sw == 2 && Pitch <= 1024;
            float* zeros = stackalloc float[pairs2 && PhasesWide == 1 ? Pitch : 0];
            if (pairs2 && PhasesWide == 1)
                new Span<float>(zeros, Pitch).Clear();
            nint oddPhase = PhasesWide == 2 ? BlockSize : 0;
            for (int i = 0; i < height; i++)
            {
                int ip = i + g.PadTop;
                int a = ip % sh, t = ip / sh;
                bool stored = t < Rows && PhaseUsed(a, g.KernelHeight, g.DilationHeight, sh);
                nint rowBase = stored ? (nint)PhaseIndex(a, g.KernelHeight, g.DilationHeight, sh) * PhasesWide * BlockSize + (nint)t * Pitch : 0;
                for (int c = 0; c < channels; c++)
                {
                    float* destination = input + ((nint)c * height + i) * width;
                    if (!stored)
                    {
                        ConvRows.Clear(destination, width);
                        continue;
                    }
                    float* source = image + (nint)c * ChannelStride + rowBase;
                    if (sw == 1)
                    {
                        // Stored columns are a prefix of the row: u = j + padLeft < Pitch. Rows are written in order, so a
                        // row may overshoot into the next while that stays inside this channel's plane (the block it reads
                        // has rows to spare below).
                        int count = Math.Clamp(Pitch - g.PadLeft, 0, width);
                        if (count == width && i < height - 1 && i * width + ((width + 7) & ~7) <= height * width)
                        {
                            ConvRows.AddScalarOvershooting(source + g.PadLeft, 0f, destination, width, add: false);
                            continue;
                        }
                        ConvRows.Copy(source + g.PadLeft, destination, count);
                        ConvRows.Clear(destination + count, width - count);
                        continue;
                    }
                    int j = 0;
                    if (pairs2)
                    {
                        // From the first even padded column on, input columns come in pairs of the same stored column u.
                        j = g.PadLeft % 2;
                        int u = (j + g.PadLeft) / 2;
                        int pairs = Math.Max(0, Math.Min((width - j) / 2, Pitch - u));
                        ConvRows.Interleave(source + u, PhasesWide == 2 ? source + oddPhase + u : zeros + u, destination + j, pairs);
                        for (int k = 0; k < j; k++)
                            destination[k] = columnMap[k] >= 0 ? source[columnMap[k]] : 0f;
                        j += 2 * pairs;
                    }
                    for (; j < width; j++)
                    {
                        int offset = columnMap[j];
                        destination[j] = offset >= 0 ? source[offset] : 0f;
                    }
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int Phase(int tap, int dilation, int stride) => (int)((long)tap * dilation % stride);

        /// <summary>Whether no earlier tap has the same phase.</summary>
        private static bool FirstOfPhase(int tap, int dilation, int stride)
        {
            int phase = Phase(tap, dilation, stride);
            for (int earlier = 0; earlier < tap; earlier++)
                if (Phase(earlier, dilation, stride) == phase)
                    return false;
            return true;
        }

        private static bool PhaseUsed(int phase, int taps, int dilation, int stride)
        {
            for (int tap = 0; tap < taps; tap++)
                if (Phase(tap, dilation, stride) == phase)
                    return true;
            return false;
        }

        /// <summary>The number of distinct phases below <paramref name="phase"/> that some tap reads: the block index.</summary>
        private static int PhaseIndex(int phase, int taps, int dilation, int stride)
        {
            int count = 0;
            for (int tap = 0; tap < taps; tap++)
                if (Phase(tap, dilation, stride) < phase && FirstOfPhase(tap, dilation, stride))
                    count++;
            return count;
        }

        /// <summary>The largest offset (tap·dilation div stride) among the taps of a phase.</summary>
        private static int MaxOffset(int phase, int taps, int dilation, int stride)
        {
            int offset = 0;
            for (int tap = 0; tap < taps; tap++)
                if (Phase(tap, dilation, stride) == phase)
                    offset = Math.Max(offset, (int)((long)tap * dilation / stride));
            return offset;
        }

        /// <summary>First stored column u of phase b holding input (b + s·u − pad ≥ 0).</summary>
        private static int DataStart(int phase, int pad, int stride) => Math.Max(0, CeilDiv(pad - phase, stride));

        /// <summary>One past the last column u of phase b holding input (b + s·u − pad &lt; size).</summary>
        private static int DataEnd(int phase, int pad, int size, int stride, int start) => Math.Max(start, CeilDiv(pad + size - phase, stride));

        private static int CeilDiv(int value, int divisor) => value >= 0 ? (value + divisor - 1) / divisor : value / divisor;
    }
}
