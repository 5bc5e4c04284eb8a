using System.Collections.Immutable;
using System.Globalization;
using CsCheck;

namespace TensorForge.Generator.Tests.Fuzzing;

// WHENEVER A NEW LAYER KIND IS ADDED TO src/Generator/Layers/LayerRegistry.cs, ADD IT TO `LayerGenerators` BELOW, with its
// arguments' valid and invalid values. FuzzCoverageTests fails while LayerRegistry.Kinds has a kind this file does not generate.

/// <summary>CsCheck generators of random network declarations. Each attribute is "sane" (drawn from values a user would write, so
/// that many networks are valid and get run) or "wild" (sizes 0, negative, 1 and huge; NaN and infinite floats; missing, repeated or
/// misplaced [Input]; unknown, duplicated and weird names; undefined enum casts; any optimizer/schedule combination).
/// Class shapes: file-scoped, block or no namespace; nested in partial and non-partial classes, structs, records and
/// interfaces; generic; records; static and non-partial classes; attributes split across two partial declarations.</summary>
internal static class DeclarationGenerator
{
    /// <summary>One generator per layer kind of <c>LayerRegistry</c>; the flag asks for wild arguments.</summary>
    public static readonly IReadOnlyDictionary<string, Func<bool, Gen<FuzzAttribute>>> LayerGenerators =
        new Dictionary<string, Func<bool, Gen<FuzzAttribute>>>
        {
            ["Dense"] = Dense,
            ["Flatten"] = wild => Plain("Flatten", wild),
            ["Dropout"] = Dropout,
            ["ReLU"] = wild => Plain("ReLU", wild),
            ["LeakyReLU"] = LeakyReLU,
            ["Sigmoid"] = wild => Plain("Sigmoid", wild),
            ["Tanh"] = wild => Plain("Tanh", wild),
            ["Gelu"] = wild => Plain("Gelu", wild),
            ["Softmax"] = wild => Plain("Softmax", wild),
            ["Conv2D"] = Conv2D,
            ["MaxPool2D"] = wild => Pool("MaxPool2D", wild),
            ["AvgPool2D"] = wild => Pool("AvgPool2D", wild),
            ["GlobalAvgPool"] = wild => Plain("GlobalAvgPool", wild),
            ["BatchNorm"] = BatchNorm,
            ["Add"] = wild => Merge("Add", wild),
            ["Concat"] = wild => Merge("Concat", wild),
            ["Embedding"] = Embedding,
            ["Rnn"] = wild => Recurrent("Rnn", wild),
            ["Lstm"] = wild => Recurrent("Lstm", wild),
            ["Gru"] = wild => Recurrent("Gru", wild),
            ["LastStep"] = wild => Plain("LastStep", wild),
            ["MeanOverTime"] = wild => Plain("MeanOverTime", wild),
            ["LayerNorm"] = LayerNorm,
            ["PositionalEncoding"] = PositionalEncoding,
            ["MultiHeadAttention"] = MultiHeadAttention,
            ["ConvTranspose2D"] = ConvTranspose2D,
            ["Upsample"] = Upsample,
            ["Unflatten"] = Unflatten,
            ["Reparameterize"] = wild => Plain("Reparameterize", wild),
            ["AdditiveAttention"] = AdditiveAttention,
            // Not in LayerRegistry: the generator expands it into its submodules (BlockExpansion).
            ["TransformerEncoderLayer"] = TransformerEncoderLayer,
        };

    /// <summary>Layer kinds the generator knows that LayerRegistry does not list, because they are expanded into other layers.</summary>
    public static readonly IReadOnlyList<string> ExpandedKinds = new[] { "TransformerEncoderLayer" };

    /// <summary>Percent of declarations built layer by layer from the shapes (<see cref="GraphNetworkBuilder"/>: image networks,
    /// graphs, blocks); the rest are chains of context-free random layers, mostly vectors.</summary>
    public const int StructuredPercent = 45;

    /// <summary>Percent of declarations that are valid sequence networks (<see cref="SequenceNetworkBuilder"/>).</summary>
    public const int SequencePercent = 10;

    /// <summary>A declaration whose attributes are wild with probability 0, 5, 20 or 100 % each: a mostly sane network with one
    /// edge value is more telling (and more often valid, so it runs) than one that is wrong everywhere.</summary>
    public static readonly Gen<FuzzDeclaration> Declaration =
        from percent in Gen.OneOf(0, 5, 20, 100)
        from structured in Gen.Int[0, 99]
        from declaration in structured < StructuredPercent ? StructuredDeclarationOf(percent)
            : structured < StructuredPercent + SequencePercent ? SequenceDeclarationOf() : DeclarationOf(percent)
        from primary in Gen.Frequency((95, (IGen<bool>)Gen.Const(false)), (5, Gen.Const(true)))
        from broken in Gen.Frequency((96, (IGen<string?>)Gen.Const((string?)null)), (4, Gen.OneOf(FuzzDeclaration.BrokenVariants.Cast<string?>().ToArray())))
        let withPrimary = primary && !declaration.Modifiers.Contains("static") ? declaration with { PrimaryConstructor = true, Prediction = null } : declaration
        select broken is null ? withPrimary : withPrimary with { Broken = broken, Modifiers = declaration.Modifiers.Replace("static", "").Replace("sealed", "").Trim(), Prediction = null };

