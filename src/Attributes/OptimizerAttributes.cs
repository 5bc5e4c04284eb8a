using System;

namespace TensorForge
{
    /// <summary>Base of the optimizer attributes; a network has at most one. Without one the network is inference-only.</summary>
    public abstract class OptimizerAttribute : Attribute
    {
        /// <summary>Learning rate (&gt; 0).</summary>
        public float LearningRate { get; set; } = 1e-3f;
        /// <summary>Weight decay (≥ 0).</summary>
        public float WeightDecay { get; set; }
        /// <summary>When positive, every <c>Step</c> first clips the gradients to this total norm
        /// (<c>torch.nn.utils.clip_grad_norm_(parameters, MaxGradientNorm)</c>). Default 0: no clipping.</summary>
        public float MaxGradientNorm { get; set; }
    }

    /// <summary>Stochastic gradient descent, <c>torch.optim.SGD</c> (momentum, Nesterov, L2 weight decay, no dampening).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class SgdAttribute : OptimizerAttribute
    {
        /// <summary>Momentum factor in [0, 1). Default 0.</summary>
        public float Momentum { get; set; }
        /// <summary>Nesterov momentum (requires momentum &gt; 0). Default false.</summary>
        public bool Nesterov { get; set; }
    }

    /// <summary><c>torch.optim.Adam</c> with L2 weight decay added to the gradient.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class AdamAttribute : OptimizerAttribute
    {
        /// <summary>β₁ in [0, 1). Default 0.9.</summary>
        public float Beta1 { get; set; } = 0.9f;
        /// <summary>β₂ in [0, 1). Default 0.999.</summary>
        public float Beta2 { get; set; } = 0.999f;
        /// <summary>ε &gt; 0. Default 1e-8.</summary>
        public float Epsilon { get; set; } = 1e-8f;
    }

    /// <summary><c>torch.optim.AdamW</c>: Adam with decoupled weight decay (default 0.01).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class AdamWAttribute : OptimizerAttribute
    {
        /// <summary>Declares AdamW; weight decay defaults to 0.01 as in PyTorch.</summary>
        public AdamWAttribute() { WeightDecay = 0.01f; }
        /// <summary>β₁ in [0, 1). Default 0.9.</summary>
        public float Beta1 { get; set; } = 0.9f;
        /// <summary>β₂ in [0, 1). Default 0.999.</summary>
        public float Beta2 { get; set; } = 0.999f;
        /// <summary>ε &gt; 0. Default 1e-8.</summary>
        public float Epsilon { get; set; } = 1e-8f;
    }

    /// <summary>Base of the learning-rate schedules; a schedule ticks once per optimizer step and needs an optimizer.</summary>
    public abstract class ScheduleAttribute : Attribute { }

    /// <summary><c>torch.optim.lr_scheduler.CosineAnnealingLR</c> (closed form), one tick per optimizer step:
    /// <c>lr_t = min + (lr - min)·(1 + cos(π·t/TMax))/2</c>.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class CosineAnnealingAttribute : ScheduleAttribute
    {
        /// <summary>Half period in optimizer steps (&gt; 0).</summary>
        public int TMax { get; set; }
        /// <summary>Minimum learning rate (≥ 0). Default 0.</summary>
        public float MinLearningRate { get; set; }
    }

    /// <summary><c>torch.optim.lr_scheduler.StepLR</c>, one tick per optimizer step: <c>lr_t = lr·Gamma^⌊t/StepSize⌋</c>.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class StepDecayAttribute : ScheduleAttribute
    {
        /// <summary>Steps between decays (&gt; 0).</summary>
        public int StepSize { get; set; }
        /// <summary>Multiplicative factor (&gt; 0). Default 0.1.</summary>
        public float Gamma { get; set; } = 0.1f;
    }
}
