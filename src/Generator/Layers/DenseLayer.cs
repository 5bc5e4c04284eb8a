using System.Collections.Generic;
using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>[Dense(units, Activation, Bias)] — PyTorch nn.Linear (+ a fused activation): y = f(x·Wᵀ + b) on a vector, or on
    /// every time step of a sequence [T, features] (the last axis, as nn.Linear does),
    /// weight [units, in], bias [units]. He-uniform weights when followed by a ReLU-family activation, Xavier otherwise
    /// (PyTorch's U(±1/√in) with Initialization.PyTorch).</summary>
    internal sealed record DenseLayer(string Name, Shape Input, Shape Output, EquatableArray<ParameterTensor> Parameters,
        int InFeatures, int Units, bool HasBias, ActivationKind Activation, WeightInitialization Initialization)
        : LayerPlan("Dense", Name, Input, Output, Parameters)
    {
        public static LayerPlan? Create(LayerBuildContext context)
        {
            int units = context.Attribute.GetInt("units", 0);
            int activationValue = context.Attribute.GetInt("Activation", 0);
            bool hasBias = context.Attribute.GetBool("Bias", true);
            bool valid = context.Check(units > 0, "units", "positive", units);
            valid &= context.Check(ActivationCalls.IsDefined(activationValue), "Activation", "a defined Activation value", activationValue);
            if (!valid || context.Input is null) return null;

            // A vector, or a sequence [time, features] whose every time step goes through the layer (nn.Linear on the last axis).
            if (context.Input.Rank > 2)
            {
                context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DenseNeedsVector, context.Attribute.Location, context.Name, context.Input)
                    .WithProperties(FixProperties.InputRank, context.Input.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                return null;
            }
            int inFeatures = context.Input.Last;
            int steps = context.Input.Rank == 2 ? context.Input.Dimensions[0] : 1;
            var activation = (ActivationKind)activationValue;
            EquatableArray<ParameterTensor>? tensors = hasBias
                ? context.Tensors(("weight", Shape.Of(units, inFeatures)), ("bias", Shape.Of(units)))
                : context.Tensors(("weight", Shape.Of(units, inFeatures)));
            if (tensors is null) return null;
            WeightInitialization initialization = WeightInitializationCalls.Choose(context.PyTorchInitialization,
                ActivationCalls.IsReLUFamily(activation) || context.NextKind is "ReLU" or "LeakyReLU");
            Shape output = steps == 1 && context.Input.Rank == 1 ? Shape.Of(units) : Shape.Of(steps, units);
            return new DenseLayer(context.Name, context.Input, output, tensors.Value, inFeatures, units, hasBias, activation, initialization);
        }

        public override string Description => Activation == ActivationKind.None ? "Dense" : "Dense, " + Activation;

        public override long MultiplyAccumulates => (long)InFeatures * Units * Steps;

        /// <summary>Time steps per sample: 1 for a vector, T for a sequence [T, features].</summary>
        private int Steps => Input.Rank == 2 ? Input.Dimensions[0] : 1;

        /// <summary>Rows of the multiplies: "batch", or "batch * T" on a sequence.</summary>
        private string Rows => Steps == 1 ? "batch" : $"batch * {Steps}";

        private ParameterTensor Weight => Parameters[0];

        private ParameterTensor? BiasTensor => HasBias ? Parameters[1] : null;

        private bool KeepsPreActivation => ActivationCalls.BackwardNeedsInput(Activation);

        /// <summary>x·Wᵀ + b before the activation, kept when the activation's derivative needs it.</summary>
        private ScratchBuffer PreActivationBuffer => new ScratchBuffer("PreActivation", Output.Size);

        /// <summary>dLoss/d(x·Wᵀ + b).</summary>
        private ScratchBuffer ActivationGradientBuffer => new ScratchBuffer("ActivationGradient", Output.Size, TrainingOnly: true);

        public override IEnumerable<ScratchBuffer> ScratchBuffers
        {
            get
            {
                if (KeepsPreActivation) yield return PreActivationBuffer;
                if (Activation != ActivationKind.None) yield return ActivationGradientBuffer;
            }
        }

        public override void EmitInitialization(SourceWriter writer)
        {
            writer.Line(WeightInitializationCalls.Statement(Initialization, Slice("parameters", Weight), InFeatures, Units));
            if (BiasTensor is { } bias) writer.Line($"global::TensorForge.Initializers.BiasUniform({Slice("parameters", bias)}, {InFeatures}, ref random);");
        }

        public override void EmitForward(SourceWriter writer, ForwardContext context)
        {
            string z = $"affine{context.Index}";
            string y = KeepsPreActivation ? context.Output : z;
            writer.Line($"var {z} = {(KeepsPreActivation ? context.Scratch(PreActivationBuffer) : context.Output)};");
            writer.Line($"{NetworkNames.Kernels}.Gemm.MultiplyTransposedB({context.Input}, {Slice("parameters", Weight)}, {z}, {Rows}, {InFeatures}, {Units});");
            if (BiasTensor is { } bias && Activation != ActivationKind.None)
            {
                writer.Line(ActivationCalls.BiasForward(Activation, z, Slice("parameters", bias), y, Rows, Units, ActivationCalls.DefaultLeakySlope));
                return;
            }
            if (BiasTensor is { } onlyBias) writer.Line($"{NetworkNames.Kernels}.Bias.Add({z}, {Slice("parameters", onlyBias)}, {Rows}, {Units});");
            if (Activation != ActivationKind.None) writer.Line(ActivationCalls.Forward(Activation, z, y, ActivationCalls.DefaultLeakySlope));
        }

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
        {
            string dz = context.OutputGradient;
            // The bias gradient kernels add; the weight gradient GEMM overwrites or adds as asked.
            if (BiasTensor is { } clearedBias) writer.Line($"if (!{context.Accumulate}) {Slice("gradients", clearedBias)}.Clear();");
            if (Activation != ActivationKind.None)
            {
                dz = $"activationGradient{context.Index}";
                writer.Line($"var {dz} = {context.Scratch(ActivationGradientBuffer)};");
                string x = KeepsPreActivation ? context.Scratch(PreActivationBuffer) : "";
                writer.Line(BiasTensor is { } fusedBias
                    ? ActivationCalls.BackwardBiasGradient(Activation, x, context.Output, context.OutputGradient, dz, Slice("gradients", fusedBias), Rows, Units, ActivationCalls.DefaultLeakySlope)
                    : ActivationCalls.Backward(Activation, x, context.Output, context.OutputGradient, dz, ActivationCalls.DefaultLeakySlope));
            }
            else if (BiasTensor is { } bias)
            {
                writer.Line($"{NetworkNames.Kernels}.Bias.AccumulateGradient({dz}, {Slice("gradients", bias)}, {Rows}, {Units});");
            }
            writer.Line($"{NetworkNames.Kernels}.Gemm.MultiplyTransposedA({dz}, {context.Input}, {Slice("gradients", Weight)}, {Units}, {Rows}, {InFeatures}, {context.Accumulate});");
            context.EmitInputGradient(writer,
                $"{NetworkNames.Kernels}.Gemm.Multiply({dz}, {Slice("parameters", Weight)}, {context.InputGradient}, {Rows}, {Units}, {InFeatures});");
        }
    }
}
