using System.Linq;
using Microsoft.CodeAnalysis;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Parsing;

namespace TensorForge.Generator.Diagnostics
{
    /// <summary>A diagnostic as plain data: descriptor id, message arguments and location.</summary>
    internal sealed record DiagnosticInfo(string Id, EquatableArray<string> Arguments, LocationInfo? Location)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments)
            => new DiagnosticInfo(descriptor.Id,
                arguments.Select(a => System.Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToEquatableArray(),
                location);

        public Diagnostic ToDiagnostic()
            => Diagnostic.Create(DiagnosticDescriptors.ById(Id), Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None,
                Arguments.Cast<object>().ToArray());
    }
}
