using Microsoft.CodeAnalysis;

namespace TensorForge.Generator.Diagnostics
{
    /// <summary>Every TensorForge diagnostic. Ranges: TF0xxx declaration errors, TF1xxx shape errors, TF2xxx weights and data, TF9xxx information.</summary>
    internal static class DiagnosticDescriptors
    {
        private const string Declaration = "TensorForge.Declaration";
        private const string Shapes = "TensorForge.Shapes";
        private const string Weights = "TensorForge.Weights";
        private const string HelpBase = "https://github.com/tensorforge/tensorforge/blob/main/docs/diagnostics.md#";

        public const string NotPartialId = "TF0001";
        public const string MissingInputId = "TF0002";
        public const string InputNotFirstId = "TF0003";
        public const string DuplicateInputId = "TF0004";
        public const string LayersInSeveralPartsId = "TF0005";
        public const string InvalidArgumentId = "TF0006";
        public const string DuplicateOptimizerId = "TF0007";
        public const string DuplicateScheduleId = "TF0008";
        public const string ScheduleWithoutOptimizerId = "TF0009";
        public const string DuplicateLayerNameId = "TF0010";
        public const string InvalidLayerNameId = "TF0011";
        public const string UnsupportedClassId = "TF0012";
        public const string UnknownBlockId = "TF0013";
        public const string BlockCycleId = "TF0014";
        public const string DenseNeedsVectorId = "TF1001";
        public const string LossIncompatibleId = "TF1002";
        public const string SoftmaxBeforeCrossEntropyId = "TF1003";
        public const string TooLargeId = "TF1004";
        public const string NoOutputId = "TF1005";
        public const string GroupsMismatchId = "TF1006";
        public const string AddShapeMismatchId = "TF1007";
        public const string ConcatShapeMismatchId = "TF1008";
        public const string UnknownLayerReferenceId = "TF1009";
        public const string BlockInputMismatchId = "TF1010";
        public const string BatchNormInputId = "TF1011";
        public const string NeedsImageId = "TF1012";
        public const string TokenInputNeedsEmbeddingId = "TF1013";
        public const string EmbeddingNeedsTokensId = "TF1014";
        public const string NeedsSequenceId = "TF1015";
        public const string PositionalEncodingWidthId = "TF1016";
        public const string HeadsDoNotDivideId = "TF1017";
        public const string WeightsFileNotFoundId = "TF2001";
        public const string WeightsFileUnreadableId = "TF2002";
        public const string WeightsHeaderInvalidId = "TF2003";
        public const string WeightsTensorMissingId = "TF2004";
        public const string WeightsTensorExtraId = "TF2005";
        public const string WeightsTensorShapeId = "TF2006";
        public const string WeightsTensorDTypeId = "TF2007";
        public const string WeightsTooManyProblemsId = "TF2008";
        public const string WeightsNotEmbeddedId = "TF2009";
        // TF1020–TF1029: generative layers (TF1018–TF1019 left to the sequence layers being added beside them).
        public const string UnflattenSizeId = "TF1020";
        public const string ReparameterizeWidthId = "TF1021";
        public const string TransposedNoOutputId = "TF1022";

        public static readonly DiagnosticDescriptor NotPartial = Error(NotPartialId, Declaration,
            "Network class must be partial",
            "'{0}' must be declared partial so that TensorForge can generate the network's members",
            "The generator adds members to the class (and to every type that contains it), which needs the partial modifier.");

        public static readonly DiagnosticDescriptor MissingInput = Error(MissingInputId, Declaration,
            "Network has no [Input]",
            "Network '{0}' has no [Input]; declare the per-sample input shape as the first layer attribute, e.g. [Input(784)]",
            "Every network starts with exactly one [Input] that gives the per-sample shape without the batch dimension.");

        public static readonly DiagnosticDescriptor InputNotFirst = Error(InputNotFirstId, Declaration,
            "[Input] must come first",
            "[Input] must be the first layer attribute of '{0}', but it follows [{1}]",
            "Layer attributes are read in source order; the input shape has to be known before the first layer.");

