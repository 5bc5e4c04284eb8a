using System.Collections.Generic;
using System.Linq;
using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    internal enum RecurrentCell { Rnn, Lstm, Gru }

    /// <summary>[Rnn(hidden)], [Lstm(hidden)], [Gru(hidden)] — PyTorch nn.RNN/LSTM/GRU with batch_first=True, num_layers,
    /// bidirectional and bias: [T, F] → [T, H·directions] (or its last time step). Each layer and direction is one call of
    /// the runtime's sequence kernel (one GEMM for the input projection, one per step for the recurrence, BPTT in Backward);
    /// the two directions are joined per time step with Concat. Each call has its own workspace, which also holds the
    /// training forward's cache for Backward. Weights and biases U(−1/√H, 1/√H), as PyTorch initialises them.</summary>
    internal sealed record RecurrentLayer(string Kind, string Name, Shape Input, Shape Output, EquatableArray<ParameterTensor> Parameters,
        RecurrentCell Cell, int Steps, int InputFeatures, int Hidden, int LayerCount, bool Bidirectional, bool ReturnSequences, bool HasBias, bool ReLU)
        : LayerPlan(Kind, Name, Input, Output, Parameters)
    {
        public static LayerBuilder For(RecurrentCell cell) => context =>
        {
            var a = context.Attribute;
            int hidden = a.GetInt("hidden", 0);
            int layers = a.GetInt("NumLayers", 1);
            bool bidirectional = a.GetBool("Bidirectional", false);
            bool sequences = a.GetBool("ReturnSequences", true);
            bool bias = a.GetBool("Bias", true);
            int nonlinearity = a.GetInt("Nonlinearity", 4);
            bool valid = context.Check(hidden > 0, "hidden", "positive", hidden);
            valid &= context.Check(layers >= 1, "NumLayers", "at least 1", layers);
            valid &= cell != RecurrentCell.Rnn || context.Check(nonlinearity is 1 or 4, "Nonlinearity", "Activation.Tanh or Activation.ReLU", nonlinearity);
            if (!valid || context.Input is null) return null;
            if (context.Input.Rank != 2)
            {
                context.Report(DiagnosticDescriptors.NeedsSequence, a.Location, context.Describe, context.Input);
                return null;
            }
            int steps = context.Input.Dimensions[0], features = context.Input.Dimensions[1];
            int gates = Gates(cell), directions = bidirectional ? 2 : 1;
            var tensors = new List<(string, Shape)>();
            for (int l = 0; l < layers; l++)
            {
                int inputSize = l == 0 ? features : hidden * directions;
                for (int d = 0; d < directions; d++)
                {
                    string suffix = $"_l{l}" + (d == 1 ? "_reverse" : "");
                    tensors.Add(("weight_ih" + suffix, Shape.Of(gates * hidden, inputSize)));
                    tensors.Add(("weight_hh" + suffix, Shape.Of(gates * hidden, hidden)));
                    if (bias)
                    {
                        tensors.Add(("bias_ih" + suffix, Shape.Of(gates * hidden)));
                        tensors.Add(("bias_hh" + suffix, Shape.Of(gates * hidden)));
                    }
                }
            }
            EquatableArray<ParameterTensor>? planned = context.Tensors(tensors.ToArray());
            if (planned is null) return null;
            Shape output = sequences ? Shape.Of(steps, hidden * directions) : Shape.Of(hidden * directions);
            return new RecurrentLayer(a.Kind, context.Name, context.Input, output, planned.Value, cell, steps, features, hidden, layers,
                bidirectional, sequences, bias, nonlinearity == 1);
        };

        private static int Gates(RecurrentCell cell) => cell switch { RecurrentCell.Lstm => 4, RecurrentCell.Gru => 3, _ => 1 };

        private int Directions => Bidirectional ? 2 : 1;
        private int Width => Hidden * Directions;
        private int InputSize(int layer) => layer == 0 ? InputFeatures : Width;

        public override string Description
        {
            get
            {
                string text = Cell switch { RecurrentCell.Lstm => "LSTM", RecurrentCell.Gru => "GRU", _ => ReLU ? "RNN(ReLU)" : "RNN" };
                if (LayerCount > 1) text += $" ×{LayerCount}";
                if (Bidirectional) text += ", bidirectional";
                if (!ReturnSequences) text += ", last step";
                return text;
            }
        }

        public override long MultiplyAccumulates
            => Enumerable.Range(0, LayerCount).Sum(l => (long)Steps * Gates(Cell) * Hidden * (InputSize(l) + Hidden) * Directions);

        private string KernelClass => $"{NetworkNames.Kernels}.{Cell}";
        private string NonlinearityArgument => Cell == RecurrentCell.Rnn ? $"{NetworkNames.Kernels}.RnnNonlinearity.{(ReLU ? "ReLU" : "Tanh")}, " : "";

        private ScratchBuffer Work(int layer, int direction)
            => new ScratchBuffer($"Workspace{layer}{(direction == 1 ? "Reverse" : "")}", 0,
                Size: $"{KernelClass}.WorkspaceSize(batch, {Steps}, {InputSize(layer)}, {Hidden}, training: true)",
                InferenceSize: $"{KernelClass}.WorkspaceSize(batch, {Steps}, {InputSize(layer)}, {Hidden}, training: false)");
        /// <summary>The output sequence of a stacked layer, or of the last one when only its last step is the output.</summary>
        private ScratchBuffer Sequence(int layer) => new ScratchBuffer($"Sequence{layer}", Steps * Width);
        private ScratchBuffer Direction(int layer, int direction) => new ScratchBuffer($"Direction{layer}{(direction == 1 ? "Reverse" : "")}", Steps * Hidden);
        private ScratchBuffer SequenceGradient(int layer) => new ScratchBuffer($"SequenceGradient{layer}", Steps * Width, TrainingOnly: true);
        private ScratchBuffer DirectionGradient(int layer, int direction) => new ScratchBuffer($"DirectionGradient{layer}{(direction == 1 ? "Reverse" : "")}", Steps * Hidden, TrainingOnly: true);

        private bool OwnsSequence(int layer) => layer < LayerCount - 1 || !ReturnSequences;

        public override IEnumerable<ScratchBuffer> ScratchBuffers
        {
            get
            {
                for (int l = 0; l < LayerCount; l++)
                {
                    for (int d = 0; d < Directions; d++) yield return Work(l, d);
                    if (OwnsSequence(l)) yield return Sequence(l);
                    if (OwnsSequence(l)) yield return SequenceGradient(l);
                    if (Bidirectional)
                    {
                        for (int d = 0; d < 2; d++) yield return Direction(l, d);
                        for (int d = 0; d < 2; d++) yield return DirectionGradient(l, d);
                    }
                }
            }
        }

        /// <summary>The parameter tensors of layer <paramref name="layer"/>, direction <paramref name="direction"/>: w_ih, w_hh, b_ih, b_hh.</summary>
        private ParameterTensor[] TensorsOf(int layer, int direction)
        {
            int per = HasBias ? 4 : 2;
            return Parameters.Skip((layer * Directions + direction) * per).Take(per).ToArray();
        }

        public override void EmitInitialization(SourceWriter writer)
        {
            foreach (ParameterTensor tensor in Parameters)
                writer.Line($"global::TensorForge.Initializers.BiasUniform({Slice("parameters", tensor)}, {Hidden}, ref random);");
        }

        public override void EmitForward(SourceWriter writer, ForwardContext context)
        {
            for (int l = 0; l < LayerCount; l++)
            {
                string x = l == 0 ? context.Input : context.Scratch(Sequence(l - 1));
                string output = OwnsSequence(l) ? context.Scratch(Sequence(l)) : context.Output;
                for (int d = 0; d < Directions; d++)
                {
                    ParameterTensor[] t = TensorsOf(l, d);
                    string h = Bidirectional ? context.Scratch(Direction(l, d)) : output;
                    string biases = HasBias ? $"{Slice("parameters", t[2])}, {Slice("parameters", t[3])}" : "global::System.ReadOnlySpan<float>.Empty, global::System.ReadOnlySpan<float>.Empty";
                    writer.Line($"{KernelClass}.Forward({x}, {Slice("parameters", t[0])}, {Slice("parameters", t[1])}, {biases}, {h}, {context.Scratch(Work(l, d))}, " +
                        $"batch, {Steps}, {InputSize(l)}, {Hidden}, {NonlinearityArgument}reverse: {Literal.Bool(d == 1)}, training: {Literal.Bool(context.Training)});");
                }
                if (Bidirectional)
                    writer.Line($"{NetworkNames.Kernels}.Concat.Forward({context.Scratch(Direction(l, 0))}, {Hidden}, {context.Scratch(Direction(l, 1))}, {Hidden}, {output}, batch * {Steps});");
            }
            if (!ReturnSequences)
                writer.Line($"{NetworkNames.Kernels}.SequencePooling.LastStep({context.Scratch(Sequence(LayerCount - 1))}, {context.Output}, batch, {Steps}, {Width});");
        }

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
        {
            string top = context.OutputGradient;
            if (!ReturnSequences)
            {
                top = context.Scratch(SequenceGradient(LayerCount - 1));
                writer.Line($"{NetworkNames.Kernels}.SequencePooling.LastStepBackward({context.OutputGradient}, {top}, batch, {Steps}, {Width});");
            }
            for (int l = LayerCount - 1; l >= 0; l--)
            {
                // The kernels skip an empty input gradient; the parameter gradients are always needed.
                string dx = l == 0 ? context.InputGradient ?? "global::System.Span<float>.Empty" : context.Scratch(SequenceGradient(l - 1));
                string dOutput = l == LayerCount - 1 ? top : context.Scratch(SequenceGradient(l));
                if (Bidirectional)
                    writer.Line($"{NetworkNames.Kernels}.Concat.Backward({dOutput}, {context.Scratch(DirectionGradient(l, 0))}, {Hidden}, {context.Scratch(DirectionGradient(l, 1))}, {Hidden}, batch * {Steps}, accumulate: false);");
                for (int d = 0; d < Directions; d++)
                {
                    ParameterTensor[] t = TensorsOf(l, d);
                    string dh = Bidirectional ? context.Scratch(DirectionGradient(l, d)) : dOutput;
                    string biases = HasBias ? $"{Slice("gradients", t[2])}, {Slice("gradients", t[3])}" : "global::System.Span<float>.Empty, global::System.Span<float>.Empty";
                    writer.Line($"{KernelClass}.Backward({dh}, {Slice("parameters", t[0])}, {Slice("parameters", t[1])}, {dx}, {Slice("gradients", t[0])}, {Slice("gradients", t[1])}, {biases}, " +
                        $"{context.Scratch(Work(l, d))}, batch, {Steps}, {InputSize(l)}, {Hidden}, {NonlinearityArgument}reverse: {Literal.Bool(d == 1)}, accumulate: {context.Accumulate}, accumulateInputGradient: {Literal.Bool(d == 1)});");
                }
            }
        }
    }
}
