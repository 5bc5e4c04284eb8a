using TensorForge.Generator.Helpers;

namespace TensorForge.Generator.Parsing
{
    /// <summary>What the user wrote, as value-equatable data: the class and its TensorForge attributes in source order.
    /// Holds no symbol, syntax node or compilation, so the incremental pipeline can cache it.</summary>
    internal sealed record NetworkDeclaration(
        string? Namespace,
        string ClassName,
        string TypeParameters,
        string Keyword,
        EquatableArray<ContainingType> ContainingTypes,
        bool IsPartial,
        bool IsStatic,
        LocationInfo? ClassLocation,
        AttributeDeclaration Network,
        EquatableArray<AttributeDeclaration> Attributes,
        bool HasPrimaryConstructor = false,
        bool IsAbstract = false)
    {
        /// <summary>Name used in messages and hint names, e.g. "Outer.MnistMlp".</summary>
        public string DisplayName
        {
            get
            {
                string name = ClassName;
                for (int i = ContainingTypes.Count - 1; i >= 0; i--) name = ContainingTypes[i].Name + "." + name;
                return name;
            }
        }
    }

    /// <summary>A type enclosing the network class, outermost first.</summary>
    internal sealed record ContainingType(string Keyword, string Name, string TypeParameters, bool IsPartial, LocationInfo? Location);

    /// <summary>One TensorForge attribute: its kind ("Dense"), arguments, location and which partial declaration holds it.</summary>
    internal sealed record AttributeDeclaration(string Kind, EquatableArray<ArgumentValue> Arguments, LocationInfo? Location, int PartIndex)
    {
        public ArgumentValue? Find(string name)
        {
            foreach (ArgumentValue argument in Arguments)
            {
                if (string.Equals(argument.Name, name, System.StringComparison.OrdinalIgnoreCase)) return argument;
            }
            return null;
        }

        public int GetInt(string name, int fallback) => Find(name) is { Kind: ArgumentKind.Number } a ? (int)a.Number : fallback;

        public float GetFloat(string name, float fallback) => Find(name) is { Kind: ArgumentKind.Number } a ? (float)a.Number : fallback;

        public bool GetBool(string name, bool fallback) => Find(name) is { Kind: ArgumentKind.Boolean } a ? a.Number != 0 : fallback;

        public string? GetString(string name) => Find(name) is { Kind: ArgumentKind.String } a ? a.Text : null;

        /// <summary>Location of the named argument, else of the attribute.</summary>
        public LocationInfo? LocationOf(string name) => Find(name)?.Location ?? Location;
    }

    internal enum ArgumentKind { Null, Number, Boolean, String, IntArray, Type }

    /// <summary>A class marked [Block], under the name a [Use(typeof(…))] argument gives it.</summary>
    internal sealed record BlockDeclaration(string TypeName, NetworkDeclaration Declaration);

    /// <summary>One constructor or named argument. <c>Name</c> is the constructor parameter's or property's name;
    /// look-ups ignore case, so "units" and "Units" meet.</summary>
    internal sealed record ArgumentValue(string Name, ArgumentKind Kind, double Number, string? Text, EquatableArray<int> Ints, LocationInfo? Location)
    {
        /// <summary>Where each element of a params array was written (<c>[Input(1, 28, 28)]</c>), so a diagnostic can point at
        /// the bad dimension; empty when the array was written as one expression.</summary>
        public EquatableArray<LocationInfo> ElementLocations { get; init; } = EquatableArray<LocationInfo>.Empty;

        /// <summary>The location of element <paramref name="index"/>, else of the whole argument.</summary>
        public LocationInfo? LocationOfElement(int index) => index < ElementLocations.Count ? ElementLocations[index] : Location;
    }
}
