using System.Collections.Generic;
using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Emit;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>[MultiHeadAttention(heads)] — PyTorch nn.MultiheadAttention(d, heads, dropout, batch_first=True) as self-attention
    /// attn(x, x, x) on [T, d]: q, k, v = x·W_{q,k,v}ᵀ + b (three slices of in_proj_weight [3d, d] and in_proj_bias [3d]),
    /// per head softmax(QKᵀ/√(d/heads) + causal mask) (with dropout on the probabilities in training) times V, then out_proj.
    /// Initialisation as PyTorch: in_proj_weight Xavier-uniform, out_proj.weight U(−1/√d, 1/√d), biases 0.</summary>
    internal sealed record MultiHeadAttentionLayer(string Name, Shape Input, EquatableArray<ParameterTensor> Parameters, int Heads, bool Causal, float DropoutProbability)
        : LayerPlan("MultiHeadAttention", Name, Input, Input, Parameters)
    {
        public static LayerPlan? Create(LayerBuildContext context)
        {
            var a = context.Attribute;
            int heads = a.GetInt("heads", 0);
            bool causal = a.GetBool("Causal", false);
            float dropout = a.GetFloat("Dropout", 0f);
            bool valid = context.Check(heads > 0, "heads", "positive", heads);
            valid &= context.Check(dropout >= 0f && dropout < 1f, "Dropout", "in [0, 1)", dropout);
            if (!valid || context.Input is null) return null;
            if (context.Input.Rank != 2)
            {
                context.Report(DiagnosticDescriptors.NeedsSequence, a.Location, context.Describe, context.Input);
                return null;
            }
            int d = context.Input.Last;
            if (d % heads != 0)
            {
                context.Report(DiagnosticDescriptors.HeadsDoNotDivide, a.LocationOf("heads"), context.Describe, heads, d, context.Input);
                return null;
            }
            EquatableArray<ParameterTensor>? tensors = context.Tensors(("in_proj_weight", Shape.Of(3 * d, d)), ("in_proj_bias", Shape.Of(3 * d)),
                ("out_proj.weight", Shape.Of(d, d)), ("out_proj.bias", Shape.Of(d)));
            return tensors is null ? null : new MultiHeadAttentionLayer(context.Name, context.Input, tensors.Value, heads, causal, dropout);
        }

        private int Steps => Input.Dimensions[0];
        private int Width => Input.Dimensions[1];
        private string Rows => $"batch * {Steps}";
        private bool HasDropout => DropoutProbability > 0f;

        public override string Description => $"MultiHeadAttention({Heads} heads{(Causal ? ", causal" : "")}{(HasDropout ? ", dropout " + Literal.Float(DropoutProbability).TrimEnd('f') : "")})";

        public override long MultiplyAccumulates => 4L * Steps * Width * Width + 2L * Steps * Steps * Width;

        public override bool UsesDropoutRandom => HasDropout;

        private ScratchBuffer Q => new ScratchBuffer("Queries", Input.Size);
        private ScratchBuffer K => new ScratchBuffer("Keys", Input.Size);
        private ScratchBuffer V => new ScratchBuffer("Values", Input.Size);
        private ScratchBuffer Heads_ => new ScratchBuffer("HeadOutputs", Input.Size);
        private ScratchBuffer Probabilities => new ScratchBuffer("Probabilities", Heads * Steps * Steps);
        private ScratchBuffer Mask => new ScratchBuffer("DropoutMask", Heads * Steps * Steps, TrainingOnly: true);
        private ScratchBuffer Work => new ScratchBuffer("AttentionWorkspace", 0, Size: $"{NetworkNames.Kernels}.Attention.WorkspaceSize({Steps}, {Width}, {Heads})");
        private ScratchBuffer DHeads => new ScratchBuffer("HeadOutputGradient", Input.Size, TrainingOnly: true);
        private ScratchBuffer DQ => new ScratchBuffer("QueryGradient", Input.Size, TrainingOnly: true);
        private ScratchBuffer DK => new ScratchBuffer("KeyGradient", Input.Size, TrainingOnly: true);
        private ScratchBuffer DV => new ScratchBuffer("ValueGradient", Input.Size, TrainingOnly: true);

        public override IEnumerable<ScratchBuffer> ScratchBuffers
        {
            get
            {
                yield return Q; yield return K; yield return V; yield return Heads_; yield return Probabilities;
                if (HasDropout) yield return Mask;
                yield return Work; yield return DHeads; yield return DQ; yield return DK; yield return DV;
            }
        }

        private ParameterTensor InWeight => Parameters[0];
        private ParameterTensor InBias => Parameters[1];
        private ParameterTensor OutWeight => Parameters[2];
        private ParameterTensor OutBias => Parameters[3];

        /// <summary>Slice <paramref name="part"/> (0 q, 1 k, 2 v) of in_proj_weight or in_proj_bias.</summary>
        private string Part(string block, ParameterTensor tensor, int part, int length) => $"{block}.Slice({Literal.Int(tensor.Offset + part * length)}, {Literal.Int(length)})";

        public override void EmitInitialization(SourceWriter writer)
        {
            writer.Line($"global::TensorForge.Initializers.XavierUniform({Slice("parameters", InWeight)}, {Width}, {3 * Width}, ref random);");
            writer.Line($"global::TensorForge.Initializers.BiasUniform({Slice("parameters", OutWeight)}, {Width}, ref random);");
        }

        public override void EmitForward(SourceWriter writer, ForwardContext context)
        {
            string[] qkv = { context.Scratch(Q), context.Scratch(K), context.Scratch(V) };
            int dd = Width * Width;
            for (int part = 0; part < 3; part++)
            {
                writer.Line($"{NetworkNames.Kernels}.Gemm.MultiplyTransposedB({context.Input}, {Part("parameters", InWeight, part, dd)}, {qkv[part]}, {Rows}, {Width}, {Width});");
                writer.Line($"{NetworkNames.Kernels}.Bias.Add({qkv[part]}, {Part("parameters", InBias, part, Width)}, {Rows}, {Width});");
            }
            string mask = "global::System.ReadOnlySpan<float>.Empty";
            if (HasDropout && context.Training)
            {
                mask = $"{context.Scratch(Mask)}";
                writer.Line($"{NetworkNames.Kernels}.Dropout.Mask({mask}, {Literal.Float(DropoutProbability)}, ref _dropoutRandom);");
            }
            writer.Line($"{NetworkNames.Kernels}.Attention.Forward({qkv[0]}, {qkv[1]}, {qkv[2]}, {mask}, {context.Scratch(Heads_)}, {context.Scratch(Probabilities)}, " +
                $"{context.Scratch(Work)}, batch, {Steps}, {Width}, {Heads}, causal: {Literal.Bool(Causal)});");
            writer.Line($"{NetworkNames.Kernels}.Gemm.MultiplyTransposedB({context.Scratch(Heads_)}, {Slice("parameters", OutWeight)}, {context.Output}, {Rows}, {Width}, {Width});");
            writer.Line($"{NetworkNames.Kernels}.Bias.Add({context.Output}, {Slice("parameters", OutBias)}, {Rows}, {Width});");
        }

        public override void EmitBackward(SourceWriter writer, BackwardContext context)
        {
            string dy = context.OutputGradient;
            int dd = Width * Width;
            writer.Line($"if (!{context.Accumulate}) {{ {Slice("gradients", OutBias)}.Clear(); {Slice("gradients", InBias)}.Clear(); }}");
            writer.Line($"{NetworkNames.Kernels}.Gemm.MultiplyTransposedA({dy}, {context.Scratch(Heads_)}, {Slice("gradients", OutWeight)}, {Width}, {Rows}, {Width}, {context.Accumulate});");
            writer.Line($"{NetworkNames.Kernels}.Bias.AccumulateGradient({dy}, {Slice("gradients", OutBias)}, {Rows}, {Width});");
            writer.Line($"{NetworkNames.Kernels}.Gemm.Multiply({dy}, {Slice("parameters", OutWeight)}, {context.Scratch(DHeads)}, {Rows}, {Width}, {Width});");
            string mask = HasDropout ? context.Scratch(Mask) : "global::System.ReadOnlySpan<float>.Empty";
            string[] d = { context.Scratch(DQ), context.Scratch(DK), context.Scratch(DV) };
            writer.Line($"{NetworkNames.Kernels}.Attention.Backward({context.Scratch(Q)}, {context.Scratch(K)}, {context.Scratch(V)}, {context.Scratch(Probabilities)}, {mask}, " +
                $"{context.Scratch(DHeads)}, {d[0]}, {d[1]}, {d[2]}, {context.Scratch(Work)}, batch, {Steps}, {Width}, {Heads}, causal: {Literal.Bool(Causal)});");
            for (int part = 0; part < 3; part++)
            {
                writer.Line($"{NetworkNames.Kernels}.Gemm.MultiplyTransposedA({d[part]}, {context.Input}, {Part("gradients", InWeight, part, dd)}, {Width}, {Rows}, {Width}, {context.Accumulate});");
                writer.Line($"{NetworkNames.Kernels}.Bias.AccumulateGradient({d[part]}, {Part("gradients", InBias, part, Width)}, {Rows}, {Width});");
            }
            context.EmitInputGradient(writer,
                $"{NetworkNames.Kernels}.Gemm.Multiply({d[0]}, {Part("parameters", InWeight, 0, dd)}, {context.InputGradient}, {Rows}, {Width}, {Width});",
                $"{NetworkNames.Kernels}.Gemm.Multiply({d[1]}, {Part("parameters", InWeight, 1, dd)}, {context.InputGradient}, {Rows}, {Width}, {Width}, accumulate: true);",
                $"{NetworkNames.Kernels}.Gemm.Multiply({d[2]}, {Part("parameters", InWeight, 2, dd)}, {context.InputGradient}, {Rows}, {Width}, {Width}, accumulate: true);");
        }
    }
}
