using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using static System.FormattableString;

namespace TensorForge.Samples
{
    /// <summary>Character-level language models of English words: computes the uniform, bigram and trigram baselines of the
    /// held-out split, trains each selected model (<see cref="CharacterModels"/>) with one progress line per epoch, prints
    /// its held-out nats/token and 20 sampled words, and ends with the line
    /// <c>held-out nats/token: uniform 3.296, bigram X, trigram X, lstm X, …</c>. Exit code 1 when a model misses its bar
    /// (with <c>--quick</c>: when it does not beat the trigram) or, on the bundled data, when a baseline is not the figure of
    /// issue 8; 2 for usage and data errors.</summary>
    internal static class Program
    {
        /// <summary>The baselines of the bundled data with this split (issue 8), to 4 decimals: a check of split and metric.</summary>
        public const double ExpectedBigram = 2.4722;
        public const double ExpectedTrigram = 2.1499;

        public const int DefaultSeed = 42;
        public const int SampledWords = 20;

        private static readonly string Usage =
            "usage: Words [--model lstm|gru|transformer|all] [--epochs N] [--data DIR] [--seed N] [--quick]\n" +
            "  --model NAME   the model to train: lstm, gru, transformer, or all of them (default all)\n" +
            "  --epochs N     epochs for each model (default: the model's own; with --quick, its short run)\n" +
            "  --data DIR     folder with words.txt (default data/english-words of the repository)\n" +
            "  --seed N       seed of the models' initialisation, the shuffling and the sampling (default 42)\n" +
            "  --quick        the short CI run: a few epochs per model, each of which must beat the trigram baseline\n" +
            "  --version      print the version and exit";

        private static int Main(string[] args) =>
            CommandLine.Run(args, "Words", Usage, ["--model", "--epochs", "--data", "--seed"], ["--quick"], allowPositional: false, Run);

        private static int Run(CommandLine options)
        {
            IReadOnlyList<string> selected = SelectModels(options.Value("--model") ?? "all");
            bool quick = options.Flag("--quick");
            int? epochs = options.Value("--epochs") is null ? null : options.PositiveInt("--epochs", 1);
            int seed = options.PositiveInt("--seed", DefaultSeed);
            string? dataOption = options.Value("--data");
            string directory = dataOption ?? RepositoryFolder.Find(WordList.DataFolder, "the words folder");

            WordList words = WordList.Load(directory);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"data: {Path.Combine(directory, WordList.FileName)}: {words.All.Count:N0} words; training on {words.Train.Count:N0} " +
                $"({words.TrainPredictions:N0} predictions), holding out {words.HeldOut.Count:N0} (0-based line i when i % 10 == 9; " +
                $"{words.HeldOutPredictions:N0} predictions)"));

            double uniform = Baselines.Uniform;
            CountBaseline bigram = Baselines.Best("bigram", 2, words);
            CountBaseline trigram = Baselines.Best("trigram", 3, words);
            Console.WriteLine(Invariant($"held-out nats/token of the baselines: uniform {uniform:F4} (ln 27)"));
            foreach (CountBaseline baseline in new[] { bigram, trigram })
            {
                string candidates = string.Join("  ", baseline.Candidates.Select(c => Invariant($"k={c.K} {c.NatsPerToken:F4}")));
                Console.WriteLine(Invariant($"  {baseline.Name} add-k: {candidates}  -> best k={baseline.K}: {baseline.NatsPerToken:F4}"));
            }
            PrintSamples(trigram.Name, trigram.Counts.Distribution(trigram.K), words, seed);

            var failures = new List<string>();
            if (dataOption is null)
            {
                foreach ((CountBaseline baseline, double expected) in new[] { (bigram, ExpectedBigram), (trigram, ExpectedTrigram) })
                {
                    if (Math.Round(baseline.NatsPerToken, 4) != expected)
                        failures.Add(Invariant($"the {baseline.Name} baseline is {baseline.NatsPerToken:F4} nats/token on the bundled data, not {expected:F4}: the split or the metric has changed"));
                }
            }

