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
