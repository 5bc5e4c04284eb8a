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

    /// <summary>The diffusion sample's default U-Net denoiser (samples/Diffusion's <c>UNetDenoiser</c>), module for layer with
    /// its names. Time: the input's mean over the image (AvgPool2d(28), giving the [17, 1, 1] embedding), time1 1×1 → 128 and
    /// time 1×1 → 128 (both ReLU), and per level a 1×1 projection (t28proj 32, t14proj 64, t7proj 128, t14upproj 64,
    /// t28upproj 32) spread to constant planes by nearest upsampling. Down: down1conv 3×3 → 32 + t28, ReLU; down2conv 3×3/2 →
    /// 64 + t14, ReLU; down2 3×3 → 64, ReLU; down3conv 3×3/2 → 128 + t7, ReLU; mid 3×3 → 128 and mid2 3×3 → 64 (ReLU). Up:
    /// nearest upsample ×2, cat([up, down2]), up2conv 3×3 → 64 + t14up, ReLU, up2 3×3 → 32 (ReLU), upsample ×2,
    /// cat([up, down1]), up1conv 3×3 → 32 + t28up, ReLU, up1 3×3 → 32 (ReLU), out 3×3 → 1. The previous output comes first
    /// in each cat, as our <c>Concat</c> does.</summary>
    internal sealed class TorchUNet : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d _time1, _time, _t28proj, _t14proj, _t7proj, _t14upproj, _t28upproj;
        private readonly Conv2d _down1conv, _down2conv, _down2, _down3conv, _mid, _mid2, _up2conv, _up2, _up1conv, _up1, _out;

        public TorchUNet(long inputChannels) : base("UNetDenoiser")
        {
            _time1 = nn.Conv2d(inputChannels, 128, 1);
            _time = nn.Conv2d(128, 128, 1);
            _t28proj = nn.Conv2d(128, 32, 1);
            _t14proj = nn.Conv2d(128, 64, 1);
            _t7proj = nn.Conv2d(128, 128, 1);
            _t14upproj = nn.Conv2d(128, 64, 1);
            _t28upproj = nn.Conv2d(128, 32, 1);
            _down1conv = nn.Conv2d(inputChannels, 32, 3, padding: 1);
            _down2conv = nn.Conv2d(32, 64, 3, stride: 2, padding: 1);
            _down2 = nn.Conv2d(64, 64, 3, padding: 1);
            _down3conv = nn.Conv2d(64, 128, 3, stride: 2, padding: 1);
            _mid = nn.Conv2d(128, 128, 3, padding: 1);
            _mid2 = nn.Conv2d(128, 64, 3, padding: 1);
            _up2conv = nn.Conv2d(128, 64, 3, padding: 1);
            _up2 = nn.Conv2d(64, 32, 3, padding: 1);
            _up1conv = nn.Conv2d(64, 32, 3, padding: 1);
            _up1 = nn.Conv2d(32, 32, 3, padding: 1);
            _out = nn.Conv2d(32, 1, 3, padding: 1);
            foreach (var (name, module) in new (string, Conv2d)[]
                {
                    ("time1", _time1), ("time", _time), ("t28proj", _t28proj), ("t14proj", _t14proj), ("t7proj", _t7proj),
                    ("t14upproj", _t14upproj), ("t28upproj", _t28upproj), ("down1conv", _down1conv), ("down2conv", _down2conv),
                    ("down2", _down2), ("down3conv", _down3conv), ("mid", _mid), ("mid2", _mid2), ("up2conv", _up2conv),
                    ("up2", _up2), ("up1conv", _up1conv), ("up1", _up1), ("out", _out),
                })
                register_module(name, module);
        }

        public override Tensor forward(Tensor x)
        {
            Tensor time = nn.functional.relu(_time.forward(nn.functional.relu(_time1.forward(nn.functional.avg_pool2d(x, 28)))));
            Tensor d1 = nn.functional.relu(_down1conv.forward(x) + Spread(_t28proj, time, 28));
            Tensor d2 = nn.functional.relu(_down2conv.forward(d1) + Spread(_t14proj, time, 14));
            d2 = nn.functional.relu(_down2.forward(d2));
            Tensor m = nn.functional.relu(_down3conv.forward(d2) + Spread(_t7proj, time, 7));
            m = nn.functional.relu(_mid2.forward(nn.functional.relu(_mid.forward(m))));
            Tensor u2 = nn.functional.relu(_up2conv.forward(cat(new List<Tensor> { Upsample(m, 2), d2 }, 1)) + Spread(_t14upproj, time, 14));
            u2 = nn.functional.relu(_up2.forward(u2));
            Tensor u1 = nn.functional.relu(_up1conv.forward(cat(new List<Tensor> { Upsample(u2, 2), d1 }, 1)) + Spread(_t28upproj, time, 28));
            u1 = nn.functional.relu(_up1.forward(u1));
            return _out.forward(u1);
        }

        /// <summary>A level's time projection of the [128, 1, 1] time features, spread to constant size×size planes by nearest
        /// upsampling (our <c>Upsample(size)</c> of a 1×1 map).</summary>
        private static Tensor Spread(Conv2d projection, Tensor time, int size) => Upsample(projection.forward(time), size);

        private static Tensor Upsample(Tensor x, int factor) =>
            nn.functional.interpolate(x, scale_factor: new double[] { factor, factor }, mode: InterpolationMode.Nearest);
    }
}
