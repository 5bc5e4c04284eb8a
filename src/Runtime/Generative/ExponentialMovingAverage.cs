using System;
using System.Numerics.Tensors;

namespace TensorForge.Generative
{
    /// <summary>An exponential moving average of a network's parameters, the "EMA weights" diffusion models are evaluated with
    /// (DDPM keeps one with decay 0.9999): after every optimizer step, <see cref="Update"/> moves the average towards the
    /// current parameters, avg ← d·avg + (1 − d)·θ; sample with <see cref="CopyTo"/> into a second instance of the network.</summary>
    /// <remarks>
    /// <para>With <c>warmup</c> (the default), update n (counting from 0) uses d = min(<see cref="Decay"/>, (1 + n)/(10 + n)),
    /// as the <c>diffusers</c> library's <c>EMAModel</c> does, so that the average forgets its initial value (the untrained
    /// parameters) quickly: d is 0.1 at the first update, 0.5 at the 9th, 0.9 at the 81st. Without it, d is always
    /// <see cref="Decay"/>.</para>
    /// <para>Only parameters are averaged: a network's buffers (batch-norm running statistics) are not part of
    /// <see cref="INetwork.Parameters"/>. <see cref="Update"/> allocates nothing and is deterministic (float arithmetic,
    /// element-wise).</para>
    /// </remarks>
    public sealed class ExponentialMovingAverage
    {
        private readonly float[] _average;

        /// <summary>Starts the average at <paramref name="parameters"/> (copied).</summary>
        /// <param name="parameters">The initial parameters, e.g. <c>network.Parameters</c>.</param>
        /// <param name="decay">d, in [0, 1): the weight of the old average at each update (0.999 averages over about the last
        /// 1,000 steps).</param>
        /// <param name="warmup">Use d = min(decay, (1 + n)/(10 + n)) at update n.</param>
        /// <exception cref="ArgumentException"><paramref name="parameters"/> is empty.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="decay"/> is not in [0, 1).</exception>
        public ExponentialMovingAverage(ReadOnlySpan<float> parameters, float decay = 0.999f, bool warmup = true)
        {
            if (parameters.IsEmpty)
                throw new ArgumentException("parameters has 0 values but must have at least one", nameof(parameters));
            if (!(decay >= 0 && decay < 1))
                throw new ArgumentOutOfRangeException(nameof(decay), decay, $"decay must be in [0, 1) but is {decay}");
            _average = parameters.ToArray();
            Decay = decay;
            Warmup = warmup;
        }

        /// <summary>d, the largest weight of the old average.</summary>
        public float Decay { get; }

        /// <summary>Whether the decay ramps up as (1 + n)/(10 + n) at update n.</summary>
        public bool Warmup { get; }

        /// <summary>Updates made so far.</summary>
        public int Updates { get; private set; }

        /// <summary>The averaged parameters (as many values as the network's parameters).</summary>
        public ReadOnlySpan<float> Average => _average;

        /// <summary>The decay the next <see cref="Update"/> uses.</summary>
        public float CurrentDecay => Warmup ? Math.Min(Decay, (1f + Updates) / (10f + Updates)) : Decay;

        /// <summary>avg ← d·avg + (1 − d)·<paramref name="parameters"/> with d = <see cref="CurrentDecay"/>; call it after
        /// every optimizer step.</summary>
        /// <exception cref="ArgumentException"><paramref name="parameters"/> is not as long as the average; nothing is changed.</exception>
        public void Update(ReadOnlySpan<float> parameters)
        {
            SameLength(parameters.Length, nameof(parameters));
            float d = CurrentDecay;
            TensorPrimitives.Multiply(_average, d, _average);
            TensorPrimitives.MultiplyAdd(parameters, 1f - d, _average, _average);
            Updates++;
        }

        /// <summary>Copies the average into <paramref name="destination"/>, e.g. the <c>Parameters</c> of the network used for
        /// sampling.</summary>
        /// <exception cref="ArgumentException"><paramref name="destination"/> is not as long as the average.</exception>
        public void CopyTo(Span<float> destination)
        {
            SameLength(destination.Length, nameof(destination));
            _average.CopyTo(destination);
        }

        private void SameLength(int length, string name)
        {
            if (length != _average.Length)
                throw new ArgumentException($"{name} has {length} values but the average has {_average.Length}", name);
        }
    }
}
