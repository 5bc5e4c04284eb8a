using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TensorForge.Benchmarks
{
    /// <summary>The TorchSharp twin of <see cref="BenchMlp"/>: nn.Sequential of Linear/ReLU, CrossEntropyLoss and
    /// optim.Adam(lr = 1e-3), starting from our network's weights, so that both train the same model on the same data.</summary>
    internal sealed class TorchMlp : IDisposable
    {
        private readonly Sequential _model;
        private readonly Linear[] _linears;
        private readonly CrossEntropyLoss _loss = nn.CrossEntropyLoss();
        private readonly optim.Optimizer _optimizer;

        public TorchMlp(ReadOnlySpan<float> parameters)
        {
            _linears = new Linear[BenchMlpLayout.Layers.Length];
            for (int i = 0; i < _linears.Length; i++)
                _linears[i] = nn.Linear(BenchMlpLayout.Layers[i].In, BenchMlpLayout.Layers[i].Out);
            _model = nn.Sequential(
                ("fc1", _linears[0]), ("relu1", nn.ReLU()),
                ("fc2", _linears[1]), ("relu2", nn.ReLU()),
                ("fc3", _linears[2]));
            using (no_grad())
            {
                for (int i = 0; i < _linears.Length; i++)
                {
                    var (input, output) = BenchMlpLayout.Layers[i];
                    using Tensor weight = tensor(parameters.Slice(BenchMlpLayout.WeightOffset(i), output * input).ToArray(), new long[] { output, input });
                    using Tensor bias = tensor(parameters.Slice(BenchMlpLayout.BiasOffset(i), output).ToArray(), new long[] { output });
                    _linears[i].weight!.copy_(weight);
                    _linears[i].bias!.copy_(bias);
                }
            }
            _optimizer = optim.Adam(_model.parameters(), lr: 1e-3);
        }

        /// <summary>zero_grad, forward, loss, backward, step — the loop body of every PyTorch tutorial.</summary>
        public void TrainStep(Tensor input, Tensor labels)
        {
            using var scope = NewDisposeScope();
            _optimizer.zero_grad();
            Tensor logits = _model.forward(input);
            Tensor loss = _loss.forward(logits, labels);
            loss.backward();
            _optimizer.step();
        }

        /// <summary>The same step, returning the loss (for checking the twin against our network, not for timing).</summary>
        public float TrainStepWithLoss(Tensor input, Tensor labels)
        {
            using var scope = NewDisposeScope();
            _optimizer.zero_grad();
            Tensor loss = _loss.forward(_model.forward(input), labels);
            loss.backward();
            _optimizer.step();
            return loss.item<float>();
        }

        public void Infer(Tensor input)
        {
            using var noGrad = no_grad();
            using Tensor logits = _model.forward(input);
        }

        public float[] InferToArray(Tensor input)
        {
            using var noGrad = no_grad();
            using Tensor logits = _model.forward(input);
            return logits.data<float>().ToArray();
        }

        public static Tensor Floats(float[] data, int rows, int columns) => tensor(data, new long[] { rows, columns });

        public static Tensor Labels(int[] labels)
        {
            var wide = new long[labels.Length];
            for (int i = 0; i < labels.Length; i++)
                wide[i] = labels[i];
            return tensor(wide, new long[] { labels.Length });
        }

        public void Dispose()
        {
            _optimizer.Dispose();
            _loss.Dispose();
            _model.Dispose();
        }
    }
}
