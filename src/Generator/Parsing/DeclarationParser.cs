using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TensorForge.Generator.Helpers;

namespace TensorForge.Generator.Parsing
{
    /// <summary>Reads a class marked [Network] into a <see cref="NetworkDeclaration"/>. Shared by the generator and the analyzer,
    /// so both see exactly the same declaration.</summary>
    internal static class DeclarationParser
    {
        public const string Namespace = "TensorForge";
        public const string NetworkAttributeName = "TensorForge.NetworkAttribute";
        public const string BlockAttributeName = "TensorForge.BlockAttribute";

        /// <summary>How a [Use(typeof(T))] argument names its block, and the key of <see cref="BlockDeclaration.TypeName"/>.</summary>
        public static string BlockTypeName(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

        /// <summary>A class marked [Block]: its declaration (the [Block] attribute in the place of [Network]) under its type name.</summary>
        /// <remarks>Without <paramref name="withLocations"/> every location is null (see <see cref="Parse(INamedTypeSymbol, CancellationToken, bool)"/>).</remarks>
        public static BlockDeclaration? ParseBlock(INamedTypeSymbol type, CancellationToken cancellationToken, bool withLocations = true)
            => Parse(type, cancellationToken, "Block", withLocations) is { } declaration ? new BlockDeclaration(BlockTypeName(type), declaration) : null;

        /// <summary>Every block <paramref name="type"/> uses, directly or through other blocks, that is a [Block] class declared in
        /// source (the analyzer's view; the generator collects all [Block] classes of the compilation instead).</summary>
        public static EquatableArray<BlockDeclaration> ParseBlocksUsedBy(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            var found = new Dictionary<string, BlockDeclaration>();
            var pending = new Stack<INamedTypeSymbol>();
            pending.Push(type);
            while (pending.Count > 0 && found.Count < 256)
            {
                INamedTypeSymbol current = pending.Pop();
                foreach (AttributeData attribute in current.GetAttributes())
                {
                    if (attribute.AttributeClass?.ToDisplayString() != "TensorForge.UseAttribute" || attribute.ConstructorArguments.Length != 1) continue;
                    if (attribute.ConstructorArguments[0].Value is not INamedTypeSymbol block || found.ContainsKey(BlockTypeName(block))) continue;
                    if (block.DeclaringSyntaxReferences.Length == 0) continue;
                    // The generator knows blocks by their declared symbol ("Block<T>"): a constructed or unbound generic
                    // ("Block<int>", "Block<>") is no block there, so it must not be one here (else TF0013 goes unreported).
                    if (!SymbolEqualityComparer.Default.Equals(block, block.OriginalDefinition)) continue;
                    if (ParseBlock(block, cancellationToken) is { } parsed)
                    {
                        found[parsed.TypeName] = parsed;
                        pending.Push(block);
                    }
                }
            }
            return found.Values.OrderBy(b => b.TypeName, System.StringComparer.Ordinal).ToEquatableArray();
        }

        /// <summary>A class marked [Network] as a declaration.</summary>
        /// <param name="withLocations">Whether to record where each attribute and argument stands. The analyzer needs them for its
        /// diagnostics; the generator does not (the plan carries none), and without them a declaration compares equal after an
        /// edit that only moves it (text typed above the network), so the generator's pipeline stays cached.</param>
        public static NetworkDeclaration? Parse(INamedTypeSymbol type, CancellationToken cancellationToken, bool withLocations = true)
            => Parse(type, cancellationToken, "Network", withLocations);

        private static NetworkDeclaration? Parse(INamedTypeSymbol type, CancellationToken cancellationToken, string marker, bool withLocations)
        {
            AttributeData? network = null;
            var attributes = new List<AttributeDeclaration>();
            ImmutableArray<SyntaxReference> parts = type.DeclaringSyntaxReferences;

            foreach (AttributeData attribute in type.GetAttributes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                INamedTypeSymbol? attributeClass = attribute.AttributeClass;
                if (attributeClass is null || attributeClass.ContainingNamespace?.ToDisplayString() != Namespace) continue;
                if (attribute.AttributeConstructor is null) continue; // the compiler reports the bad attribute itself
                string kind = attributeClass.Name.EndsWith("Attribute") ? attributeClass.Name.Substring(0, attributeClass.Name.Length - "Attribute".Length) : attributeClass.Name;
                AttributeDeclaration declaration = ParseAttribute(kind, attribute, parts, withLocations, cancellationToken);
                if (kind == "Network" || kind == "Block")
                {
                    if (kind != marker) continue;
                    if (network is null) network = attribute;
                    attributes.Insert(0, declaration);
                    continue;
                }
                attributes.Add(declaration);
            }
            if (network is null) return null;

            AttributeDeclaration networkDeclaration = attributes[0];
            attributes.RemoveAt(0);

            var containing = new List<ContainingType>();
            for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                containing.Insert(0, new ContainingType(Keyword(outer), Identifier(outer.Name), TypeParameterList(outer), IsPartial(outer, cancellationToken),
                    At(outer.Locations.FirstOrDefault(), withLocations)));
            }

            return new NetworkDeclaration(
                type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
                Identifier(type.Name),
                TypeParameterList(type),
                Keyword(type),
                containing.ToEquatableArray(),
                IsPartial(type, cancellationToken),
                type.IsStatic,
                At(type.Locations.FirstOrDefault(), withLocations),
                networkDeclaration,
                attributes.ToEquatableArray(),
                HasPrimaryConstructor(type, cancellationToken),
                type.IsAbstract && !type.IsStatic);
        }

