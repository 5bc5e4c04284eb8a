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

        /// <summary>The diagnostic; pass the compilation the location came from to get a source location (see <see cref="LocationInfo.ToLocation"/>).</summary>
        public Diagnostic ToDiagnostic(Compilation? compilation = null)
            => Diagnostic.Create(DiagnosticDescriptors.ById(Id), Location?.ToLocation(compilation) ?? Microsoft.CodeAnalysis.Location.None,
                Arguments.Cast<object>().ToArray());
    }
}
