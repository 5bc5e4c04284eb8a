using System;
using System.Numerics;

namespace TensorForge
{
    /// <summary>A small, fast, deterministic generator (xoshiro128** seeded by SplitMix64): the same seed gives the same
    /// sequence on every platform and .NET version, unlike <see cref="Random"/>.</summary>
    /// <remarks>A mutable struct: pass it by <c>ref</c>; a copy continues the same sequence independently.
    /// Not for cryptography.</remarks>
    public struct SeededRandom
    {
        private uint _s0, _s1, _s2, _s3;

        public SeededRandom(long seed)
        {
            ulong state = (ulong)seed;
            ulong a = SplitMix64(ref state);
            ulong b = SplitMix64(ref state);
            _s0 = (uint)a;
            _s1 = (uint)(a >> 32);
            _s2 = (uint)b;
            _s3 = (uint)(b >> 32);
            // xoshiro must not start from the all-zero state (it would stay there). SplitMix64 makes this practically
            // impossible, but the check keeps the guarantee unconditional.
            if ((_s0 | _s1 | _s2 | _s3) == 0)
                _s0 = 1;
        }

        /// <summary>Next 32 random bits.</summary>
        public uint NextUInt32()
        {
            uint result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
            uint t = _s1 << 9;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = BitOperations.RotateLeft(_s3, 11);
            return result;
        }

        /// <summary>Uniform in [0, 1) with 24 bits of precision.</summary>
        public float NextSingle() => (NextUInt32() >> 8) * (1f / (1 << 24));

        /// <summary>Uniform integer in [0, maxExclusive), without modulo bias (Lemire's multiply-and-reject).</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is not positive.</exception>
        public int NextInt32(int maxExclusive)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
            uint range = (uint)maxExclusive;
            ulong product = (ulong)NextUInt32() * range;
            uint low = (uint)product;
            if (low < range)
            {
                uint threshold = (0u - range) % range;
                while (low < threshold)
                {
                    product = (ulong)NextUInt32() * range;
                    low = (uint)product;
                }
            }
            return (int)(product >> 32);
        }

        /// <summary>Standard normal (Box–Muller, one value per pair of uniforms; computed in double).</summary>
        public float NextGaussian()
        {
            double u1 = 1.0 - NextSingle(); // (0, 1]: keeps the logarithm finite
            double u2 = NextSingle();
            return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }

        private static ulong SplitMix64(ref ulong state)
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
