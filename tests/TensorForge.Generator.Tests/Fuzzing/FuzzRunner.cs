using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Emit;
using TensorForge.Generator.Tests.Infrastructure;

namespace TensorForge.Generator.Tests.Fuzzing;

/// <summary>A declaration to check: its id in the batch (the <c>D0042</c> of its names), the seed it was generated from, and itself.</summary>
internal sealed record FuzzCase(int Id, string Seed, FuzzDeclaration Declaration);

/// <summary>A broken property: which case, and what went wrong.</summary>
internal sealed record FuzzFailure(FuzzCase Case, string Problem);

/// <summary>What happened to one declaration.</summary>
internal enum FuzzOutcome { Valid, Invalid, SkippedLarge, Broken, Failed }

/// <summary>Checks declarations the way a build does: the generator and the analyzer on one compilation of many declarations
/// (each in its own files and names, so every diagnostic and generated file is traced back to its declaration), then the
/// emitted assembly, where every valid network is constructed and run. The properties: no exception escapes the generator or
/// the analyzer; each declaration has TensorForge errors or compiles with no error and no warning; a valid network's Forward
/// returns finite values.</summary>
internal sealed class FuzzRunner
{
    /// <summary>Networks whose parameters (with gradients and optimizer state) or activations need more are counted, not run.</summary>
    public const long MemoryLimitBytes = 50L * 1024 * 1024;

    /// <summary>Above this bound on how much the activations can amplify a value (e.g. LeakyReLU(1e30) twice), overflow to
    /// infinity is arithmetic, not a bug: such networks run, but their outputs are not required to be finite.</summary>
    public const double FiniteGainLimit = 1e6;

    private static readonly Regex IdPattern = new Regex(@"D(\d{4})(?!\d)", RegexOptions.CultureInvariant);

    private readonly ConcurrentBag<FuzzFailure> _failures = new ConcurrentBag<FuzzFailure>();
    private int _valid, _invalid, _skipped, _broken, _unbounded;

    public IReadOnlyCollection<FuzzFailure> Failures => _failures;
    public int Valid => _valid;
    public int Invalid => _invalid;
    public int Skipped => _skipped;
    /// <summary>Declarations that are not valid C# (see <see cref="FuzzDeclaration.Broken"/>) and got errors without a crash.</summary>
    public int Broken => _broken;
    /// <summary>Valid networks that ran but whose activations may overflow, so finiteness was not asserted.</summary>
    public int Unbounded => _unbounded;

    /// <summary>Checks a batch in one compilation; if something cannot be traced to one declaration (a generator exception drops all
    /// output, a compilation error blocks the emit), checks each declaration of the batch alone.</summary>
    public void Run(IReadOnlyList<FuzzCase> batch)
    {
        var outcomes = new Dictionary<int, FuzzOutcome>();
        Dictionary<int, List<string>> problems = Check(batch, outcomes, out bool batchLevel);
        if (batchLevel && batch.Count > 1)
        {
            foreach (FuzzCase single in batch) Run(new[] { single });
            return;
        }
        foreach (FuzzCase c in batch)
        {
            if (problems[c.Id].Count > 0) { _failures.Add(new FuzzFailure(c, string.Join("\n", problems[c.Id]))); continue; }
            switch (outcomes.GetValueOrDefault(c.Id, FuzzOutcome.Failed))
            {
                case FuzzOutcome.Valid: Interlocked.Increment(ref _valid); break;
                case FuzzOutcome.Invalid: Interlocked.Increment(ref _invalid); break;
                case FuzzOutcome.SkippedLarge: Interlocked.Increment(ref _skipped); break;
                case FuzzOutcome.Broken: Interlocked.Increment(ref _broken); break;
                default: _failures.Add(new FuzzFailure(c, "no outcome recorded")); break;
            }
        }
    }

    /// <summary>The problems of a single declaration checked alone (empty when it passes), for shrinking and replays.</summary>
    public static IReadOnlyList<string> CheckAlone(FuzzCase single)
    {
        Dictionary<int, List<string>> problems = new FuzzRunner().Check(new[] { single }, new Dictionary<int, FuzzOutcome>(), out _);
        return problems.TryGetValue(single.Id, out List<string>? list) ? list : new List<string>();
    }

