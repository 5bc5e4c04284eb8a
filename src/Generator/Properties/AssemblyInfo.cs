using System.Runtime.CompilerServices;

// The generator tests walk the parsed model and the plans (NetworkDeclaration, NetworkPlan) directly.
[assembly: InternalsVisibleTo("TensorForge.Generator.Tests")]