        public static readonly DiagnosticDescriptor DuplicateInput = Error(DuplicateInputId, Declaration,
            "[Input] declared twice",
            "'{0}' declares [Input] more than once; a network has exactly one input",
            "A network has one input shape; use one [Input] as the first layer attribute.");

        public static readonly DiagnosticDescriptor LayersInSeveralParts = Error(LayersInSeveralPartsId, Declaration,
            "Layers declared on several partial declarations",
            "Layers of '{0}' are declared on more than one partial declaration, so their order is ambiguous; move [{1}] to the part that holds the other layers",
            "The layer order is the source order, which is only defined within one declaration.");

        public static readonly DiagnosticDescriptor InvalidArgument = Error(InvalidArgumentId, Declaration,
            "Invalid layer or optimizer argument",
            "{0} of {1} must be {2} but is {3}",
            "Sizes are positive, probabilities lie in their range, learning rates are positive and finite.");

        public static readonly DiagnosticDescriptor DuplicateOptimizer = Error(DuplicateOptimizerId, Declaration,
            "More than one optimizer",
            "'{0}' already has the optimizer [{1}]; remove [{2}]",
            "A network has at most one optimizer attribute.");

        public static readonly DiagnosticDescriptor DuplicateSchedule = Error(DuplicateScheduleId, Declaration,
            "More than one learning-rate schedule",
            "'{0}' already has the schedule [{1}]; remove [{2}]",
            "A network has at most one schedule attribute.");

        public static readonly DiagnosticDescriptor ScheduleWithoutOptimizer = Error(ScheduleWithoutOptimizerId, Declaration,
            "Schedule without an optimizer",
            "[{0}] schedules the learning rate of an optimizer, but '{1}' has none; add [Sgd], [Adam] or [AdamW]",
            "A schedule ticks once per optimizer step; without an optimizer it has nothing to schedule.");

        public static readonly DiagnosticDescriptor DuplicateLayerName = Error(DuplicateLayerNameId, Declaration,
            "Duplicate layer name",
            "Layer name '{0}' is already used by another layer of '{1}'; names must be unique because they name the saved tensors",
            "Layer names are the prefixes of the tensors in saved files, so two layers cannot share one.");

        public static readonly DiagnosticDescriptor InvalidLayerName = Error(InvalidLayerNameId, Declaration,
            "Invalid layer name",
            "Layer name '{0}' is invalid; use 1 to 128 letters, digits, '_', '-' or '.'",
            "Layer names become tensor names in safetensors files and appear in generated code comments.");

        public static readonly DiagnosticDescriptor UnsupportedClass = Error(UnsupportedClassId, Declaration,
            "Unsupported network class",
            "'{0}' cannot be a network: {1}",
            "A network is a non-static partial class or record without a primary constructor.");

        public static readonly DiagnosticDescriptor UnknownBlock = Error(UnknownBlockId, Declaration,
            "Unknown block",
            "[Use(typeof({0}))] in '{1}' needs a class marked [Block] and declared in this project",
            "A block is a partial class of this compilation marked [Block], with its own layer attributes and no loss or optimizer.");

        public static readonly DiagnosticDescriptor BlockCycle = Error(BlockCycleId, Declaration,
            "Block uses itself",
            "Block '{0}' uses itself through {1}; a block cannot contain itself",
            "Each use is inlined, so a block that uses itself, directly or through other blocks, would never end.");

        public static readonly DiagnosticDescriptor DenseNeedsVector = Error(DenseNeedsVectorId, Shapes,
            "Dense needs a vector input",
            "Dense '{0}' expects a vector but receives {1}; add [Flatten] before it",
            "Dense layers multiply a vector, or every time step of a sequence [time, features], by a matrix; flatten images first.");

        public static readonly DiagnosticDescriptor LossIncompatible = Error(LossIncompatibleId, Shapes,
            "Loss does not fit the output",
            "{0} needs {1}, but the network's output is {2}",
            "The loss has to match the shape of the network's output.");

