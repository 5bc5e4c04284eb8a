using System.Collections.Generic;
using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>[BatchNorm] — PyTorch nn.BatchNorm2d on [C, H, W] and nn.BatchNorm1d on [F]: training mode normalises with the
    /// batch's statistics and updates the running ones (momentum, unbiased variance); inference mode (Forward) uses the running
    /// statistics. Parameters weight [C] = 1 and bias [C] = 0 when affine; buffers running_mean [C] = 0, running_var [C] = 1 and
    /// num_batches_tracked (int64, shape []), saved and loaded with the parameters. An optional fused activation follows.</summary>
    internal sealed record BatchNormLayer(string Name, Shape Input, EquatableArray<ParameterTensor> Parameters, int Channels, int Spatial,
        float Epsilon, float Momentum, bool Affine, ActivationKind Activation)
        : LayerPlan("BatchNorm", Name, Input, Input, Parameters)
    {
        public static LayerPlan? Create(LayerBuildContext context)
        {
            var a = context.Attribute;
            float epsilon = a.GetFloat("Epsilon", 1e-5f);
            float momentum = a.GetFloat("Momentum", 0.1f);
            bool affine = a.GetBool("Affine", true);
            int activationValue = a.GetInt("Activation", 0);
            bool valid = context.Check(epsilon > 0f && !float.IsInfinity(epsilon), "Epsilon", "positive and finite", epsilon);
            valid &= context.Check(momentum >= 0f && momentum <= 1f, "Momentum", "in [0, 1]", momentum);
            valid &= context.Check(ActivationCalls.IsDefined(activationValue), "Activation", "a defined Activation value", activationValue);
            if (!valid || context.Input is null) return null;
            Shape input = context.Input;
            if (input.Rank != 1 && input.Rank != 3)
            {
                context.Report(DiagnosticDescriptors.BatchNormInput, a.Location, context.Name, input);
                return null;
            }
            int channels = input.Dimensions[0];
            int spatial = input.Rank == 3 ? input.Dimensions[1] * input.Dimensions[2] : 1;
            EquatableArray<ParameterTensor>? tensors = affine
                ? context.Tensors(("weight", Shape.Of(channels)), ("bias", Shape.Of(channels)))
                : context.Tensors();
            if (tensors is null) return null;
            EquatableArray<BufferTensor> buffers = context.BufferTensors(
                ("running_mean", Shape.Of(channels), false), ("running_var", Shape.Of(channels), false), ("num_batches_tracked", Shape.Of(), true));
            return new BatchNormLayer(context.Name, input, tensors.Value, channels, spatial, epsilon, momentum, affine, (ActivationKind)activationValue)
            {
                Buffers = buffers,
            };
        }

        public override string Description => (Input.Rank == 3 ? "BatchNorm2d" : "BatchNorm1d") + (Activation == ActivationKind.None ? "" : ", " + Activation);

        public override long MultiplyAccumulates => Input.Size;

        public override int MinimumTrainingBatch => Spatial == 1 ? 2 : 1;

        private string Weight => Affine ? Slice("parameters", Parameters[0]) : "global::System.ReadOnlySpan<float>.Empty";
        private string BiasParameter => Affine ? Slice("parameters", Parameters[1]) : "global::System.ReadOnlySpan<float>.Empty";
        private string WeightGradient => Affine ? Slice("gradients", Parameters[0]) : "global::System.Span<float>.Empty";
        private string BiasGradient => Affine ? Slice("gradients", Parameters[1]) : "global::System.Span<float>.Empty";
        private string RunningMean => Slice(Buffers[0]);
        private string RunningVar => Slice(Buffers[1]);
        private string Counter => Slice(Buffers[2]);

        private ScratchBuffer SavedMean => new ScratchBuffer("SavedMean", Channels, Fixed: true);
        private ScratchBuffer SavedInverseStd => new ScratchBuffer("SavedInverseStd", Channels, Fixed: true);
        private FusedActivation Fused => new FusedActivation(Activation, Input.Size);

        public override IEnumerable<ScratchBuffer> ScratchBuffers
        {
            get
            {
                yield return SavedMean;
                yield return SavedInverseStd;
                foreach (ScratchBuffer buffer in Fused.Buffers) yield return buffer;
            }
        }

        public override void EmitInitialization(SourceWriter writer)
            => writer.Line($"{Slice("parameters", Parameters[0])}.Fill(1f);");

        public override void EmitBufferInitialization(SourceWriter writer)
            => writer.Line($"{RunningVar}.Fill(1f);");

        public override void EmitForward(SourceWriter writer, ForwardContext context)
        {
            string z = Fused.Target(writer, context, "normalized");
            if (context.Training)
            {
                writer.Line($"{NetworkNames.Kernels}.BatchNorm.ForwardTraining({context.Input}, {z}, {Weight}, {BiasParameter}, {RunningMean}, {RunningVar}, " +
                    $"{context.Scratch(SavedMean)}, {context.Scratch(SavedInverseStd)}, batch, {Channels}, {Spatial}, {Literal.Float(Momentum)}, {Literal.Float(Epsilon)});");
                writer.Line($"{NetworkNames.Kernels}.BatchNorm.IncrementCounter({Counter});");
            }
            else
            {
                writer.Line($"{NetworkNames.Kernels}.BatchNorm.ForwardInference({context.Input}, {z}, {Weight}, {BiasParameter}, {RunningMean}, {RunningVar}, " +
                    $"batch, {Channels}, {Spatial}, {Literal.Float(Epsilon)});");
            }
            Fused.EmitForward(writer, z, context);
        }

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
        {
            string dz = Fused.EmitBackward(writer, context);
            // The kernel skips an empty input gradient itself: the parameter gradients are always needed.
            string inputGradient = context.InputGradient ?? "global::System.Span<float>.Empty";
            writer.Line($"{NetworkNames.Kernels}.BatchNorm.Backward({context.Input}, {dz}, {inputGradient}, {Weight}, " +
                $"{context.Scratch(SavedMean)}, {context.Scratch(SavedInverseStd)}, {WeightGradient}, {BiasGradient}, batch, {Channels}, {Spatial}, {context.Accumulate});");
        }
    }
}
