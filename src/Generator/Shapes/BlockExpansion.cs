using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Layers;
using TensorForge.Generator.Parsing;

namespace TensorForge.Generator.Shapes
{
    /// <summary>What a <see cref="LayerEntry"/> stands for.</summary>
    internal enum EntryKind
    {
        /// <summary>A layer of the registry, to be planned.</summary>
        Layer,
        /// <summary>The network's [Input].</summary>
        Input,
        /// <summary>A block's [Input]: the shape the use's input must have.</summary>
        BlockInputCheck,
        /// <summary>The name of a block use, standing for the output of the block's last layer (<see cref="LayerEntry.InputName"/>).</summary>
        Alias,
        /// <summary>A block use that could not be expanded (already reported): its name refers to an invalid node.</summary>
        Invalid,
        /// <summary>The node the From of a block use or a TransformerEncoderLayer names (<see cref="LayerEntry.InputName"/>, written
        /// <see cref="LayerEntry.InputWritten"/>), checked once before the expanded layers read it implicitly.</summary>
        UseInput,
    }

    /// <summary>One step of the network after blocks are inlined: a layer with its full name (block uses prefix their layers'
    /// names, <c>layer1.0.conv1</c>) and the full names of the nodes it reads.</summary>
    internal sealed record LayerEntry(EntryKind Kind, AttributeDeclaration Attribute, string Name, string InputName)
    {
        /// <summary>The From argument as written (for messages), or null when the input is the previous layer.</summary>
        public string? InputWritten { get; init; }
        /// <summary>The full name of the node an Add or Concat names, and the name as written.</summary>
        public string? OtherName { get; init; }
        public string? OtherWritten { get; init; }
        /// <summary>"'Net'" or "block 'BasicBlock'": the scope the written names belong to, for messages.</summary>
        public string Scope { get; init; } = "";
        /// <summary>The names written in the scope before this entry (for the message of an unknown reference).</summary>
        public EquatableArray<string> EarlierNames { get; init; } = EquatableArray<string>.Empty;
        /// <summary>For a block input check: the block's class and the use's name.</summary>
        public string BlockName { get; init; } = "";
    }

    /// <summary>Inlines [Use(typeof(Block))] attributes, the way an inliner works: the emitter never learns that blocks exist.
    /// Inside a use, every location is the use's (a shape error inside a block is reported where it is used, naming the inner
    /// layer), the placeholders <c>BlockArguments.Width</c>/<c>Stride</c> take the use's values, and <c>"input"</c> is the
    /// node that feeds the use.</summary>
    internal sealed class BlockExpansion
    {
        public const int WidthPlaceholder = -1_000_001;
        public const int StridePlaceholder = -1_000_002;
        private const int MaxEntries = 20_000;

        private readonly IReadOnlyDictionary<string, BlockDeclaration> _blocks;
        private readonly List<DiagnosticInfo> _diagnostics;
        private readonly string _network;
        private readonly List<LayerEntry> _entries = new List<LayerEntry>();
        // Full names over every scope: a use prefixes its layers' names, so "layer1.fc" beside a use "layer1" of a block with a
        // layer "fc" would name the same tensors twice.
        private readonly HashSet<string> _fullNames = new HashSet<string>(System.StringComparer.Ordinal);
        private bool _tooLarge;

        private BlockExpansion(IReadOnlyDictionary<string, BlockDeclaration> blocks, string network, List<DiagnosticInfo> diagnostics)
        {
            _blocks = blocks; _network = network; _diagnostics = diagnostics;
        }

        public static bool IsLayerKind(string kind) => kind == "Input" || kind == "Use" || kind == "TransformerEncoderLayer" || LayerRegistry.TryGet(kind, out _);