        public static readonly DiagnosticDescriptor SoftmaxBeforeCrossEntropy = new DiagnosticDescriptor(SoftmaxBeforeCrossEntropyId,
            "Softmax before SoftmaxCrossEntropy",
            "Softmax '{0}' is the last layer, but SoftmaxCrossEntropy expects logits and applies softmax itself; remove [Softmax]",
            Shapes, DiagnosticSeverity.Warning, isEnabledByDefault: true,
            description: "Applying softmax twice flattens the gradients and slows or stalls training.",
            helpLinkUri: HelpBase + SoftmaxBeforeCrossEntropyId);

        public static readonly DiagnosticDescriptor TooLarge = Error(TooLargeId, Shapes,
            "Network too large",
            "{0} would hold {1} elements, more than the 2,147,483,647 one tensor or parameter block can hold",
            "Per-sample activations and the parameter block are indexed with 32-bit integers.");

        public static readonly DiagnosticDescriptor NoOutput = Error(NoOutputId, Shapes,
            "Kernel larger than the padded input",
            "{0} has no output {1}: {2} = {3}; the {4} window is larger than the padded input; use a smaller kernel or more padding, or remove a downsampling layer before it",
            "Output size = (input + padding before + padding after − dilation·(kernel − 1) − 1)/stride + 1 must be at least 1 in each direction.");

        public static readonly DiagnosticDescriptor GroupsMismatch = Error(GroupsMismatchId, Shapes,
            "Groups do not divide the channels",
            "{0} has Groups = {1}, which must divide both its input channels ({2}) and its output channels ({3})",
            "A grouped convolution splits the input and output channels into Groups equal parts.");

        public static readonly DiagnosticDescriptor AddShapeMismatch = Error(AddShapeMismatchId, Shapes,
            "Add of different shapes",
            "Add '{0}' adds {1} from '{2}' to {3} from '{4}'; the two shapes must be equal",
            "A residual Add sums two tensors element by element; a projection (a strided 1×1 Conv2D) makes the shortcut fit.");

        public static readonly DiagnosticDescriptor ConcatShapeMismatch = Error(ConcatShapeMismatchId, Shapes,
            "Concat of different sizes",
            "Concat '{0}' joins {1} from '{2}' and {3} from '{4}' along the channel axis; every other axis must be equal",
            "Concat joins along the first (channel or feature) axis; heights and widths, or time steps, must agree.");

        public static readonly DiagnosticDescriptor UnknownLayerReference = Error(UnknownLayerReferenceId, Shapes,
            "Unknown layer reference",
            "{0} of {1} refers to '{2}', {3}",
            "From, Add and Concat name an earlier layer of the same network or block, or \"input\"; the declaration order is the order of evaluation.");

        public static readonly DiagnosticDescriptor BlockInputMismatch = Error(BlockInputMismatchId, Shapes,
            "Block input does not fit",
            "Block '{0}' used as '{1}' expects the input {2} but receives {3} from '{4}'",
            "A block that declares [Input] can only be used where its input has that shape.");

        public static readonly DiagnosticDescriptor BatchNormInput = Error(BatchNormInputId, Shapes,
            "BatchNorm on an input it cannot normalise",
            "BatchNorm '{0}' normalises features [C] (BatchNorm1d) or images [C, H, W] (BatchNorm2d), but receives {1}",
            "Batch normalisation keeps one mean and variance per channel; its input is a vector of features or an image.");

        public static readonly DiagnosticDescriptor NeedsImage = Error(NeedsImageId, Shapes,
            "Layer needs an image",
            "{0} expects an image [channels, height, width] but receives {1}",
            "Convolution and pooling work on [channels, height, width] images (NCHW per batch).");

        public static readonly DiagnosticDescriptor TokenInputNeedsEmbedding = Error(TokenInputNeedsEmbeddingId, Shapes,
            "Token input not read by an embedding",
            "The input of '{0}' holds token ids ({1}), so only an [Embedding] can read it, but {2} does",
            "Token ids are integers, not features: an Embedding turns them into vectors that other layers can read.");