    /// <summary>The sane generator, or with <paramref name="percent"/> % probability the wild one.</summary>
    private static Gen<T> Mixed<T>(int percent, Func<bool, Gen<T>> generator) => percent switch
    {
        0 => generator(false),
        100 => generator(true),
        _ => Gen.Frequency((100 - percent, (IGen<T>)generator(false)), (percent, generator(true))),
    };

    // ---- values ---------------------------------------------------------------------------------------

    private static readonly Gen<int> SaneSize = Gen.Frequency((85, (IGen<int>)Gen.Int[1, 24]), (15, Gen.Int[25, 300]));

    private static readonly Gen<int> WildSize = Gen.Frequency(
        (45, (IGen<int>)Gen.Int[1, 16]),
        (12, Gen.OneOf(0, -1, -7, int.MinValue)),
        (10, Gen.Const(1)),
        (13, Gen.OneOf(int.MaxValue, 1 << 20, 46341, 46340, 65536, 100_000, (1 << 16) + 1, 1 << 24)),
        (20, Gen.Int[17, 3000]));

    private static Gen<int> Size(bool wild) => wild ? WildSize : SaneSize;

    private static readonly Gen<float> SpecialFloat = Gen.OneOf(
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, -1f, -0f, 0f, 1f, 2f, float.MaxValue, float.MinValue,
        float.Epsilon, 1e30f, -1e-30f, 0.5f, 1e-8f, 0.999999f, 1.000001f);

    private static Gen<float> FloatOf(bool wild, params float[] sane)
        => wild ? Gen.Frequency((1, (IGen<float>)Gen.OneOf(sane)), (2, SpecialFloat)) : Gen.OneOf(sane);

    /// <summary>Names on the edge of the rule (1–128 of letters, digits, '_', '.', '-'): valid ones that look odd, and invalid
    /// ones that a careless check lets through, such as a trailing newline (which a regex's <c>$</c> accepts).</summary>
    public static readonly ImmutableArray<string> BorderlineNames = ImmutableArray.Create(
        "fc1\n", "a\n", "fc1\r\n", "fc1\r", "fc1 ", " fc1", "fc1\u0085", "fc1\u2028", new string('a', 128), new string('b', 129),
        "a.b-c_d", ".", "-", "..", "_", "0", "fc1.weight", "Dense1", "DENSE1");

    /// <summary>Plainly invalid names: empty, spaces, quotes, unicode, newlines, 200 characters, XML and comment delimiters.</summary>
    public static readonly ImmutableArray<string> WeirdNames = ImmutableArray.Create(
        "", " ", "a b", "fc\"1", "back\\slash", "ünïcødé", "网络", "line\nbreak", "\n", "\r", new string('a', 200), "\t",
        "<b>&amp;</b>", "*/", "// c", "{0}", "\0", "{", "\\u0041", "😀", "\"); Evil(\"");

    private static Gen<string?> Name(bool wild) => wild
        ? Gen.Frequency(
            (40, (IGen<string?>)Gen.Const((string?)null)),
            (15, Gen.OneOf<string?>("fc1", "fc2", "dense1", "dense2", "relu1", "x", "flatten1")),
            (25, Gen.OneOf<string?>(BorderlineNames.Cast<string?>().ToArray())),
            (20, Gen.OneOf<string?>(WeirdNames.Cast<string?>().ToArray())))
        : Gen.Frequency(
            (85, (IGen<string?>)Gen.Const((string?)null)),
            (15, Gen.Int[1, 999].Select(i => (string?)("layer_" + i.ToString(CultureInfo.InvariantCulture)))));

    private static string NameArgument(string? name) => name is null ? "" : "Name = " + FuzzDeclaration.String(name);

    /// <summary>Names a reference may use: earlier layers' default names, "input", unknown, misspelled and weird names, null.</summary>
    private static Gen<string> Reference(bool wild) => wild
        ? Gen.Frequency(
            (30, (IGen<string>)Gen.OneOf("input", "dense1", "dense2", "relu1", "flatten1", "fc1", "layer_1", "conv2d1", "batchnorm1", "add1")),
            (20, Gen.OneOf("Input", "nope", "dense0", "dense99", "fc1.weight", "layer1.conv1")),
            (40, Gen.OneOf(WeirdNames.Concat(BorderlineNames).ToArray())),
            (10, Gen.Const(LayerSpec.NullLiteral)))
        : Gen.OneOf("input", "input", "dense1", "dense2", "relu1", "flatten1");

    /// <summary>A From argument on any layer, now and then.</summary>
    private static Gen<string> FromArgument(bool wild) =>
        Gen.Frequency((wild ? 88 : 97, (IGen<string>)Gen.Const("")), (wild ? 12 : 3, Reference(wild).Select(r => "From = " + LayerSpec.Reference(r))));

    private static string Arguments(params string[] arguments)
    {
        string joined = string.Join(", ", arguments.Where(a => a.Length > 0));
        return joined.Length == 0 ? "" : "(" + joined + ")";
    }

    // ---- layers ---------------------------------------------------------------------------------------

