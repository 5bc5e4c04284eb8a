using System;

namespace TensorForge.Data
{
    /// <summary>Data augmentation of image batches, in place and without allocation (for <see cref="Training.TrainerOptions.Augment"/>).</summary>
    public static class Augmentation
    {
        /// <summary>Shifts each image of a batch ([count, channels, height, width], row-major) by a random whole number of
        /// pixels in [−<paramref name="maxShift"/>, <paramref name="maxShift"/>] in each direction, filling the uncovered border with
        /// zeros (the random translations AlexNet made standard). Every channel of an image moves together.</summary>
        /// <exception cref="ArgumentException">A size is not positive, <paramref name="maxShift"/> is negative, or
        /// <paramref name="images"/> is not <c>count·channels·height·width</c> long.</exception>
        public static void RandomShift(Span<float> images, int count, int channels, int height, int width, int maxShift, ref SeededRandom random)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
            ArgumentOutOfRangeException.ThrowIfNegative(maxShift);
            long expected = (long)count * channels * height * width;
            if (images.Length != expected)
                throw new ArgumentException($"images has {images.Length} elements but {count} images of [{channels}, {height}, {width}] need {expected}", nameof(images));
            int plane = height * width;
            Span<float> row = width <= 1024 ? stackalloc float[width] : new float[width];
            for (int n = 0; n < count; n++)
            {
                int dy = random.NextInt32(2 * maxShift + 1) - maxShift;
                int dx = random.NextInt32(2 * maxShift + 1) - maxShift;
                if (dy == 0 && dx == 0)
                    continue;
                for (int c = 0; c < channels; c++)
                    Shift(images.Slice((n * channels + c) * plane, plane), height, width, dy, dx, row);
            }
        }

        /// <summary>out[y, x] = in[y − dy, x − dx], zero outside. Rows are visited in the order that never reads a row already
        /// overwritten.</summary>
        private static void Shift(Span<float> image, int height, int width, int dy, int dx, Span<float> row)
        {
            int first = dy > 0 ? height - 1 : 0, last = dy > 0 ? -1 : height, step = dy > 0 ? -1 : 1;
            for (int y = first; y != last; y += step)
            {
                Span<float> target = image.Slice(y * width, width);
                int source = y - dy;
                if (source < 0 || source >= height)
                {
                    target.Clear();
                    continue;
                }
                image.Slice(source * width, width).CopyTo(row);
                target.Clear();
                int from = Math.Max(0, -dx), to = Math.Min(width, width - dx); // source columns that land inside
                if (to > from)
                    row.Slice(from, to - from).CopyTo(target.Slice(from + dx));
            }
        }
    }
}
