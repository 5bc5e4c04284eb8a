using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using CsCheck;
using Xunit.Abstractions;

namespace TensorForge.Generator.Tests.Fuzzing;

/// <summary>The generator fuzz test: thousands of random declarations (see <see cref="DeclarationGenerator"/>) through the generator,
/// the analyzer, the compiler and the emitted networks' Forward (see <see cref="FuzzRunner"/>).
/// <para>Reproducible: declaration k is generated from its own CsCheck PCG seed, drawn in order from the run's seed. Environment:
/// <c>TENSORFORGE_FUZZ_SEED</c> (the run's seed; <c>random</c> for a fresh one; default a fixed seed, so CI is deterministic),
/// <c>TENSORFORGE_FUZZ_CASES</c> (default 2000), <c>TENSORFORGE_FUZZ_DECLARATION</c> (replay one declaration's seed alone, as
/// printed by a failure).</para>
/// <para>A failure prints both seeds, the declaration's source and a shrunk declaration that still fails: make it a test in
/// <see cref="FuzzRegressionTests"/>.</para></summary>
public class GeneratorFuzzTests
{
    /// <summary>The run's seed unless TENSORFORGE_FUZZ_SEED says otherwise.</summary>
    public static readonly string DefaultSeed = new PCG(7, 20250101).ToString();
    private const int DefaultCases = 2000;
    private const int BatchSize = 40;

    private readonly ITestOutputHelper _output;

