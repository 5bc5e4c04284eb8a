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

        public static bool IsLayerKind(string kind) => kind == "Input" || kind == "Use" || LayerRegistry.TryGet(kind, out _);

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

                if (attribute.Kind == "Use")
                {
                    previous = ExpandUse(attribute, written, name, input, chain, checkFullNames && !nameReported, ref valid);
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
