using System.Collections.Generic;
using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>[Reparameterize] — the VAE's sampling layer: input [2·d] read as μ (first d) and log σ² (last d), output [d].
    /// Training: z = μ + exp(½ log σ²) ⊙ ε, ε ~ N(0, I) from the network's seeded random stream (kept for backward), and the
    /// KL divergence to N(0, I), −½·Σ(1 + log σ² − μ² − σ²) summed over the latents and the batch, kept for the loss
    /// (<see cref="LayerPlan.AddedLoss"/>); backward adds its gradient, weighted as the loss reduces the batch. Inference: μ.
    /// Kernels: TensorForge.Kernels.Reparameterize.</summary>
    internal sealed record ReparameterizeLayer(string Name, Shape Input, Shape Output)
        : LayerPlan("Reparameterize", Name, Input, Output, EquatableArray<ParameterTensor>.Empty)
    {
        public static LayerPlan? Create(LayerBuildContext context)
        {
            if (context.Input is null) return null;
            var input = context.Input;
            if (input.Rank != 1 || input.Size % 2 != 0)
            {
                string why = input.Rank != 1 ? "which is not a vector (add [Flatten] before it)" : $"whose width {input.Size} is odd";
                context.Report(DiagnosticDescriptors.ReparameterizeWidth, context.Attribute.Location, context.Name, input, why);
                return null;
            }
            return new ReparameterizeLayer(context.Name, input, Shape.Of(input.Size / 2));
        }

        private int Latents => Output.Size;

        private ScratchBuffer Noise => new ScratchBuffer("Noise", Latents);

        /// <summary>The KL divergence of the last training forward pass, summed over the batch: one float whatever the batch.</summary>
        private ScratchBuffer Divergence => new ScratchBuffer("Divergence", 1, Fixed: true);

        public override IEnumerable<ScratchBuffer> ScratchBuffers { get { yield return Noise; yield return Divergence; } }

        public override bool UsesDropoutRandom => true;

        public override string? AddedLoss(int index) => NetworkNames.ScratchField(index, Divergence) + ".Span[0]";

        public override string AddedLossDescription => $"{Name}'s KL divergence to N(0, I)";

        public override void EmitForward(SourceWriter writer, ForwardContext context)
        {
            if (context.Training)
            {
                writer.Line($"{context.Scratch(Divergence)}[0] = {NetworkNames.Kernels}.Reparameterize.Forward({context.Input}, {context.Scratch(Noise)}, {context.Output}, batch, {Latents}, ref _dropoutRandom);");
            }
            else
            {
                writer.Line($"{NetworkNames.Kernels}.Reparameterize.Mean({context.Input}, {context.Output}, batch, {Latents});");
            }
        }

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
            => context.EmitInputGradient(writer,
                $"{NetworkNames.Kernels}.Reparameterize.Backward({context.OutputGradient}, {context.Input}, {context.Scratch(Noise)}, {context.InputGradient}, batch, {Latents}, {context.AddedLossScale});");
    }
}
