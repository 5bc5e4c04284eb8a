using System;
using System.Collections.Generic;

namespace TensorForge.Benchmarks
{
    /// <summary>One comparison of our values with a PyTorch twin's: max |Δ|, max relative difference where |ref| &gt; 1, the norm
    /// ratio ‖Δ‖/‖ref‖, the verdict's scaled difference max |Δ|/max(1, |ref|) and the worst tensor or element.</summary>
    internal sealed record Comparison(double MaxAbs, double MaxRelLarge, double NormRatio, double MaxScaled, string Worst)
    {
        public bool Pass => MaxScaled <= Agreement.Tolerance;
    }

    /// <summary>The statistics every agreement section (12, 14) prints: an element agrees when |ours − torch| ≤ 1e-4 · max(1, |torch|).</summary>
    internal static class Agreement
    {
        public const double Tolerance = 1e-4;

        /// <summary>Every tensor of <paramref name="ours"/> against the twin's tensor of the same name, as one comparison
        /// naming the worst tensor.</summary>
        public static Comparison Compare(Dictionary<string, NamedTensor> ours, Dictionary<string, NamedTensor> torch)
        {
            var accumulator = new Accumulator();
            foreach (var (name, tensor) in ours)
                accumulator.Add(tensor.Values, torch[name].Values, name);
            return accumulator.Result();
        }

        public static Comparison Compare(float[] ours, float[] torch)
            => Compare(Array.ConvertAll(ours, v => (double)v), Array.ConvertAll(torch, v => (double)v), "");

        /// <summary>One tensor; a failing comparison without a name names its worst element.</summary>
        public static Comparison Compare(double[] ours, double[] torch, string name)
        {
            var accumulator = new Accumulator();
            accumulator.Add(ours, torch, name);
            Comparison c = accumulator.Result();
            if (c.Pass || c.Worst.Length > 0)
                return c;
            int worst = 0;
            double worstScaled = -1;
            for (int i = 0; i < ours.Length; i++)
            {
                double scaled = Math.Abs(ours[i] - torch[i]) / Math.Max(1, Math.Abs(torch[i]));
                if (!(scaled <= worstScaled)) { worstScaled = scaled; worst = i; }
            }
            return c with { Worst = FormattableString.Invariant($"element {worst}: ours {ours[worst]:G9}, torch {torch[worst]:G9}") };
        }

        private sealed class Accumulator
        {
            private double _maxAbs, _maxRelLarge = double.NaN, _maxScaled, _diffSquares, _refSquares, _worstTensorScaled = -1;
            private string _worst = "";

            public void Add(double[] ours, double[] torch, string name)
            {
                if (ours.Length != torch.Length)
                    throw new InvalidOperationException($"'{name}': ours has {ours.Length} values, torch {torch.Length}");
                double tensorScaled = 0;
                for (int i = 0; i < ours.Length; i++)
                {
                    double diff = Math.Abs(ours[i] - torch[i]);
                    if (double.IsNaN(diff)) diff = double.PositiveInfinity;
                    double magnitude = Math.Abs(torch[i]);
                    _maxAbs = Math.Max(_maxAbs, diff);
                    if (magnitude > 1)
                        _maxRelLarge = double.IsNaN(_maxRelLarge) ? diff / magnitude : Math.Max(_maxRelLarge, diff / magnitude);
                    tensorScaled = Math.Max(tensorScaled, diff / Math.Max(1, magnitude));
                    _diffSquares += diff * diff;
                    _refSquares += torch[i] * torch[i];
                }
                _maxScaled = Math.Max(_maxScaled, tensorScaled);
                if (tensorScaled > _worstTensorScaled)
                {
                    _worstTensorScaled = tensorScaled;
                    _worst = name;
                }
            }

            public Comparison Result() => new(_maxAbs, _maxRelLarge, _refSquares > 0 ? Math.Sqrt(_diffSquares / _refSquares) : Math.Sqrt(_diffSquares), _maxScaled, _worst);
        }
    }
}