    private static readonly string[] Activations = { "Activation.None", "Activation.ReLU", "Activation.LeakyReLU", "Activation.Sigmoid", "Activation.Tanh", "Activation.Gelu" };

    private static Gen<string> ActivationArgument(bool wild) => Gen.Frequency(
        (3, (IGen<string>)Gen.Const("")),
        (6, Gen.OneOf(Activations).Select(a => "Activation = " + a)),
        (wild ? 2 : 0, Gen.OneOf("(Activation)6", "(Activation)(-1)", "(Activation)(int.MaxValue)", "(Activation)3").Select(a => "Activation = " + a)));

    private static Gen<FuzzAttribute> Dense(bool wild) =>
        from units in Size(wild)
        from named in Gen.Int[0, 5]
        from activation in ActivationArgument(wild)
        from bias in Gen.OneOf("", "", "Bias = false", "Bias = true")
        from name in Name(wild)
        from reads in FromArgument(wild)
        let unitsText = named == 0 ? "units: " + FuzzDeclaration.Int(units) : FuzzDeclaration.Int(units)
        select new FuzzAttribute("Dense" + Arguments(unitsText, activation, bias, NameArgument(name), reads), Elements: Math.Max(units, 0));

    // ---- sequence layers: on the random path they are mostly misplaced (TF1013–TF1015, TF1017 and TF0006 errors); the
    // end-to-end tests run valid sequence networks.

    private static Gen<FuzzAttribute> Embedding(bool wild) =>
        from vocabulary in Size(wild)
        from dimension in Size(wild)
        from name in Name(wild)
        select new FuzzAttribute("Embedding" + Arguments(FuzzDeclaration.Int(vocabulary), FuzzDeclaration.Int(dimension), NameArgument(name)),
            Elements: Math.Max((long)vocabulary * Math.Max(dimension, 0), 0));

    private static Gen<FuzzAttribute> Recurrent(string kind, bool wild) =>
        from hidden in Size(wild)
        from layers in Optional(wild, new int?[] { null, null, 1, 2 }, 0, -1, 3)
        from bidirectional in Gen.OneOf("", "", "Bidirectional = true", "Bidirectional = false")
        from sequences in Gen.OneOf("", "", "ReturnSequences = false", "ReturnSequences = true")
        from bias in Gen.OneOf("", "", "Bias = false")
        from nonlinearity in kind == "Rnn" ? Gen.OneOf("", "", "Nonlinearity = Activation.ReLU", "Nonlinearity = Activation.Tanh",
            wild ? "Nonlinearity = Activation.Sigmoid" : "", wild ? "Nonlinearity = (Activation)9" : "") : Gen.Const("")
        from name in Name(wild)
        from reads in FromArgument(wild)
        select new FuzzAttribute(kind + Arguments(FuzzDeclaration.Int(hidden), layers is int l ? "NumLayers = " + FuzzDeclaration.Int(l) : "",
            bidirectional, sequences, bias, nonlinearity, NameArgument(name), reads), Elements: Math.Max(hidden, 0) * 8L);

    private static Gen<FuzzAttribute> LayerNorm(bool wild) =>
        from epsilon in FloatOf(wild, 1e-5f, 1e-3f)
        from hasEpsilon in Gen.Bool
        from affine in Gen.OneOf("", "Affine = false", "Affine = true")
        from name in Name(wild)
        select new FuzzAttribute("LayerNorm" + Arguments(hasEpsilon ? "Epsilon = " + FuzzDeclaration.Float(epsilon) : "", affine, NameArgument(name)));

    private static Gen<FuzzAttribute> PositionalEncoding(bool wild) =>
        from dimension in Size(wild)
        from name in Name(wild)
        select new FuzzAttribute("PositionalEncoding" + Arguments(FuzzDeclaration.Int(dimension), NameArgument(name)));

    private static Gen<FuzzAttribute> MultiHeadAttention(bool wild) =>
        from heads in wild ? WildSize : Gen.Int[1, 4]
        from causal in Gen.OneOf("", "Causal = true", "Causal = false")
        from dropout in FloatOf(wild, 0f, 0.1f)
        from hasDropout in Gen.Bool
        from name in Name(wild)
        select new FuzzAttribute("MultiHeadAttention" + Arguments(FuzzDeclaration.Int(heads), causal,
            hasDropout ? "Dropout = " + FuzzDeclaration.Float(dropout) : "", NameArgument(name)));

    private static Gen<FuzzAttribute> AdditiveAttention(bool wild) =>
        from size in Size(wild)
        from name in Name(wild)
        from reads in FromArgument(wild)
        select new FuzzAttribute("AdditiveAttention" + Arguments(FuzzDeclaration.Int(size), NameArgument(name), reads), Elements: Math.Max(size, 0) * 8L);

