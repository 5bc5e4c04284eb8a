using TensorForge.Generator.Helpers;
using TensorForge.Generator.Layers;
using TensorForge.Generator.Parsing;
using TensorForge.Generator.Training;

namespace TensorForge.Generator.Shapes
{
    /// <summary>Everything the emitter needs: the class's identity, every layer with its shapes and parameter offsets, the
    /// loss, the optimizer and the schedule. <see cref="IsValid"/> false means "emit throwing members only".
    /// <see cref="CanEmit"/> false means "emit nothing" (the class could not take a partial part).</summary>
    internal sealed record NetworkPlan(
        string? Namespace,
        string ClassName,
        string TypeParameters,
        string Keyword,
        EquatableArray<ContainingType> ContainingTypes,
        string DisplayName,
        bool CanEmit,
        bool IsValid,
        Shape Input,
        Shape Output,
        EquatableArray<LayerPlan> Layers,
        int ParameterCount,
        LossKind Loss,
        int Seed,
        OptimizerPlan? Optimizer,
        SchedulePlan? Schedule)
    {
        public bool IsTrainable => Optimizer is not null;

        /// <summary>Floats of the buffer block (running statistics) that follows the parameters in the state block.</summary>
        public int BufferCount { get; init; }

        /// <summary>The vocabulary of a token input: the generated members take ReadOnlySpan&lt;int&gt; token ids in [0, Vocabulary).
        /// 0 for a float input.</summary>
        public int Vocabulary { get; init; }

        /// <summary>[Network(Initialization = Initialization.PyTorch)]: Dense and Conv2D weights U(±1/√fan_in).</summary>
        public bool PyTorchInitialization { get; init; }

        public bool TakesTokens => Vocabulary > 0;

        /// <summary>The manifest resource of the weights [Weights(Embed = true)] builds into the assembly, or null: the network
        /// gets <c>FromEmbeddedWeights()</c>. Taken from the attribute alone (see Weights/WeightsCheck.cs).</summary>
        public string? EmbeddedWeightsResource { get; init; }
        /// <summary>How the loss, and the layers' added losses, are reduced over the batch ([Network(Reduction = …)]).</summary>
        public LossReduction Reduction { get; init; }
    }

    /// <summary>The plan and the diagnostics found while making it.</summary>
    internal sealed record PlanResult(NetworkPlan Plan, EquatableArray<Diagnostics.DiagnosticInfo> Diagnostics);
}
