using System.Collections.Generic;
using System.Linq;
using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Layers;
using TensorForge.Generator.Parsing;

namespace TensorForge.Generator.Shapes
{
    /// <summary>Plans the layers of an expanded network as a graph: each layer reads the node its <c>From</c> names (else
    /// the previous one) and, for Add and Concat, a second node; nodes are layer indices in declaration order and -1 is the
    /// network's input. A reference to an unknown, later or own name is reported; a layer whose input is invalid still
    /// checks its own arguments but reports nothing about shapes (no cascade).</summary>
    internal sealed class LayerGraphBuilder
    {
        private const int InvalidNode = -2;

        private readonly string _network;
        private readonly List<DiagnosticInfo> _diagnostics;
        private readonly Dictionary<string, int> _nodes = new Dictionary<string, int>(System.StringComparer.Ordinal);

        public LayerGraphBuilder(string network, List<DiagnosticInfo> diagnostics, bool pyTorchInitialization = false)
        {
            _network = network; _diagnostics = diagnostics; _pyTorchInitialization = pyTorchInitialization;
        }

        private readonly bool _pyTorchInitialization;

        public List<LayerPlan> Layers { get; } = new List<LayerPlan>();
        public bool SeenInput { get; private set; }
        public Shape InputShape { get; private set; } = Shape.Of();
        public long ParameterCount { get; private set; }
        /// <summary>The vocabulary of a token input (ids in [0, Vocabulary)), or 0 for a float input.</summary>
        public int Vocabulary { get; private set; }
        private AttributeDeclaration? _inputAttribute;
        private readonly List<AttributeDeclaration> _layerAttributes = new List<AttributeDeclaration>();
        public int BufferStorage { get; private set; }

