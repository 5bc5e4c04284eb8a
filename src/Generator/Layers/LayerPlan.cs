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

    /// <summary>An extra per-sample buffer a layer keeps between forward and backward (pre-activations, dropout masks).</summary>
    internal sealed record ScratchBuffer(string Suffix, int PerSample);

    /// <summary>A planned layer: shapes, parameters and how to emit its blocks. One derived record per layer kind, in its own file.</summary>
    internal abstract record LayerPlan(string Kind, string Name, Shape Input, Shape Output, EquatableArray<ParameterTensor> Parameters)
    {
        public int ParameterCount => Parameters.Sum(p => p.Length);

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
    }

    /// <summary>Expressions a layer's forward block reads and writes. Spans are already sliced to the batch.</summary>
    internal sealed class ForwardContext
    {
        public ForwardContext(int index, string input, string output, bool training)
        {
            Index = index; Input = input; Output = output; Training = training;
        }

        public int Index { get; }
        /// <summary>A ReadOnlySpan&lt;float&gt; expression of batch × input elements.</summary>
        public string Input { get; }
        /// <summary>A Span&lt;float&gt; expression of batch × output elements.</summary>
        public string Output { get; }
        public bool Training { get; }
        public string Scratch(ScratchBuffer buffer) => NetworkNames.Scratch(Index, buffer);
    }

    /// <summary>Expressions a layer's backward block reads and writes.</summary>
    internal sealed class BackwardContext
    {
        public BackwardContext(int index, string input, string output, string outputGradient, string? inputGradient, bool inputGradientOptional)
        {
            Index = index; Input = input; Output = output; OutputGradient = outputGradient; InputGradient = inputGradient; InputGradientOptional = inputGradientOptional;
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

        /// <summary>A batch-sized slice of a buffer field.</summary>
        public static string Sliced(string field, int perSample) => $"{field}.Span.Slice(0, batch * {Literal.Int(perSample)})";

        public static string Scratch(int index, ScratchBuffer buffer) => Sliced(ScratchField(index, buffer), buffer.PerSample);
    }
}