    private static Gen<FuzzAttribute> TransformerEncoderLayer(bool wild) =>
        from heads in wild ? WildSize : Gen.Int[1, 4]
        from feedForward in Size(wild)
        from hasFeedForward in Gen.Int[0, 5]
        from dropout in FloatOf(wild, 0f, 0.1f)
        from hasDropout in Gen.Bool
        from normFirst in Gen.OneOf("", "NormFirst = true", "NormFirst = false")
        from activation in wild ? Gen.OneOf("", "Activation = Activation.Gelu", "Activation = Activation.Tanh", "Activation = (Activation)(-1)")
            : Gen.OneOf("", "Activation = Activation.ReLU", "Activation = Activation.Gelu")
        from causal in Gen.OneOf("", "Causal = true", "Causal = false")
        from epsilon in FloatOf(wild, 1e-5f, 1e-3f)
        from hasEpsilon in Gen.Int[0, 3]
        from name in Name(wild)
        from reads in FromArgument(wild)
        select new FuzzAttribute("TransformerEncoderLayer" + Arguments(FuzzDeclaration.Int(heads),
            hasFeedForward == 0 ? "" : "FeedForward = " + FuzzDeclaration.Int(feedForward), hasDropout ? "Dropout = " + FuzzDeclaration.Float(dropout) : "",
            normFirst, activation, causal, hasEpsilon == 0 ? "LayerNormEpsilon = " + FuzzDeclaration.Float(epsilon) : "", NameArgument(name), reads),
            Elements: (hasFeedForward == 0 ? Math.Max(feedForward, 0) : 2048) * 4L);

    private static Gen<FuzzAttribute> Plain(string kind, bool wild) =>
        from name in Name(wild)
        from reads in FromArgument(wild)
        select new FuzzAttribute(kind + Arguments(NameArgument(name), reads));

    private static Gen<FuzzAttribute> Dropout(bool wild) =>
        from hasP in Gen.Int[0, 3]
        from p in FloatOf(wild, 0f, 0.1f, 0.5f, 0.9f, 0.999f)
        from name in Name(wild)
        from reads in FromArgument(wild)
        select new FuzzAttribute("Dropout" + Arguments(hasP == 0 ? "" : FuzzDeclaration.Float(p), NameArgument(name), reads));

    private static Gen<FuzzAttribute> LeakyReLU(bool wild) =>
        from hasSlope in Gen.Int[0, 3]
        from slope in FloatOf(wild, 0.01f, 0.1f, 0.2f, 0f, -0.5f, 1f, 3f)
        from name in Name(wild)
        select new FuzzAttribute("LeakyReLU" + Arguments(hasSlope == 0 ? "" : FuzzDeclaration.Float(slope), NameArgument(name)),
            Gain: hasSlope == 0 ? 1 : slope);

    // Image and graph layers without context (the structured path, GraphNetworkBuilder, fits them to the shapes): sane values are a
    // user's, wild ones every option's edges.

    private static Gen<int?> Optional(bool wild, int?[] sane, params int?[] wildValues)
        => wild ? Gen.OneOf(sane.Concat(wildValues).ToArray()) : Gen.OneOf(sane);

    private static Gen<int?> ActivationValue(bool wild) => Optional(wild, new int?[] { null, null, 0, 1, 2, 3, 4, 5 }, 6, -1, int.MaxValue);

    private static Gen<FuzzAttribute> Conv2D(bool wild) =>
        from output in wild ? WildSize : Gen.Int[1, 16]
        from kernel in wild ? WildSize : Gen.Int[1, 5]
        from kernelWidth in wild ? WildSize : Gen.Int[1, 5]
        from square in Gen.Int[0, 3]
        from stride in Optional(wild, new int?[] { null, 1, 2 }, 0, -1, int.MaxValue)
        from padding in Optional(wild, new int?[] { null, 0, 1, 2 }, -1, 1000, 23168, int.MaxValue)
        from mode in Optional(wild, new int?[] { null, null, 0, 1, 2 }, 7, -1)
        from dilation in Optional(wild, new int?[] { null, null, 1, 2 }, 0, -2, 100_000)
        from groups in Optional(wild, new int?[] { null, null, 1, 2 }, 0, -1, 3, int.MaxValue)
        from bias in Gen.OneOf<bool?>(null, true, false)
        from activation in ActivationValue(wild)
        from named in Gen.Int[0, 9]
        from name in Name(wild)
        from reads in Gen.OneOf<string?>(null, null, null, null, null, null, "input")
        select new ConvSpec(output, kernel, kernelWidth, square != 0)
        {
            StrideValue = stride, Padding = padding, Mode = mode, Dilation = dilation, Groups = groups, Bias = bias,
            ActivationValue = activation, NamedArguments = named == 0, Name = name, From = reads,
        }.Attribute;

    private static Gen<FuzzAttribute> ConvTranspose2D(bool wild) =>
        from output in wild ? WildSize : Gen.Int[1, 16]
        from kernel in wild ? WildSize : Gen.Int[1, 5]
        from stride in Optional(wild, new int?[] { null, 1, 2 }, 0, -1, int.MaxValue)
        from padding in Optional(wild, new int?[] { null, 0, 1 }, -1, 1000, int.MaxValue)
        from outputPadding in Optional(wild, new int?[] { null, null, 0, 1 }, -1, 2, 5)
        from dilation in Optional(wild, new int?[] { null, null, 1, 2 }, 0, -2, 100_000)
        from groups in Optional(wild, new int?[] { null, null, 1, 2 }, 0, 3, int.MaxValue)
        from bias in Gen.OneOf<bool?>(null, true, false)
        from activation in ActivationValue(wild)
        from name in Name(wild)
        from reads in Gen.OneOf<string?>(null, null, null, null, null, null, "input")
        select new ConvTransposeSpec(output, kernel)
        {
            StrideValue = stride, Padding = padding, OutputPadding = outputPadding, Dilation = dilation, Groups = groups, Bias = bias,
            ActivationValue = activation, Name = name, From = reads,
        }.Attribute;

