using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Emit;
using TensorForge.Generator.Parsing;

namespace TensorForge.Generator.Training
{
    /// <summary>[Sgd], [Adam] or [AdamW] with PyTorch's defaults filled in.</summary>
    internal sealed record OptimizerPlan(string Kind, float LearningRate, float WeightDecay, float Momentum, bool Nesterov, float Beta1, float Beta2, float Epsilon)
    {
        /// <summary>clip_grad_norm_'s max_norm applied before each step, or 0 for none.</summary>
        public float MaxGradientNorm { get; init; }
        public static bool IsOptimizer(string kind) => kind is "Sgd" or "Adam" or "AdamW";

        public static OptimizerPlan? Create(AttributeDeclaration attribute, ArgumentChecker check)
        {
            string kind = attribute.Kind;
            float lr = attribute.GetFloat("LearningRate", 1e-3f);
            float wd = attribute.GetFloat("WeightDecay", kind == "AdamW" ? 1e-2f : 0f);
            float momentum = attribute.GetFloat("Momentum", 0f);
            bool nesterov = attribute.GetBool("Nesterov", false);
            float beta1 = attribute.GetFloat("Beta1", 0.9f);
            float beta2 = attribute.GetFloat("Beta2", 0.999f);
            float epsilon = attribute.GetFloat("Epsilon", 1e-8f);

            float maxNorm = attribute.GetFloat("MaxGradientNorm", 0f);
            bool valid = check(lr > 0f && !float.IsInfinity(lr), "LearningRate", "positive and finite", lr);
            valid &= check(maxNorm >= 0f && !float.IsInfinity(maxNorm), "MaxGradientNorm", "non-negative and finite (0 for no clipping)", maxNorm);
            valid &= check(wd >= 0f && !float.IsInfinity(wd), "WeightDecay", "non-negative and finite", wd);
            if (kind == "Sgd")
            {
                valid &= check(momentum >= 0f && momentum < 1f, "Momentum", "in [0, 1)", momentum);
                valid &= check(!nesterov || momentum > 0f, "Nesterov", "false when Momentum is 0 (Nesterov needs momentum)", nesterov);
            }
            else
            {
                valid &= check(beta1 >= 0f && beta1 < 1f, "Beta1", "in [0, 1)", beta1);
                valid &= check(beta2 >= 0f && beta2 < 1f, "Beta2", "in [0, 1)", beta2);
                valid &= check(epsilon > 0f && !float.IsInfinity(epsilon), "Epsilon", "positive and finite", epsilon);
            }
            return valid ? new OptimizerPlan(kind, lr, wd, momentum, nesterov, beta1, beta2, epsilon) { MaxGradientNorm = maxNorm } : null;
        }

        public string TypeName => Kind == "Sgd" ? "global::TensorForge.Optimizers.Sgd" : "global::TensorForge.Optimizers.Adam";

        public string Construction(string parameterCount) => Kind switch
        {
            "Sgd" => $"new {TypeName}({parameterCount}, learningRate: {Literal.Float(LearningRate)}, momentum: {Literal.Float(Momentum)}, nesterov: {Literal.Bool(Nesterov)}, weightDecay: {Literal.Float(WeightDecay)})",
            _ => $"new {TypeName}({parameterCount}, learningRate: {Literal.Float(LearningRate)}, beta1: {Literal.Float(Beta1)}, beta2: {Literal.Float(Beta2)}, epsilon: {Literal.Float(Epsilon)}, weightDecay: {Literal.Float(WeightDecay)}, decoupledWeightDecay: {Literal.Bool(Kind == "AdamW")})",
        };

        public string Describe => Kind switch
        {
            "Sgd" => $"SGD(lr={Format(LearningRate)}, momentum={Format(Momentum)}, nesterov={Literal.Bool(Nesterov)}, weight_decay={Format(WeightDecay)})",
            _ => $"{Kind}(lr={Format(LearningRate)}, betas=({Format(Beta1)}, {Format(Beta2)}), eps={Format(Epsilon)}, weight_decay={Format(WeightDecay)})",
        } + (MaxGradientNorm > 0f ? $", clip_grad_norm_(max_norm={Format(MaxGradientNorm)})" : "");

        /// <summary>PyTorch's repr of a float: 0.001, 1e-08.</summary>
        internal static string Format(float value) => Literal.Float(value).TrimEnd('f').Replace("E", "e");
    }

    /// <summary>Reports TF0006 for an argument unless <paramref name="valid"/>; returns <paramref name="valid"/>.</summary>
    internal delegate bool ArgumentChecker(bool valid, string argument, string requirement, object actual);

    /// <summary>[CosineAnnealing] or [StepDecay].</summary>
    internal sealed record SchedulePlan(string Kind, int TMax, float MinLearningRate, int StepSize, float Gamma)
    {
        public static bool IsSchedule(string kind) => kind is "CosineAnnealing" or "StepDecay";

        public static SchedulePlan? Create(AttributeDeclaration attribute, ArgumentChecker check)
        {
            int tMax = attribute.GetInt("TMax", 0);
            float min = attribute.GetFloat("MinLearningRate", 0f);
            int stepSize = attribute.GetInt("StepSize", 0);
            float gamma = attribute.GetFloat("Gamma", 0.1f);
            bool valid = attribute.Kind == "CosineAnnealing"
                ? check(tMax > 0, "TMax", "positive", tMax) & check(min >= 0f && !float.IsInfinity(min), "MinLearningRate", "non-negative and finite", min)
                : check(stepSize > 0, "StepSize", "positive", stepSize) & check(gamma > 0f && !float.IsInfinity(gamma), "Gamma", "positive and finite", gamma);
            return valid ? new SchedulePlan(attribute.Kind, tMax, min, stepSize, gamma) : null;
        }

        public string TypeName => $"global::TensorForge.Schedules.{Kind}";

        public string Construction => Kind == "CosineAnnealing"
            ? $"new {TypeName}({Literal.Int(TMax)}, {Literal.Float(MinLearningRate)})"
            : $"new {TypeName}({Literal.Int(StepSize)}, {Literal.Float(Gamma)})";

        public string Describe => Kind == "CosineAnnealing"
            ? $"CosineAnnealingLR(T_max={TMax}, eta_min={OptimizerPlan.Format(MinLearningRate)})"
            : $"StepLR(step_size={StepSize}, gamma={OptimizerPlan.Format(Gamma)})";
    }
}