        public static readonly DiagnosticDescriptor EmbeddingNeedsTokens = Error(EmbeddingNeedsTokensId, Shapes,
            "Embedding fed floats",
            "Embedding '{0}' looks up token ids, so it must read the network's input, but it reads {1} from '{2}'",
            "An Embedding is the first layer of a token network: it reads the token ids of the network's input.");

        public static readonly DiagnosticDescriptor NeedsSequence = Error(NeedsSequenceId, Shapes,
            "Layer needs a sequence",
            "{0} expects a sequence [time, features] but receives {1}",
            "Recurrent, attention and sequence-pooling layers read batch-first sequences: one [time, features] matrix per sample.");

        public static readonly DiagnosticDescriptor PositionalEncodingWidth = Error(PositionalEncodingWidthId, Shapes,
            "Positional encoding of the wrong width",
            "PositionalEncoding '{0}' adds a table of width {1}, but its input {2} has {3} features per time step",
            "The sinusoidal table is added element by element, so its width is the input's last dimension.");

        public static readonly DiagnosticDescriptor HeadsDoNotDivide = Error(HeadsDoNotDivideId, Shapes,
            "Heads do not divide the model width",
            "{0} has {1} heads, which must divide the model width {2} of its input {3}",
            "Multi-head attention splits the model width into equal slices, one per head.");

        public static readonly DiagnosticDescriptor WeightsFileNotFound = Error(WeightsFileNotFoundId, Weights,
            "Weights file is not an AdditionalFiles item",
            "[Weights] of '{0}' names '{1}', {2}",
            "The generator reads the weights file's header at compile time; it sees only files given to the compilation as AdditionalFiles items.");

        public static readonly DiagnosticDescriptor WeightsFileUnreadable = Error(WeightsFileUnreadableId, Weights,
            "Weights file cannot be read",
            "Weights file '{0}' of '{1}' cannot be read: {2}",
            "The AdditionalFiles item exists in the project but its bytes could not be read from disk.");

        public static readonly DiagnosticDescriptor WeightsHeaderInvalid = Error(WeightsHeaderInvalidId, Weights,
            "Weights file is not valid safetensors",
            "Weights file '{0}' of '{1}' is not a valid safetensors file: {2}",
            "A safetensors file is an 8-byte little-endian header length, a JSON header of dtype/shape/data_offsets per tensor, and the data those offsets tile exactly.");

        public static readonly DiagnosticDescriptor WeightsTensorMissing = Error(WeightsTensorMissingId, Weights,
            "Weights file lacks a tensor",
            "'{0}' has no tensor '{1}', which '{2}' expects as {3}",
            "The file must hold exactly the network's state_dict: every parameter and buffer under its PyTorch name.");

        public static readonly DiagnosticDescriptor WeightsTensorExtra = Error(WeightsTensorExtraId, Weights,
            "Weights file has a tensor the network lacks",
            "'{0}' has tensor '{1}' ({2}), which '{3}' does not have",
            "The file must hold exactly the network's state_dict; an extra tensor usually means a layer was renamed or removed.");

        public static readonly DiagnosticDescriptor WeightsTensorShape = Error(WeightsTensorShapeId, Weights,
            "Weights tensor of the wrong shape",
            "Tensor '{1}' in '{0}' has shape {2} but '{3}' expects {4}",
            "Each tensor has the shape of the network's parameter in PyTorch's layout, e.g. a Dense weight is [out, in].");

        public static readonly DiagnosticDescriptor WeightsTensorDType = Error(WeightsTensorDTypeId, Weights,
            "Weights tensor of the wrong dtype",
            "Tensor '{1}' in '{0}' is {2} but '{3}' expects {4}",
            "Parameters and running statistics are F32; BatchNorm's num_batches_tracked is I64. Load converts nothing.");