    private static Gen<FuzzAttribute> Upsample(bool wild) =>
        from scale in wild ? Gen.OneOf(0, -1, 1, 2, 3, 46341, int.MaxValue) : Gen.Int[1, 3]
        from name in Name(wild)
        from reads in Gen.OneOf<string?>(null, null, null, null, "input")
        select new UpsampleSpec(scale) { Name = name, From = reads }.Attribute;

    private static Gen<FuzzAttribute> Unflatten(bool wild) =>
        from rank in wild ? Gen.Int[1, 4] : Gen.Int[2, 3]
        from dimensions in (wild ? WildSize : Gen.Int[1, 4]).Array[rank]
        from name in Name(wild)
        select new UnflattenSpec(dimensions.ToImmutableArray()) { Name = name }.Attribute;

    private static Gen<FuzzAttribute> Pool(string kind, bool wild) =>
        from kernel in wild ? WildSize : Gen.Int[1, 4]
        from stride in Optional(wild, new int?[] { null, null, 0, 1, 2 }, -1, int.MaxValue)
        from padding in Optional(wild, new int?[] { null, null, 0, 1 }, -1, 3, int.MaxValue)
        from name in Name(wild)
        select new PoolSpec(kind, kernel) { StrideValue = stride, Padding = padding, Name = name }.Attribute;

    private static Gen<FuzzAttribute> BatchNorm(bool wild) =>
        from hasEpsilon in Gen.Bool
        from epsilon in FloatOf(wild, 1e-5f, 1e-3f, 0.1f)
        from hasMomentum in Gen.Bool
        // NaN passes a careless range check (it fails every comparison): drawn more often than the other special values.
        from momentum in wild ? Gen.Frequency((4, (IGen<float>)FloatOf(true, 0.1f, 0.5f, 0f, 1f)), (1, Gen.Const(float.NaN))) : FloatOf(false, 0.1f, 0.5f, 0f, 1f)
        from affine in Gen.OneOf<bool?>(null, true, false)
        from activation in ActivationValue(wild)
        from name in Name(wild)
        select new BatchNormSpec
        {
            Epsilon = hasEpsilon ? epsilon : null, Momentum = hasMomentum ? momentum : null, Affine = affine, ActivationValue = activation, Name = name,
        }.Attribute;

    private static Gen<FuzzAttribute> Merge(string kind, bool wild) =>
        from other in Reference(wild)
        from name in Name(wild)
        select new MergeSpec(kind, other) { Name = name }.Attribute;

    private static Gen<FuzzAttribute> Input(bool wild) =>
        from rank in wild ? Gen.Frequency((2, (IGen<int>)Gen.Const(0)), (60, Gen.Const(1)), (25, Gen.Int[2, 3]), (5, Gen.Const(4))) : Gen.Frequency((75, (IGen<int>)Gen.Const(1)), (25, Gen.Int[2, 3]))
        from dimensions in (wild ? WildSize : rank == 1 ? SaneSize : Gen.Int[1, 8]).Array[rank]
        from style in Gen.Int[0, wild ? 5 : 3]
        select new FuzzAttribute(
            style == 4 ? "Input(null!)" : style == 5 ? "Input(new int[] { " + string.Join(", ", dimensions.Select(FuzzDeclaration.Int)) + " })"
                : "Input(" + string.Join(", ", dimensions.Select(FuzzDeclaration.Int)) + ")",
            Elements: dimensions.All(d => d > 0) ? dimensions.Aggregate(1L, (acc, d) => Math.Min(acc * d, 1L << 40)) : 0);

    private static readonly HashSet<string> ImageKinds = new HashSet<string> { "Conv2D", "MaxPool2D", "AvgPool2D", "GlobalAvgPool", "ConvTranspose2D", "Upsample" };

    private static Gen<FuzzAttribute> Layer(bool wild)
    {
        // These chains are mostly vectors through Dense layers: pick Dense more often so that they are valid and compute something;
        // image layers, which need an image, rarely when sane (the structured path builds image networks).
        var kinds = LayerGenerators.Select(k => (k.Key == "Dense" ? 60 : ImageKinds.Contains(k.Key) ? (wild ? 6 : 1) : 10, (IGen<FuzzAttribute>)k.Value(wild))).ToArray();
        return Gen.Frequency(kinds);
    }

    // ---- training -------------------------------------------------------------------------------------

    private static Gen<string> Property(string name, Gen<float> values) =>
        Gen.Frequency((1, (IGen<string>)Gen.Const("")), (1, values.Select(v => name + " = " + FuzzDeclaration.Float(v))));

