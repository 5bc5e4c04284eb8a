using System;
using System.Collections.Generic;
using System.IO;
using ScottPlot;

namespace TensorForge.Samples.Pictures
{
    /// <summary>One curve of a <see cref="LossPlot"/>: a label and its points (x, e.g. the training step, and y, the loss).</summary>
    /// <param name="Label">The legend text.</param>
    /// <param name="X">The x values (same length as <paramref name="Y"/>).</param>
    /// <param name="Y">The y values; non-finite ones are left out.</param>
    /// <param name="Faint">Draw the curve thin and light (e.g. the noisy per-step loss behind its per-epoch mean).</param>
    /// <param name="Color">Index into ScottPlot's category palette (0 blue, 1 orange, 2 green, 3 red, …), so that a faint
    /// curve and its mean can share a colour; −1 (default): the curve's position in the plot.</param>
    public sealed record LossCurve(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Faint = false, int Color = -1)
    {
        /// <summary>A curve of per-step losses: x is the step number from 1.</summary>
        public static LossCurve FromSteps(string label, IReadOnlyList<float> losses, bool faint = false, int color = -1)
        {
            ArgumentNullException.ThrowIfNull(losses);
            var x = new double[losses.Count];
            var y = new double[losses.Count];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = i + 1;
                y[i] = losses[i];
            }
            return new LossCurve(label, x, y, faint, color);
        }
    }

    /// <summary>Writes loss curves as a PNG line plot (ScottPlot).</summary>
    public static class LossPlot
    {
        /// <summary>Plots <paramref name="curves"/> on one pair of axes with a legend and writes a
        /// <paramref name="width"/>×<paramref name="height"/> PNG to <paramref name="path"/> (the folder is created if needed).</summary>
        /// <exception cref="ArgumentException">No curve, a curve whose X and Y differ in length, or a size that is not positive.</exception>
        public static void WritePng(string path, string title, string xLabel, string yLabel, IReadOnlyList<LossCurve> curves,
            int width = 800, int height = 500)
        {
            ArgumentNullException.ThrowIfNull(path);
            ArgumentNullException.ThrowIfNull(curves);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
            if (curves.Count == 0)
                throw new ArgumentException("a loss plot needs at least one curve", nameof(curves));

            var plot = new Plot();
            Color[] palette = [Colors.C0, Colors.C1, Colors.C2, Colors.C3, Colors.C4, Colors.C5];
            for (int c = 0; c < curves.Count; c++)
            {
                LossCurve curve = curves[c];
                if (curve.X.Count != curve.Y.Count)
                    throw new ArgumentException(
                        $"curve '{curve.Label}' has {curve.X.Count} x values but {curve.Y.Count} y values", nameof(curves));
                var xs = new List<double>(curve.X.Count);
                var ys = new List<double>(curve.Y.Count);
                for (int i = 0; i < curve.X.Count; i++)
                {
                    if (double.IsFinite(curve.X[i]) && double.IsFinite(curve.Y[i]))
                    {
                        xs.Add(curve.X[i]);
                        ys.Add(curve.Y[i]);
                    }
                }
                Color color = palette[(curve.Color >= 0 ? curve.Color : c) % palette.Length];
                var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), curve.Faint ? color.WithAlpha(0.25) : color);
                line.LineWidth = curve.Faint ? 1 : 2;
                line.LegendText = curve.Label;
                line.MarkerSize = curve.Faint ? 0 : 5;
            }
            plot.Title(title);
            plot.XLabel(xLabel);
            plot.YLabel(yLabel);
            plot.ShowLegend(Alignment.UpperRight);

            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null)
                Directory.CreateDirectory(folder);
            plot.SavePng(path, width, height);
        }
    }
}
