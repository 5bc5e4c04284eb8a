using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Layers;
using TensorForge.Generator.Parsing;
using TensorForge.Generator.Training;

namespace TensorForge.Generator.Shapes
{
    /// <summary>The one set of shape rules: a pure function from a declaration to a plan and its diagnostics.
    /// The generator emits from the plan; the analyzer reports the diagnostics. Every problem is reported in one pass.</summary>
    internal static class ShapeInference
    {
        // \z, not $: "$" also matches before a final "\n", which let "fc1\n" through into generated comments and code.
        private static readonly Regex ValidName = new Regex(@"^[A-Za-z0-9_.\-]{1,128}\z", RegexOptions.CultureInvariant);

        public static bool IsValidName(string name) => ValidName.IsMatch(name);

        public static PlanResult Infer(NetworkDeclaration declaration) => Infer(declaration, EquatableArray<BlockDeclaration>.Empty);

        /// <summary>The plan of <paramref name="declaration"/>, with its [Use] attributes resolved in <paramref name="blocks"/>.</summary>
        public static PlanResult Infer(NetworkDeclaration declaration, EquatableArray<BlockDeclaration> blocks)
        {
            var diagnostics = new List<DiagnosticInfo>();
            string network = declaration.DisplayName;
            bool canEmit = true;

            if (!declaration.IsPartial)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPartial, declaration.ClassLocation, network));
                canEmit = false;
            }
            foreach (ContainingType outer in declaration.ContainingTypes.Where(t => !t.IsPartial))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPartial, outer.Location, outer.Name));
                canEmit = false;
            }
            if (declaration.IsStatic)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedClass, declaration.ClassLocation, network, "a static class cannot have instances; remove 'static'"));
                canEmit = false;
            }
            if (declaration.IsAbstract)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedClass, declaration.ClassLocation, network,
                    "an abstract class cannot be instantiated, but a network's constructors and Clone() create instances; remove 'abstract'"));
                canEmit = false;
            }
            if (declaration.HasPrimaryConstructor)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedClass, declaration.ClassLocation, network,
                    "the generated constructors cannot chain to a primary constructor; remove the parameter list and declare the members in the body"));
                canEmit = false;
            }
            if (declaration.Keyword != "class" && declaration.Keyword != "record")
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedClass, declaration.ClassLocation, network, $"a network is a class, not a {declaration.Keyword}"));
                canEmit = false;
            }

            int lossValue = declaration.Network.GetInt("Loss", 0);
            var networkChecker = Checker(declaration.Network, "Network '" + network + "'", diagnostics);
            networkChecker(lossValue >= 0 && lossValue <= 3, "Loss", "a defined Loss value", lossValue);
            var loss = lossValue >= 0 && lossValue <= 3 ? (LossKind)lossValue : LossKind.None;
            int seed = declaration.Network.GetInt("Seed", 0);
            int initialization = declaration.Network.GetInt("Initialization", 0);
            networkChecker(initialization >= 0 && initialization <= 1, "Initialization", "a defined Initialization value", initialization);
            int reductionValue = declaration.Network.GetInt("Reduction", 0);
            networkChecker(reductionValue >= 0 && reductionValue <= 2, "Reduction", "a defined Reduction value", reductionValue);
            var reduction = reductionValue >= 0 && reductionValue <= 2 ? (LossReduction)reductionValue : LossReduction.Mean;

            // Training attributes: at most one optimizer, at most one schedule, a schedule needs an optimizer.
            bool trainingValid = true;
            (AttributeDeclaration? optimizerAttribute, OptimizerPlan? optimizer) = Single(declaration, OptimizerPlan.IsOptimizer,
                DiagnosticDescriptors.DuplicateOptimizer, OptimizerPlan.Create, diagnostics, ref trainingValid);
            (AttributeDeclaration? scheduleAttribute, SchedulePlan? schedule) = Single(declaration, SchedulePlan.IsSchedule,
                DiagnosticDescriptors.DuplicateSchedule, SchedulePlan.Create, diagnostics, ref trainingValid);
            if (scheduleAttribute is not null && optimizerAttribute is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ScheduleWithoutOptimizer, scheduleAttribute.Location, scheduleAttribute.Kind, network));
                trainingValid = false;
            }

            // Layers: [Input] first and once, all on one partial declaration, then each layer in order, blocks inlined.
            List<AttributeDeclaration> layerAttributes = declaration.Attributes.Where(a => BlockExpansion.IsLayerKind(a.Kind)).ToList();
            bool layersValid = true;
            if (layerAttributes.Count > 0)
            {
                int firstPart = layerAttributes[0].PartIndex;
                AttributeDeclaration? stray = layerAttributes.FirstOrDefault(a => a.PartIndex != firstPart);
                if (stray is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayersInSeveralParts, stray.Location, network, stray.Kind));
                    layersValid = false;
                }
            }
            var blockLibrary = new Dictionary<string, BlockDeclaration>(System.StringComparer.Ordinal);
            foreach (BlockDeclaration block in blocks) blockLibrary[block.TypeName] = block;
            List<LayerEntry> entries = BlockExpansion.Expand(layerAttributes, blockLibrary, network, diagnostics, ref layersValid);
            var graph = new LayerGraphBuilder(network, diagnostics, pyTorchInitialization: initialization == 1);
            graph.Build(entries, ref layersValid);
            bool seenInput = graph.SeenInput;
            Shape input = graph.InputShape;
            List<LayerPlan> layers = graph.Layers;
            long offset = graph.ParameterCount;
            if (!seenInput)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingInput, declaration.Network.Location, network));
                layersValid = false;
            }

            Shape output = layersValid && layers.Count > 0 ? layers[layers.Count - 1].Output : input;
            if (layersValid) CheckLoss(declaration, loss, layers, output, diagnostics, ref layersValid);

            bool valid = canEmit && layersValid && trainingValid && diagnostics.All(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity != Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
            var plan = new NetworkPlan(declaration.Namespace, declaration.ClassName, declaration.TypeParameters, declaration.Keyword,
                declaration.ContainingTypes, network, canEmit, valid,
                valid ? input : Shape.Of(), valid ? output : Shape.Of(),
                valid ? layers.ToEquatableArray() : EquatableArray<LayerPlan>.Empty,
                valid ? (int)offset : 0, loss, seed, valid ? optimizer : null, valid ? schedule : null)
            {
                BufferCount = valid ? graph.BufferStorage : 0,
                Vocabulary = valid ? graph.Vocabulary : 0,
                EmbeddedWeightsResource = Weights.WeightsCheck.ResourceName(declaration),
                PyTorchInitialization = initialization == 1,
                Reduction = reduction,
            };
            // A block used several times repeats its errors at the same use site only once.
            return new PlanResult(plan, diagnostics.Distinct().ToEquatableArray());
        }

        /// <summary>The one attribute of a family (optimizers, schedules) and its plan; a second one is reported with
        /// <paramref name="duplicate"/>, an invalid one by its planner. Either clears <paramref name="valid"/>.</summary>
        private static (AttributeDeclaration? Attribute, T? Plan) Single<T>(NetworkDeclaration declaration, System.Func<string, bool> isMember,
            Microsoft.CodeAnalysis.DiagnosticDescriptor duplicate, System.Func<AttributeDeclaration, ArgumentChecker, T?> plan,
            List<DiagnosticInfo> diagnostics, ref bool valid) where T : class
        {
            AttributeDeclaration? first = null;
            T? result = null;
            foreach (AttributeDeclaration attribute in declaration.Attributes.Where(a => isMember(a.Kind)))
            {
                if (first is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(duplicate, attribute.Location, declaration.DisplayName, first.Kind, attribute.Kind));
                    valid = false;
                    continue;
                }
                first = attribute;
                result = plan(attribute, Checker(attribute, attribute.Kind, diagnostics));
                valid &= result is not null;
            }
            return (first, result);
        }

        internal static Shape? ParseInput(AttributeDeclaration attribute, List<DiagnosticInfo> diagnostics)
        {
            ArgumentValue? argument = attribute.Find("shape");
            EquatableArray<int> dimensions = argument?.Ints ?? EquatableArray<int>.Empty;
            if (dimensions.Count == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgument, attribute.Location, "shape", "Input", "at least one dimension", "[]"));
                return null;
            }
            var shape = new Shape(dimensions);
            int bad = dimensions.ToList().FindIndex(d => d <= 0);
            if (bad >= 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgument, argument!.LocationOfElement(bad) ?? attribute.Location,
                    "shape", "Input", "positive in every dimension", shape));
                return null;
            }
            if (shape.LongSize > int.MaxValue)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooLarge, attribute.Location, "Input " + shape, LayerBuildContext.Literal(shape.LongSize)));
                return null;
            }
            return shape;
        }

        private static void CheckLoss(NetworkDeclaration declaration, LossKind loss, List<LayerPlan> layers, Shape output, List<DiagnosticInfo> diagnostics, ref bool valid)
        {
            LocationInfo? location = declaration.Network.LocationOf("Loss");
            if (loss == LossKind.SoftmaxCrossEntropy)
            {
                if (output.Last < 2)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LossIncompatible, location, "SoftmaxCrossEntropy", "at least 2 classes in the last axis (use BinaryCrossEntropyWithLogits for one output)", output));
                    valid = false;
                }
                if (layers.Count > 0 && layers[layers.Count - 1] is SoftmaxLayer softmax)
                {
                    LocationInfo? where = declaration.Attributes.Where(a => a.Kind == "Softmax").LastOrDefault()?.Location;
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SoftmaxBeforeCrossEntropy, where, softmax.Name));
                }
            }
        }

        private static ArgumentChecker Checker(AttributeDeclaration attribute, string owner, List<DiagnosticInfo> diagnostics)
            => LayerBuildContext.CheckerFor(attribute, owner, diagnostics);
    }
}
