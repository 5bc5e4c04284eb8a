using System;
using System.Collections.Generic;

namespace TensorForge.Samples
{
    /// <summary>The models <c>--model</c> can name, and those built so far.</summary>
    internal static class CharacterModels
    {
        /// <summary>Every model name the command line accepts besides <c>all</c>, in the order <c>--model all</c> runs them.</summary>
        public static readonly IReadOnlyList<string> Names = ["lstm", "gru", "transformer"];

        /// <summary>The models implemented so far, each created from the run's seed (e.g.
        /// <c>["lstm"] = seed => new LstmModel(seed)</c>); a name of <see cref="Names"/> missing here is reported as not yet
        /// available.</summary>
        public static readonly IReadOnlyDictionary<string, Func<int, ICharacterModel>> Available =
            new Dictionary<string, Func<int, ICharacterModel>>(StringComparer.Ordinal)
            {
                ["lstm"] = seed => new LstmModel(seed),
                ["gru"] = seed => new GruModel(seed),
                ["transformer"] = seed => new TransformerModel(seed),
            };
    }
}
