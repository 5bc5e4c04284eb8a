using System;

namespace TensorForge
{
    /// <summary>A small, fast, deterministic generator (xoshiro128** seeded by SplitMix64): the same seed gives the same
    /// sequence on every platform and .NET version, unlike <see cref="Random"/>.</summary>
    public struct SeededRandom
    {
        public SeededRandom(long seed) => throw new NotImplementedException();

        /// <summary>Next 32 random bits.</summary>
        public uint NextUInt32() => throw new NotImplementedException();

        /// <summary>Uniform in [0, 1) with 24 bits of precision.</summary>
        public float NextSingle() => throw new NotImplementedException();

        /// <summary>Uniform integer in [0, maxExclusive).</summary>
        public int NextInt32(int maxExclusive) => throw new NotImplementedException();

        /// <summary>Standard normal (Box–Muller).</summary>
        public float NextGaussian() => throw new NotImplementedException();
    }
}
