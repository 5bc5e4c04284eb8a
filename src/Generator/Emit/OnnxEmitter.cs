using System.Collections.Generic;
using System.Linq;
using TensorForge.Generator.Layers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Emit
{
    /// <summary>Writes a second part of a network class, only when the compilation references TensorForge.Onnx: <c>ExportOnnx</c>,
    /// the network's inference graph described through <c>TensorForge.Onnx.OnnxGraphBuilder</c>, one block per layer, weights
    /// taken from the state block under their state_dict names. A layer kind ONNX export does not cover makes both overloads
    /// throw <see cref="System.NotSupportedException"/> naming it, before anything is written. The mapping is one switch here (not
    /// a member of every layer file) so that the export stays one additive piece: docs/generated-code.md has its table.</summary>
    internal static class OnnxEmitter
    {
        /// <summary>The type whose presence in the compilation turns the export on.</summary>
        public const string MarkerType = "TensorForge.Onnx.OnnxGraphBuilder";

        private const string Builder = "global::TensorForge.Onnx.OnnxGraphBuilder";

        public static string HintName(NetworkPlan plan) => NetworkEmitter.HintName(plan).Replace(".g.cs", ".Onnx.g.cs");

        public static string Emit(NetworkPlan plan)
            => NetworkEmitter.EmitFile(plan, writer =>
                writer.Block($"partial {plan.Keyword} {plan.ClassName}{plan.TypeParameters}", () => EmitMembers(writer, plan)));

        /// <summary>The first layer ONNX export cannot express, with the reason, or null.</summary>
        private static string? Unsupported(NetworkPlan plan)
        {
            if (!plan.IsValid)
                return $"'{plan.DisplayName}' is not a valid TensorForge network; fix the TensorForge (TF) errors reported on its attributes.";
            foreach (LayerPlan layer in plan.Layers)
            {
                if (!IsSupported(layer))
                    return $"ONNX export of '{plan.DisplayName}' is not supported: layer '{layer.Name}' ({layer.Kind}) has no ONNX mapping in TensorForge yet. " +
                        "Supported: Dense, Conv2D, ConvTranspose2D, MaxPool2D, AvgPool2D, GlobalAvgPool, BatchNorm, LayerNorm, activations, Softmax, " +
                        "Dropout, Flatten, Unflatten, Upsample, Add, Concat, Embedding, PositionalEncoding, Rnn, Lstm, Gru, LastStep, MeanOverTime, Reparameterize, " +
                        "MultiHeadAttention, AdditiveAttention, TransformerEncoderLayer.";
            }
            return null;
        }

        private static bool IsSupported(LayerPlan layer) => layer is DenseLayer or Conv2DLayer or ConvTranspose2DLayer or MaxPool2DLayer or AvgPool2DLayer
            or GlobalAvgPoolLayer or BatchNormLayer or LayerNormLayer or ActivationLayer or SoftmaxLayer or DropoutLayer or FlattenLayer or UnflattenLayer
            or UpsampleLayer or AddLayer or ConcatLayer or EmbeddingLayer or PositionalEncodingLayer or RecurrentLayer or SequencePoolLayer or ReparameterizeLayer
            or MultiHeadAttentionLayer or AdditiveAttentionLayer;

        private static void EmitMembers(SourceWriter writer, NetworkPlan plan)
        {
            string? unsupported = Unsupported(plan);
            writer.Line("/// <summary>Writes the network's inference graph (what <c>Forward</c> computes: dropout off, batch norm with its running");
            writer.Line($"/// statistics) and its weights as an ONNX model (opset <see cref=\"{Builder}.Opset\"/>) to <paramref name=\"path\"/>: input \"input\",");
            writer.Line("/// output \"output\", batch dimension \"N\", initializers under the state_dict names. The file is written only once the");
            writer.Line("/// whole graph is built, and replaced all at once as <c>Save</c> does: a failure leaves the old file intact.</summary>");
            writer.Line("/// <exception cref=\"global::System.NotSupportedException\">A layer has no ONNX mapping (the message names it).</exception>");
            writer.Block("public void ExportOnnx(string path)", () =>
            {
                writer.Line("global::System.ArgumentException.ThrowIfNullOrEmpty(path);");
                writer.Line($"{Builder} onnx = BuildOnnxGraph();");
                writer.Line("using var file = new global::TensorForge.Serialization.AtomicFile(path);");
                writer.Line("onnx.WriteTo(file.Stream);");
                writer.Line("file.Commit();");
            });
            writer.Line();
            writer.Line("/// <summary>Writes the network's inference graph and weights as an ONNX model to <paramref name=\"stream\"/> (see");
            writer.Line("/// <see cref=\"ExportOnnx(string)\"/>).</summary>");
            writer.Line("/// <exception cref=\"global::System.NotSupportedException\">A layer has no ONNX mapping (the message names it).</exception>");
            writer.Block("public void ExportOnnx(global::System.IO.Stream stream)", () =>
            {
                writer.Line("global::System.ArgumentNullException.ThrowIfNull(stream);");
                writer.Line("BuildOnnxGraph().WriteTo(stream);");
            });
            writer.Line();
            writer.Block($"private {Builder} BuildOnnxGraph()", () =>
            {
                if (unsupported is not null)
                {
                    writer.Line($"throw new global::System.NotSupportedException({Literal.String(unsupported)});");
                    return;
                }
                string shape = string.Join(", ", plan.Input.Dimensions.Select(d => Literal.Int(d)));
                writer.Line($"var onnx = new {Builder}({Literal.String(plan.ClassName)}, new int[] {{ {shape} }}, tokenInput: {Literal.Bool(plan.TakesTokens)});");
                if (plan.Layers.Any(l => l.ParameterCount > 0)) writer.Line("global::System.ReadOnlySpan<float> parameters = _parameters.Span.Slice(0, ParameterCount);");
                if (plan.BufferCount > 0) writer.Line("global::System.ReadOnlySpan<float> buffers = _parameters.Span.Slice(ParameterCount);");
                for (int i = 0; i < plan.Layers.Count; i++)
                {
                    LayerPlan layer = plan.Layers[i];
                    writer.Line($"// {layer.Name}: {layer.Description} {layer.Input} -> {layer.Output}");
                    new LayerWriter(writer, layer, i).Write();
                }
                string last = plan.Layers.Count == 0 ? "onnx.Input" : Value(plan.Layers.Count - 1);
                writer.Line($"onnx.Output({last}, new int[] {{ {string.Join(", ", plan.Output.Dimensions.Select(d => Literal.Int(d)))} }});");
                writer.Line("return onnx;");
            });
        }

        /// <summary>The local holding the ONNX value name of node <paramref name="node"/> (-1: the input).</summary>
        private static string Value(int node) => node < 0 ? "onnx.Input" : "v" + Literal.Int(node);

        private sealed class LayerWriter
        {
            private readonly SourceWriter _w;
            private readonly LayerPlan _layer;
            private readonly int _index;

            public LayerWriter(SourceWriter writer, LayerPlan layer, int index)
            {
                _w = writer; _layer = layer; _index = index;
            }

            private string Out => Value(_index);
            private string In => Value(_layer.Inputs.Count > 0 ? _layer.Inputs[0] : _index - 1);
            private string Second => Value(_layer.Inputs[1]);
            private string Name(string suffix = "") => Literal.String(_layer.Name + suffix);

            private static string Dims(Shape shape) => $"new int[] {{ {string.Join(", ", shape.Dimensions.Select(d => Literal.Int(d)))} }}";

            /// <summary>An initializer expression for a parameter tensor, under its state_dict name.</summary>
            private string Weight(ParameterTensor tensor)
                => $"onnx.Initializer({Literal.String(_layer.Name + "." + tensor.Name)}, {Dims(tensor.Shape)}, parameters.Slice({Literal.Int(tensor.Offset)}, {Literal.Int(tensor.Length)}))";

            private string Buffer(BufferTensor tensor)
                => $"onnx.Initializer({Literal.String(_layer.Name + "." + tensor.Name)}, {Dims(tensor.Shape)}, buffers.Slice({Literal.Int(tensor.Offset)}, {Literal.Int(tensor.Length)}))";

            /// <summary>A constant vector filled with <paramref name="value"/> (the scale or shift of a non-affine normalisation).</summary>
            private string Filled(string suffix, int length, float value)
                => $"onnx.Filled({Name(suffix)}, {Literal.Int(length)}, {Literal.Float(value)})";

            private void Set(string expression) => _w.Line($"string {Out} = {expression};");

            private void Then(string expression) => _w.Line($"{Out} = {expression};");

            /// <summary>The activation node after the layer's own (named "{layer}.relu" …), or, for a standalone activation
            /// layer, the layer's one node (named after the layer).</summary>
            private void Activation(ActivationKind kind, float slope, bool standalone = false)
            {
                string Node(string suffix) => Name(standalone ? "" : suffix);
                switch (kind)
                {
                    case ActivationKind.None: return;
                    case ActivationKind.ReLU: Then($"onnx.Relu({Node(".relu")}, {Out})"); return;
                    case ActivationKind.LeakyReLU: Then($"onnx.LeakyRelu({Node(".leakyRelu")}, {Out}, {Literal.Float(slope)})"); return;
                    case ActivationKind.Sigmoid: Then($"onnx.Sigmoid({Node(".sigmoid")}, {Out})"); return;
                    case ActivationKind.Tanh: Then($"onnx.Tanh({Node(".tanh")}, {Out})"); return;
                    case ActivationKind.Gelu: Then($"onnx.Gelu({Node(".gelu")}, {Out})"); return;
                }
            }

            public void Write()
            {
                switch (_layer)
                {
                    case DenseLayer dense: WriteDense(dense); break;
                    case Conv2DLayer conv:
                        Set($"onnx.Conv({Name()}, {In}, {Weight(conv.Parameters[0])}, {(conv.HasBias ? Weight(conv.Parameters[1]) : "null")}, " +
                            $"{conv.KernelHeight}, {conv.KernelWidth}, {conv.Stride}, {conv.PadTop}, {conv.PadLeft}, {conv.PadBottom}, {conv.PadRight}, {conv.Dilation}, {conv.Groups})");
                        Activation(conv.Activation, ActivationCalls.DefaultLeakySlope);
                        break;
                    case ConvTranspose2DLayer deconv:
                        Set($"onnx.ConvTranspose({Name()}, {In}, {Weight(deconv.Parameters[0])}, {(deconv.HasBias ? Weight(deconv.Parameters[1]) : "null")}, " +
                            $"{deconv.KernelHeight}, {deconv.KernelWidth}, {deconv.Stride}, {deconv.Padding}, {deconv.OutputPadding}, {deconv.Dilation}, {deconv.Groups})");
                        Activation(deconv.Activation, ActivationCalls.DefaultLeakySlope);
                        break;
                    case MaxPool2DLayer max: Set($"onnx.MaxPool({Name()}, {In}, {max.KernelSize}, {max.Stride}, {max.Padding})"); break;
                    case AvgPool2DLayer avg: Set($"onnx.AveragePool({Name()}, {In}, {avg.KernelSize}, {avg.Stride}, {avg.Padding})"); break;
                    case GlobalAvgPoolLayer:
                        Set($"onnx.Flatten({Name()}, onnx.GlobalAveragePool({Name(".pool")}, {In}))");
                        break;
                    case BatchNormLayer norm:
                        string scale = norm.Affine ? Weight(norm.Parameters[0]) : Filled(".scale", norm.Channels, 1f);
                        string shift = norm.Affine ? Weight(norm.Parameters[1]) : Filled(".shift", norm.Channels, 0f);
                        Set($"onnx.BatchNormalization({Name()}, {In}, {scale}, {shift}, {Buffer(norm.Buffers[0])}, {Buffer(norm.Buffers[1])}, {Literal.Float(norm.Epsilon)})");
                        Activation(norm.Activation, ActivationCalls.DefaultLeakySlope);
                        break;
                    case LayerNormLayer layerNorm:
                        int features = layerNorm.Input.Last;
                        Set(layerNorm.Affine
                            ? $"onnx.LayerNormalization({Name()}, {In}, {Weight(layerNorm.Parameters[0])}, {Weight(layerNorm.Parameters[1])}, {Literal.Float(layerNorm.Epsilon)})"
                            : $"onnx.LayerNormalization({Name()}, {In}, {Filled(".scale", features, 1f)}, null, {Literal.Float(layerNorm.Epsilon)})");
                        break;
                    case ActivationLayer activation:
                        Set(In);
                        Activation(activation.Activation, activation.Slope, standalone: true);
                        break;
                    case SoftmaxLayer: Set($"onnx.Softmax({Name()}, {In}, -1)"); break;
                    case DropoutLayer: Set(In); break;    // inference: the identity
                    case FlattenLayer: Set($"onnx.Flatten({Name()}, {In})"); break;
                    case UnflattenLayer: Set($"onnx.Reshape({Name()}, {In}, {Dims(_layer.Output)})"); break;
                    case UpsampleLayer upsample: Set($"onnx.ResizeNearest({Name()}, {In}, {upsample.Scale})"); break;
                    case AddLayer: Set($"onnx.Add({Name()}, {In}, {Second})"); break;
                    case ConcatLayer: Set($"onnx.Concat({Name()}, {In}, {Second}, 1)"); break;
                    case EmbeddingLayer embedding: Set($"onnx.Gather({Name()}, {Weight(embedding.Parameters[0])}, {In}, 0)"); break;
                    case PositionalEncodingLayer encoding:
                        Set($"onnx.Add({Name()}, {In}, onnx.Initializer({Name(".table")}, {Dims(encoding.Input)}, {NetworkNames.Static(_index, "Table")}.Span.Slice(0, {Literal.Int(encoding.Input.Size)})))");
                        break;
                    case SequencePoolLayer pool:
                        Set(pool.Mean ? $"onnx.ReduceMean({Name()}, {In}, 1)" : $"onnx.Select({Name()}, {In}, 1, {Literal.Int(pool.Input.Dimensions[0] - 1)})");
                        break;
                    case ReparameterizeLayer reparameterize:
                        // Inference: the mean, the first half of the input.
                        Set($"onnx.Slice({Name()}, {In}, 1, 0, {Literal.Int(reparameterize.Output.Last)})");
                        break;
                    case RecurrentLayer recurrent: WriteRecurrent(recurrent); break;
                    case MultiHeadAttentionLayer attention:
                        // Dropout on the attention probabilities is off in inference.
                        Set($"onnx.MultiHeadSelfAttention({Name()}, {In}, {attention.Input.Dimensions[0]}, {attention.Input.Dimensions[1]}, {attention.Heads}, " +
                            $"{Literal.Bool(attention.Causal)}, {Weight(attention.Parameters[0])}, {Weight(attention.Parameters[1])}, {Weight(attention.Parameters[2])}, {Weight(attention.Parameters[3])})");
                        break;
                    case AdditiveAttentionLayer additive:
                        Set($"onnx.AdditiveAttention({Name()}, {In}, {additive.Input.Dimensions[1]}, {Weight(additive.Parameters[0])}, {Weight(additive.Parameters[1])}, {Weight(additive.Parameters[2])})");
                        break;
                    default: throw new System.InvalidOperationException("no ONNX mapping for " + _layer.Kind);   // Unsupported() reports these
                }
            }

            private void WriteDense(DenseLayer dense)
            {
                string bias = dense.HasBias ? Weight(dense.Parameters[1]) : "null";
                if (dense.Input.Rank == 1)
                {
                    Set($"onnx.Gemm({Name()}, {In}, {Weight(dense.Parameters[0])}, {bias})");
                }
                else
                {
                    // A sequence [N, T, F]: MatMul with Wᵀ on the last axis, then the bias broadcast over time.
                    Set($"onnx.MatMul({Name()}, {In}, onnx.Transpose({Name(".weightT")}, {Weight(dense.Parameters[0])}, new int[] {{ 1, 0 }}))");
                    if (dense.HasBias) Then($"onnx.Add({Name(".biased")}, {Out}, {bias})");
                }
                Activation(dense.Activation, ActivationCalls.DefaultLeakySlope);
            }

            private void WriteRecurrent(RecurrentLayer recurrent)
            {
                int directions = recurrent.Bidirectional ? 2 : 1;
                int perLayer = directions * (recurrent.HasBias ? 4 : 2);
                string cell = "global::TensorForge.Onnx.OnnxRecurrentCell." + recurrent.Cell;
                Set(In);
                for (int l = 0; l < recurrent.LayerCount; l++)
                {
                    List<ParameterTensor> tensors = recurrent.Parameters.Skip(l * perLayer).Take(perLayer).ToList();
                    int start = tensors[0].Offset, length = tensors.Sum(t => t.Length);
                    int inputSize = l == 0 ? recurrent.InputFeatures : recurrent.Hidden * directions;
                    Then($"onnx.Recurrent({cell}, {Name(recurrent.LayerCount == 1 ? "" : "_l" + Literal.Int(l))}, {Out}, {inputSize}, {recurrent.Hidden}, " +
                        $"{Literal.Bool(recurrent.HasBias)}, {Literal.Bool(recurrent.Bidirectional)}, parameters.Slice({Literal.Int(start)}, {Literal.Int(length)}), {Literal.Bool(recurrent.ReLU)})");
                }
                if (!recurrent.ReturnSequences) Then($"onnx.Select({Name(".lastStep")}, {Out}, 1, {Literal.Int(recurrent.Steps - 1)})");
            }
        }
    }
}
