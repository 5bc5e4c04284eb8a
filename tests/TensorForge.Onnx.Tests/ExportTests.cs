using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;

namespace TensorForge.Onnx.Tests
{
    /// <summary>Exports each network, runs the model in ONNX Runtime (CPU) and compares its output with the network's own
    /// <c>Forward</c> on the same batch, element by element: |Forward − ORT| ≤ 1e-5 · max(1, |Forward|), i.e. 1e-5 absolute for
    /// outputs up to 1 and 1e-5 relative above (parameters are drawn U(−0.5, 0.5), so LeNet's logits reach the tens). Each test
    /// prints one row of the agreement table (network, outputs, largest |output|, largest absolute and relative difference).</summary>
    public sealed class ExportTests
    {
        private const float Tolerance = 1e-5f;
        private const int Batch = 3;
        private readonly ITestOutputHelper _output;

        public ExportTests(ITestOutputHelper output) => _output = output;

        [Fact] public void DenseWithFusedActivationsSoftmaxAndDropout() { var n = new DenseActivations(); Agree(n, n.ExportOnnx, 8); }
        [Fact] public void StandaloneActivations() { var n = new StandaloneActivations(); Agree(n, n.ExportOnnx, 12); }
        /// <summary>LeNet-5 with its own seeded initialisation, whose activations stay of order 1 as a trained network's do: with
        /// U(−0.5, 0.5) weights its 400-input dense layer sums terms in the tens, and float32 rounding in a different summation
        /// order (ONNX Runtime's MLAS against TensorForge's GEMM) alone differs by 1e-5 relative.</summary>
        [Fact] public void LeNet5() { var n = new LeNet(); Agree(n, n.ExportOnnx, randomize: false, 1, 28, 28); }
        [Fact] public void StridedGroupedDilatedConvolutionsAndPooling() { var n = new ConvolutionVariants(); Agree(n, n.ExportOnnx, 4, 11, 11); }
        [Fact] public void UnflattenUpsampleAndConvTranspose() { var n = new Decoder(); Agree(n, n.ExportOnnx, 10); }
        [Fact] public void DenseOnSequencesLayerNormLstmGruAndRnn() { var n = new Recurrent(); Agree(n, n.ExportOnnx, 5, 6); }
        [Fact] public void StackedBidirectionalLstmAndMeanOverTime() { var n = new RecurrentMean(); Agree(n, n.ExportOnnx, 5, 4); }
        [Fact] public void MultiHeadAttentionTransformerEncoderLayersAndAdditiveAttention() { var n = new Attention(); Agree(n, n.ExportOnnx, 5, 8); }
        [Fact] public void ReparameterizeExportsItsMean() { var n = new Reparameterized(); Agree(n, n.ExportOnnx, 6); }

        [Fact]
        public void ResidualBlockWithBatchNorm()
        {
            var network = new ResidualBlock();
            TrainStatistics(network, ResidualBlock.InputSize, ResidualBlock.OutputSize);
            Agree(network, network.ExportOnnx, 3, 8, 8);
        }

        [Fact]
        public void ConcatOfConvolutionsAndOfVectorsWithBatchNorm1d()
        {
            var network = new ConcatNetwork();
            TrainStatistics(network, ConcatNetwork.InputSize, ConcatNetwork.OutputSize);
            Agree(network, network.ExportOnnx, 2, 6, 6);
        }

        [Fact]
        public void EmbeddingPositionalEncodingGruAndLastStep()
        {
            var network = new Tokens();
            Randomize(network.Parameters, 71);
            var random = new Random(72);
            int[] tokens = new int[Batch * Tokens.InputSize];
            for (int i = 0; i < tokens.Length; i++) tokens[i] = random.Next(20);
            float[] expected = new float[Batch * Tokens.OutputSize];
            network.Forward(tokens, expected);

            using var session = new InferenceSession(Export(network.ExportOnnx));
            var input = new DenseTensor<int>(tokens, new[] { Batch, Tokens.InputSize });
            float[] actual = Run(session, NamedOnnxValue.CreateFromTensor("input", input));
            Compare(expected, actual, nameof(Tokens));
        }