            var figures = new List<string>
            {
                Invariant($"uniform {uniform:F3}"),
                Invariant($"bigram {bigram.NatsPerToken:F4}"),
                Invariant($"trigram {trigram.NatsPerToken:F4}"),
            };
            foreach (string name in selected)
            {
                ICharacterModel model = CharacterModels.Available[name](seed);
                int modelEpochs = epochs ?? (quick ? model.QuickEpochs : model.Epochs);
                double bar = quick ? Math.Round(trigram.NatsPerToken, 4) : model.Bar;
                (double heldOut, string? failure) = TrainOne(model, words, modelEpochs, seed, bar, quick, bigram, trigram);
                figures.Add(Invariant($"{name} {heldOut:F4}"));
                if (failure is not null)
                    failures.Add(failure);
            }

            foreach (string failure in failures)
                Console.Error.WriteLine($"Words: FAILED: {failure}");
            Console.WriteLine("held-out nats/token: " + string.Join(", ", figures));
            return failures.Count == 0 ? 0 : 1;
        }

        /// <summary>The models to run, in <see cref="CharacterModels.Names"/> order; <c>all</c> is every model built so far.</summary>
        private static IReadOnlyList<string> SelectModels(string option)
        {
            if (option == "all")
            {
                List<string> missing = CharacterModels.Names.Where(n => !CharacterModels.Available.ContainsKey(n)).ToList();
                if (missing.Count > 0)
                    Console.WriteLine($"not built yet, so not run: {string.Join(", ", missing)}");
                return CharacterModels.Names.Where(CharacterModels.Available.ContainsKey).ToList();
            }
            if (!CharacterModels.Names.Contains(option))
                throw new InvalidDataException($"--model must be {string.Join(", ", CharacterModels.Names)} or all but is '{option}'");
            if (!CharacterModels.Available.ContainsKey(option))
                throw new InvalidDataException($"the {option} model is not built yet (built: " +
                    $"{(CharacterModels.Available.Count == 0 ? "none" : string.Join(", ", CharacterModels.Available.Keys))})");
            return [option];
        }

        /// <summary>Trains and reports one model; returns its held-out figure (NaN if training diverged) and why it failed, if it did.</summary>
        private static (double HeldOut, string? Failure) TrainOne(ICharacterModel model, WordList words, int epochs, int seed, double bar,
            bool quick, CountBaseline bigram, CountBaseline trigram)
        {
            Console.WriteLine();
            Console.WriteLine(Invariant($"== {model.Name}: {model.Recipe}; {epochs} epochs, seed {seed}"));
            Console.WriteLine(model.Summary);
            IReadOnlyList<WordEpochResult> results;
            try
            {
                results = CharacterModelTraining.Train(model, words, epochs, seed, Console.Out);
            }
            catch (InvalidOperationException e)
            {
                return (double.NaN, e.Message);
            }

            double heldOut = results.Count > 0 ? results[^1].HeldOut : CharacterModelTraining.Evaluate(model, words.HeldOut);
            string barText = quick ? Invariant($"must beat the trigram's {bar:F4}") : Invariant($"bar {bar:F2}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{model.Name}: held-out {heldOut:F4} nats/token ({barText}; bigram {bigram.NatsPerToken:F4}, trigram {trigram.NatsPerToken:F4})"));
            if (results.Count > 0)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{model.Name}: mean time per epoch {results.Average(r => r.Elapsed.TotalSeconds):F2} s " +
                    $"({results.Average(r => r.TokensPerSecond):N0} tokens/s training), total {results.Sum(r => r.Elapsed.TotalSeconds):F1} s"));
            PrintSamples(model.Name, CharacterModelTraining.Distribution(model), words, seed);

            double rounded = Math.Round(heldOut, 4);
            bool passed = quick ? rounded < bar : rounded <= bar;
            return (heldOut, passed ? null : Invariant($"{model.Name}: held-out {heldOut:F4} nats/token misses its bar ({barText})"));
        }

        private static void PrintSamples(string name, NextTokenDistribution distribution, WordList words, int seed)
        {
            IReadOnlyList<string> sampled = WordSampler.Sample(distribution, SampledWords, seed);
            int unseen = WordSampler.CountNew(sampled, words);
            Console.WriteLine($"{name} samples: {string.Join(' ', sampled.Select(w => w.Length == 0 ? "\"\"" : w))}");
            Console.WriteLine($"{name}: {unseen} of {sampled.Count} sampled words are not in the word list");
        }
    }
}