        public static readonly DiagnosticDescriptor WeightsTooManyProblems = Error(WeightsTooManyProblemsId, Weights,
            "More weights problems",
            "'{0}' has {1} more tensor problems for '{2}' than the first {3} reported",
            "The tensor problems of one weights file are reported one diagnostic each, up to a cap, so that a wholly different file does not flood the error list.");

        public static readonly DiagnosticDescriptor WeightsNotEmbedded = Error(WeightsNotEmbeddedId, Weights,
            "Embedded weights file is not marked for embedding",
            "[Weights(Embed = true)] of '{0}' needs '{1}' built into the assembly: mark its item <AdditionalFiles Include=\"{1}\" TensorForgeEmbed=\"true\" /> (the TensorForge build targets then add it as the manifest resource '{2}')",
            "FromEmbeddedWeights() reads the file from the assembly's manifest resources; the TensorForge build targets embed every AdditionalFiles item marked TensorForgeEmbed=\"true\".");
        public static readonly DiagnosticDescriptor UnflattenSize = Error(UnflattenSizeId, Shapes,
            "Unflatten of the wrong size",
            "Unflatten '{0}' reads a vector of {1} = {2} elements as {3}, but receives {4} ({5} elements) from '{6}'",
            "Unflatten (PyTorch nn.Unflatten(1, shape)) reshapes each sample's vector without copying, so the input must be a vector with exactly as many elements as the shape.");

        public static readonly DiagnosticDescriptor ReparameterizeWidth = Error(ReparameterizeWidthId, Shapes,
            "Reparameterize needs a vector of even width",
            "Reparameterize '{0}' reads its input as the mean and the log-variance of d latents, a vector [2·d], but receives {1}, {2}",
            "The first half of the input is the mean μ, the second half log σ²; the output z has half the input's width.");

        public static readonly DiagnosticDescriptor TransposedNoOutput = Error(TransposedNoOutputId, Shapes,
            "Transposed convolution has no output",
            "{0} has no output {1}: {2} = {3}; use less padding, a larger kernel, stride or output padding",
            "Output size = (input − 1)·stride − 2·padding + dilation·(kernel − 1) + outputPadding + 1 must be at least 1 in each direction (PyTorch nn.ConvTranspose2d).");

        private static DiagnosticDescriptor Error(string id, string category, string title, string message, string description)
            => new DiagnosticDescriptor(id, title, message, category, DiagnosticSeverity.Error, isEnabledByDefault: true,
                description: description, helpLinkUri: HelpBase + id);

        /// <summary>Every descriptor, for the analyzer's SupportedDiagnostics.</summary>
        public static readonly System.Collections.Immutable.ImmutableArray<DiagnosticDescriptor> All =
            System.Collections.Immutable.ImmutableArray.Create(
                NotPartial, MissingInput, InputNotFirst, DuplicateInput, LayersInSeveralParts, InvalidArgument, DuplicateOptimizer,
                DuplicateSchedule, ScheduleWithoutOptimizer, DuplicateLayerName, InvalidLayerName, UnsupportedClass,
                UnknownBlock, BlockCycle,
                DenseNeedsVector, LossIncompatible, SoftmaxBeforeCrossEntropy, TooLarge, NoOutput, GroupsMismatch, AddShapeMismatch,
                ConcatShapeMismatch, UnknownLayerReference, BlockInputMismatch, BatchNormInput, NeedsImage, TokenInputNeedsEmbedding, EmbeddingNeedsTokens, NeedsSequence, PositionalEncodingWidth, HeadsDoNotDivide,
                WeightsFileNotFound, WeightsFileUnreadable, WeightsHeaderInvalid, WeightsTensorMissing, WeightsTensorExtra, WeightsTensorShape,
                WeightsTensorDType, WeightsTooManyProblems, WeightsNotEmbedded,
                UnflattenSize, ReparameterizeWidth, TransposedNoOutput);

        public static DiagnosticDescriptor ById(string id)
        {
            foreach (DiagnosticDescriptor descriptor in All)
            {
                if (descriptor.Id == id) return descriptor;
            }
            throw new System.ArgumentException("Unknown diagnostic id " + id, nameof(id));
        }
    }
}
