using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using TensorForge.Generator.Layers;
using TensorForge.Generator.Parsing;
using TensorForge.Generator.Shapes;
using TensorForge.Generator.Tests.Infrastructure;

namespace TensorForge.Generator.Tests;

/// <summary>The incremental model holds no Roslyn object: a symbol, node, tree, location or compilation would pin a compilation in
/// the cache and break equality (System.Text.Json's SourceGenModelDoesNotEncapsulateSymbolsOrCompilationData).</summary>
public class ModelGraphTests
{
    private static readonly Type[] Forbidden =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Location), typeof(Compilation), typeof(SemanticModel),
        typeof(SyntaxToken), typeof(SyntaxReference), typeof(AttributeData), typeof(TypedConstant), typeof(Delegate),
    };

    public static TheoryData<string> Networks => new TheoryData<string>
    {
        Sources.MnistMlp, Sources.Encoder, Sources.HousePrices, Sources.EveryLayer, Sources.Nested, Sources.Global,
        // Invalid ones, whose results carry diagnostics with locations.
        "using TensorForge; [Network(Loss = Loss.SoftmaxCrossEntropy)] [Input(1, 28, 28)] [Dense(10, Name = \"fc 1\")] [Dense(1)] [Adam(LearningRate = 0f)] [StepDecay] public partial class Bad;",
        "using TensorForge; [Network(Loss = Loss.SoftmaxCrossEntropy)] [Input(8)] [Dense(1)] [Softmax] public class NotPartial;",
        "using TensorForge; public partial class Outer<T> { [Network] [Input(4)] [Dense(2)] public partial record Inner<U>; }",
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void DeclarationAndPlanHoldNoRoslynObjects(string source)
    {
        Compilation compilation = TestCompilation.Create(source);
        INamedTypeSymbol type = Assert.Single(NetworkTypes(compilation.GlobalNamespace));

        NetworkDeclaration? declaration = DeclarationParser.Parse(type, CancellationToken.None);
        Assert.NotNull(declaration);
        PlanResult result = ShapeInference.Infer(declaration);

        var walk = new ModelWalk();
        walk.Visit(declaration, "declaration");
        walk.Visit(result, "result");

        Assert.True(walk.Problems.Count == 0, string.Join(Environment.NewLine, walk.Problems));
        Assert.Contains(typeof(AttributeDeclaration), walk.VisitedTypes);
        Assert.Contains(typeof(NetworkPlan), walk.VisitedTypes);
        if (result.Plan.IsValid) Assert.Contains(typeof(DenseLayer), walk.VisitedTypes);
        else Assert.Contains(typeof(Diagnostics.DiagnosticInfo), walk.VisitedTypes);
    }

    [Fact]
    public void EveryValueTheGeneratorCachesHoldsNoRoslynObjects()
    {
        GeneratorResult run = GeneratorHarness.Run(Sources.MnistMlp, Sources.EveryLayer, Sources.Nested);
        var walk = new ModelWalk();
        int values = 0;
        // Only our steps: Roslyn's own ForAttributeWithMetadataName steps legitimately hold trees and nodes.
        foreach (string name in new[] { TrackingNames.Declarations, TrackingNames.Plans, TrackingNames.EmitPlans })
        {
            foreach (IncrementalGeneratorRunStep step in run.RunResult.TrackedSteps[name])
            {
                foreach ((object value, IncrementalStepRunReason _) in step.Outputs)
                {
                    walk.Visit(value, name);
                    values++;
                }
            }
        }

        Assert.True(values >= 9, $"only {values} tracked values");
        Assert.True(walk.Problems.Count == 0, string.Join(Environment.NewLine, walk.Problems));
    }

    [Fact]
    public void TheWalkFindsAPlantedLocation()
    {
        // Guards the guard: a Location hidden in an EquatableArray inside a record is found.
        Compilation compilation = TestCompilation.Create("class C { }");
        Location location = compilation.SyntaxTrees.Single().GetRoot().GetLocation();
        var walk = new ModelWalk();

        walk.Visit(new Holder(Helpers.EquatableArray.ToEquatableArray(new[] { new Box(location) })), "holder");
        walk.Visit(Tuple.Create(compilation.GetSpecialType(SpecialType.System_Int32)), "tuple");

        Assert.Contains(walk.Problems, p => p.StartsWith("holder.Items._items.array[0].Value holds a Location", StringComparison.Ordinal));
        Assert.Contains(walk.Problems, p => p.StartsWith("tuple.m_Item1 holds a ISymbol", StringComparison.Ordinal));
        Assert.Contains(walk.Problems, p => p.StartsWith("tuple.m_Item1 is declared as", StringComparison.Ordinal));
    }

    private sealed record Box(object Value);

    private sealed record Holder(Helpers.EquatableArray<Box> Items);

    private static IEnumerable<INamedTypeSymbol> NetworkTypes(INamespaceOrTypeSymbol container)
    {
        foreach (ISymbol member in container.GetMembers())
        {
            if (member is INamespaceOrTypeSymbol nested)
            {
                if (nested is INamedTypeSymbol type && type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "TensorForge.NetworkAttribute"))
                {
                    yield return type;
                }
                if (nested is INamespaceSymbol { ContainingAssembly.Name: not "UserAssembly" }) continue;
                foreach (INamedTypeSymbol inner in NetworkTypes(nested)) yield return inner;
            }
        }
    }

    /// <summary>Walks every field of every reachable object (arrays, ImmutableArray and EquatableArray contents included) and records
    /// each Roslyn object it meets, and each field whose declared type could hold one.</summary>
    internal sealed class ModelWalk
    {
        private readonly HashSet<object> _seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        private readonly HashSet<Type> _checkedTypes = new HashSet<Type>();

        public List<string> Problems { get; } = new List<string>();

        public HashSet<Type> VisitedTypes { get; } = new HashSet<Type>();

        public void Visit(object? value, string path)
        {
            if (value is null) return;
            Type type = value.GetType();
            if (IsForbidden(type, out string? what))
            {
                Problems.Add($"{path} holds a {what} ({type.FullName})");
                return;
            }
            if (type.IsPrimitive || type.IsEnum || type.IsPointer || value is string || value is decimal) return;
            if (!type.IsValueType && !_seen.Add(value)) return;
            VisitedTypes.Add(type);

            if (value is Array array)
            {
                int i = 0;
                foreach (object? element in array) Visit(element, $"{path}[{i++}]");
                return;
            }
            for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
            {
                foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    CheckDeclaredType(field, path);
                    Visit(field.GetValue(value), $"{path}.{FieldName(field)}");
                }
            }
        }

        /// <summary>A field typed as (or over) a Roslyn type is a problem even when this instance holds null there.</summary>
        private void CheckDeclaredType(FieldInfo field, string path)
        {
            if (!_checkedTypes.Add(field.DeclaringType!) && field.FieldType.IsPrimitive) return;
            foreach (Type part in Parts(field.FieldType))
            {
                if (part != typeof(object) && IsForbidden(part, out string? what))
                {
                    Problems.Add($"{path}.{FieldName(field)} is declared as {field.FieldType} (a {what})");
                    return;
                }
            }
        }

        private static IEnumerable<Type> Parts(Type type)
        {
            yield return type;
            if (type.HasElementType) foreach (Type inner in Parts(type.GetElementType()!)) yield return inner;
            if (type.IsGenericType) foreach (Type argument in type.GetGenericArguments()) foreach (Type inner in Parts(argument)) yield return inner;
        }

        private static bool IsForbidden(Type type, out string? what)
        {
            foreach (Type forbidden in Forbidden)
            {
                if (forbidden.IsAssignableFrom(type)) { what = forbidden.Name; return true; }
            }
            if (type.Assembly.GetName().Name?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true)
            {
                what = "Roslyn type";
                return true;
            }
            what = null;
            return false;
        }

        /// <summary>"Items" rather than "&lt;Items&gt;k__BackingField".</summary>
        private static string FieldName(FieldInfo field)
            => field.Name.StartsWith('<') && field.Name.Contains('>') ? field.Name.Substring(1, field.Name.IndexOf('>') - 1) : field.Name;
    }
}