        /// <summary>The network's layer attributes (Input, Use and registry kinds, in order) as entries; clears
        /// <paramref name="valid"/> when a name or a use is wrong.</summary>
        public static List<LayerEntry> Expand(IReadOnlyList<AttributeDeclaration> attributes, IReadOnlyDictionary<string, BlockDeclaration> blocks,
            string network, List<DiagnosticInfo> diagnostics, ref bool valid)
        {
            var expansion = new BlockExpansion(blocks, network, diagnostics);
            bool scopeValid = true;
            expansion.ExpandScope(attributes, prefix: "", scopeInput: "input", scope: "'" + network + "'", topLevel: true,
                use: null, chain: new List<string>(), checkFullNames: true, ref scopeValid);
            if (expansion._tooLarge)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedClass, attributes.FirstOrDefault()?.Location, network,
                    $"its blocks inline more than {MaxEntries.ToString("N0", CultureInfo.InvariantCulture)} layers"));
                scopeValid = false;
            }
            valid &= scopeValid;
            return expansion._entries;
        }

        /// <summary>The use that is being inlined: its location, Width, Stride, and the block's class.</summary>
        private sealed record UseSite(LocationInfo? Location, int Width, int Stride, string Block);

        /// <param name="checkFullNames">False inside a use whose own name was already reported: its layers' full names repeat
        /// that one problem.</param>
        /// <returns>The full name of the scope's last node (its output).</returns>
        private string ExpandScope(IReadOnlyList<AttributeDeclaration> attributes, string prefix, string scopeInput, string scope, bool topLevel,
            UseSite? use, List<string> chain, bool checkFullNames, ref bool valid)
        {
            var kindCounts = new Dictionary<string, int>();
            var localNames = new HashSet<string>(System.StringComparer.Ordinal);
            var earlier = new List<string> { "input" };
            string previous = scopeInput;
            foreach (AttributeDeclaration written in attributes)
            {
                if (_entries.Count > MaxEntries) { _tooLarge = true; return previous; }
                AttributeDeclaration attribute = use is null ? written : Relocate(Substitute(written, use), use.Location);
                if (attribute.Kind == "Input")
                {
                    _entries.Add(new LayerEntry(topLevel ? EntryKind.Input : EntryKind.BlockInputCheck, attribute, prefix + "input", scopeInput)
                    {
                        BlockName = use?.Block ?? "",
                        Scope = scope,
                    });
                    continue;
                }

                string local = LocalName(attribute, kindCounts, localNames, topLevel ? _network : scope, prefix, checkFullNames, out bool nameReported, ref valid);
                string name = prefix + local;
                string? from = attribute.GetString("From");
                string input = from is null ? previous : Resolve(from, prefix, scopeInput);
                var earlierNames = earlier.ToEquatableArray();
                earlier.Add(local);

                if (from is not null && attribute.Kind is "Use" or "TransformerEncoderLayer")
                {
                    _entries.Add(new LayerEntry(EntryKind.UseInput, attribute, name, input) { InputWritten = from, Scope = scope, EarlierNames = earlierNames });
                }
                if (attribute.Kind == "Use")
                {
                    previous = ExpandUse(attribute, written, name, input, chain, checkFullNames && !nameReported, ref valid);
                    continue;
                }
                if (attribute.Kind == "TransformerEncoderLayer")
                {
                    previous = ExpandTransformer(attribute, name, input, chain, checkFullNames && !nameReported, ref valid);
                    continue;
                }

                string? other = attribute.Kind is "Add" or "Concat" ? attribute.GetString("other") : null;
                _entries.Add(new LayerEntry(EntryKind.Layer, attribute, name, input)
                {
                    InputWritten = from,
                    OtherWritten = other,
                    OtherName = other is null ? null : Resolve(other, prefix, scopeInput),
                    Scope = scope,
                    EarlierNames = earlierNames,
                });
                previous = name;
            }
            return previous;
        }

        private string ExpandUse(AttributeDeclaration attribute, AttributeDeclaration written, string name, string input, List<string> chain, bool checkFullNames, ref bool valid)
        {
            string? blockType = attribute.Find("block") is { Kind: ArgumentKind.Type } argument ? argument.Text : null;
            string display = blockType is null ? "?" : Display(blockType);
            if (blockType is null || !_blocks.TryGetValue(blockType, out BlockDeclaration? block))
            {
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownBlock, attribute.LocationOf("block"), display, _network));
                return Invalid(attribute, name, ref valid);
            }
            if (chain.Contains(blockType))
            {
                string path = string.Join(" → ", chain.SkipWhile(c => c != blockType).Concat(new[] { blockType }).Select(Display));
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BlockCycle, attribute.Location, display, path));
                return Invalid(attribute, name, ref valid);
            }

            List<AttributeDeclaration> inner = block.Declaration.Attributes.Where(a => IsLayerKind(a.Kind)).ToList();
            int width = attribute.GetInt("Width", 0);
            int stride = attribute.GetInt("Stride", 1);
            bool usesWidth = inner.Any(a => a.Arguments.Any(x => IsPlaceholder(x, WidthPlaceholder)));
            bool usesStride = inner.Any(a => a.Arguments.Any(x => IsPlaceholder(x, StridePlaceholder)));
            string owner = $"Use '{name}'";
            var check = LayerBuildContext.CheckerFor(attribute, owner, _diagnostics);
            bool arguments = !usesWidth || check(width > 0, "Width", $"positive (block '{display}' uses BlockArguments.Width)", width);
            arguments &= !usesStride || check(stride > 0, "Stride", $"positive (block '{display}' uses BlockArguments.Stride)", stride);
            if (!arguments) return Invalid(attribute, name, ref valid);

            // Nested uses keep the outermost use's location: that is where the user can act.
            UseSite site = new UseSite(attribute.Location, width, stride, display);
            chain.Add(blockType);
            string output = ExpandScope(inner, name + ".", input, $"block '{display}'", topLevel: false, site, chain, checkFullNames, ref valid);
            chain.RemoveAt(chain.Count - 1);
            _entries.Add(new LayerEntry(EntryKind.Alias, attribute, name, output));
            return name;
        }

        /// <summary>[TransformerEncoderLayer] is nn.TransformerEncoderLayer written out as its submodules (self_attn, dropout1,
        /// norm1, linear1, dropout, linear2, dropout2, norm2) and the two residual Adds, in PyTorch's order for post-norm or
        /// pre-norm; dropouts of probability 0 are left out.</summary>
        private string ExpandTransformer(AttributeDeclaration attribute, string name, string input, List<string> chain, bool checkFullNames, ref bool valid)
        {
            int heads = attribute.GetInt("heads", 0);
            int feedForward = attribute.GetInt("FeedForward", 2048);
            float dropout = attribute.GetFloat("Dropout", 0.1f);
            bool normFirst = attribute.GetBool("NormFirst", false);
            int activation = attribute.GetInt("Activation", 1);
            bool causal = attribute.GetBool("Causal", false);
            float epsilon = attribute.GetFloat("LayerNormEpsilon", 1e-5f);
            var check = LayerBuildContext.CheckerFor(attribute, $"TransformerEncoderLayer '{name}'", _diagnostics);
            bool ok = check(heads > 0, "heads", "positive", heads);
            ok &= check(feedForward > 0, "FeedForward", "positive", feedForward);
            ok &= check(dropout >= 0f && dropout < 1f, "Dropout", "in [0, 1)", dropout);
            ok &= check(activation is 1 or 5, "Activation", "Activation.ReLU or Activation.Gelu", activation);
            ok &= check(epsilon > 0f && !float.IsInfinity(epsilon), "LayerNormEpsilon", "positive and finite", epsilon);
            if (!ok) return Invalid(attribute, name, ref valid);

            LocationInfo? at = attribute.Location;
            AttributeDeclaration Layer(string kind, string layerName, params ArgumentValue[] arguments)
                => new AttributeDeclaration(kind, arguments.Concat(new[] { Text("Name", layerName, at) }).ToEquatableArray(), at, attribute.PartIndex);
            var layers = new List<AttributeDeclaration>();
            AttributeDeclaration Norm(string layerName) => Layer("LayerNorm", layerName, Number("Epsilon", epsilon, at));
            void Drop(string layerName) { if (dropout > 0f) layers.Add(Layer("Dropout", layerName, Number("p", dropout, at))); }

            if (normFirst) layers.Add(Norm("norm1"));
            layers.Add(Layer("MultiHeadAttention", "self_attn", Number("heads", heads, at), Boolean("Causal", causal, at), Number("Dropout", dropout, at)));
            Drop("dropout1");
            layers.Add(Layer("Add", "residual1", Text("other", "input", at)));
            if (!normFirst) layers.Add(Norm("norm1"));
            if (normFirst) layers.Add(Norm("norm2"));
            layers.Add(Layer("Dense", "linear1", Number("units", feedForward, at), Number("Activation", activation, at)));
            Drop("dropout");
            layers.Add(Layer("Dense", "linear2", Text("MatchWidthOf", input, at)));
            Drop("dropout2");
            layers.Add(Layer("Add", "residual2", Text("other", normFirst ? "residual1" : "norm1", at)));
            if (!normFirst) layers.Add(Norm("norm2"));

            var site = new UseSite(at, 0, 0, "TransformerEncoderLayer");
            string output = ExpandScope(layers, name + ".", input, $"TransformerEncoderLayer '{name}'", topLevel: false, site, chain, checkFullNames, ref valid);
            _entries.Add(new LayerEntry(EntryKind.Alias, attribute, name, output));
            return name;
        }

        private static ArgumentValue Number(string name, double value, LocationInfo? at) => new ArgumentValue(name, ArgumentKind.Number, value, null, EquatableArray<int>.Empty, at);
        private static ArgumentValue Boolean(string name, bool value, LocationInfo? at) => new ArgumentValue(name, ArgumentKind.Boolean, value ? 1 : 0, null, EquatableArray<int>.Empty, at);
        private static ArgumentValue Text(string name, string? value, LocationInfo? at) => new ArgumentValue(name, value is null ? ArgumentKind.Null : ArgumentKind.String, 0, value, EquatableArray<int>.Empty, at);

        private string Invalid(AttributeDeclaration attribute, string name, ref bool valid)
        {
            valid = false;
            _entries.Add(new LayerEntry(EntryKind.Invalid, attribute, name, ""));
            return name;
        }

        private static string Resolve(string written, string prefix, string scopeInput) => written == "input" ? scopeInput : prefix + written;

        /// <summary>"global::Models.BasicBlock" → "BasicBlock".</summary>
        private static string Display(string typeName)
        {
            string name = typeName.StartsWith("global::", System.StringComparison.Ordinal) ? typeName.Substring("global::".Length) : typeName;
            int dot = name.LastIndexOf('.');
            return dot < 0 ? name : name.Substring(dot + 1);
        }

        private string LocalName(AttributeDeclaration attribute, Dictionary<string, int> kindCounts, HashSet<string> names, string owner,
            string prefix, bool checkFullName, out bool reported, ref bool valid)
        {
            reported = true;
            string kind = attribute.Kind == "Use" && attribute.Find("block") is { Kind: ArgumentKind.Type, Text: { } type } ? Display(type) : attribute.Kind;
            kindCounts.TryGetValue(kind, out int count);
            kindCounts[kind] = ++count;
            string? explicitName = attribute.GetString("Name");
            string name = explicitName ?? kind.ToLowerInvariant() + count.ToString(CultureInfo.InvariantCulture);
            if (explicitName is not null && !ShapeInference.IsValidName(explicitName))
            {
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerName, attribute.LocationOf("Name"), explicitName));
                valid = false;
                return name;
            }
            if (name == "input" || !names.Add(name))
            {
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateLayerName, attribute.LocationOf("Name"), name, owner.Trim('\'')));
                valid = false;
                return name;
            }
            if (!_fullNames.Add(prefix + name) && checkFullName)
            {
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateLayerName, attribute.LocationOf("Name"), prefix + name, _network));
                valid = false;
                return name;
            }
            reported = false;
            return name;
        }

        private static bool IsPlaceholder(ArgumentValue argument, int placeholder)
            => (argument.Kind == ArgumentKind.Number && argument.Number == placeholder)
               || (argument.Kind == ArgumentKind.IntArray && argument.Ints.Contains(placeholder));

        private static AttributeDeclaration Substitute(AttributeDeclaration attribute, UseSite use)
        {
            int Replace(int value) => value == WidthPlaceholder ? use.Width : value == StridePlaceholder ? use.Stride : value;
            var arguments = attribute.Arguments.Select(a => a.Kind switch
            {
                ArgumentKind.Number when a.Number == WidthPlaceholder || a.Number == StridePlaceholder => a with { Number = Replace((int)a.Number) },
                ArgumentKind.IntArray when a.Ints.Any(v => v == WidthPlaceholder || v == StridePlaceholder) => a with { Ints = a.Ints.Select(Replace).ToEquatableArray() },
                _ => a,
            }).ToEquatableArray();
            return attribute with { Arguments = arguments };
        }

        private static AttributeDeclaration Relocate(AttributeDeclaration attribute, LocationInfo? location)
            => attribute with
            {
                Location = location,
                Arguments = attribute.Arguments.Select(a => a with { Location = location, ElementLocations = EquatableArray<LocationInfo>.Empty }).ToEquatableArray(),
            };
    }
}
