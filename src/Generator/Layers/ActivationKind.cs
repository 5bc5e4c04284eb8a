using TensorForge.Generator.Emit;

namespace TensorForge.Generator.Layers
{
    /// <summary>Mirror of TensorForge.Activation (same values); the generator does not load the attributes assembly.</summary>
    internal enum ActivationKind { None = 0, ReLU = 1, LeakyReLU = 2, Sigmoid = 3, Tanh = 4, Gelu = 5 }

    /// <summary>The forward and backward kernel calls of each element-wise activation, shared by fused (Dense) and standalone layers.</summary>
    internal static class ActivationCalls
    {
        public const float DefaultLeakySlope = 0.01f;

        public static bool IsDefined(int value) => value >= 0 && value <= 5;

        /// <summary>Whether backward needs the pre-activation input (else it works from the output).</summary>
        public static bool BackwardNeedsInput(ActivationKind kind) => kind == ActivationKind.LeakyReLU || kind == ActivationKind.Gelu;

        public static bool IsReLUFamily(ActivationKind kind) => kind == ActivationKind.ReLU || kind == ActivationKind.LeakyReLU;

        public static string Forward(ActivationKind kind, string x, string y, float slope) => kind switch
        {
            ActivationKind.LeakyReLU => $"{NetworkNames.Kernels}.Activations.LeakyReLU({x}, {y}, {Literal.Float(slope)});",
            _ => $"{NetworkNames.Kernels}.Activations.{kind}({x}, {y});",
        };

        /// <summary>x += bias, then y = f(x), in one pass per row (Epilogue kernels: same bits as Bias.Add then the activation).
        /// For ReLU, sigmoid and tanh y may be x itself.</summary>
        public static string BiasForward(ActivationKind kind, string x, string bias, string y, string rows, int cols, float slope) => kind switch
        {
            ActivationKind.ReLU when x == y => $"{NetworkNames.Kernels}.Epilogue.BiasReLU({x}, {bias}, {rows}, {cols});",
            ActivationKind.LeakyReLU => $"{NetworkNames.Kernels}.Epilogue.BiasLeakyReLU({x}, {bias}, {y}, {rows}, {cols}, {Literal.Float(slope)});",
            _ => $"{NetworkNames.Kernels}.Epilogue.Bias{kind}({x}, {bias}, {y}, {rows}, {cols});",
        };

        /// <summary>dx = f'(·) ⊙ dy and biasGradient += Σ_rows dx, in one pass per row.</summary>
        public static string BackwardBiasGradient(ActivationKind kind, string x, string y, string dy, string dx, string biasGradient, string rows, int cols, float slope) => kind switch
        {
            ActivationKind.LeakyReLU => $"{NetworkNames.Kernels}.Epilogue.LeakyReLUBackwardBiasGradient({x}, {dy}, {dx}, {biasGradient}, {rows}, {cols}, {Literal.Float(slope)});",
            ActivationKind.Gelu => $"{NetworkNames.Kernels}.Epilogue.GeluBackwardBiasGradient({x}, {dy}, {dx}, {biasGradient}, {rows}, {cols});",
            _ => $"{NetworkNames.Kernels}.Epilogue.{kind}BackwardBiasGradient({y}, {dy}, {dx}, {biasGradient}, {rows}, {cols});",
        };

        /// <summary>dx = f'(·) ⊙ dy, from the input x or the output y as the activation needs.</summary>
        public static string Backward(ActivationKind kind, string x, string y, string dy, string dx, float slope) => kind switch
        {
            ActivationKind.LeakyReLU => $"{NetworkNames.Kernels}.Activations.LeakyReLUBackward({x}, {dy}, {dx}, {Literal.Float(slope)});",
            ActivationKind.Gelu => $"{NetworkNames.Kernels}.Activations.GeluBackward({x}, {dy}, {dx});",
            _ => $"{NetworkNames.Kernels}.Activations.{kind}Backward({y}, {dy}, {dx});",
        };
    }
}

namespace TensorForge.Generator.Layers
{
    /// <summary>An activation fused after a layer that writes a whole tensor first (Conv2D, BatchNorm): the buffers it keeps
    /// and its forward and backward statements. Dense fuses its bias into the activation instead (ActivationCalls' epilogues).</summary>
    internal sealed record FusedActivation(ActivationKind Kind, int Size)
    {
        private bool KeepsInput => ActivationCalls.BackwardNeedsInput(Kind);
        private ScratchBuffer PreActivation => new ScratchBuffer("PreActivation", Size);
        private ScratchBuffer Gradient => new ScratchBuffer("ActivationGradient", Size, TrainingOnly: true);

        public System.Collections.Generic.IEnumerable<ScratchBuffer> Buffers
        {
            get
            {
                if (KeepsInput) yield return PreActivation;
                if (Kind != ActivationKind.None) yield return Gradient;
            }
        }

        /// <summary>Where the layer writes before the activation: its output, or (when backward needs the activation's input)
        /// a local named <paramref name="local"/> over the kept buffer, declared here.</summary>
        public string Target(SourceWriter writer, ForwardContext context, string local)
        {
            if (!KeepsInput) return context.Output;
            string z = local + context.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            writer.Line($"var {z} = {context.Scratch(PreActivation)};");
            return z;
        }

        public void EmitForward(SourceWriter writer, string target, ForwardContext context)
        {
            if (Kind != ActivationKind.None) writer.Line(ActivationCalls.Forward(Kind, target, context.Output, ActivationCalls.DefaultLeakySlope));
        }

        /// <summary>Writes dLoss/d(pre-activation) and returns its expression (the output gradient itself without an activation).</summary>
        public string EmitBackward(SourceWriter writer, BackwardContext context)
        {
            if (Kind == ActivationKind.None) return context.OutputGradient;
            string dz = "activationGradient" + context.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            writer.Line($"var {dz} = {context.Scratch(Gradient)};");
            string x = KeepsInput ? context.Scratch(PreActivation) : "";
            writer.Line(ActivationCalls.Backward(Kind, x, context.Output, context.OutputGradient, dz, ActivationCalls.DefaultLeakySlope));
            return dz;
        }
    }
}