    private static Gen<FuzzAttribute> Optimizer(bool wild) =>
        from kind in Gen.OneOf("Sgd", "Adam", "AdamW")
        from lr in Property("LearningRate", FloatOf(wild, 1e-3f, 0.01f, 0.1f))
        from wd in Property("WeightDecay", FloatOf(wild, 0f, 1e-4f, 0.01f))
        from momentum in Property("Momentum", FloatOf(wild, 0f, 0.5f, 0.9f))
        from nesterov in Gen.OneOf("", "Nesterov = false", "Nesterov = true")
        from beta1 in Property("Beta1", FloatOf(wild, 0.9f, 0.5f, 0f))
        from beta2 in Property("Beta2", FloatOf(wild, 0.999f, 0.99f))
        from epsilon in Property("Epsilon", FloatOf(wild, 1e-8f, 1e-6f))
        select new FuzzAttribute(kind == "Sgd"
            ? "Sgd" + Arguments(lr, wd, momentum, !wild && momentum is "" or "Momentum = 0f" ? "" : nesterov)
            : kind + Arguments(lr, wd, beta1, beta2, epsilon));

    private static Gen<FuzzAttribute> Schedule(bool wild) =>
        from cosine in Gen.Bool
        from steps in wild ? WildSize : SaneSize
        from hasSteps in Gen.Int[0, wild ? 4 : 8]
        from value in cosine ? FloatOf(wild, 0f, 1e-5f) : FloatOf(wild, 0.1f, 0.5f, 0.9f)
        from hasValue in Gen.Bool
        let stepsText = hasSteps == 0 ? "" : (cosine ? "TMax = " : "StepSize = ") + FuzzDeclaration.Int(steps)
        let valueText = hasValue ? (cosine ? "MinLearningRate = " : "Gamma = ") + FuzzDeclaration.Float(value) : ""
        select new FuzzAttribute((cosine ? "CosineAnnealing" : "StepDecay") + Arguments(stepsText, valueText));

    private static Gen<string> NetworkArguments(bool wild) =>
        from loss in Gen.Frequency(
            (3, (IGen<string>)Gen.Const("")),
            (8, Gen.OneOf("None", "MeanSquaredError", "SoftmaxCrossEntropy", "BinaryCrossEntropyWithLogits").Select(l => "Loss = Loss." + l)),
            (wild ? 3 : 0, Gen.OneOf("(Loss)7", "(Loss)4", "(Loss)(-1)", "(Loss)(int.MinValue)", "(Loss)2").Select(l => "Loss = " + l)))
        from seed in Gen.Frequency((3, (IGen<int>)Gen.Int[0, 100]), (1, Gen.OneOf(int.MinValue, int.MaxValue, -1)))
        from hasSeed in Gen.Bool
        select string.Join(", ", new[] { loss, hasSeed ? "Seed = " + FuzzDeclaration.Int(seed) : "" }.Where(a => a.Length > 0));

    // ---- the attribute list ---------------------------------------------------------------------------

    private static Gen<ImmutableArray<FuzzAttribute>> AttributeList(int percent, bool wild) =>
        from input in Mixed(percent, Input)
        from flattenFirst in Gen.Bool
        from layers in Mixed(percent, Layer).Array[0, wild ? 9 : 6]
        from inputPlacement in wild ? Gen.Frequency((70, (IGen<int>)Gen.Const(0)), (10, Gen.Const(1)), (10, Gen.Const(2)), (10, Gen.Const(3))) : Gen.Const(0)
        from secondInput in Input(wild)
        from inputPosition in Gen.Int[0, 100]
        from optimizers in Mixed(percent, Optimizer).Array[0, wild ? 2 : 1]
        from schedules in Mixed(percent, Schedule).Array[0, wild ? 2 : 1]
        from positions in Gen.Int[0, 1000].Array[4]
        select Arrange(wild, input, flattenFirst, layers, inputPlacement, secondInput, inputPosition, optimizers, schedules, positions);

    /// <summary>[Input] first (or, when wild: missing, twice, or after a layer); a sane multi-dimensional input is flattened
    /// first; training attributes anywhere (their position does not matter), a sane schedule only with an optimizer.</summary>
    private static ImmutableArray<FuzzAttribute> Arrange(bool wild, FuzzAttribute input, bool flattenFirst, FuzzAttribute[] layers,
        int inputPlacement, FuzzAttribute secondInput, int inputPosition, FuzzAttribute[] optimizers, FuzzAttribute[] schedules, int[] positions)
    {
        var list = new List<FuzzAttribute>(layers);
        bool vector = input.Text.StartsWith("Input(", StringComparison.Ordinal) && !input.Text.Contains(',') && !input.Text.Contains("null");
        if (!wild && (!vector || flattenFirst)) list.Insert(0, new FuzzAttribute("Flatten"));
        switch (inputPlacement)
        {
            case 0: list.Insert(0, input); break;               // first, once
            case 1: break;                                      // missing
            case 2: list.Insert(0, input); list.Insert(inputPosition % list.Count + 1 > list.Count ? list.Count : inputPosition % list.Count + 1, secondInput); break; // twice
            default: list.Insert(inputPosition % (list.Count + 1), input); break; // anywhere
        }
        return InsertTraining(list, wild, optimizers, schedules, positions);
    }

