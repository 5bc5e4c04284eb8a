using System;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace TensorForge.Benchmarks
{
    /// <summary><c>--words-torch lstm|gru|transformer</c>: PyTorch's figures for samples/Words' recipes, trained with TorchSharp
    /// on the sample's split, tokens, batches and shuffling (epoch e in the order of SeededRandom(seed + e)), scored with its
    /// metric (held-out nats per predicted token, 58,775 predictions). One thread (set_num_threads(1)) unless
    /// <c>--torch-threads N</c>. PyTorch's default initialisation, seeded with torch.manual_seed(seed).</summary>
    /// <remarks>Recipes as samples/Words declares them: LSTM / GRU — embedding 32, one layer of 256 (<c>--hidden</c>), Adam 2e-3,
    /// clip_grad_norm_ 1.0, CosineAnnealingLR over 20 epochs of 895 steps to 1e-4, batch 64; Transformer — embedding 64 + the
    /// sinusoidal table, two causal post-norm encoder layers (4 heads, feed-forward 256, dropout 0.1), Adam 1e-3, clipping
    /// 1.0, cosine to 5e-5. Evaluation runs in eval mode with autograd on: under no_grad libtorch's float32 LSTM gives wrong
    /// values on AMD Zen (see the sequence agreement section).</remarks>
    internal static class WordsTorch
    {
        public const int BatchSize = 64;
        private const int EvaluationBatch = 256;

        public static int Run(SequenceOptions options)
        {
            if (!TorchPeer.Available)
            {
                Console.Error.WriteLine("TorchSharp unavailable: " + TorchPeer.UnavailableReason);
                return 2;
            }
            TorchPeer.SetThreads(options.TorchThreads);
            return Train(options);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int Train(SequenceOptions options)
        {
            WordData data = WordData.Shared;
            string model = options.WordsModel!;
            int epochs = options.Epochs;
            torch.manual_seed(options.Seed);
            (nn.Module<Tensor, Tensor> module, TorchLanguageModel.Recipe recipe, string description) = model switch
            {
                "lstm" => ((nn.Module<Tensor, Tensor>)new TorchCharRnn(lstm: true, 32, options.Hidden), TorchLanguageModel.LstmRecipe,
                    $"embedding 32, LSTM {options.Hidden}, Adam 2e-3, clipping 1.0, cosine to 1e-4 over 20 × 895 steps, batch 64"),
                "gru" => (new TorchCharRnn(lstm: false, 32, options.Hidden), TorchLanguageModel.LstmRecipe,
                    $"embedding 32, GRU {options.Hidden}, Adam 2e-3, clipping 1.0, cosine to 1e-4 over 20 × 895 steps, batch 64"),
                "transformer" => (new TorchCharTransformer(64, 4, 256, 0.1, 2), TorchLanguageModel.TransformerRecipe,
                    "embedding 64 + positions, 2 causal post-norm encoder layers (4 heads, feed-forward 256, dropout 0.1), Adam 1e-3, clipping 1.0, cosine to 5e-5 over 20 × 895 steps, batch 64"),
                _ => throw new ArgumentException($"unknown model '{model}'"),
            };
            using var twin = new TorchLanguageModel(module, null, recipe);
            int steps = (data.Train.Count + BatchSize - 1) / BatchSize;
            long heldOutPredictions = WordData.Predictions(data.HeldOut);
            Console.WriteLine($"# TorchSharp {TorchPeer.Version} Words {model}: {description}; {twin.ParameterCount:N0} parameters");
            Console.WriteLine($"# {data.Source}: {data.Train.Count:N0} training words ({steps} steps of {BatchSize} per epoch), {data.HeldOut.Count:N0} held out " +
                $"({heldOutPredictions:N0} predictions); seed {options.Seed}; torch threads {options.TorchThreads}; load average {MachineLoad.LoadAverage()}");

            WordData.Batch[] heldOut = new WordData.Batch[(data.HeldOut.Count + EvaluationBatch - 1) / EvaluationBatch];
            for (int b = 0; b < heldOut.Length; b++)
                heldOut[b] = WordData.Encode(data.HeldOut, null, b * EvaluationBatch, EvaluationBatch);

            double last = double.NaN;
            for (int epoch = 1; epoch <= epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                int[] order = WordData.ShuffledOrder(data.Train.Count, options.Seed + (long)epoch);
                double lossSum = 0;
                long predictions = 0;
                for (int step = 0; step < steps; step++)
                {
                    WordData.Batch batch = WordData.Encode(data.Train, order, step * BatchSize, BatchSize);
                    using Tensor tokens = TorchLanguageModel.Tokens(batch.Tokens, batch.Words);
                    using Tensor labels = TorchLanguageModel.Labels(batch.Labels);
                    float loss = twin.TrainStep(tokens, labels, wantLoss: true);
                    if (!float.IsFinite(loss))
                    {
                        Console.WriteLine($"the loss became {loss} at epoch {epoch}, step {step + 1}");
                        return 1;
                    }
                    lossSum += (double)loss * batch.Predictions;
                    predictions += batch.Predictions;
                }
                double trainSeconds = clock.Elapsed.TotalSeconds;
                double nats = 0;
                foreach (WordData.Batch batch in heldOut)
                {
                    using Tensor tokens = TorchLanguageModel.Tokens(batch.Tokens, batch.Words);
                    using Tensor labels = TorchLanguageModel.Labels(batch.Labels);
                    nats += twin.NegativeLogLikelihoodSum(tokens, labels);
                }
                last = nats / heldOutPredictions;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {epoch,2}/{epochs}  loss {lossSum / predictions:F4}  held-out {last:F4} nats/token  {predictions / trainSeconds:N0} tokens/s  {clock.Elapsed.TotalSeconds:F2} s  lr {twin.LearningRate:G4}  load {MachineLoad.LoadAverage()}"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"held-out nats/token: torchsharp {model} {last:F4} after {epochs} epochs"));
            return 0;
        }
    }

    /// <summary>The command-line options of the sequence sections and of the Words trainer: <c>--words-torch MODEL</c>
    /// (run the TorchSharp Words trainer instead of the benchmark sections), <c>--epochs N</c> (default 20), <c>--seed N</c>
    /// (default 42), <c>--hidden N</c> (recurrent width, default 256 as the sample), <c>--torch-threads N</c> (default 1).</summary>
    internal sealed class SequenceOptions
    {
        public static SequenceOptions Current { get; } = new();

        public string? WordsModel { get; private set; }
        public int Epochs { get; private set; } = 20;
        public int Seed { get; private set; } = 42;
        public int Hidden { get; private set; } = 256;
        public int TorchThreads { get; private set; } = 1;

        public const string Usage =
            "--words-torch lstm|gru|transformer [--epochs N] [--seed N] [--hidden N] [--torch-threads N]: train samples/Words' recipe with TorchSharp instead.";

        /// <summary>Consumes args[i] (and its value) when it is one of these options.</summary>
        /// <exception cref="ArgumentException">A value is missing or invalid.</exception>
        public static bool TryParse(string[] args, ref int i)
        {
            SequenceOptions o = Current;
            string name = args[i];
            if (name is not ("--words-torch" or "--epochs" or "--seed" or "--hidden" or "--torch-threads"))
                return false;
            if (i + 1 >= args.Length)
                throw new ArgumentException($"{name} needs a value");
            string value = args[++i];
            if (name == "--words-torch")
            {
                if (value is not ("lstm" or "gru" or "transformer"))
                    throw new ArgumentException($"--words-torch needs lstm, gru or transformer, not '{value}'");
                o.WordsModel = value;
                return true;
            }
            if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int number) || number < (name == "--seed" ? 0 : 1))
                throw new ArgumentException($"{name} needs a positive number, not '{value}'");
            switch (name)
            {
                case "--epochs": o.Epochs = number; break;
                case "--seed": o.Seed = number; break;
                case "--hidden": o.Hidden = number; break;
                default: o.TorchThreads = number; break;
            }
            return true;
        }
    }
}