        private static AttributeDeclaration ParseAttribute(string kind, AttributeData attribute, ImmutableArray<SyntaxReference> parts, bool withLocations,
            CancellationToken cancellationToken)
        {
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            int partIndex = 0;
            if (syntax?.FirstAncestorOrSelf<TypeDeclarationSyntax>() is { } owner)
            {
                for (int i = 0; i < parts.Length; i++)
                {
                    if (parts[i].SyntaxTree == owner.SyntaxTree && parts[i].Span == owner.Span) { partIndex = i; break; }
                }
            }

            var arguments = new List<ArgumentValue>();
            IMethodSymbol constructor = attribute.AttributeConstructor!;
            List<AttributeArgumentSyntax> positional = syntax?.ArgumentList?.Arguments.Where(a => a.NameEquals is null).ToList() ?? new List<AttributeArgumentSyntax>();
            for (int i = 0; i < attribute.ConstructorArguments.Length && i < constructor.Parameters.Length; i++)
            {
                IParameterSymbol parameter = constructor.Parameters[i];
                Location? location = parameter.IsParams ? syntax?.GetLocation()
                    : i < positional.Count ? positional[i].GetLocation() : syntax?.GetLocation();
                ArgumentValue argument = ToArgument(parameter.Name, attribute.ConstructorArguments[i], At(location, withLocations));
                // A params array written element by element: remember where each element stands.
                if (withLocations && parameter.IsParams && argument.Kind == ArgumentKind.IntArray && positional.Count - i == argument.Ints.Count && argument.Ints.Count > 0)
                {
                    argument = argument with
                    {
                        ElementLocations = positional.Skip(i).Select(a => LocationInfo.From(a.GetLocation())).Where(l => l is not null).Select(l => l!).ToEquatableArray(),
                    };
                }
                arguments.Add(argument);
            }
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                AttributeArgumentSyntax? argumentSyntax = syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == named.Key);
                arguments.Add(ToArgument(named.Key, named.Value, At(argumentSyntax?.GetLocation() ?? syntax?.GetLocation(), withLocations)));
            }
            return new AttributeDeclaration(kind, arguments.ToEquatableArray(), At(syntax?.GetLocation(), withLocations), partIndex);
        }

        private static LocationInfo? At(Location? location, bool withLocations) => withLocations ? LocationInfo.From(location) : null;

        private static ArgumentValue ToArgument(string name, TypedConstant constant, LocationInfo? where)
        {
            if (constant.Kind == TypedConstantKind.Type)
            {
                string? typeName = constant.Value is ITypeSymbol type ? BlockTypeName(type) : null;
                return new ArgumentValue(name, typeName is null ? ArgumentKind.Null : ArgumentKind.Type, 0, typeName, EquatableArray<int>.Empty, where);
            }
            if (constant.Kind == TypedConstantKind.Array)
            {
                ImmutableArray<int> values = constant.IsNull ? ImmutableArray<int>.Empty
                    : constant.Values.Select(v => v.Value is int n ? n : 0).ToImmutableArray();
                return new ArgumentValue(name, ArgumentKind.IntArray, 0, null, new EquatableArray<int>(values), where);
            }
            return constant.Value switch
            {
                bool b => new ArgumentValue(name, ArgumentKind.Boolean, b ? 1 : 0, null, EquatableArray<int>.Empty, where),
                string s => new ArgumentValue(name, ArgumentKind.String, 0, s, EquatableArray<int>.Empty, where),
                int n => new ArgumentValue(name, ArgumentKind.Number, n, null, EquatableArray<int>.Empty, where),
                float f => new ArgumentValue(name, ArgumentKind.Number, f, null, EquatableArray<int>.Empty, where),
                double d => new ArgumentValue(name, ArgumentKind.Number, d, null, EquatableArray<int>.Empty, where),
                null => new ArgumentValue(name, ArgumentKind.Null, 0, null, EquatableArray<int>.Empty, where),
                _ => new ArgumentValue(name, ArgumentKind.Number, System.Convert.ToDouble(constant.Value, System.Globalization.CultureInfo.InvariantCulture), null, EquatableArray<int>.Empty, where),
            };
        }

        /// <summary><c>record Net(int Width)</c> or <c>class Net(int width)</c>: the generated constructors would have to chain to it.</summary>
        private static bool HasPrimaryConstructor(INamedTypeSymbol type, CancellationToken cancellationToken)
            => type.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax { ParameterList: not null });

        private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
            => type.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword));

        private static string Keyword(INamedTypeSymbol type) => type switch
        {
            { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
            { IsRecord: true } => "record",
            { TypeKind: TypeKind.Struct } => "struct",
            { TypeKind: TypeKind.Interface } => "interface",
            _ => "class",
        };

        private static string TypeParameterList(INamedTypeSymbol type)
            => type.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", type.TypeParameters.Select(p => Identifier(p.Name))) + ">";

        /// <summary>A name as the emitted source must spell it: <c>@class</c> for a type the user declared as <c>@class</c>
        /// (the symbol's name is the bare keyword, which is not an identifier).</summary>
        private static string Identifier(string name)
            => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
    }
}