    /// <summary>Training attributes anywhere (their position does not matter); a sane schedule only with an optimizer.</summary>
    private static ImmutableArray<FuzzAttribute> InsertTraining(IEnumerable<FuzzAttribute> layers, bool wild, FuzzAttribute[] optimizers, FuzzAttribute[] schedules, int[] positions)
    {
        var list = new List<FuzzAttribute>(layers);
        IEnumerable<FuzzAttribute> training = optimizers;
        if (wild || optimizers.Length > 0) training = training.Concat(schedules);
        int p = 0;
        foreach (FuzzAttribute attribute in training) list.Insert(positions[p++ % positions.Length] % (list.Count + 1), attribute);
        return list.ToImmutableArray();
    }

    /// <summary>A structured network (<see cref="GraphNetworkBuilder"/>) with training attributes; wild ones only at 100 %, so that the
    /// model's prediction holds for the rest.</summary>
    private static Gen<(ImmutableArray<FuzzAttribute> Attributes, GraphNetwork? Graph)> GraphAttributeList(int percent) =>
        from seed in Gen.Int
        from optimizers in percent == 100 ? Optimizer(true).Array[0, 2] : Optimizer(false).Array[Gen.Frequency((1, (IGen<int>)Gen.Const(0)), (3, Gen.Const(1)))] // mostly trainable
        from schedules in Mixed(percent == 100 ? 100 : 0, Schedule).Array[0, percent == 100 ? 2 : 1]
        from positions in Gen.Int[0, 1000].Array[4]
        let graph = GraphNetworkBuilder.Build(seed, percent)
        select (InsertTraining(graph.Layers, percent == 100, optimizers, schedules, positions), (GraphNetwork?)graph);

    // ---- the class ------------------------------------------------------------------------------------

    private static readonly Identifier[] ClassNames =
    {
        new("Net", "Net"), new("Mlp", "Mlp"), new("@class", "class"), new("@event", "event"), new("@Net", "Net"),
        new("Réseau", "Réseau"), new("N\\u0065t", "Net"), new("网络", "网络"), new("Classifier_2", "Classifier_2"),
    };

    private static readonly Identifier[] NamespacePrefixes =
    {
        new("Fuzz", "Fuzz"), new("Fuzz", "Fuzz"), new("Fuzz.@event", "Fuzz.event"), new("Ünï.Cødé", "Ünï.Cødé"), new("@namespace", "namespace"),
    };

    private static readonly Identifier[] ContainerNames =
    {
        new("Outer", "Outer"), new("@struct", "struct"), new("Äußere", "Äußere"), new("Holder", "Holder"),
    };

    private static Gen<FuzzContainer> Container(bool wild, int depth) =>
        from keyword in Gen.OneOf("class", "class", "struct", "record", "record struct", "interface")
        from isStatic in Gen.Int[0, 5]
        from accessibility in Gen.OneOf("public", "internal", "")
        from name in Gen.OneOf(ContainerNames)
        from generic in Gen.Int[0, 3]
        from partial in wild ? Gen.Frequency((85, (IGen<bool>)Gen.Const(true)), (15, Gen.Const(false))) : Gen.Const(true)
        let modifiers = (depth == 0 ? accessibility : "") + (keyword == "class" && isStatic == 0 ? " static" : "")
        select new FuzzContainer(modifiers.Trim(), keyword, new Identifier(name.Source + depth, name.Metadata + depth),
            generic == 0 ? ImmutableArray.Create("TOuter" + depth) : ImmutableArray<string>.Empty, partial);

    private static readonly string[] Constraints = { "", "where T : struct", "where T : notnull", "where T : unmanaged", "where T : new()" };

    private static Gen<FuzzDeclaration> DeclarationOf(int percent)
        => DeclarationOf(percent, wild: percent >= 20, AttributeList(percent, percent >= 20).Select(a => (a, (GraphNetwork?)null)), Gen.Const(false));

    /// <summary>A valid sequence network (<see cref="SequenceNetworkBuilder"/>) with sane class shapes and training attributes,
    /// and its predicted sizes.</summary>
    private static Gen<FuzzDeclaration> SequenceDeclarationOf()
        => DeclarationOf(0, wild: false, SequenceAttributeList, Gen.Frequency((1, (IGen<bool>)Gen.Const(false)), (3, Gen.Const(true))));

    private static readonly Gen<(ImmutableArray<FuzzAttribute> Attributes, GraphNetwork? Graph)> SequenceAttributeList =
        from seed in Gen.Int
        from optimizers in Optimizer(false).Array[Gen.Frequency((1, (IGen<int>)Gen.Const(0)), (3, Gen.Const(1)))]
        from schedules in Schedule(false).Array[0, 1]
        from positions in Gen.Int[0, 1000].Array[4]
        let network = SequenceNetworkBuilder.Build(seed)
        select (InsertTraining(network.Layers, false, optimizers, schedules, positions), (GraphNetwork?)network);

    /// <summary>A structured declaration: sane class shapes, network arguments and training attributes unless <paramref name="percent"/>
    /// is 100, so that the shape model's prediction can be checked.</summary>
    private static Gen<FuzzDeclaration> StructuredDeclarationOf(int percent)
        => DeclarationOf(percent == 100 ? 100 : 0, wild: percent == 100, GraphAttributeList(percent), Gen.Frequency((1, (IGen<bool>)Gen.Const(false)), (3, Gen.Const(true))));