        [Fact]
        public void ExportWritesAFileWithTheStateDictNames()
        {
            var network = new LeNet();
            string path = Path.Combine(Path.GetTempPath(), $"tensorforge-lenet-{Guid.NewGuid():N}.onnx");
            try
            {
                network.ExportOnnx(path);
                using var session = new InferenceSession(path);
                Assert.Equal("input", Assert.Single(session.InputMetadata).Key);
                Assert.Equal(new[] { -1, 1, 28, 28 }, session.InputMetadata["input"].Dimensions);
                Assert.Equal("N", session.InputMetadata["input"].SymbolicDimensions[0]);
                Assert.Equal("output", Assert.Single(session.OutputMetadata).Key);
                Assert.Equal(new[] { -1, 10 }, session.OutputMetadata["output"].Dimensions);
                // Initializers keep the state_dict names (protobuf stores the names as plain UTF-8).
                string bytes = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(path));
                Assert.Contains("conv1.weight", bytes);
                Assert.Contains("fc3.bias", bytes);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void ExportReplacesAFileAllAtOnceAndLeavesNothingBehindOnFailure()
        {
            var network = new LeNet();
            string folder = Path.Combine(Path.GetTempPath(), $"tensorforge-onnx-{Guid.NewGuid():N}");
            Directory.CreateDirectory(folder);
            try
            {
                // Over an existing file: the new model replaces it whole, and no temporary file stays in the folder.
                string path = Path.Combine(folder, "lenet.onnx");
                File.WriteAllText(path, "an older file");
                network.ExportOnnx(path);
                using (var session = new InferenceSession(path))
                    Assert.Equal("output", Assert.Single(session.OutputMetadata).Key);
                Assert.Equal(new[] { path }, Directory.GetFiles(folder));

                // Into a folder that does not exist: an IOException naming the path, and nothing created.
                string missing = Path.Combine(folder, "no-such-folder", "lenet.onnx");
                var error = Assert.ThrowsAny<IOException>(() => network.ExportOnnx(missing));
                Assert.Contains("no-such-folder", error.Message);
                Assert.Equal(new[] { path }, Directory.GetFiles(folder, "*", SearchOption.AllDirectories));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        // ---- helpers ---------------------------------------------------------------------------------------------------

        /// <summary>Randomises the parameters (BatchNorm's running statistics are left as they are) unless told not to, then compares Forward with
        /// ONNX Runtime on a batch of <see cref="Batch"/> samples of the per-sample <paramref name="shape"/>.</summary>
        private void Agree(INetwork network, Action<Stream> export, params int[] shape) => Agree(network, export, randomize: true, shape);

        private void Agree(INetwork network, Action<Stream> export, bool randomize, params int[] shape)
        {
            if (randomize) Randomize(network.Parameters, network.ParameterCount);
            var random = new Random(7);
            float[] input = new float[Batch * network.InputSize];
            for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 2 - 1);
            float[] expected = new float[Batch * network.OutputSize];
            network.Forward(input, expected);

            using var session = new InferenceSession(Export(export));
            var tensor = new DenseTensor<float>(input, new[] { Batch }.Concat(shape).ToArray());
            float[] actual = Run(session, NamedOnnxValue.CreateFromTensor("input", tensor));
            Compare(expected, actual, network.GetType().Name);
        }

        private static byte[] Export(Action<Stream> export)
        {
            var stream = new MemoryStream();
            export(stream);
            return stream.ToArray();
        }

        private static float[] Run(InferenceSession session, NamedOnnxValue input)
        {
            using var results = session.Run(new[] { input });
            return Assert.Single(results).AsTensor<float>().ToArray();
        }

        private void Compare(float[] expected, float[] actual, string network)
        {
            Assert.Equal(expected.Length, actual.Length);
            float worst = 0f, worstRelative = 0f, largest = 0f;
            for (int i = 0; i < expected.Length; i++)
            {
                float difference = MathF.Abs(expected[i] - actual[i]);
                worst = MathF.Max(worst, difference);
                worstRelative = MathF.Max(worstRelative, difference / MathF.Max(1f, MathF.Abs(expected[i])));
                largest = MathF.Max(largest, MathF.Abs(expected[i]));
                Assert.True(difference <= Tolerance * MathF.Max(1f, MathF.Abs(expected[i])),
                    $"{network}: output {i}: Forward {expected[i]:R}, ONNX Runtime {actual[i]:R}");
            }
            _output.WriteLine($"| {network} | {expected.Length} | {largest:G3} | {worst:E2} | {worstRelative:E2} |");
        }

        /// <summary>Parameters U(−0.5, 0.5), so that biases, BatchNorm scales and every gate matter.</summary>
        private static void Randomize(Span<float> parameters, int seed)
        {
            var random = new Random(seed);
            for (int i = 0; i < parameters.Length; i++) parameters[i] = (float)(random.NextDouble() - 0.5);
        }

        /// <summary>A few training-mode passes, so that BatchNorm's running statistics are not the initial 0 and 1.</summary>
        private static void TrainStatistics(ITrainableNetwork network, int inputSize, int outputSize)
        {
            var random = new Random(11);
            float[] input = new float[8 * inputSize], output = new float[8 * outputSize];
            for (int step = 0; step < 5; step++)
            {
                for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 3 - 1);
                network.ForwardTrain(input, output);
            }
        }
    }
}