        public void Build(List<LayerEntry> entries, ref bool valid)
        {
            _nodes["input"] = InvalidNode; // until a valid [Input] comes first
            var allNames = new HashSet<string>(entries.Where(e => e.Kind is EntryKind.Layer or EntryKind.Alias or EntryKind.Invalid).Select(e => e.Name), System.StringComparer.Ordinal);
            for (int i = 0; i < entries.Count; i++)
            {
                LayerEntry entry = entries[i];
                switch (entry.Kind)
                {
                    case EntryKind.Input:
                        BuildInput(entries, i, ref valid);
                        continue;
                    case EntryKind.BlockInputCheck:
                        CheckBlockInput(entry, ref valid);
                        continue;
                    case EntryKind.Alias:
                        _nodes[entry.Name] = _nodes.TryGetValue(entry.InputName, out int target) ? target : InvalidNode;
                        continue;
                    case EntryKind.Invalid:
                        _nodes[entry.Name] = InvalidNode;
                        valid = false;
                        continue;
                    case EntryKind.UseInput:
                        // The block's layers read this node as their implicit input, so only here is an unknown From reported.
                        Resolve(entry, entry.InputName, entry.InputWritten, "From", allNames, ref valid);
                        continue;
                }

                (int inputNode, Shape? input) = Resolve(entry, entry.InputName, entry.InputWritten, "From", allNames, ref valid);
                int secondNode = InvalidNode;
                Shape? second = null;
                if (entry.OtherName is not null)
                {
                    (secondNode, second) = Resolve(entry, entry.OtherName, entry.OtherWritten, "other", allNames, ref valid);
                }
                // Not a public argument: a TransformerEncoderLayer's linear2 projects back to the width of the layer's input.
                if (entry.Attribute.GetString("MatchWidthOf") is { } widthOf)
                {
                    Shape? model = _nodes.TryGetValue(widthOf, out int modelNode) ? ShapeOf(modelNode) : null;
                    entry = entry with
                    {
                        Attribute = entry.Attribute with
                        {
                            Arguments = entry.Attribute.Arguments.Concat(new[] { new ArgumentValue("units", ArgumentKind.Number, model?.Last ?? 1, null, EquatableArray<int>.Empty, entry.Attribute.Location) }).ToEquatableArray(),
                        },
                    };
                }
                string? next = entries.Skip(i + 1).FirstOrDefault(e => e.Kind == EntryKind.Layer)?.Attribute.Kind;
                LayerRegistry.TryGet(entry.Attribute.Kind, out LayerBuilder builder);
                var context = new LayerBuildContext(entry.Attribute, entry.Name, input, (int)System.Math.Min(ParameterCount, int.MaxValue), next, _diagnostics)
                {
                    InputName = entry.InputName,
                    SecondInput = second,
                    SecondInputName = entry.OtherName ?? "",
                    BufferOffset = BufferStorage,
                    PyTorchInitialization = _pyTorchInitialization,
                };
                // An Add or Concat whose second input is invalid only checks its arguments.
                LayerPlan? layer = entry.OtherName is not null && second is null
                    ? builder(new LayerBuildContext(entry.Attribute, entry.Name, null, context.ParameterOffset, next, _diagnostics))
                    : builder(context);
                if (layer is not null && layer.Output.LongSize > int.MaxValue)
                {
                    _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooLarge, entry.Attribute.Location, $"The output of {context.Describe}", LayerBuildContext.Literal(layer.Output.LongSize)));
                    layer = null;
                }
                if (layer is null || input is null || (entry.OtherName is not null && second is null))
                {
                    valid = false;
                    _nodes[entry.Name] = InvalidNode; // later layers still check their own arguments
                    continue;
                }
                int[] inputs = entry.OtherName is null ? new[] { inputNode } : new[] { inputNode, secondNode };
                Layers.Add(layer with { Inputs = inputs.ToEquatableArray() });
                _layerAttributes.Add(entry.Attribute);
                _nodes[entry.Name] = Layers.Count - 1;
                ParameterCount += layer.ParameterCount;
                BufferStorage += layer.BufferStorage;
            }
            CheckTokens(ref valid);
        }

        /// <summary>A network takes token ids when its [Input] names a Vocabulary or an [Embedding] reads the input; then only
        /// embeddings, all of that vocabulary, may read it. An embedding anywhere else is fed floats.</summary>
        private void CheckTokens(ref bool valid)
        {
            int declared = _inputAttribute?.GetInt("Vocabulary", 0) ?? 0;
            if (declared < 0 || (declared > 0 && InputShape.Rank != 1))
            {
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgument, _inputAttribute!.LocationOf("Vocabulary"), "Vocabulary", "Input",
                    declared < 0 ? "positive (or 0 for a float input)" : $"0 for the input {InputShape}, which is not a sequence of token ids [T]", declared));
                valid = false;
                return;
            }
            EmbeddingLayer? first = Layers.OfType<EmbeddingLayer>().FirstOrDefault(e => e.Inputs[0] == -1);
            int vocabulary = declared > 0 ? declared : first?.Vocabulary ?? 0;
            string source = declared > 0 ? "[Input(…, Vocabulary = " + declared + ")]" : first is null ? "" : $"Embedding '{first.Name}'";
            for (int i = 0; i < Layers.Count; i++)
            {
                LayerPlan layer = Layers[i];
                if (layer is EmbeddingLayer embedding && layer.Inputs[0] != -1)
                {
                    int from = layer.Inputs[0];
                    _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmbeddingNeedsTokens, _layerAttributes[i].Location, layer.Name,
                        from < 0 ? InputShape : Layers[from].Output, from < 0 ? "input" : Layers[from].Name));
                    valid = false;
                    continue;
                }
                if (vocabulary == 0) continue;
                if (layer is EmbeddingLayer onInput && onInput.Vocabulary != vocabulary)
                {
                    _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgument, _layerAttributes[i].LocationOf("vocabulary"), "vocabulary",
                        $"Embedding '{layer.Name}'", $"{vocabulary}, the vocabulary of the token input (from {source})", onInput.Vocabulary));
                    valid = false;
                }
                for (int slot = layer is EmbeddingLayer ? 1 : 0; slot < layer.Inputs.Count; slot++)
                {
                    if (layer.Inputs[slot] != -1) continue;
                    _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TokenInputNeedsEmbedding, _layerAttributes[i].Location, _network,
                        $"{InputShape}, vocabulary {vocabulary}", $"{layer.Kind} '{layer.Name}'"));
                    valid = false;
                }
            }
            Vocabulary = vocabulary;
        }

        private void BuildInput(List<LayerEntry> entries, int index, ref bool valid)
        {
            AttributeDeclaration attribute = entries[index].Attribute;
            if (SeenInput)
            {
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateInput, attribute.Location, _network));
                valid = false;
                return;
            }
            SeenInput = true;
            if (index > 0)
            {
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputNotFirst, attribute.Location, _network, entries[index - 1].Attribute.Kind));
                valid = false;
            }
            Shape? parsed = ShapeInference.ParseInput(attribute, _diagnostics);
            if (parsed is null) { valid = false; return; }
            _inputAttribute = attribute;
            InputShape = parsed;
            if (index == 0) _nodes["input"] = -1;
        }

        private void CheckBlockInput(LayerEntry entry, ref bool valid)
        {
            var scratch = new List<DiagnosticInfo>();
            Shape? expected = ShapeInference.ParseInput(entry.Attribute, scratch);
            if (expected is null)
            {
                _diagnostics.AddRange(scratch);
                valid = false;
                return;
            }
            Shape? actual = ShapeOf(_nodes.TryGetValue(entry.InputName, out int node) ? node : InvalidNode);
            if (actual is not null && !actual.Equals(expected))
            {
                string use = entry.Name.Substring(0, entry.Name.Length - ".input".Length);
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BlockInputMismatch, entry.Attribute.Location, entry.BlockName, use, expected, actual, entry.InputName));
                valid = false;
            }
        }

        private (int Node, Shape? Shape) Resolve(LayerEntry entry, string name, string? written, string argument, HashSet<string> allNames, ref bool valid)
        {
            if (_nodes.TryGetValue(name, out int node)) return (node, ShapeOf(node));
            // Only a written name can be wrong; the implicit previous layer and "input" always exist.
            if (written is null || written == "input") return (InvalidNode, null);
            string reason = name == entry.Name ? "which is the layer itself"
                : allNames.Contains(name) ? "which comes later; a layer can only read earlier layers (the declaration order is the order of evaluation)"
                : $"which is not a layer of {entry.Scope}; earlier layers are {string.Join(", ", entry.EarlierNames.Take(12).Select(n => "'" + n + "'"))}";
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownLayerReference, entry.Attribute.LocationOf(argument),
                    argument == "other" ? "The name" : "From", $"{entry.Attribute.Kind} '{entry.Name}'", written, reason)
                .WithProperties(FixProperties.Candidates, string.Join("\n", entry.EarlierNames)));
            valid = false;
            return (InvalidNode, null);
        }

        private Shape? ShapeOf(int node) => node == -1 ? InputShape : node >= 0 ? Layers[node].Output : null;
    }
}
