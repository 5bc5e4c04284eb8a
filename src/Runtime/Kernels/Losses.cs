using System;
using System.Numerics.Tensors;

namespace TensorForge.Kernels
{
    /// <summary>Losses with PyTorch's reductions (mean by default; sum; and the per-sample sum averaged over the batch). Each
    /// returns the reduced loss and, when <c>gradient</c> is not empty, overwrites it with its derivative d(loss)/d(output)
    /// (already divided by the reduction's divisor).</summary>
    /// <remarks>Sums are accumulated in double. As in PyTorch, the mean over nothing (batch 0 or empty spans) is NaN.</remarks>
    public static class Losses
    {
        /// <summary>Rows of logits are exponentiated this many at a time into a stack buffer when there is no gradient
        /// span to work in.</summary>
        private const int ScratchLength = 256;

        /// <summary>Cross-entropy of row-wise softmax(logits) against class indices; mean over the rows whose label is not
        /// <see cref="Guard.IgnoredLabel"/> (−100, PyTorch's default <c>ignore_index</c>: such a row adds nothing to the loss
        /// and gets a zero gradient; with every row ignored the mean is NaN, as in PyTorch).
        /// Throws <see cref="ArgumentException"/> for any other label outside [0, classes).</summary>
        public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> gradient, int batch, int classes)
            => SoftmaxCrossEntropy(logits, labels, gradient, batch, classes, Reduction.Mean, batch);

