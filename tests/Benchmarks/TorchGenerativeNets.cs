using System;
using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TensorForge.Benchmarks
{
    /// <summary>TorchSharp twins of the generative samples' networks (samples/Vae, samples/Gan, samples/Diffusion), built from
    /// torch modules with the names our <c>Save</c> writes, so that <see cref="TorchClassifier.Load"/> copies our weights into
    /// them and both sides do the same work from the same start.</summary>
    internal static class TorchGenerativeNets
    {
        /// <summary>The MLP GAN's generator: fc1 64→256, LeakyReLU(0.2), fc2 256→512, LeakyReLU(0.2), fc3 512→784, tanh.</summary>
        public static Sequential MlpGenerator() => nn.Sequential(
            ("fc1", nn.Linear(64, 256)), ("act1", nn.LeakyReLU(0.2)), ("fc2", nn.Linear(256, 512)), ("act2", nn.LeakyReLU(0.2)),
            ("fc3", nn.Linear(512, 784)), ("tanh", nn.Tanh()));

        /// <summary>The MLP GAN's discriminator: fc1 784→512, LeakyReLU(0.2), fc2 512→256, LeakyReLU(0.2), fc3 256→1.</summary>
        public static Sequential MlpDiscriminator() => nn.Sequential(
            ("fc1", nn.Linear(784, 512)), ("act1", nn.LeakyReLU(0.2)), ("fc2", nn.Linear(512, 256)), ("act2", nn.LeakyReLU(0.2)),
            ("fc3", nn.Linear(256, 1)));

        /// <summary>The DCGAN generator: fc 64→6272 (no bias), BatchNorm1d, ReLU, Unflatten [128, 7, 7], ConvTranspose2d 128→64
        /// 4×4/2 pad 1 (no bias), BatchNorm2d, ReLU, ConvTranspose2d 64→1 4×4/2 pad 1, tanh, Flatten.</summary>
        public static Sequential DcganGenerator() => nn.Sequential(
            ("fc", nn.Linear(64, 6272, hasBias: false)), ("bn0", nn.BatchNorm1d(6272)), ("relu0", nn.ReLU()),
            ("unflatten", nn.Unflatten(1, new long[] { 128, 7, 7 })),
            ("deconv1", nn.ConvTranspose2d(128, 64, 4, stride: 2, padding: 1, bias: false)), ("bn1", nn.BatchNorm2d(64)), ("relu1", nn.ReLU()),
            ("deconv2", nn.ConvTranspose2d(64, 1, 4, stride: 2, padding: 1)), ("tanh", nn.Tanh()), ("flatten", nn.Flatten()));

        /// <summary>The DCGAN discriminator: Unflatten [1, 28, 28], conv1 1→64 4×4/2 pad 1, LeakyReLU(0.2), conv2 64→128 4×4/2
        /// pad 1 (no bias), BatchNorm2d, LeakyReLU(0.2), Flatten, fc 6272→1.</summary>
        public static Sequential DcganDiscriminator() => nn.Sequential(
            ("unflatten", nn.Unflatten(1, new long[] { 1, 28, 28 })),
            ("conv1", nn.Conv2d(1, 64, 4, stride: 2, padding: 1)), ("act1", nn.LeakyReLU(0.2)),
            ("conv2", nn.Conv2d(64, 128, 4, stride: 2, padding: 1, bias: false)), ("bn2", nn.BatchNorm2d(128)), ("act2", nn.LeakyReLU(0.2)),
            ("flatten", nn.Flatten()), ("fc", nn.Linear(6272, 1)));
    }

    /// <summary>PyTorch's examples/vae model with the sample's names: fc1 784→400, ReLU, fc2 400→40 read as (μ, log σ²) of 20
    /// latents, z = μ + exp(½ log σ²)·ε with ε = randn_like (training), and the decoder submodule (decoder.fc3 20→400, ReLU,
    /// decoder.fc4 400→784 logits). <see cref="Kl"/> is the last forward's KL(q(z|x) ‖ N(0, I)) summed over the batch.</summary>
    internal sealed class TorchVae : nn.Module<Tensor, Tensor>
    {
        private readonly Linear _fc1 = nn.Linear(784, 400), _fc2 = nn.Linear(400, 40);
        private readonly Sequential _decoder = nn.Sequential(("fc3", nn.Linear(20, 400)), ("relu", nn.ReLU()), ("fc4", nn.Linear(400, 784)));

        public Tensor? Kl { get; private set; }

        public TorchVae() : base("Vae")
        {
            register_module("fc1", _fc1);
            register_module("fc2", _fc2);
            register_module("decoder", _decoder);
        }

        public override Tensor forward(Tensor x)
        {
            Tensor h = _fc2.forward(nn.functional.relu(_fc1.forward(x)));
            Tensor mu = h.narrow(1, 0, 20), logVariance = h.narrow(1, 20, 20);
            Tensor z = training ? mu + (0.5 * logVariance).exp() * randn_like(mu) : mu;
            Kl = -0.5 * (1 + logVariance - mu.pow(2) - logVariance.exp()).sum();
            return _decoder.forward(z);
        }
    }

    /// <summary>The diffusion sample's U-Net denoiser: down1 3×3 → 32, down2 3×3/2 → 64, down3 3×3/2 → 64, mid 3×3 → 64 (all
    /// ReLU), nearest upsample ×2, cat([up, down2]), up2conv 3×3 → 64, upsample ×2, cat([up, down1]), up1conv 3×3 → 32 (ReLU),
    /// out 3×3 → 1. The previous output comes first in each cat, as our <c>Concat</c> does.</summary>
    internal sealed class TorchUNet : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d _down1, _down2, _down3, _mid, _up2conv, _up1conv, _out;

        public TorchUNet(long inputChannels) : base("UNetDenoiser")
        {
            _down1 = nn.Conv2d(inputChannels, 32, 3, padding: 1);
            _down2 = nn.Conv2d(32, 64, 3, stride: 2, padding: 1);
            _down3 = nn.Conv2d(64, 64, 3, stride: 2, padding: 1);
            _mid = nn.Conv2d(64, 64, 3, padding: 1);
            _up2conv = nn.Conv2d(128, 64, 3, padding: 1);
            _up1conv = nn.Conv2d(96, 32, 3, padding: 1);
            _out = nn.Conv2d(32, 1, 3, padding: 1);
            foreach (var (name, module) in new (string, Conv2d)[]
                { ("down1", _down1), ("down2", _down2), ("down3", _down3), ("mid", _mid), ("up2conv", _up2conv), ("up1conv", _up1conv), ("out", _out) })
                register_module(name, module);
        }

        public override Tensor forward(Tensor x)
        {
            Tensor d1 = nn.functional.relu(_down1.forward(x));
            Tensor d2 = nn.functional.relu(_down2.forward(d1));
            Tensor d3 = nn.functional.relu(_down3.forward(d2));
            Tensor m = nn.functional.relu(_mid.forward(d3));
            Tensor u2 = nn.functional.relu(_up2conv.forward(cat(new List<Tensor> { Upsample(m), d2 }, 1)));
            Tensor u1 = nn.functional.relu(_up1conv.forward(cat(new List<Tensor> { Upsample(u2), d1 }, 1)));
            return _out.forward(u1);
        }

        private static Tensor Upsample(Tensor x) => nn.functional.interpolate(x, scale_factor: new double[] { 2, 2 }, mode: InterpolationMode.Nearest);
    }
}
