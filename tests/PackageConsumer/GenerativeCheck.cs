using TensorForge;

/// <summary>The generative layer kinds from the package, under the JIT and Native AOT alike: a small convolutional VAE on 8×8
/// images of bars (<c>Reparameterize</c> with its KL term, <c>Unflatten</c>, <c>ConvTranspose2D</c>, <c>Upsample</c>) trains
/// until its loss has fallen; then Forward and TrainStep must allocate nothing, and a saved and reloaded twin must give
/// bit-identical outputs. Returns the failures.</summary>
internal static class GenerativeCheck
{
    private const int Side = 8, Pixels = Side * Side, Batch = 16;

    public static List<string> Run()
    {
        var failures = new List<string>();
        var random = new Random(7);
        var images = new float[Batch * Pixels];

        // One horizontal or vertical bar (1) on a blank image (0) per sample: BCE-with-logits targets in [0, 1].
        void Bars()
        {
            Array.Clear(images);
            for (int s = 0; s < Batch; s++)
            {
                int line = random.Next(Side);
                bool horizontal = random.Next(2) == 0;
                for (int i = 0; i < Side; i++)
                    images[s * Pixels + (horizontal ? line * Side + i : i * Side + line)] = 1f;
            }
        }

        var vae = new ConsumerVae();
        SequenceCheck.Train("convolutional VAE", 400, Batch, () => { Bars(); return vae.TrainStep(images, images); }, failures);
        var output = new float[Batch * ConsumerVae.OutputSize];
        SequenceCheck.CheckSteadyState("convolutional VAE", () => { vae.Forward(images, output); vae.TrainStep(images, images); }, failures);

        SequenceCheck.CheckReload("convolutional VAE", vae, new ConsumerVae(seed: 5), output, (n, y) => ((ConsumerVae)n).Forward(images, y), failures);
        return failures;
    }
}

/// <summary>Encoder 64 → 32 → (μ, log σ²) of 4 latents, Reparameterize (its KL added to the loss), then a decoder through every
/// generative layer kind: 4 → 32 → Unflatten [2, 4, 4] → ConvTranspose2D 4×4/2 → [4, 8, 8] → Upsample ×2 → [4, 16, 16] →
/// Conv2D 3×3/2 → [1, 8, 8] logits; BCE with logits summed per image.</summary>
[Network(Loss = Loss.BinaryCrossEntropyWithLogits, Reduction = Reduction.SumPerSample, Seed = 10)]
[Input(64)]
[Dense(32, Activation = Activation.ReLU)]
[Dense(8)]
[Reparameterize(Name = "z")]
[Dense(32, Activation = Activation.ReLU)]
[Unflatten(2, 4, 4)]
[ConvTranspose2D(4, 4, Stride = 2, Padding = 1, Activation = Activation.ReLU)]
[Upsample(2)]
[Conv2D(1, 3, Stride = 2, Padding = 1)]
[Adam(LearningRate = 0.01f)]
public partial class ConsumerVae;