    public GeneratorFuzzTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void RandomDeclarationsNeverCrashTheGeneratorAndValidOnesRun()
    {
        string? single = Environment.GetEnvironmentVariable("TENSORFORGE_FUZZ_DECLARATION");
        string seed = Environment.GetEnvironmentVariable("TENSORFORGE_FUZZ_SEED") is { Length: > 0 } s
            ? (s == "random" ? new PCG((uint)Random.Shared.Next(), (ulong)Random.Shared.NextInt64()).ToString() : s)
            : DefaultSeed;
        int cases = int.TryParse(Environment.GetEnvironmentVariable("TENSORFORGE_FUZZ_CASES"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n : DefaultCases;

        FuzzCase[] all = single is { Length: > 0 }
            ? new[] { new FuzzCase(0, single, Generate(single)) }
            : DeclarationSeeds(seed, cases).Select((s, k) => new FuzzCase(k, s, Generate(s))).ToArray();
        Log(single is { Length: > 0 }
            ? $"generator fuzz seed: replaying declaration {single} alone"
            : $"generator fuzz seed: {seed}, {all.Length} declarations (replay with TENSORFORGE_FUZZ_SEED={seed} TENSORFORGE_FUZZ_CASES={all.Length})");

        var stopwatch = Stopwatch.StartNew();
        var runner = new FuzzRunner();
        // Declarations that are not valid C# cannot be emitted: they share batches of their own.
        FuzzCase[][] batches = all.Where(c => c.Declaration.Broken is null).Chunk(BatchSize)
            .Concat(all.Where(c => c.Declaration.Broken is not null).Chunk(BatchSize)).ToArray();
        Parallel.ForEach(batches, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Math.Min(Environment.ProcessorCount, 4)) }, runner.Run);
        stopwatch.Stop();

        var failures = runner.Failures.OrderBy(f => f.Case.Id).ToList();
        foreach (FuzzFailure failure in failures.Take(5)) Log(Report(failure, seed));
        if (failures.Count > 0) Log(Shrink(failures[0]));

        var validIds = runner.ValidIds.ToHashSet();
        string Kinds(Func<FuzzDeclaration, bool> has) => $"{all.Count(c => has(c.Declaration))}/{all.Count(c => has(c.Declaration) && validIds.Contains(c.Id))}";
        string summary = $"generator fuzz: {all.Length} declarations ({runner.Valid} valid and run, {runner.Invalid} invalid with TF errors, "
            + $"{runner.Skipped} skipped large, {runner.Broken} not C# and rejected by the compiler), {failures.Count} failures; "
            + $"image/graph/block declarations (all/valid): {Kinds(d => d.HasImageLayers)}, {Kinds(d => d.HasGraphReferences)}, {Kinds(d => d.UsesBlocks)}; "
            + $"shape model agreed on {runner.PredictedValid} valid and {runner.PredictedInvalid} invalid; {runner.GradientChecked} smooth networks' gradients checked by differences; "
            + $"{runner.Unbounded} of the run networks can overflow by design "
            + $"(finiteness not asserted); seed {seed}; {stopwatch.Elapsed.TotalSeconds:0.0} s ({runner.Phases})";
        Log(summary);
        Log("TF errors of the invalid declarations (declarations per id): " + string.Join(", ", runner.ErrorIds.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}")));
        ReliabilityReport.Line(summary);
        Assert.True(failures.Count == 0, summary + "\n" + string.Join("\n", failures.Take(3).Select(f => Report(f, seed))));
        Assert.Equal(all.Length, runner.Valid + runner.Invalid + runner.Skipped + runner.Broken);
    }

    /// <summary>The declaration seeds of a run: drawn in order from the run's PCG, so the run is the same on every machine.</summary>
    internal static IEnumerable<string> DeclarationSeeds(string seed, int count)
    {
        PCG master = PCG.Parse(seed);
        for (int k = 0; k < count; k++) yield return new PCG(master.Next(), master.Next64()).ToString();
    }

    internal static FuzzDeclaration Generate(string seed) => DeclarationGenerator.Declaration.Generate(PCG.Parse(seed), null, out _);

    private static string Report(FuzzFailure failure, string seed)
        => $"FAILED declaration {failure.Case.Id} (run seed {seed}; replay alone with TENSORFORGE_FUZZ_DECLARATION={failure.Case.Seed}):\n"
            + Abbreviate(failure.Problem) + "\n" + failure.Case.Declaration.Describe(failure.Case.Id);

    /// <summary>The first problems only: one broken generated line cascades into dozens of compiler errors.</summary>
    private static string Abbreviate(string problems)
    {
        string[] lines = problems.Split('\n');
        return lines.Length <= 8 ? problems : string.Join("\n", lines.Take(8)) + $"\n… and {lines.Length - 8} more lines";
    }

    /// <summary>Greedy shrinking: keep applying the first simplification (drop an attribute, a container, the type parameters,
    /// the split, the namespace, the network's arguments…) after which the declaration, checked alone, still fails.</summary>
    private static string Shrink(FuzzFailure failure)
    {
        FuzzDeclaration current = failure.Case.Declaration;
        int checks = 0;
        bool progress = true;
        while (progress && checks < 300)
        {
            progress = false;
            foreach (FuzzDeclaration candidate in Simplifications(current))
            {
                checks++;
                if (FuzzRunner.CheckAlone(new FuzzCase(0, failure.Case.Seed, candidate)).Count > 0)
                {
                    current = candidate;
                    progress = true;
                    break;
                }
            }
        }
        IReadOnlyList<string> problems = FuzzRunner.CheckAlone(new FuzzCase(0, failure.Case.Seed, current));
        return $"SHRUNK after {checks} checks (make it a test in Fuzzing/FuzzRegressionTests.cs):\n{Abbreviate(string.Join("\n", problems))}\n{current.Describe(0)}";
    }

    internal static IEnumerable<FuzzDeclaration> Simplifications(FuzzDeclaration d)
    {
        for (int i = 0; i < d.Attributes.Length; i++)
        {
            yield return d with { Attributes = d.Attributes.RemoveAt(i), SplitAt = i < d.SplitAt ? d.SplitAt - 1 : d.SplitAt, Prediction = null };
        }
        for (int i = 0; i < d.BlockList.Length; i++)
        {
            FuzzBlock block = d.BlockList[i];
            for (int j = 0; j < block.Attributes.Length; j++)
            {
                yield return d with { Blocks = d.BlockList.SetItem(i, block with { Attributes = block.Attributes.RemoveAt(j) }), Prediction = null };
            }
        }
        if (d.Prediction is not null) yield return d with { Prediction = null };
        if (d.Split != SplitStyle.None) yield return d with { Split = SplitStyle.None };
        if (d.Syntax != AttributeSyntax.Plain) yield return d with { Syntax = AttributeSyntax.Plain };
        if (d.PrimaryConstructor) yield return d with { PrimaryConstructor = false };
        if (d.Containers.Length > 0)
        {
            yield return d with { Containers = d.Containers.RemoveAt(0) };
            yield return d with { Containers = d.Containers.RemoveAt(d.Containers.Length - 1) };
        }
        if (d.TypeParameters.Length > 0) yield return d with { TypeParameters = ImmutableArray<string>.Empty, Constraints = "" };
        if (d.NetworkArguments.Length > 0) yield return d with { NetworkArguments = "" };
        if (d.Namespace != NamespaceStyle.Block) yield return d with { Namespace = NamespaceStyle.Block };
        if (d.NamespacePrefix.Source != "Fuzz") yield return d with { NamespacePrefix = new Identifier("Fuzz", "Fuzz") };
        if (d.Keyword != "class") yield return d with { Keyword = "class" };
        if (d.Modifiers.Length > 0) yield return d with { Modifiers = "" };
        if (d.Name.Source != "Net") yield return d with { Name = new Identifier("Net", "Net") };
    }

    private void Log(string line)
    {
        _output.WriteLine(line);
        Console.WriteLine(line);
    }
}
