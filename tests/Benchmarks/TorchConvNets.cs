using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TensorForge.Benchmarks
{
    /// <summary>The TorchSharp twin of <see cref="BenchLeNet5"/>: nn.Conv2d / nn.MaxPool2d / nn.Linear with the same names, so
    /// that its state_dict has exactly the names our <c>Save</c> writes.</summary>
    internal static class TorchLeNet
    {
        public static Sequential Create() => nn.Sequential(
            ("conv1", nn.Conv2d(1, 6, 5, padding: 2)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(6, 16, 5)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
            ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(400, 120)), ("relu3", nn.ReLU()),
            ("fc2", nn.Linear(120, 84)), ("relu4", nn.ReLU()),
            ("fc3", nn.Linear(84, 10)));
    }

    /// <summary>torchvision's <c>BasicBlock</c>: conv 3×3 (strided in the first block of a stage) → BN → ReLU → conv 3×3 → BN,
    /// plus the input or its projection (<c>downsample</c> = 1×1 strided conv → BN), then ReLU; the add and the last ReLU in
    /// place, as torchvision writes them.</summary>
    internal sealed class TorchBasicBlock : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d _conv1, _conv2;
        private readonly BatchNorm2d _bn1, _bn2;
        private readonly Sequential? _downsample;

        public TorchBasicBlock(long inPlanes, long planes, long stride) : base("BasicBlock")
        {
            _conv1 = nn.Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false);
            _bn1 = nn.BatchNorm2d(planes);
            _conv2 = nn.Conv2d(planes, planes, 3, padding: 1, bias: false);
            _bn2 = nn.BatchNorm2d(planes);
            register_module("conv1", _conv1);
            register_module("bn1", _bn1);
            register_module("conv2", _conv2);
            register_module("bn2", _bn2);
            if (stride != 1 || inPlanes != planes)
            {
                _downsample = nn.Sequential(("0", nn.Conv2d(inPlanes, planes, 1, stride: stride, bias: false)), ("1", nn.BatchNorm2d(planes)));
                register_module("downsample", _downsample);
            }
        }

        public override Tensor forward(Tensor x)
        {
            Tensor y = nn.functional.relu(_bn1.forward(_conv1.forward(x)));
            y = _bn2.forward(_conv2.forward(y));
            Tensor identity = _downsample is null ? x : _downsample.forward(x);
            y.add_(identity);
            return y.relu_();
        }
    }

    /// <summary>A torchvision-style ResNet for 1-channel images: conv1 (3×3, no bias) → bn1 → ReLU, stages layer1… of basic
    /// blocks, avgpool (AdaptiveAvgPool2d(1)), flatten, fc — names as torchvision's (<c>layer2.0.downsample.0.weight</c>).</summary>
    internal sealed class TorchResNet : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d _conv1;
        private readonly BatchNorm2d _bn1;
        private readonly Sequential[] _layers;
        private readonly AdaptiveAvgPool2d _avgpool;
        private readonly Linear _fc;

        /// <param name="stem">Channels of conv1.</param>
        /// <param name="stages">Per stage: width, number of blocks, stride of its first block.</param>
        /// <param name="classes">Outputs of fc.</param>
        public TorchResNet(long stem, (long Width, int Blocks, long Stride)[] stages, long classes) : base("ResNet")
        {
            _conv1 = nn.Conv2d(1, stem, 3, padding: 1, bias: false);
            _bn1 = nn.BatchNorm2d(stem);
            register_module("conv1", _conv1);
            register_module("bn1", _bn1);
            _layers = new Sequential[stages.Length];
            long inPlanes = stem;
            for (int s = 0; s < stages.Length; s++)
            {
                var blocks = new List<(string, nn.Module<Tensor, Tensor>)>();
                for (int b = 0; b < stages[s].Blocks; b++)
                {
                    blocks.Add((b.ToString(), new TorchBasicBlock(inPlanes, stages[s].Width, b == 0 ? stages[s].Stride : 1)));
                    inPlanes = stages[s].Width;
                }
                _layers[s] = nn.Sequential(blocks);
                register_module("layer" + (s + 1), _layers[s]);
            }
            _avgpool = nn.AdaptiveAvgPool2d(1);
            _fc = nn.Linear(inPlanes, classes);
            register_module("avgpool", _avgpool);
            register_module("fc", _fc);
        }

        public override Tensor forward(Tensor x)
        {
            Tensor y = nn.functional.relu(_bn1.forward(_conv1.forward(x)));
            foreach (Sequential layer in _layers)
                y = layer.forward(y);
            return _fc.forward(_avgpool.forward(y).flatten(1));
        }
    }

    /// <summary>A TorchSharp classifier with the training loop of every PyTorch tutorial (zero_grad, forward,
    /// CrossEntropyLoss, backward, step, and the scheduler's step when there is one) and a no_grad eval-mode inference.
    /// Its weights and buffers are loaded by name from our network's <c>Save</c> output.</summary>
    internal sealed class TorchClassifier : IDisposable
    {
        private readonly nn.Module<Tensor, Tensor> _model;
        private readonly CrossEntropyLoss _loss = nn.CrossEntropyLoss();
        private readonly optim.Optimizer _optimizer;
        private readonly optim.lr_scheduler.LRScheduler? _scheduler;
        private readonly ScalarType _dtype;

        public enum Optimizer { Adam, AdamWCosine }

        /// <param name="model">The twin, freshly built.</param>
        /// <param name="ours">Our network's state_dict (from its Save), copied into the twin by name.</param>
        /// <param name="optimizer">Adam(lr 1e-3), or AdamW(lr 2e-3, weight decay 0.01) with CosineAnnealingLR(T_max 2500).</param>
        /// <param name="dtype">Float32, or Float64 for a double-precision reference (the agreement check's diagnosis): the
        /// module's floating-point tensors are converted after loading, and inputs are converted on each call.</param>
        public TorchClassifier(nn.Module<Tensor, Tensor> model, IReadOnlyList<NamedTensor> ours, Optimizer optimizer, ScalarType dtype = ScalarType.Float32)
        {
            _model = model;
            _dtype = dtype;
            Load(model, ours);
            if (dtype != ScalarType.Float32)
                _model.to(dtype);
            if (optimizer == Optimizer.Adam)
            {
                _optimizer = optim.Adam(_model.parameters(), lr: 1e-3);
            }
            else
            {
                _optimizer = optim.AdamW(_model.parameters(), lr: 2e-3, weight_decay: 0.01);
                _scheduler = optim.lr_scheduler.CosineAnnealingLR(_optimizer, T_max: 2500);
            }
            _model.train();
        }

        public long ParameterCount => _model.parameters().Sum(p => p.numel());

        /// <summary>Copies every tensor of <paramref name="ours"/> into the twin's state_dict entry of the same name; the two
        /// name sets and every shape must agree.</summary>
        public static void Load(nn.Module<Tensor, Tensor> model, IReadOnlyList<NamedTensor> ours)
        {
            Dictionary<string, Tensor> state = model.state_dict();
            var missing = state.Keys.Except(ours.Select(t => t.Name)).ToList();
            var extra = ours.Select(t => t.Name).Except(state.Keys).ToList();
            if (missing.Count > 0 || extra.Count > 0)
                throw new InvalidOperationException($"the twin's state_dict and our Save differ: only in the twin [{string.Join(", ", missing)}], " +
                    $"only in ours [{string.Join(", ", extra)}]");
            using var noGrad = no_grad();
            foreach (NamedTensor tensor in ours)
            {
                Tensor target = state[tensor.Name];
                if (!target.shape.SequenceEqual(tensor.Shape))
                    throw new InvalidOperationException($"'{tensor.Name}': the twin's shape is [{string.Join(", ", target.shape)}], ours {tensor.ShapeText}");
                using Tensor source = target.dtype == ScalarType.Int64
                    ? torch.tensor(tensor.Values.Select(v => (long)v).ToArray(), tensor.Shape)
                    : torch.tensor(tensor.Values.Select(v => (float)v).ToArray(), tensor.Shape);
                target.copy_(source);
            }
        }

        /// <summary>The twin's state_dict (parameters and buffers) as values.</summary>
        public Dictionary<string, NamedTensor> State()
        {
            var result = new Dictionary<string, NamedTensor>();
            foreach (var (name, tensor) in _model.state_dict())
                result[name] = new NamedTensor(name, tensor.shape, Values(tensor));
            return result;
        }

        /// <summary>Every parameter's state_dict name and shape, in the twin's named_parameters order.</summary>
        public List<(string Name, long[] Shape)> ParameterShapes()
            => _model.named_parameters().Select(p => (p.name, p.parameter.shape)).ToList();

        /// <summary>The gradient of every parameter after the last step, by state_dict name.</summary>
        public Dictionary<string, NamedTensor> Gradients()
        {
            var result = new Dictionary<string, NamedTensor>();
            foreach (var (name, parameter) in _model.named_parameters())
            {
                Tensor? grad = parameter.grad;
                result[name] = new NamedTensor(name, parameter.shape,
                    grad is null ? new double[parameter.numel()] : Values(grad));
            }
            return result;
        }

        private static double[] Values(Tensor tensor)
        {
            using Tensor flat = tensor.detach().cpu().flatten();
            return tensor.dtype switch
            {
                ScalarType.Int64 => flat.data<long>().ToArray().Select(v => (double)v).ToArray(),
                ScalarType.Float64 => flat.data<double>().ToArray(),
                _ => flat.to_type(ScalarType.Float32).data<float>().ToArray().Select(v => (double)v).ToArray(),
            };
        }

        /// <summary>zero_grad, forward, loss, backward, step (and the scheduler's step) in a dispose scope.</summary>
        public void TrainStep(Tensor input, Tensor labels)
        {
            using var scope = NewDisposeScope();
            _optimizer.zero_grad();
            Tensor loss = _loss.forward(_model.forward(Cast(input)), labels);
            loss.backward();
            _optimizer.step();
            _scheduler?.step();
        }

        private Tensor Cast(Tensor input) => _dtype == ScalarType.Float32 ? input : input.to_type(_dtype);

        /// <summary>The same step, returning the loss.</summary>
        public float TrainStepWithLoss(Tensor input, Tensor labels)
        {
            using var scope = NewDisposeScope();
            _optimizer.zero_grad();
            Tensor loss = _loss.forward(_model.forward(Cast(input)), labels);
            loss.backward();
            _optimizer.step();
            _scheduler?.step();
            return (float)loss.to_type(ScalarType.Float64).item<double>();
        }

        /// <summary>A training-mode forward pass without gradients (BatchNorm uses and updates the batch statistics).</summary>
        public float[] ForwardTrainToArray(Tensor input)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            return _model.forward(Cast(input)).to_type(ScalarType.Float32).data<float>().ToArray();
        }

        /// <summary>A forward pass under no_grad in the twin's current mode (see <see cref="Eval"/>).</summary>
        public void Infer(Tensor input)
        {
            using var noGrad = no_grad();
            using Tensor logits = _model.forward(Cast(input));
        }

        /// <summary>Eval-mode logits under no_grad; the twin's mode is restored afterwards.</summary>
        public float[] InferToArray(Tensor input)
        {
            bool training = _model.training;
            _model.eval();
            try
            {
                using var noGrad = no_grad();
                using Tensor logits = _model.forward(Cast(input));
                using Tensor single = logits.to_type(ScalarType.Float32);
                return single.data<float>().ToArray();
            }
            finally
            {
                if (training)
                    _model.train();
            }
        }

        /// <summary>Puts the twin in eval mode for a run of <see cref="Infer"/> calls (train mode until then).</summary>
        public void Eval() => _model.eval();

        public void Dispose()
        {
            _optimizer.Dispose();
            _loss.Dispose();
            _model.Dispose();
        }

        public static Tensor Images(ReadOnlySpan<float> data, int batch) => torch.tensor(data.ToArray(), new long[] { batch, 1, 28, 28 });

        public static Tensor Labels(ReadOnlySpan<int> labels)
        {
            var wide = new long[labels.Length];
            for (int i = 0; i < labels.Length; i++)
                wide[i] = labels[i];
            return torch.tensor(wide, new long[] { labels.Length });
        }
    }
}