    /// <param name="layersTogether">Split a declaration only where every layer attribute stays on one part (else TF0005).</param>
    private static Gen<FuzzDeclaration> DeclarationOf(int percent, bool wild, Gen<(ImmutableArray<FuzzAttribute> Attributes, GraphNetwork? Graph)> attributeList,
        Gen<bool> layersTogether) =>
        from ns in Gen.OneOf(NamespaceStyle.None, NamespaceStyle.Block, NamespaceStyle.FileScoped)
        from prefix in Gen.OneOf(NamespacePrefixes)
        from depth in wild ? Gen.Frequency((60, (IGen<int>)Gen.Const(0)), (25, Gen.Const(1)), (15, Gen.Const(2))) : Gen.Frequency((75, (IGen<int>)Gen.Const(0)), (25, Gen.Const(1)))
        from c0 in Container(wild, 0)
        from c1 in Container(wild, 1)
        from keyword in Gen.OneOf("class", "class", "record", "record class")
        from modifier in wild ? Gen.OneOf("", "", "sealed", "static") : Gen.OneOf("", "sealed")
        from accessibility in Gen.OneOf("public", "internal", "", "private")
        from generics in Gen.Frequency((75, (IGen<int>)Gen.Const(0)), (20, Gen.Const(1)), (5, Gen.Const(2)))
        from constraint in Gen.OneOf(Constraints)
        from name in Gen.OneOf(ClassNames)
        from partial in wild ? Gen.Frequency((90, (IGen<bool>)Gen.Const(true)), (10, Gen.Const(false))) : Gen.Const(true)
        from network in Mixed(percent, NetworkArguments)
        from list in attributeList
        from split in Gen.Frequency((70, (IGen<SplitStyle>)Gen.Const(SplitStyle.None)), (15, Gen.Const(SplitStyle.SameFile)), (15, Gen.Const(SplitStyle.TwoFiles)))
        from splitAt in Gen.Int[0, 100]
        from together in layersTogether
        from syntax in Gen.Frequency((60, (IGen<int>)Gen.Const(0)), (40, Gen.Int[1, 7]))
        let declaration = Build(ns, prefix, depth == 0 ? ImmutableArray<FuzzContainer>.Empty : depth == 1 ? ImmutableArray.Create(c0) : ImmutableArray.Create(c0, c1),
            keyword, modifier, accessibility, generics, constraint, name, partial, network, list.Attributes, split,
            together ? (splitAt % 2 == 0 ? 0 : list.Attributes.Length) : splitAt, (AttributeSyntax)syntax)
            with { Blocks = list.Graph?.Blocks ?? ImmutableArray<FuzzBlock>.Empty }
        select declaration with { Prediction = wild ? null : Predict(declaration, list.Graph) };

    /// <summary>The model's prediction, completed with what the declaration adds: layers on two partial declarations (TF0005) and a
    /// cross-entropy loss on fewer than two classes (TF1002).</summary>
    private static FuzzPrediction? Predict(FuzzDeclaration declaration, GraphNetwork? graph)
    {
        if (graph?.Prediction is not { } prediction) return null;
        if (!prediction.Valid) return prediction;
        if (!declaration.LayersOnOnePart) return prediction with { Valid = false, Reason = "layers on two partial declarations" };
        if (declaration.Attributes.Any(a => (a.Kind == "CosineAnnealing" && !a.Text.Contains("TMax", StringComparison.Ordinal))
                || (a.Kind == "StepDecay" && !a.Text.Contains("StepSize", StringComparison.Ordinal))))
            return prediction with { Valid = false, Reason = "a schedule without TMax or StepSize" };
        if (declaration.NetworkArguments.Contains("SoftmaxCrossEntropy", StringComparison.Ordinal) && graph.OutputShape is { } output && output[^1] < 2)
            return prediction with { Valid = false, Reason = "SoftmaxCrossEntropy on " + prediction.OutputShape };
        return prediction;
    }

    private static FuzzDeclaration Build(NamespaceStyle ns, Identifier prefix, ImmutableArray<FuzzContainer> containers, string keyword, string modifier,
        string accessibility, int generics, string constraint, Identifier name, bool partial, string network,
        ImmutableArray<FuzzAttribute> attributes, SplitStyle split, int splitAt, AttributeSyntax syntax)
    {
        bool inInterface = containers.Length > 0 && containers[^1].Keyword == "interface";
        // Top-level types cannot be private; interface members keep it simple (public or default).
        if (accessibility == "private" && (containers.Length == 0 || inInterface)) accessibility = "";
        ImmutableArray<string> typeParameters = generics switch
        {
            0 => ImmutableArray<string>.Empty,
            1 => ImmutableArray.Create("T"),
            _ => ImmutableArray.Create("T", "TOut"),
        };
        // Splitting needs every declaration involved to be partial; a non-partial split would be a C# error (CS0260), not ours.
        if (!partial || containers.Any(c => !c.IsPartial)) split = SplitStyle.None;
        if (modifier == "static" && keyword != "class") modifier = ""; // a static record is a C# error (CS0106), not ours
        return new FuzzDeclaration(ns, prefix, containers, (accessibility + " " + modifier).Trim(), keyword, name, typeParameters,
            generics == 0 ? "" : constraint, partial, network, attributes, split, attributes.Length == 0 ? 0 : splitAt % (attributes.Length + 1), syntax);
    }
}
