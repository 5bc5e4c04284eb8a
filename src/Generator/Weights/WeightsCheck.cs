using System.Collections.Generic;
using System.Linq;
using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Helpers;
using TensorForge.Generator.Layers;
using TensorForge.Generator.Parsing;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Weights
{
    /// <summary>[Weights] at compile time: what a network expects of its weights file, which AdditionalFiles item the attribute
    /// names, and the diagnostics of comparing the two. Pure functions over value-equatable models.</summary>
    internal static class WeightsCheck
    {
        public const string AttributeKind = "Weights";

        /// <summary>Prefix of the manifest resource an embedded file becomes (the build targets use the same).</summary>
        public const string ResourcePrefix = "TensorForge.Weights.";

        /// <summary>At most this many tensor problems are reported per file; the rest are counted in one TF2008.</summary>
        public const int MaxReportedProblems = 16;

        /// <summary>The [Weights] attribute of a declaration, or null.</summary>
        public static AttributeDeclaration? Find(NetworkDeclaration declaration)
            => declaration.Attributes.FirstOrDefault(a => a.Kind == AttributeKind);

        /// <summary>The manifest resource name of an embedded weights file: the prefix and the file's name.</summary>
        public static string? ResourceName(NetworkDeclaration declaration)
        {
            AttributeDeclaration? attribute = Find(declaration);
            string? path = attribute?.GetString("path");
            if (attribute is null || !attribute.GetBool("Embed", false) || string.IsNullOrWhiteSpace(path)) return null;
            return ResourcePrefix + FileName(path!);
        }

        /// <summary>What the network expects of its [Weights] file; null when it has none, or is invalid (its own TF errors
        /// come first: no cascade).</summary>
        public static WeightsExpectation? Expect(NetworkDeclaration declaration, EquatableArray<BlockDeclaration> blocks)
        {
            AttributeDeclaration? attribute = Find(declaration);
            if (attribute is null) return null;
            NetworkPlan plan = ShapeInference.Infer(declaration, blocks).Plan;
            if (!plan.IsValid) return null;
            var tensors = new List<ExpectedTensor>();
            foreach (LayerPlan layer in plan.Layers)
            {
                foreach (ParameterTensor tensor in layer.Parameters)
                    tensors.Add(new ExpectedTensor(layer.Name + "." + tensor.Name, "F32", Longs(tensor.Shape)));
                foreach (BufferTensor tensor in layer.Buffers)
                    tensors.Add(new ExpectedTensor(layer.Name + "." + tensor.Name, tensor.IsCounter ? "I64" : "F32", Longs(tensor.Shape)));
            }
            return new WeightsExpectation(plan.DisplayName, attribute.GetString("path") ?? "", attribute.GetBool("Embed", false),
                attribute.Location, tensors.ToEquatableArray());
        }

        /// <summary>Whether <paramref name="filePath"/> (an AdditionalFiles item) is the file <paramref name="requested"/> names:
        /// the same full path when it is rooted, else a path that ends with it at a folder boundary.</summary>
        public static bool Matches(string requested, string filePath)
        {
            if (string.IsNullOrWhiteSpace(requested)) return false;
            string want = Normalize(requested);
            string have = Normalize(filePath);
            while (want.StartsWith("./", System.StringComparison.Ordinal)) want = want.Substring(2);
            if (System.IO.Path.IsPathRooted(requested)) return string.Equals(want, have, System.StringComparison.OrdinalIgnoreCase);
            return string.Equals(want, have, System.StringComparison.OrdinalIgnoreCase)
                || (have.Length > want.Length && have[have.Length - want.Length - 1] == '/'
                    && have.EndsWith(want, System.StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>The diagnostics of one expectation against the AdditionalFiles items it may name.</summary>
        public static WeightsCheckResult Check(WeightsExpectation expectation, EquatableArray<WeightsFile> files)
        {
            var diagnostics = new List<DiagnosticInfo>();
            LocationInfo? at = expectation.Location;
            string network = expectation.Network;
            List<WeightsFile> matches = files.Where(f => Matches(expectation.Path, f.Path)).ToList();
            if (string.IsNullOrWhiteSpace(expectation.Path))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileNotFound, at, network, expectation.Path,
                    "which is no file path; name the safetensors file, e.g. [Weights(\"weights/model.safetensors\")]"));
                return Result(diagnostics);
            }
            if (matches.Count == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileNotFound, at, network, expectation.Path,
                    $"which is not an AdditionalFiles item of this compilation; add <AdditionalFiles Include=\"{expectation.Path}\" /> to the project"));
                return Result(diagnostics);
            }
            if (matches.Count > 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileNotFound, at, network, expectation.Path,
                    $"which matches {matches.Count} AdditionalFiles items ({string.Join(", ", matches.Select(m => "'" + m.Path + "'"))}); write more of its path"));
                return Result(diagnostics);
            }
            WeightsFile file = matches[0];
            string shown = FileName(file.Path);
            switch (file.Status)
            {
                case WeightsFileStatus.Unreadable:
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileUnreadable, at, file.Path, network, file.Problem ?? ""));
                    return Result(diagnostics);
                case WeightsFileStatus.Invalid:
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsHeaderInvalid, at, file.Path, network, file.Problem ?? ""));
                    return Result(diagnostics);
            }
            if (expectation.Embed && !file.EmbedMarked)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsNotEmbedded, at, network, expectation.Path, ResourcePrefix + shown));

            var found = new Dictionary<string, HeaderTensor>(System.StringComparer.Ordinal);
            foreach (HeaderTensor tensor in file.Tensors) found[tensor.Name] = tensor;
            var expectedNames = new HashSet<string>(expectation.Tensors.Select(t => t.Name), System.StringComparer.Ordinal);
            var problems = new List<DiagnosticInfo>();
            foreach (ExpectedTensor expected in expectation.Tensors)
            {
                if (!found.TryGetValue(expected.Name, out HeaderTensor? actual))
                    problems.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsTensorMissing, at, shown, expected.Name, network, expected.Describe()));
                else if (actual.DType != expected.DType)
                    problems.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsTensorDType, at, shown, expected.Name, actual.Describe(), network, expected.Describe()));
                else if (!actual.Shape.Equals(expected.Shape))
                    problems.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsTensorShape, at, shown, expected.Name, actual.ShapeText, network, ShapeText.Of(expected.Shape)));
            }
            foreach (HeaderTensor actual in file.Tensors)
            {
                if (!expectedNames.Contains(actual.Name))
                    problems.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsTensorExtra, at, shown, SafetensorsHeaderReader.Clip(actual.Name), actual.Describe(), network));
            }
            diagnostics.AddRange(problems.Take(MaxReportedProblems));
            if (problems.Count > MaxReportedProblems)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsTooManyProblems, at, shown, problems.Count - MaxReportedProblems, network, MaxReportedProblems));
            return Result(diagnostics);
        }

        private static WeightsCheckResult Result(List<DiagnosticInfo> diagnostics) => new WeightsCheckResult(diagnostics.ToEquatableArray());

        private static EquatableArray<long> Longs(Shape shape) => shape.Dimensions.Select(d => (long)d).ToEquatableArray();

        private static string Normalize(string path) => path.Replace('\\', '/');

        public static string FileName(string path)
        {
            string normalized = Normalize(path);
            int slash = normalized.LastIndexOf('/');
            return slash < 0 ? normalized : normalized.Substring(slash + 1);
        }
    }
}
