using System.Globalization;
using TensorForge.Samples;

namespace TensorForge.Samples.Tests;

public sealed class CharacterModelTrainingTests
{
    [Fact]
    public void ZeroLogitsScoreLn27PerToken()
    {
        var model = new FakeModel();
        Assert.Equal(Math.Log(27), CharacterModelTraining.Evaluate(model, TestWords.Bundled.HeldOut), 9); // a sum of 58,775 terms
    }

    /// <summary>A "network" whose logits at step t are the log-probabilities of the bigram model given the input token at
    /// t must score exactly the bigram's figure: checks the alignment of logits and labels and that padding is not counted.</summary>
    [Fact]
    public void BigramLogitsScoreTheBigramsFigure()
    {
        WordList words = TestWords.Bundled;
        var counts = new NGramCounts(2, words.Train);
        var model = new FakeModel { Logits = BigramLogits(counts, 0.1) };
        double expected = counts.NatsPerToken(words.HeldOut, 0.1);
        Assert.Equal(expected, CharacterModelTraining.Evaluate(model, words.HeldOut), 5);
    }

    [Fact]
    public void NegativeLogLikelihoodIsLogSumExpMinusTheLabelsLogit()
    {
        float[] logits = [1f, 2f, 3f, 1000f];
        Assert.Equal(Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3)) - 2, CharacterModelTraining.NegativeLogLikelihood(logits[..3], 1), 12);
        Assert.Equal(0, CharacterModelTraining.NegativeLogLikelihood(logits, 3), 12);
        Assert.Equal(998, CharacterModelTraining.NegativeLogLikelihood(logits, 1), 9);
    }

    [Fact]
    public void AnEpochTrainsOnEveryTrainingWordOnceInASeededOrder()
    {
        WordList words = TestWords.Of(TestWords.Bundled.All.Take(100).ToArray());
        var model = new FakeModel { BatchSize = 7 };
        IReadOnlyList<WordEpochResult> results = CharacterModelTraining.Train(model, words, epochs: 2, seed: 5, log: null);
        var again = new FakeModel { BatchSize = 7 };
        CharacterModelTraining.Train(again, words, epochs: 2, seed: 5, log: null);

        Assert.Equal(2, results.Count);
        Assert.Equal(2 * 13, model.Steps.Count); // 90 training words, batches of 7
        List<string> epoch1 = model.Steps.Take(13).SelectMany(s => s).ToList();
        List<string> epoch2 = model.Steps.Skip(13).SelectMany(s => s).ToList();
        Assert.Equal(words.Train.Order(StringComparer.Ordinal), epoch1.Order(StringComparer.Ordinal));
        Assert.Equal(words.Train.Order(StringComparer.Ordinal), epoch2.Order(StringComparer.Ordinal));
        Assert.NotEqual(epoch1, epoch2);
        Assert.Equal(model.Steps.SelectMany(s => s), again.Steps.SelectMany(s => s));
        Assert.Equal(6, model.Steps[12].Count);
        Assert.All(results, r => Assert.Equal(Math.Log(27), r.HeldOut, 9));
        Assert.Equal([1, 2], results.Select(r => r.Epoch));
        Assert.All(results, r => Assert.True(r.TokensPerSecond > 0));
    }

    [Fact]
    public void TheEpochLossIsTheMeanPerPredictedToken()
    {
        // Batches of one word whose loss is its letter count: the epoch's loss is Σ n(n+1) / Σ (n+1).
        WordList words = TestWords.Of(TestWords.Bundled.All.Take(50).ToArray());
        var model = new FakeModel { BatchSize = 1, Loss = words => words[0].Length };
        IReadOnlyList<WordEpochResult> results = CharacterModelTraining.Train(model, words, epochs: 1, seed: 1, log: null);
        double expected = words.Train.Sum(w => (double)w.Length * (w.Length + 1)) / words.Train.Sum(w => w.Length + 1.0);
        Assert.Equal(expected, results[0].Loss, 12);
    }

    [Fact]
    public void ANonFiniteLossStopsTrainingNamingTheEpochAndStep()
    {
        WordList words = TestWords.Of(TestWords.Bundled.All.Take(100).ToArray());
        var model = new FakeModel { BatchSize = 10, Loss = _ => 1f };
        model.Loss = _ => model.Steps.Count == 12 ? float.NaN : 1f;
        var e = Assert.Throws<InvalidOperationException>(() => CharacterModelTraining.Train(model, words, epochs: 3, seed: 1, log: null));
        Assert.Contains("fake: the loss became NaN at epoch 2, step 3 of 9", e.Message);
    }

    [Fact]
    public void TheProgressLineHasTheIssuesFormat()
    {
        var result = new WordEpochResult(3, 1.77123, 1.74561, 251_203.4, TimeSpan.FromSeconds(2.413));
        Assert.Equal("epoch  3/20  loss 1.7712  held-out 1.7456 nats/token  251,203 tokens/s  2.41 s",
            CharacterModelTraining.FormatEpoch(result, 20));
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        WordList words = TestWords.Of(TestWords.Bundled.All.Take(30).ToArray());
        CharacterModelTraining.Train(new FakeModel(), words, epochs: 2, seed: 1, log: writer);
        string[] lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^epoch 1/2  loss 0\.0000  held-out 3\.2958 nats/token  [0-9,]+ tokens/s  [0-9]+\.[0-9]{2} s$", lines[0]);
        Assert.StartsWith("epoch 2/2  ", lines[1]);
    }

    [Fact]
    public void TheModelsDistributionIsTheSoftmaxAtTheLastPositionOfThePrefix()
    {
        var counts = new NGramCounts(2, TestWords.Bundled.Train);
        var model = new FakeModel { Logits = BigramLogits(counts, 0.1) };
        NextTokenDistribution distribution = CharacterModelTraining.Distribution(model);
        var probabilities = new float[27];
        int[] prefix = [0, WordTokens.Token('q')];
        distribution(prefix, probabilities);
        for (int t = 0; t < 27; t++)
            Assert.Equal(counts.Probability(prefix, t, 0.1), probabilities[t], 5);
        Assert.Equal(1, model.ForwardBatchSizes.Single());

        Assert.Throws<ArgumentException>(() => distribution(new int[17], probabilities));
        Assert.Throws<ArgumentException>(() => distribution([], probabilities));
    }

    /// <summary>Logits that give the bigram probabilities of the next token given each input token.</summary>
    private static Action<ReadOnlySpan<int>, Span<float>> BigramLogits(NGramCounts counts, double k) => (inputs, logits) =>
    {
        for (int position = 0; position < inputs.Length; position++)
        {
            for (int next = 0; next < 27; next++)
                logits[position * 27 + next] = (float)Math.Log(counts.Probability([inputs[position]], next, k));
        }
    };

    /// <summary>A test double: records the words of every training step; its logits are zero unless <see cref="Logits"/> is set.</summary>
    private sealed class FakeModel : ICharacterModel
    {
        public string Name => "fake";
        public string Summary => "";
        public string Recipe => "";
        public double Bar => 2;
        public int Epochs => 1;
        public int QuickEpochs => 1;
        public int BatchSize { get; init; } = 64;

        public Func<List<string>, float> Loss { get; set; } = _ => 0f;
        public Action<ReadOnlySpan<int>, Span<float>>? Logits { get; init; }
        public List<List<string>> Steps { get; } = [];
        public List<int> ForwardBatchSizes { get; } = [];

        public float TrainStep(ReadOnlySpan<int> inputs, ReadOnlySpan<int> labels)
        {
            Assert.Equal(inputs.Length, labels.Length);
            Assert.Equal(0, inputs.Length % WordTokens.Length);
            var words = new List<string>();
            for (int row = 0; row < inputs.Length / WordTokens.Length; row++)
            {
                ReadOnlySpan<int> input = inputs.Slice(row * WordTokens.Length, WordTokens.Length);
                ReadOnlySpan<int> label = labels.Slice(row * WordTokens.Length, WordTokens.Length);
                string word = TestWords.Decode(input);
                for (int t = 0; t < WordTokens.Length; t++)
                {
                    int expected = t < word.Length ? input[t + 1] : t == word.Length ? WordTokens.Boundary : WordTokens.IgnoredLabel;
                    Assert.Equal(expected, label[t]);
                }
                words.Add(word);
            }
            Steps.Add(words);
            return Loss(words);
        }

        public void Forward(ReadOnlySpan<int> inputs, Span<float> logits)
        {
            Assert.Equal(inputs.Length * 27, logits.Length);
            ForwardBatchSizes.Add(inputs.Length / WordTokens.Length);
            if (Logits is null)
                logits.Clear();
            else
                Logits(inputs, logits);
        }
    }
}
