using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TensorForge.Benchmarks
{
    /// <summary>The TorchSharp twin of the Words recurrent models: <c>embed</c> nn.Embedding(27, E) → <c>lstm</c>
    /// nn.LSTM(E, H, batch_first=True) or <c>gru</c> nn.GRU → <c>head</c> nn.Linear(H, 27) at every step, with the state_dict
    /// names our <c>Save</c> writes. Input: token ids [batch, 16] (int64); output: logits [batch, 16, 27].</summary>
    internal sealed class TorchCharRnn : nn.Module<Tensor, Tensor>
    {
        private readonly Embedding _embed;
        private readonly LSTM? _lstm;
        private readonly GRU? _gru;
        private readonly Linear _head;

        public TorchCharRnn(bool lstm, long embedding, long hidden) : base(lstm ? "CharLstm" : "CharGru")
        {
            _embed = nn.Embedding(WordData.Vocabulary, embedding);
            register_module("embed", _embed);
            if (lstm)
            {
                _lstm = nn.LSTM(embedding, hidden, batchFirst: true);
                register_module("lstm", _lstm);
            }
            else
            {
                _gru = nn.GRU(embedding, hidden, batchFirst: true);
                register_module("gru", _gru);
            }
            _head = nn.Linear(hidden, WordData.Vocabulary);
            register_module("head", _head);
        }

        public override Tensor forward(Tensor tokens)
        {
            Tensor x = _embed.forward(tokens);
            Tensor sequence = _lstm is not null ? _lstm.forward(x).Item1 : _gru!.forward(x).Item1;
            return _head.forward(sequence);
        }
    }

    /// <summary>The TorchSharp twin of the Words Transformer: <c>embed</c> nn.Embedding(27, d), plus the sinusoidal table
    /// (Vaswani et al., computed in double as our kernel does; not a state_dict entry), then <c>layers.k</c>
    /// nn.TransformerEncoderLayer(d, heads, feed-forward, dropout, ReLU) — post-norm and sequence-first in TorchSharp 0.107, so
    /// the batch-first sequence is transposed around the stack — with the causal mask (−∞ above the diagonal, as
    /// nn.Transformer.generate_square_subsequent_mask), then <c>head</c> nn.Linear(d, 27).</summary>
    internal sealed class TorchCharTransformer : nn.Module<Tensor, Tensor>
    {
        private readonly Embedding _embed;
        private readonly ModuleList<TransformerEncoderLayer> _layers;
        private readonly Linear _head;
        private readonly double[] _table;
        private readonly long _dimension;
        private Tensor? _positions, _mask;

        public TorchCharTransformer(long dimension, long heads, long feedForward, double dropout, int layers) : base("CharTransformer")
        {
            _dimension = dimension;
            _embed = nn.Embedding(WordData.Vocabulary, dimension);
            _layers = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => nn.TransformerEncoderLayer(dimension, heads, feedForward, dropout)).ToArray());
            _head = nn.Linear(dimension, WordData.Vocabulary);
            register_module("embed", _embed);
            register_module("layers", _layers);
            register_module("head", _head);
            _table = new double[WordData.Length * dimension];
            for (int t = 0; t < WordData.Length; t++)
            {
                for (int j = 0; j < dimension; j++)
                {
                    int pair = j / 2 * 2;
                    double angle = t * Math.Exp(-Math.Log(10000.0) * pair / dimension);
                    _table[t * dimension + j] = j % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle);
                }
            }
        }

        public override Tensor forward(Tensor tokens)
        {
            Tensor x = _embed.forward(tokens);
            if (_positions is null || _positions.dtype != x.dtype)
            {
                _positions?.Dispose();
                _mask?.Dispose();
                using (var table = torch.tensor(_table, new long[] { WordData.Length, _dimension }, ScalarType.Float64))
                    _positions = table.to_type(x.dtype).DetachFromDisposeScope();
                _mask = torch.full(WordData.Length, WordData.Length, double.NegativeInfinity, x.dtype).triu(1).DetachFromDisposeScope();
            }
            x = (x + _positions).transpose(0, 1);
            foreach (TransformerEncoderLayer layer in _layers)
                x = layer.call(x, _mask, null);
            return _head.forward(x.transpose(0, 1));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _positions?.Dispose();
                _mask?.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    /// <summary>A TorchSharp language model with the Words sample's training loop: zero_grad, forward, CrossEntropyLoss over
    /// every step (ignore_index −100, mean over the counted labels; or over one label per word, as the recipe's classes say), backward, clip_grad_norm_(max_norm), Adam step and a
    /// CosineAnnealingLR step per optimizer step. Its state can be loaded by name from our network's <c>Save</c> output.</summary>
    internal sealed class TorchLanguageModel : IDisposable
    {
        private readonly nn.Module<Tensor, Tensor> _model;
        private readonly CrossEntropyLoss _loss = nn.CrossEntropyLoss(ignore_index: WordData.Ignored);
        private readonly optim.Optimizer _optimizer;
        private readonly optim.lr_scheduler.LRScheduler _scheduler;
        private readonly double _maxNorm;
        private readonly int _classes;

        /// <summary>The recipe of one model: Adam's learning rate, the clipping norm, the cosine schedule's half period
        /// and floor, and the classes of the cross-entropy (the logits' last axis: the vocabulary for next-token models).</summary>
        public sealed record Recipe(double LearningRate, double MaxNorm, int CosineSteps, double MinLearningRate, int Classes = WordData.Vocabulary);

        public static Recipe LstmRecipe => new(2e-3, 1.0, 20 * 895, 1e-4);
        public static Recipe TransformerRecipe => new(1e-3, 1.0, 20 * 895, 5e-5);

        /// <param name="model">The twin, freshly built.</param>
        /// <param name="ours">Our network's state_dict to copy in by name, or null to keep PyTorch's own initialisation.</param>
        /// <param name="dtype">Float32, or Float64 for the double-precision reference.</param>
        public TorchLanguageModel(nn.Module<Tensor, Tensor> model, IReadOnlyList<NamedTensor>? ours, Recipe recipe, ScalarType dtype = ScalarType.Float32)
        {
            _model = model;
            if (ours is not null)
                TorchClassifier.Load(model, ours);
            if (dtype != ScalarType.Float32)
                _model.to(dtype);
            _maxNorm = recipe.MaxNorm;
            _classes = recipe.Classes;
            _optimizer = optim.Adam(_model.parameters(), lr: recipe.LearningRate);
            _scheduler = optim.lr_scheduler.CosineAnnealingLR(_optimizer, T_max: recipe.CosineSteps, eta_min: recipe.MinLearningRate);
            _model.train();
        }

        public nn.Module<Tensor, Tensor> Module => _model;

        public static Tensor Tokens(ReadOnlySpan<int> tokens, int words)
        {
            var wide = new long[tokens.Length];
            for (int i = 0; i < wide.Length; i++)
                wide[i] = tokens[i];
            return torch.tensor(wide, new long[] { words, WordData.Length });
        }

        public static Tensor Labels(ReadOnlySpan<int> labels)
        {
            var wide = new long[labels.Length];
            for (int i = 0; i < wide.Length; i++)
                wide[i] = labels[i];
            return torch.tensor(wide, new long[] { labels.Length });
        }

        /// <summary>One training step; returns the loss when <paramref name="wantLoss"/> (a device sync), else NaN.</summary>
        public float TrainStep(Tensor tokens, Tensor labels, bool wantLoss = false)
        {
            using var scope = NewDisposeScope();
            _optimizer.zero_grad();
            Tensor logits = _model.forward(tokens);
            Tensor loss = _loss.forward(logits.reshape(-1, _classes), labels);
            loss.backward();
            nn.utils.clip_grad_norm_(_model.parameters(), _maxNorm);
            _optimizer.step();
            _scheduler.step();
            return wantLoss ? (float)loss.to_type(ScalarType.Float64).item<double>() : float.NaN;
        }

        /// <summary>Logits ([words·16·27], or [words·classes]) in eval mode. With <paramref name="noGrad"/> false the forward runs with autograd on
        /// (and nothing is kept): on AMD Zen libtorch 2.x's oneDNN float32 LSTM under no_grad returns wrong values (see
        /// the sequence agreement section), so correctness checks use grad mode.</summary>
        public float[] InferToArray(Tensor tokens, bool noGrad = false)
        {
            bool training = _model.training;
            _model.eval();
            try
            {
                using var scope = NewDisposeScope();
                using var guard = noGrad ? torch.no_grad() : torch.enable_grad();
                return _model.forward(tokens).detach().to_type(ScalarType.Float32).data<float>().ToArray();
            }
            finally
            {
                if (training)
                    _model.train();
            }
        }

        /// <summary>A forward pass in the current mode (see <see cref="Eval"/>), under no_grad or with autograd on.</summary>
        public void Infer(Tensor tokens, bool noGrad)
        {
            using var scope = NewDisposeScope();
            using var guard = noGrad ? torch.no_grad() : torch.enable_grad();
            _model.forward(tokens);
        }

        /// <summary>Sum of −log softmax at every counted label, in double, in eval mode (grad mode: see <see cref="InferToArray"/>).</summary>
        public double NegativeLogLikelihoodSum(Tensor tokens, Tensor labels)
        {
            bool training = _model.training;
            _model.eval();
            try
            {
                using var scope = NewDisposeScope();
                using var guard = torch.enable_grad();
                Tensor logits = _model.forward(tokens).detach().reshape(-1, _classes).to_type(ScalarType.Float64);
                return nn.functional.cross_entropy(logits, labels, ignore_index: WordData.Ignored, reduction: nn.Reduction.Sum).item<double>();
            }
            finally
            {
                if (training)
                    _model.train();
            }
        }

        public void Eval() => _model.eval();

        public double LearningRate => _optimizer.ParamGroups.First().LearningRate;

        /// <summary>The twin's state_dict as values.</summary>
        public Dictionary<string, NamedTensor> State()
        {
            var result = new Dictionary<string, NamedTensor>();
            foreach (var (name, tensor) in _model.state_dict())
                result[name] = new NamedTensor(name, tensor.shape, Values(tensor));
            return result;
        }

        /// <summary>The gradient of every parameter after the last step (after clipping), by state_dict name.</summary>
        public Dictionary<string, NamedTensor> Gradients()
        {
            var result = new Dictionary<string, NamedTensor>();
            foreach (var (name, parameter) in _model.named_parameters())
            {
                Tensor? grad = parameter.grad;
                result[name] = new NamedTensor(name, parameter.shape, grad is null ? new double[parameter.numel()] : Values(grad));
            }
            return result;
        }

        public long ParameterCount => _model.parameters().Sum(p => p.numel());

        private static double[] Values(Tensor tensor)
        {
            using Tensor flat = tensor.detach().cpu().flatten();
            return tensor.dtype == ScalarType.Float64
                ? flat.data<double>().ToArray()
                : flat.to_type(ScalarType.Float32).data<float>().ToArray().Select(v => (double)v).ToArray();
        }

        public void Dispose()
        {
            _optimizer.Dispose();
            _loss.Dispose();
            _model.Dispose();
        }
    }
}