        /// <summary>Cross-entropy against class indices with the given reduction: <see cref="Reduction.Mean"/> as the overload
        /// without it; <see cref="Reduction.Sum"/> the sum over the rows whose label is not ignored (0 when all are);
        /// <see cref="Reduction.SumPerSample"/> that sum divided by <paramref name="samples"/> (the rows are
        /// <paramref name="samples"/> samples of batch / samples time steps each). The gradient is the derivative of the value returned.</summary>
        /// <param name="logits">[batch, classes].</param>
        /// <param name="labels">[batch] class indices, or −100 to ignore a row.</param>
        /// <param name="gradient">[batch, classes], overwritten with d(loss)/d(logits), or empty.</param>
        /// <param name="batch">Rows.</param>
        /// <param name="classes">Classes per row.</param>
        /// <param name="reduction">How the per-row losses are reduced.</param>
        /// <param name="samples">Samples the rows belong to (the divisor of <see cref="Reduction.SumPerSample"/>); ignored otherwise.</param>
        public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> gradient, int batch, int classes,
            Reduction reduction, int samples)
        {
            CheckLogits(logits, gradient, batch, classes);
            KernelArguments.AtLeast(labels.Length, nameof(labels), batch, 1, nameof(batch), "1");
            CheckReduction(reduction, samples);
            int counted = 0;
            for (int r = 0; r < batch; r++)
            {
                int label = labels[r];
                if (label == Guard.IgnoredLabel)
                    continue;
                if ((uint)label >= (uint)classes)
                    throw new ArgumentException($"Label {label} at index {r} is outside [0, {classes}): there are {classes} classes.", nameof(labels));
                counted++;
            }
            int divisor = Divisor(reduction, counted, samples);
            if (divisor == 0 || (counted == 0 && reduction == Reduction.Mean))
            {
                if (!gradient.IsEmpty)
                    gradient.Slice(0, batch * classes).Clear();
                return reduction == Reduction.Mean || divisor == 0 ? float.NaN : 0f;
            }

            double total = 0;
            float inverseBatch = 1f / divisor;
            for (int r = 0; r < batch; r++)
            {
                ReadOnlySpan<float> row = logits.Slice(r * classes, classes);
                int label = labels[r];
                if (label == Guard.IgnoredLabel)
                {
                    if (!gradient.IsEmpty)
                        gradient.Slice(r * classes, classes).Clear();
                    continue;
                }
                if (gradient.IsEmpty)
                {
                    total += LogSumExp(row) - row[label];
                }
                else
                {
                    Span<float> gradientRow = gradient.Slice(r * classes, classes);
                    total += SoftmaxInto(row, gradientRow, inverseBatch) - row[label];
                    gradientRow[label] -= inverseBatch;
                }
            }
            return (float)(total / divisor);
        }

        /// <summary>Cross-entropy against class probabilities ([batch, classes]); mean over the batch.</summary>
        /// <remarks>Per row: −Σ t·log softmax(x) = logsumexp(x)·Σt − Σ t·x; gradient (softmax(x)·Σt − t) / batch. Targets
        /// need not sum to 1 (the formulas hold for any weights), as in PyTorch.</remarks>
        public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> gradient, int batch, int classes)
            => SoftmaxCrossEntropy(logits, targets, gradient, batch, classes, Reduction.Mean, batch);

        /// <summary>Cross-entropy against class probabilities with the given reduction: the per-row losses averaged over the
        /// rows (<see cref="Reduction.Mean"/>), summed (<see cref="Reduction.Sum"/>) or summed and divided by
        /// <paramref name="samples"/> (<see cref="Reduction.SumPerSample"/>). The gradient is the derivative of the value returned.</summary>
        /// <param name="logits">[batch, classes].</param>
        /// <param name="targets">[batch, classes] class weights.</param>
        /// <param name="gradient">[batch, classes], overwritten with d(loss)/d(logits), or empty.</param>
        /// <param name="batch">Rows.</param>
        /// <param name="classes">Classes per row.</param>
        /// <param name="reduction">How the per-row losses are reduced.</param>
        /// <param name="samples">Samples the rows belong to (the divisor of <see cref="Reduction.SumPerSample"/>); ignored otherwise.</param>
        public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> gradient, int batch, int classes,
            Reduction reduction, int samples)
        {
            CheckLogits(logits, gradient, batch, classes);
            KernelArguments.AtLeast(targets.Length, nameof(targets), batch, classes, nameof(batch), nameof(classes));
            CheckReduction(reduction, samples);
            int divisor = Divisor(reduction, batch, samples);
            if (batch == 0 || divisor == 0)
                return reduction == Reduction.Sum ? 0f : float.NaN;

            double total = 0;
            float inverseBatch = 1f / divisor;
            for (int r = 0; r < batch; r++)
            {
                ReadOnlySpan<float> row = logits.Slice(r * classes, classes);
                ReadOnlySpan<float> targetRow = targets.Slice(r * classes, classes);
                double targetSum = TensorPrimitives.Sum(targetRow);
                double dot = TensorPrimitives.Dot(targetRow, row);
                if (gradient.IsEmpty)
                {
                    total += LogSumExp(row) * targetSum - dot;
                }
                else
                {
                    Span<float> gradientRow = gradient.Slice(r * classes, classes);
                    total += SoftmaxInto(row, gradientRow, (float)(targetSum * inverseBatch)) * targetSum - dot;
                    // gradient = softmax·Σt/divisor − t/divisor
                    TensorPrimitives.MultiplyAdd(targetRow, -inverseBatch, gradientRow, gradientRow);
                }
            }
            return (float)(total / divisor);
        }

        /// <summary>Mean over every element of (output − target)².</summary>
        public static float MeanSquaredError(ReadOnlySpan<float> output, ReadOnlySpan<float> targets, Span<float> gradient)
            => MeanSquaredError(output, targets, gradient, Reduction.Mean, 1);

        /// <summary>(output − target)² averaged over every element (<see cref="Reduction.Mean"/>), summed
        /// (<see cref="Reduction.Sum"/>), or summed and divided by <paramref name="samples"/> (<see cref="Reduction.SumPerSample"/>).
        /// The gradient is the derivative of the value returned.</summary>
        /// <param name="output">Predictions, batch × outputs.</param>
        /// <param name="targets">Targets, as long as <paramref name="output"/>.</param>
        /// <param name="gradient">Overwritten with d(loss)/d(output), or empty.</param>
        /// <param name="reduction">How the squared errors are reduced.</param>
        /// <param name="samples">Samples in the batch (the divisor of <see cref="Reduction.SumPerSample"/>); ignored otherwise.</param>
        public static float MeanSquaredError(ReadOnlySpan<float> output, ReadOnlySpan<float> targets, Span<float> gradient, Reduction reduction, int samples)
        {
            KernelArguments.SameLength(targets.Length, nameof(targets), output.Length, nameof(output));
            CheckGradient(gradient, output.Length, nameof(output));
            CheckReduction(reduction, samples);
            int n = output.Length;
            int divisor = Divisor(reduction, n, samples);
            if (n == 0 || divisor == 0)
                return reduction == Reduction.Sum ? 0f : float.NaN;

            if (gradient.IsEmpty)
            {
                float distance = TensorPrimitives.Distance(output, targets);
                return (float)((double)distance * distance / divisor);
            }
            gradient = gradient.Slice(0, n);
            TensorPrimitives.Subtract(output, targets, gradient);
            double sumOfSquares = TensorPrimitives.SumOfSquares(gradient);
            TensorPrimitives.Multiply(gradient, 2f / divisor, gradient);
            return (float)(sumOfSquares / divisor);
        }

        /// <summary>Mean over every element of the numerically stable BCE-with-logits: max(x,0) − x·t + log(1 + e^−|x|).</summary>
        /// <remarks>Gradient (σ(x) − t) / count. Evaluated per element in double: log1p has no vector form in .NET, and
        /// the loss is a negligible part of a training step next to the matrix multiplies.</remarks>
        public static float BinaryCrossEntropyWithLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> gradient)
            => BinaryCrossEntropyWithLogits(logits, targets, gradient, Reduction.Mean, 1);

        /// <summary>BCE-with-logits averaged over every element (<see cref="Reduction.Mean"/>), summed (<see cref="Reduction.Sum"/>),
        /// or summed and divided by <paramref name="samples"/> (<see cref="Reduction.SumPerSample"/>: a VAE's reconstruction
        /// term, nats per image). The gradient is the derivative of the value returned.</summary>
        /// <param name="logits">Logits, batch × outputs.</param>
        /// <param name="targets">Targets in [0, 1], as long as <paramref name="logits"/>.</param>
        /// <param name="gradient">Overwritten with d(loss)/d(logits), or empty.</param>
        /// <param name="reduction">How the element losses are reduced.</param>
        /// <param name="samples">Samples in the batch (the divisor of <see cref="Reduction.SumPerSample"/>); ignored otherwise.</param>
        public static float BinaryCrossEntropyWithLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> gradient, Reduction reduction, int samples)
        {
            KernelArguments.SameLength(targets.Length, nameof(targets), logits.Length, nameof(logits));
            CheckGradient(gradient, logits.Length, nameof(logits));
            CheckReduction(reduction, samples);
            int n = logits.Length;
            int divisor = Divisor(reduction, n, samples);
            if (n == 0 || divisor == 0)
                return reduction == Reduction.Sum ? 0f : float.NaN;

            double total = 0;
            double inverseCount = 1.0 / divisor;
            bool writeGradient = !gradient.IsEmpty;
            for (int i = 0; i < n; i++)
            {
                double x = logits[i], t = targets[i];
                double e = Math.Exp(-Math.Abs(x));
                total += Math.Max(x, 0) - x * t + LogOnePlus(e);
                if (writeGradient)
                {
                    // σ(x) from e = e^−|x| without overflow: 1/(1+e) for x ≥ 0, e/(1+e) for x < 0.
                    double sigmoid = x >= 0 ? 1 / (1 + e) : e / (1 + e);
                    gradient[i] = (float)((sigmoid - t) * inverseCount);
                }
            }
            return (float)(total * inverseCount);
        }

        /// <summary>The divisor of a reduction: the element count for the mean, 1 for the sum, the samples for the per-sample sum.</summary>
        private static int Divisor(Reduction reduction, int count, int samples) => reduction switch
        {
            Reduction.Sum => 1,
            Reduction.SumPerSample => samples,
            _ => count,
        };

        private static void CheckReduction(Reduction reduction, int samples)
        {
            if (reduction is not (Reduction.Mean or Reduction.Sum or Reduction.SumPerSample))
                throw new ArgumentOutOfRangeException(nameof(reduction), reduction, $"reduction must be Mean, Sum or SumPerSample but is {(int)reduction}.");
            KernelArguments.NonNegative(samples, nameof(samples));
        }

        /// <summary>log(1 + e) for 0 ≤ e ≤ 1, accurate also when e is far below the rounding error of 1 + e
        /// (Goldberg's correction; .NET has no log1p).</summary>
        private static double LogOnePlus(double e)
        {
            double u = 1 + e;
            return u == 1 ? e : Math.Log(u) * e / (u - 1);
        }

        /// <summary>log Σ exp(row), max-subtracted, exponentiating through a small stack buffer.</summary>
        private static double LogSumExp(ReadOnlySpan<float> row)
        {
            float max = TensorPrimitives.Max(row);
            Span<float> scratch = stackalloc float[ScratchLength];
            double sum = 0;
            for (int start = 0; start < row.Length; start += ScratchLength)
            {
                ReadOnlySpan<float> chunk = row.Slice(start, Math.Min(ScratchLength, row.Length - start));
                Span<float> exps = scratch.Slice(0, chunk.Length);
                TensorPrimitives.Subtract(chunk, max, exps);
                TensorPrimitives.Exp(exps, exps);
                sum += TensorPrimitives.Sum(exps);
            }
            return max + Math.Log(sum);
        }

        /// <summary>Writes softmax(row) · scale into <paramref name="destination"/> and returns log Σ exp(row).</summary>
        private static double SoftmaxInto(ReadOnlySpan<float> row, Span<float> destination, float scale)
        {
            float max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, destination);
            TensorPrimitives.Exp(destination, destination);
            double sum = TensorPrimitives.Sum(destination);
            TensorPrimitives.Multiply(destination, (float)(scale / sum), destination);
            return max + Math.Log(sum);
        }

        private static void CheckLogits(ReadOnlySpan<float> logits, Span<float> gradient, int batch, int classes)
        {
            KernelArguments.NonNegative(batch, nameof(batch));
            KernelArguments.NonNegative(classes, nameof(classes));
            if (classes == 0 && batch > 0)
                throw new ArgumentOutOfRangeException(nameof(classes), classes, "Cross-entropy needs at least one class.");
            KernelArguments.AtLeast(logits.Length, nameof(logits), batch, classes, nameof(batch), nameof(classes));
            if (!gradient.IsEmpty)
                KernelArguments.AtLeast(gradient.Length, nameof(gradient), batch, classes, nameof(batch), nameof(classes));
        }

        private static void CheckGradient(Span<float> gradient, int needed, string sourceName)
        {
            if (!gradient.IsEmpty)
                KernelArguments.Destination(gradient.Length, nameof(gradient), needed, sourceName);
        }
    }
}