    private Dictionary<int, List<string>> Check(IReadOnlyList<FuzzCase> batch, Dictionary<int, FuzzOutcome> outcomes, out bool batchLevel)
    {
        batchLevel = false;
        var problems = batch.ToDictionary(c => c.Id, _ => new List<string>());
        var byPath = new Dictionary<string, int>(StringComparer.Ordinal);
        var sources = new List<string>();
        foreach (FuzzCase c in batch)
        {
            foreach ((string _, string text) in c.Declaration.Render(c.Id))
            {
                byPath[$"Source{sources.Count}.cs"] = c.Id; // TestCompilation names the trees Source0.cs, Source1.cs, …
                sources.Add(text);
            }
        }

        GeneratorResult result;
        try
        {
            long start = Stopwatch.GetTimestamp();
            result = GeneratorHarness.Run(sources.ToArray());
            Phases.Add("generator", start);
        }
        catch (Exception e)
        {
            foreach (FuzzCase c in batch) problems[c.Id].Add("the generator driver threw: " + e);
            batchLevel = true;
            return problems;
        }

        // 1. No exception escapes the generator (its output would be silently dropped: CS8785).
        foreach (GeneratorRunResult run in result.Driver.GetRunResult().Results)
        {
            if (run.Exception is not null)
            {
                foreach (FuzzCase c in batch) problems[c.Id].Add("generator exception: " + run.Exception);
                batchLevel = true;
            }
        }
        foreach (Diagnostic d in result.GeneratorDiagnostics)
        {
            foreach (FuzzCase c in batch) problems[c.Id].Add("generator diagnostic: " + d);
            batchLevel = true;
        }

        var generated = new Dictionary<int, string>();
        foreach (GeneratedSourceResult source in result.Driver.GetRunResult().Results.SelectMany(r => r.GeneratedSources))
        {
            Match match = IdPattern.Match(source.HintName);
            int id = match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
            if (!problems.ContainsKey(id))
            {
                foreach (FuzzCase c in batch) problems[c.Id].Add($"generated file '{source.HintName}' belongs to no declaration");
                batchLevel = true;
                continue;
            }
            if (generated.ContainsKey(id)) problems[id].Add($"two generated files for one class: '{source.HintName}'");
            generated[id] = source.SourceText.ToString();
            byPath[source.SyntaxTree.FilePath] = id;
        }

        // 2. No exception escapes the analyzer (AD0001). The compiler's diagnostics come from the same pass, which binds the
        //    compilation once for both (GeneratorResult.AllDiagnostics would bind it twice; this is the hot path of the run).
        var analyzerExceptions = new ConcurrentBag<string>();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (e, analyzer, diagnostic) => analyzerExceptions.Add(e + " / " + diagnostic),
            concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        long analyzerStart = Stopwatch.GetTimestamp();
        ImmutableArray<Diagnostic> diagnostics = result.Output
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkAnalyzer()), options)
            .GetAllDiagnosticsAsync().GetAwaiter().GetResult();
        Phases.Add("compiler and analyzer", analyzerStart);
        foreach (string e in analyzerExceptions)
        {
            foreach (FuzzCase c in batch) problems[c.Id].Add("analyzer exception: " + e);
            batchLevel = true;
        }

        // 3. Each declaration: TF errors, or no error and no warning at all (TF warnings such as TF1003 allowed).
        var tfErrors = new HashSet<int>();
        var csErrors = new HashSet<int>();
        var broken = batch.Where(c => c.Declaration.Broken is not null).Select(c => c.Id).ToHashSet();
        foreach (Diagnostic d in diagnostics)
        {
            if (d.Severity < DiagnosticSeverity.Warning) continue;
            string? path = d.Location.SourceTree?.FilePath ?? (d.Location.Kind == LocationKind.ExternalFile ? d.Location.GetLineSpan().Path : null);
            if (path is null || !byPath.TryGetValue(path, out int id))
            {
                foreach (FuzzCase c in batch) problems[c.Id].Add("diagnostic with no declaration: " + d);
                batchLevel = true;
                continue;
            }
            bool ours = d.Id.StartsWith("TF", StringComparison.Ordinal);
            if (ours && d.Severity == DiagnosticSeverity.Error) tfErrors.Add(id);
            else if (broken.Contains(id) && d.Id != "AD0001")
            {
                if (d.Severity == DiagnosticSeverity.Error) csErrors.Add(id); // expected: the declaration is not valid C#
            }
            else if (!ours)
            {
                problems[id].Add((d.Id == "AD0001" ? "analyzer exception: " : "compiler diagnostic: ") + d + Excerpt(d));
                if (d.Severity == DiagnosticSeverity.Error) batchLevel = true; // blocks the emit of the whole batch
            }
        }

        var valid = new List<FuzzCase>();
        foreach (FuzzCase c in batch)
        {
            bool hasOutput = generated.TryGetValue(c.Id, out string? text);
            bool emittedInvalid = hasOutput && text!.Contains("is not a valid TensorForge network", StringComparison.Ordinal);
            if (broken.Contains(c.Id))
            {
                if (!tfErrors.Contains(c.Id) && !csErrors.Contains(c.Id)) problems[c.Id].Add($"'{c.Declaration.Broken}' is not valid C#, yet no error was reported");
                outcomes[c.Id] = FuzzOutcome.Broken;
            }
            else if (tfErrors.Contains(c.Id))
            {
                if (hasOutput && !emittedInvalid) problems[c.Id].Add("TF errors were reported, yet a working network was generated");
                outcomes[c.Id] = FuzzOutcome.Invalid;
            }
            else if (!hasOutput || emittedInvalid)
            {
                problems[c.Id].Add(hasOutput ? "no TF error, yet the throwing (invalid) members were generated" : "no TF error, yet nothing was generated");
            }
            else if (problems[c.Id].Count == 0)
            {
                valid.Add(c);
            }
        }
        if (batchLevel || valid.Count == 0 || broken.Count > 0) return problems;

        // 4. Every valid network runs: construct it, Forward a random batch of 1–3, expect finite values.
        RunNetworks(result.Output, valid, problems, outcomes);
        return problems;
    }

    private static string Excerpt(Diagnostic d)
    {
        if (d.Location.SourceTree is not { } tree) return "";
        string line = tree.GetText().Lines.GetLineFromPosition(d.Location.SourceSpan.Start).ToString().Trim();
        return "\n        at: " + line;
    }

    private void RunNetworks(Compilation compilation, List<FuzzCase> valid, Dictionary<int, List<string>> problems, Dictionary<int, FuzzOutcome> outcomes)
    {
        using var stream = new MemoryStream();
        long emitStart = Stopwatch.GetTimestamp();
        EmitResult emitted = compilation.Emit(stream);
        Phases.Add("emit", emitStart);
        if (!emitted.Success)
        {
            foreach (FuzzCase c in valid) problems[c.Id].Add("emit failed: " + TestCompilation.Describe(emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
            return;
        }
        stream.Position = 0;
        var context = new SharedRuntimeLoadContext();
        try
        {
            long runStart = Stopwatch.GetTimestamp();
            Assembly assembly = context.LoadFromStream(stream);
            foreach (FuzzCase c in valid)
            {
                try
                {
                    FuzzOutcome outcome = RunNetwork(assembly, c, out string? problem);
                    if (problem is not null) problems[c.Id].Add(problem);
                    else outcomes[c.Id] = outcome;
                }
                catch (Exception e)
                {
                    problems[c.Id].Add("running the network threw: " + (e is TargetInvocationException { InnerException: { } inner } ? inner : e));
                }
            }
            Phases.Add("run", runStart);
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>Where the time goes, summed over threads (so it can exceed the wall time).</summary>
    public PhaseTimes Phases { get; } = new PhaseTimes();

    private FuzzOutcome RunNetwork(Assembly assembly, FuzzCase c, out string? problem)
    {
        problem = null;
        FuzzDeclaration declaration = c.Declaration;
        Type? type = assembly.GetType(declaration.MetadataName(c.Id));
        if (type is null) { problem = $"type '{declaration.MetadataName(c.Id)}' not found in the emitted assembly"; return FuzzOutcome.Failed; }
        if (declaration.GenericArity > 0) type = type.MakeGenericType(Enumerable.Repeat(typeof(int), declaration.GenericArity).ToArray());

        // Decide before constructing (the constructor allocates the parameters).
        long parameters = Convert.ToInt64(type.GetField("ParameterCount")!.GetValue(null), System.Globalization.CultureInfo.InvariantCulture);
        long inputSize = Convert.ToInt64(type.GetField("InputSize")!.GetValue(null), System.Globalization.CultureInfo.InvariantCulture);
        long outputSize = Convert.ToInt64(type.GetField("OutputSize")!.GetValue(null), System.Globalization.CultureInfo.InvariantCulture);
        long widest = Math.Max(Math.Max(inputSize, outputSize), declaration.MaxElements);
        const int maxBatch = 3;
        long parameterBytes = parameters * sizeof(float) * 4; // parameters, gradients, two moments
        long activationBytes = widest * (declaration.LayerCount + 3) * maxBatch * sizeof(float) * 2;
        if (parameterBytes > MemoryLimitBytes || activationBytes > MemoryLimitBytes) return FuzzOutcome.SkippedLarge;

        object instance = Activator.CreateInstance(type)!;
        if (instance is not INetwork network)
        {
            problem = $"{type} does not implement TensorForge.INetwork of the loaded runtime (is the runtime assembly loaded twice?)";
            return FuzzOutcome.Failed;
        }
        if (network.InputSize != inputSize || network.OutputSize != outputSize || network.ParameterCount != parameters || network.Parameters.Length != parameters)
        {
            problem = $"INetwork sizes ({network.InputSize}, {network.OutputSize}, {network.ParameterCount}) disagree with the constants ({inputSize}, {outputSize}, {parameters})";
            return FuzzOutcome.Failed;
        }

        var random = new Random(StableHash(c.Seed));
        int batch = random.Next(1, maxBatch + 1);
        var input = new float[batch * inputSize];
        for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 2 - 1);
        var output = new float[batch * outputSize];
        output.AsSpan().Fill(float.NaN); // every element must be written
        network.Forward(input, output);
        if (declaration.Gain > FiniteGainLimit)
        {
            Interlocked.Increment(ref _unbounded);
            return FuzzOutcome.Valid;
        }
        int bad = Array.FindIndex(output, v => !float.IsFinite(v));
        if (bad >= 0) { problem = $"Forward with batch {batch} returned {output[bad]} at output[{bad}] of {output.Length}"; return FuzzOutcome.Valid; }
        problem = SaveLoadAndTrain(type, network, input, output, batch, random);
        return FuzzOutcome.Valid;
    }

    /// <summary>The rest of the contract on the same network: Save then Load into a differently seeded twin gives the same
    /// parameters and outputs; a trainable network's ForwardTrain/Backward give finite outputs and gradients, and a
    /// TrainStep on random targets returns a finite loss. Returns the first problem, or null.</summary>
    private static string? SaveLoadAndTrain(Type type, INetwork network, float[] input, float[] output, int batch, Random random)
    {
        using (var stream = new MemoryStream())
        {
            network.Save(stream);
            stream.Position = 0;
            var twin = (INetwork)Activator.CreateInstance(type, 12345)!;
            twin.Load(stream);
            if (!twin.Parameters.SequenceEqual(network.Parameters)) return "Load(Save()) into a new instance did not restore the parameters";
            var twinOutput = new float[output.Length];
            twin.Forward(input, twinOutput);
            if (!twinOutput.AsSpan().SequenceEqual(output)) return "a loaded twin's Forward differs from the original's";
        }
        if (network is not ITrainableNetwork trainable) return null;

        var trainOutput = new float[output.Length];
        trainable.ForwardTrain(input, trainOutput);
        int bad = Array.FindIndex(trainOutput, v => !float.IsFinite(v));
        if (bad >= 0) return $"ForwardTrain with batch {batch} returned {trainOutput[bad]} at output[{bad}]";
        var outputGradient = new float[output.Length];
        for (int i = 0; i < outputGradient.Length; i++) outputGradient[i] = (float)(random.NextDouble() * 2 - 1);
        var inputGradient = new float[input.Length];
        trainable.ZeroGradients();
        trainable.Backward(outputGradient, inputGradient);
        bad = Array.FindIndex(inputGradient, v => !float.IsFinite(v));
        if (bad >= 0) return $"Backward wrote {inputGradient[bad]} at inputGradient[{bad}]";
        float[] gradients = trainable.Gradients.ToArray();
        bad = Array.FindIndex(gradients, v => !float.IsFinite(v));
        if (bad >= 0) return $"Backward wrote {gradients[bad]} at Gradients[{bad}]";

        if (trainable is ISupervisedNetwork supervised)
        {
            var targets = new float[output.Length];
            for (int i = 0; i < targets.Length; i++) targets[i] = (float)random.NextDouble();
            float loss = supervised.TrainStep(input, targets);
            if (!float.IsFinite(loss)) return $"TrainStep on random targets in [0, 1) returned the loss {loss}";
        }
        return null;
    }

    /// <summary>string.GetHashCode is randomised per process; the run must not be.</summary>
    private static int StableHash(string text)
    {
        unchecked
        {
            int hash = (int)2166136261;
            foreach (char ch in text) hash = (hash ^ ch) * 16777619;
            return hash;
        }
    }

    /// <summary>A collectible context for one emitted batch in which TensorForge.Runtime (and .Attributes) resolve to the
    /// assemblies the test already loaded, so the networks implement the very INetwork the test casts to.</summary>
    private sealed class SharedRuntimeLoadContext : AssemblyLoadContext
    {
        private static readonly Assembly[] Shared = { typeof(INetwork).Assembly, typeof(NetworkAttribute).Assembly };

        public SharedRuntimeLoadContext() : base("GeneratorFuzz", isCollectible: true) { }

        protected override Assembly? Load(AssemblyName name)
            => Shared.FirstOrDefault(a => AssemblyName.ReferenceMatchesDefinition(name, a.GetName()));
    }
}

/// <summary>Seconds per phase, summed over batches and threads.</summary>
internal sealed class PhaseTimes
{
    private readonly ConcurrentDictionary<string, long> _ticks = new ConcurrentDictionary<string, long>();

    public void Add(string phase, long start)
    {
        long elapsed = Stopwatch.GetTimestamp() - start;
        _ticks.AddOrUpdate(phase, elapsed, (_, total) => total + elapsed);
    }

    public override string ToString()
        => string.Join(", ", _ticks.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {(double)p.Value / Stopwatch.Frequency:0.0} s"));
}
