using System.Collections.Generic;
using System.Linq;
using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>One trainable tensor of a layer, in PyTorch's state_dict order and layout. <c>Offset</c> is in the network's parameter block.</summary>
    internal sealed record ParameterTensor(string Name, Shape Shape, int Offset)
    {
        public int Length => Shape.Size;
    }

    /// <summary>A tensor of a layer's state that is not trained (batch-norm running statistics): saved, loaded and cloned
    /// with the parameters but outside <c>Parameters</c>/<c>Gradients</c>. <c>Offset</c> is in the buffer block that follows
    /// the parameters. A counter is an int64 (PyTorch's <c>num_batches_tracked</c>) stored as raw bits in two float slots.</summary>
    internal sealed record BufferTensor(string Name, Shape Shape, int Offset, bool IsCounter)
    {
        public int Length => Shape.Size;
        public int StorageLength => IsCounter ? 2 * Length : Length;
    }

    /// <summary>An extra buffer a layer keeps between forward and backward (pre-activations, dropout masks): batch × PerSample
    /// floats, or PerSample floats whatever the batch when <paramref name="Fixed"/> (per-channel batch statistics).
    /// <paramref name="Size"/>, when given, is the C# expression (of <c>batch</c>) of its length, for a kernel workspace whose
    /// size a runtime method computes; such a buffer is passed whole. <paramref name="TrainingOnly"/> marks a buffer only the
    /// training forward or the backward pass uses (allocated on the first training call); <paramref name="InferenceSize"/>, the
    /// smaller length an inference forward needs of a buffer whose training length is <paramref name="Size"/>.</summary>
    internal sealed record ScratchBuffer(string Suffix, int PerSample, bool Fixed = false, string? Size = null, bool TrainingOnly = false, string? InferenceSize = null);

    /// <summary>A planned layer: shapes, parameters and how to emit its blocks. One derived record per layer kind, in its own file.</summary>
    internal abstract record LayerPlan(string Kind, string Name, Shape Input, Shape Output, EquatableArray<ParameterTensor> Parameters)
    {
        public int ParameterCount => Parameters.Sum(p => p.Length);

        /// <summary>The nodes this layer reads, in order: the previous layer or its <c>From</c>, then the layer an Add or Concat
        /// names. A node is a layer's index in the plan; -1 is the network's input.</summary>
        public EquatableArray<int> Inputs { get; init; } = EquatableArray<int>.Empty;

        /// <summary>The layer's non-trained state (running statistics), in PyTorch's state_dict order.</summary>
        public EquatableArray<BufferTensor> Buffers { get; init; } = EquatableArray<BufferTensor>.Empty;

        public int BufferStorage => Buffers.Sum(b => b.StorageLength);

        /// <summary>Whether the layer draws from the network's dropout random stream in training.</summary>
        public virtual bool UsesDropoutRandom => false;

        /// <summary>The smallest batch training mode accepts (BatchNorm1d needs two samples to have a variance); checked before
        /// anything changes.</summary>
        public virtual int MinimumTrainingBatch => 1;

        /// <summary>The C# expression of a term this layer adds to the network's loss in training (a VAE's KL divergence), summed
        /// over the batch by the last training forward pass, or null. The network reduces it over the batch as its loss, and
        /// the layer's backward adds its gradient with <see cref="BackwardContext.AddedLossScale"/>.</summary>
        public virtual string? AddedLoss(int index) => null;

        /// <summary>What <see cref="AddedLoss"/> is, for documentation: "z's KL divergence to N(0, I)".</summary>
        public virtual string AddedLossDescription => Name + "'s added loss";

        /// <summary>Multiply-accumulates per sample in the forward pass (the summary's MACs column).</summary>
        public virtual long MultiplyAccumulates => 0;

        /// <summary>Floats of the network's shared kernel workspace this layer (at <paramref name="index"/>) needs, as a C#
        /// expression of <c>batch</c>, or null.</summary>
        public virtual string? WorkspaceSize(int index) => null;

        /// <summary>Writes static readonly fields the layer's calls use (kernel geometries); <paramref name="index"/> names them.</summary>
        public virtual void EmitStaticFields(SourceWriter writer, int index) { }

        /// <summary>Writes the initial values of the buffers (uses local <c>buffers</c>); they start at zero otherwise.</summary>
        public virtual void EmitBufferInitialization(SourceWriter writer) { }

        /// <summary>"Dense, ReLU" — the kind column of the summary table.</summary>
        public virtual string Description => Kind;

        /// <summary>True when the layer's output is its input unchanged (Flatten; Dropout in inference), so no buffer or kernel is needed.</summary>
        public virtual bool AliasesInput(bool training) => false;

        public virtual IEnumerable<ScratchBuffer> ScratchBuffers => Enumerable.Empty<ScratchBuffer>();

        /// <summary>Writes the seeded initialisation of the parameters (uses locals <c>parameters</c> and <c>random</c>).</summary>
        public virtual void EmitInitialization(SourceWriter writer) { }

        public abstract void EmitForward(SourceWriter writer, ForwardContext context);

        public abstract void EmitBackward(SourceWriter writer, BackwardContext context);

        /// <summary><c>parameters.Slice(offset, length)</c> for a tensor.</summary>
        protected static string Slice(string block, ParameterTensor tensor) => $"{block}.Slice({Literal.Int(tensor.Offset)}, {Literal.Int(tensor.Length)})";

        /// <summary><c>buffers.Slice(offset, storage)</c> for a buffer tensor (local <c>buffers</c>: the block after the parameters).</summary>
        protected static string Slice(BufferTensor tensor) => $"buffers.Slice({Literal.Int(tensor.Offset)}, {Literal.Int(tensor.StorageLength)})";
    }

    /// <summary>Expressions a layer's forward block reads and writes. Spans are already sliced to the batch.</summary>
    internal sealed class ForwardContext
    {
        public ForwardContext(int index, string input, string output, bool training, string? secondInput = null)
        {
            Index = index; Input = input; Output = output; Training = training; SecondInput = secondInput;
        }

        public int Index { get; }
        /// <summary>A ReadOnlySpan&lt;float&gt; expression of batch × input elements.</summary>
        public string Input { get; }
        /// <summary>The second input of an Add or Concat (batch × its size), else null.</summary>
        public string? SecondInput { get; }
        /// <summary>The network's shared kernel workspace (see <see cref="LayerPlan.WorkspaceSize"/>).</summary>
        public string Workspace => "_workspace.Span";
        public string Static(string suffix) => NetworkNames.Static(Index, suffix);
        /// <summary>A Span&lt;float&gt; expression of batch × output elements.</summary>
        public string Output { get; }
        public bool Training { get; }
        public string Scratch(ScratchBuffer buffer) => NetworkNames.Scratch(Index, buffer);
    }

    /// <summary>Expressions a layer's backward block reads and writes.</summary>
    internal sealed class BackwardContext
    {
        public BackwardContext(int index, string input, string output, string outputGradient, string? inputGradient, bool inputGradientOptional,
            string? secondInput = null, string? secondInputGradient = null, bool secondInputGradientOptional = false)
        {
            Index = index; Input = input; Output = output; OutputGradient = outputGradient; InputGradient = inputGradient; InputGradientOptional = inputGradientOptional;
            SecondInput = secondInput; SecondInputGradient = secondInputGradient; SecondInputGradientOptional = secondInputGradientOptional;
        }

        /// <summary>The second input of an Add or Concat, as the forward pass saw it.</summary>
        public string? SecondInput { get; }
        /// <summary>Where dLoss/d(second input) goes (overwritten), or null when nobody needs it.</summary>
        public string? SecondInputGradient { get; }
        public bool SecondInputGradientOptional { get; }
        public string Workspace => "_workspace.Span";
        public string Static(string suffix) => NetworkNames.Static(Index, suffix);

        /// <summary>The weight of a batch-summed added loss (<see cref="LayerPlan.AddedLoss"/>) in the network's loss: "1f / batch"
        /// when the loss averages over the batch, "1f" under Reduction.Sum.</summary>
        public string AddedLossScale { get; init; } = "1f / batch";

        /// <summary>Writes the second input's gradient statements, guarded when the caller may not want them, or nothing.</summary>
        public void EmitSecondInputGradient(SourceWriter writer, params string[] statements)
        {
            if (SecondInputGradient is null) return;
            if (SecondInputGradientOptional) writer.Block("if (!inputGradient.IsEmpty)", () => { foreach (string s in statements) writer.Line(s); });
            else foreach (string s in statements) writer.Line(s);
        }

        public int Index { get; }
        /// <summary>The input the forward pass saw (cached by ForwardTrain).</summary>
        public string Input { get; }
        /// <summary>The output the forward pass produced.</summary>
        public string Output { get; }
        /// <summary>dLoss/dOutput, a ReadOnlySpan&lt;float&gt; expression.</summary>
        public string OutputGradient { get; }
        /// <summary>Where dLoss/dInput goes (overwritten), or null when nobody needs it.</summary>
        public string? InputGradient { get; }
        /// <summary>The name of the backward pass's bool: parameter gradients are added when it is true and overwritten
        /// when false. A layer that writes a gradient with a "+=" kernel clears it first when it is false.</summary>
        public string Accumulate => "accumulate";
        /// <summary>True for the first layer: the caller's inputGradient may be empty, so the block is guarded.</summary>
        public bool InputGradientOptional { get; }
        public string Scratch(ScratchBuffer buffer) => NetworkNames.Scratch(Index, buffer);

        /// <summary>Writes the input-gradient statements, guarded when the caller may not want them, or nothing.</summary>
        public void EmitInputGradient(SourceWriter writer, params string[] statements)
        {
            if (InputGradient is null) return;
            if (InputGradientOptional)
            {
                writer.Block("if (!inputGradient.IsEmpty)", () => { foreach (string s in statements) writer.Line(s); });
            }
            else
            {
                foreach (string s in statements) writer.Line(s);
            }
        }
    }

    /// <summary>Names of generated fields, in one place.</summary>
    internal static class NetworkNames
    {
        public const string Kernels = "global::TensorForge.Kernels";

        public static string OutputField(int index) => $"_layer{index}Output";

        public static string OutputGradientField(int index) => $"_layer{index}OutputGradient";

        public static string ScratchField(int index, ScratchBuffer buffer) => $"_layer{index}{buffer.Suffix}";

        /// <summary>The temporary dLoss/d(input <paramref name="slot"/>) of a layer whose input also feeds later layers (added to theirs).</summary>
        public static string InputGradientField(int index, int slot) => slot == 0 ? $"_layer{index}InputGradient" : $"_layer{index}SecondInputGradient";

        public static string Static(int index, string suffix) => $"s_layer{index}{suffix}";

        /// <summary>A batch-sized slice of a buffer field.</summary>
        public static string Sliced(string field, int perSample) => $"{field}.Span.Slice(0, batch * {Literal.Int(perSample)})";

        public static string Scratch(int index, ScratchBuffer buffer)
            => buffer.Fixed || buffer.Size is not null ? $"{ScratchField(index, buffer)}.Span" : Sliced(ScratchField(index, buffer), buffer.PerSample);
    }
}
