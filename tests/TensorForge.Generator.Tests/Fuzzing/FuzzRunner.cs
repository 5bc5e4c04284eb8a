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
    /// infinity is arithmetic, not a bug: such networks run, but their outputs are not required to be finite. The same bound
    /// applies to gradients (a batch norm with ε = 1e-30 divides a constant channel's gradient by 1e-15).</summary>
    public const double FiniteGainLimit = 1e6;

    /// <summary>Networks whose forward pass costs more multiply-accumulates per sample (convolutions, dense layers, pooling windows,
    /// from the generated Summary) are counted, not run: each network runs about ten forward passes' worth on up to 3 samples.</summary>
    public const long WorkLimit = 4_000_000;

    private static readonly Regex IdPattern = new Regex(@"D(\d{4})(?!\d)", RegexOptions.CultureInvariant);

    private readonly ConcurrentBag<FuzzFailure> _failures = new ConcurrentBag<FuzzFailure>();
    private readonly ConcurrentBag<int> _validIds = new ConcurrentBag<int>();
    private readonly ConcurrentDictionary<string, int> _errorIds = new ConcurrentDictionary<string, int>();
    private int _valid, _invalid, _skipped, _broken, _unbounded, _predictedValid, _predictedInvalid;

    public IReadOnlyCollection<FuzzFailure> Failures => _failures;
    public int Valid => _valid;
    public int Invalid => _invalid;
    public int Skipped => _skipped;
    /// <summary>Declarations that are not valid C# (see <see cref="FuzzDeclaration.Broken"/>) and got errors without a crash.</summary>
    public int Broken => _broken;
    /// <summary>Valid networks that ran but whose activations or gradients may overflow, so finiteness was not asserted.</summary>
    public int Unbounded => _unbounded;
    /// <summary>How many invalid declarations reported each TF error id (a declaration counts once per id).</summary>
    public IReadOnlyDictionary<string, int> ErrorIds => _errorIds;
    /// <summary>Ids of the declarations that were valid (run or skipped as large).</summary>
    public IReadOnlyCollection<int> ValidIds => _validIds;
    /// <summary>Declarations on which the shape model's prediction (valid with its sizes, or invalid) was checked and held.</summary>
    public int PredictedValid => _predictedValid;
    public int PredictedInvalid => _predictedInvalid;

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
            FuzzOutcome outcome = outcomes.GetValueOrDefault(c.Id, FuzzOutcome.Failed);
            if (c.Declaration.Prediction is { } prediction && outcome is FuzzOutcome.Valid or FuzzOutcome.Invalid or FuzzOutcome.SkippedLarge)
            {
                Interlocked.Increment(ref prediction.Valid ? ref _predictedValid : ref _predictedInvalid);
            }
            if (outcome is FuzzOutcome.Valid or FuzzOutcome.SkippedLarge) _validIds.Add(c.Id);
            switch (outcome)
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
        var tfMessages = new Dictionary<int, List<string>>();
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
            if (ours && d.Severity == DiagnosticSeverity.Error)
            {
                tfErrors.Add(id);
                if (!tfMessages.TryGetValue(id, out List<string>? messages)) tfMessages[id] = messages = new List<string>();
                messages.Add(d.Id + ": " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
            }
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
                if (c.Declaration.Prediction is { Valid: true } p)
                {
                    problems[c.Id].Add($"the shape model expected a valid network (output {p.OutputShape}, {p.ParameterCount} parameters), but the generator reported:\n    "
                        + string.Join("\n    ", tfMessages[c.Id].Distinct()));
                }
                foreach (string errorId in tfMessages[c.Id].Select(m => m.Substring(0, m.IndexOf(':'))).Distinct()) _errorIds.AddOrUpdate(errorId, 1, (_, n) => n + 1);
                outcomes[c.Id] = FuzzOutcome.Invalid;
            }
            else if (!hasOutput || emittedInvalid)
            {
                problems[c.Id].Add(hasOutput ? "no TF error, yet the throwing (invalid) members were generated" : "no TF error, yet nothing was generated");
            }
            else if (c.Declaration.Prediction is { Valid: false } p)
            {
                problems[c.Id].Add($"the shape model expected a TF error ({p.Reason}), but the generator accepted the network");
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

        // The static fields (kernel geometries) are built and checked by the runtime: a network the generator accepted must
        // load, however large. Cheap: no parameter is allocated.
        try
        {
            System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(type.TypeHandle);
        }
        catch (TypeInitializationException e)
        {
            problem = "the generated static fields threw (the runtime rejects a layer the generator accepted): " + (e.InnerException ?? e);
            return FuzzOutcome.Failed;
        }

        // Decide before constructing (the constructor allocates the parameters).
        long parameters = Convert.ToInt64(type.GetField("ParameterCount")!.GetValue(null), System.Globalization.CultureInfo.InvariantCulture);
        long inputSize = Convert.ToInt64(type.GetField("InputSize")!.GetValue(null), System.Globalization.CultureInfo.InvariantCulture);
        long outputSize = Convert.ToInt64(type.GetField("OutputSize")!.GetValue(null), System.Globalization.CultureInfo.InvariantCulture);
        if (declaration.Prediction is { Valid: true } prediction
            && (prediction.InputSize != inputSize || prediction.OutputSize != outputSize || prediction.ParameterCount != parameters))
        {
            problem = $"the shape model expected input {prediction.InputSize}, output {prediction.OutputSize} {prediction.OutputShape} and {prediction.ParameterCount} parameters; "
                + $"the generated network has {inputSize}, {outputSize} and {parameters}";
            return FuzzOutcome.Failed;
        }
        SummaryCost cost = SummaryCost.Parse((string)type.GetProperty("Summary")!.GetValue(null)!);
        long widest = Math.Max(Math.Max(inputSize, outputSize), declaration.MaxElements);
        const int maxBatch = 3;
        long parameterBytes = parameters * sizeof(float) * 4; // parameters, gradients, two moments
        // Each layer's output, its gradient and a scratch buffer or two, or (when the summary could not be read) the widest layer per layer.
        long activationBytes = Math.Max(widest * (declaration.LayerCount + 3) * 2, (cost.Activations + inputSize) * 4) * maxBatch * sizeof(float);
        if (parameterBytes > MemoryLimitBytes || activationBytes > MemoryLimitBytes || cost.Work > WorkLimit) return FuzzOutcome.SkippedLarge;

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
        // A token network (an Embedding reads the input) takes whole token ids below its Vocabulary.
        int vocabulary = type.GetField("Vocabulary") is { } field ? Convert.ToInt32(field.GetValue(null), System.Globalization.CultureInfo.InvariantCulture) : 0;
        float[] input = RandomInput(random, batch * inputSize, vocabulary);
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
        bool finiteGradients = declaration.BackwardGain <= FiniteGainLimit;
        if (!finiteGradients) Interlocked.Increment(ref _unbounded);
        problem = SaveLoadAndTrain(type, network, input, output, batch, cost, inputSize, outputSize, finiteGradients, random, vocabulary);
        return FuzzOutcome.Valid;
    }

    private static float[] RandomInput(Random random, long length, int vocabulary)
    {
        var input = new float[length];
        for (int i = 0; i < input.Length; i++) input[i] = vocabulary > 0 ? random.Next(vocabulary) : (float)(random.NextDouble() * 2 - 1);
        return input;
    }

    /// <summary>Bit for bit (NaN payloads and the sign of zero included).</summary>
    private static bool SameBits(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        => System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(a).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(b));

    /// <summary>The rest of the contract on the same network: Save then Load into a differently seeded twin gives the same
    /// parameters and outputs; a trainable network's ForwardTrain/Backward give finite outputs and gradients (on at least
    /// <paramref name="minimumTrainingBatch"/> samples; fewer must throw ArgumentException), a TrainStep on random targets
    /// returns a finite loss, and after training a saved and loaded twin computes the same outputs (buffers such as batch-norm
    /// running statistics included). Returns the first problem, or null.</summary>
    private string? SaveLoadAndTrain(Type type, INetwork network, float[] input, float[] output, int batch, SummaryCost cost,
        long inputSize, long outputSize, bool finiteGradients, Random random, int vocabulary)
    {
        int minimumTrainingBatch = cost.MinimumTrainingBatch;
        string? twinProblem = CompareTwin(type, network, input, output, "");
        if (twinProblem is not null) return twinProblem;
        if (network is not ITrainableNetwork trainable) return null;

        if (batch < minimumTrainingBatch)
        {
            // Training mode needs a variance per channel (PyTorch raises "Expected more than 1 value per channel when training").
            try
            {
                trainable.ForwardTrain(input, new float[output.Length]);
                return $"ForwardTrain with batch {batch} did not throw, though a batch norm normalises over 1 value per channel";
            }
            catch (ArgumentException)
            {
            }
            batch = minimumTrainingBatch;
            input = RandomInput(random, batch * inputSize, vocabulary);
            output = new float[batch * outputSize];
        }

        var trainOutput = new float[output.Length];
        trainable.ForwardTrain(input, trainOutput);
        int bad = Array.FindIndex(trainOutput, v => !float.IsFinite(v));
        if (bad >= 0) return $"ForwardTrain with batch {batch} returned {trainOutput[bad]} at output[{bad}]";
        var outputGradient = new float[output.Length];
        for (int i = 0; i < outputGradient.Length; i++) outputGradient[i] = (float)(random.NextDouble() * 2 - 1);
        // Token ids have no gradient: a token network's Backward takes an empty input gradient.
        var inputGradient = vocabulary > 0 ? Array.Empty<float>() : new float[input.Length];
        trainable.ZeroGradients();
        trainable.Backward(outputGradient, inputGradient);
        if (finiteGradients)
        {
            bad = Array.FindIndex(inputGradient, v => !float.IsFinite(v));
            if (bad >= 0) return $"Backward wrote {inputGradient[bad]} at inputGradient[{bad}]";
            float[] gradients = trainable.Gradients.ToArray();
            bad = Array.FindIndex(gradients, v => !float.IsFinite(v));
            if (bad >= 0) return $"Backward wrote {gradients[bad]} at Gradients[{bad}]";
            if (cost.Smooth && network.ParameterCount <= GradientCheckParameterLimit)
            {
                string? wrong = CheckGradients(trainable, input, outputGradient, inputGradient, gradients, random);
                if (wrong is not null) return wrong;
                Interlocked.Increment(ref _gradientChecked);
            }
        }

        if (trainable is ISupervisedNetwork supervised)
        {
            var targets = new float[output.Length];
            for (int i = 0; i < targets.Length; i++) targets[i] = (float)random.NextDouble();
            float loss = supervised.TrainStep(input, targets);
            if (finiteGradients && !float.IsFinite(loss)) return $"TrainStep on random targets in [0, 1) returned the loss {loss}";
        }

        // Training moved the running statistics (and, with TrainStep, the parameters): a twin loaded from a save must agree.
        var trained = new float[output.Length];
        network.Forward(input, trained);
        return CompareTwin(type, network, input, trained, " after training");
    }

    /// <summary>Networks up to this many parameters, whose every layer is smooth, get their Backward checked by differences.</summary>
    public const int GradientCheckParameterLimit = 20_000;

    private int _gradientChecked;

    /// <summary>Smooth valid networks whose gradients were checked by central differences.</summary>
    public int GradientChecked => _gradientChecked;

    /// <summary>Backward against central differences of L = Σ output·outputGradient (training mode), on four random parameters and
    /// three random inputs. Each derivative is estimated with steps h and h/2: when the two disagree the function is not smooth
    /// enough there (a batch norm over two nearly equal values) and the coordinate is skipped; when they agree with each other
    /// but not with Backward, the gradient is wrong.</summary>
    private static string? CheckGradients(ITrainableNetwork network, float[] input, float[] outputGradient, float[] inputGradient, float[] gradients, Random random)
    {
        var output = new float[outputGradient.Length];
        double Loss()
        {
            network.ForwardTrain(input, output);
            double sum = 0;
            for (int i = 0; i < output.Length; i++) sum += (double)output[i] * outputGradient[i];
            return sum;
        }
        double scale = 1 + Math.Abs(Loss());
        string? Compare(string what, float[] values, int index, float analytic, Func<float, float> set)
        {
            double Estimate(float step)
            {
                float original = values[index];
                float up = original + step, down = original - step;
                set(up);
                double plus = Loss();
                set(down);
                double minus = Loss();
                set(original);
                return (plus - minus) / ((double)up - down);
            }
            double coarse = Estimate(1e-2f), fine = Estimate(5e-3f);
            if (Math.Abs(coarse - fine) > 0.02 * (Math.Abs(coarse) + Math.Abs(fine)) + 1e-3 * scale) return null; // not smooth enough here
            if (Math.Abs(fine - analytic) <= 0.05 * (Math.Abs(fine) + Math.Abs(analytic)) + 2e-3 * scale) return null;
            return $"Backward's derivative of Σ output·outputGradient by {what} is {analytic}, but central differences give {fine} (h = 5e-3) and {coarse} (h = 1e-2)";
        }

        Span<float> parameters = network.Parameters;
        float[] copy = parameters.ToArray();
        for (int k = 0; k < 4 && copy.Length > 0; k++)
        {
            int j = random.Next(copy.Length);
            string? problem = Compare($"Parameters[{j}]", copy, j, gradients[j], v => { copy[j] = v; network.Parameters[j] = v; return v; });
            if (problem is not null) return problem;
        }
        for (int k = 0; k < 3 && inputGradient.Length > 0; k++)
        {
            int j = random.Next(input.Length);
            string? problem = Compare($"input[{j}]", input, j, inputGradient[j], v => input[j] = v);
            if (problem is not null) return problem;
        }
        return null;
    }

    private static string? CompareTwin(Type type, INetwork network, float[] input, float[] output, string when)
    {
        using var stream = new MemoryStream();
        network.Save(stream);
        stream.Position = 0;
        var twin = (INetwork)Activator.CreateInstance(type, 12345)!;
        twin.Load(stream);
        if (!SameBits(twin.Parameters, network.Parameters)) return $"Load(Save()){when} into a new instance did not restore the parameters";
        var twinOutput = new float[output.Length];
        twin.Forward(input, twinOutput);
        if (!SameBits(twinOutput, output)) return $"a loaded twin's Forward{when} differs from the original's";
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

/// <summary>What a network's generated Summary says it costs per sample: multiply-accumulates plus pooling windows and element-wise
/// work, the floats of all layer outputs, and the smallest batch training accepts (a batch norm over one value per channel needs 2).</summary>
internal sealed record SummaryCost(long Work, long Activations, int MinimumTrainingBatch, bool Smooth = false)
{
    private static readonly Regex Row = new Regex(@"^(?<name>\S+)\s+(?<kind>.+?)\s+\[(?<shape>[0-9, ]*)\]\s+(?<parameters>[0-9,]+)\s+(?<macs>[0-9,]+)$",
        RegexOptions.CultureInvariant | RegexOptions.Multiline);
    private static readonly Regex Window = new Regex(@"Pool2D (?<h>\d+)×(?<w>\d+)", RegexOptions.CultureInvariant);

    public static SummaryCost Parse(string summary)
    {
        long work = 0, activations = 0;
        int minimum = 1;
        bool smooth = true;
        foreach (Match row in Row.Matches(summary.Replace("\r", "", StringComparison.Ordinal)))
        {
            long[] shape = row.Groups["shape"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(d => long.Parse(d, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            long size = shape.Aggregate(1L, (a, d) => Math.Min(a * d, 1L << 40));
            string kind = row.Groups["kind"].Value;
            long macs = long.Parse(row.Groups["macs"].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
            Match window = Window.Match(kind);
            long perOutput = window.Success ? long.Parse(window.Groups["h"].Value, System.Globalization.CultureInfo.InvariantCulture) * long.Parse(window.Groups["w"].Value, System.Globalization.CultureInfo.InvariantCulture) : 1;
            work = Math.Min(work + macs + size * perOutput, 1L << 50);
            activations = Math.Min(activations + size, 1L << 40);
            if (kind.StartsWith("BatchNorm", StringComparison.Ordinal) && shape.Skip(1).Aggregate(1L, (a, d) => a * d) == 1) minimum = 2;
            // Kinks (ReLU, LeakyReLU, max pooling) and random draws (dropout masks, also an attention's "dropout 0.1", the VAE's ε)
            // defeat difference quotients.
            if (kind.Contains("ReLU", StringComparison.Ordinal) || kind.Contains("MaxPool", StringComparison.Ordinal) || kind.Contains("Dropout", StringComparison.OrdinalIgnoreCase)
                || kind.StartsWith("Reparameterize", StringComparison.Ordinal)) smooth = false;
        }
        return new SummaryCost(work, activations, minimum, smooth);
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
