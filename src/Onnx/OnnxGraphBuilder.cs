using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Proto = global::Onnx;

namespace TensorForge.Onnx
{
    /// <summary>The recurrent cells <see cref="OnnxGraphBuilder.Recurrent"/> writes (ONNX RNN, LSTM and GRU).</summary>
    public enum OnnxRecurrentCell
    {
        /// <summary>PyTorch nn.RNN (one gate), ONNX RNN.</summary>
        Rnn = 0,
        /// <summary>PyTorch nn.LSTM (gates i, f, g, o), ONNX LSTM (gates i, o, f, c).</summary>
        Lstm = 1,
        /// <summary>PyTorch nn.GRU (gates r, z, n), ONNX GRU (gates z, r, h) with linear_before_reset = 1.</summary>
        Gru = 2,
    }

    /// <summary>Builds the inference graph of a network as an ONNX model (opset <see cref="Opset"/>, IR version 8): float32
    /// tensors with a symbolic batch dimension <see cref="BatchDimension"/>, one input named <see cref="InputName"/> and one output
    /// named <see cref="OutputName"/>. Every operation appends a node and returns the name of the value it produces; weights
    /// become initializers under the names given (the network's state_dict names). Generated networks call it from their
    /// <c>ExportOnnx</c>; the messages are those of the ONNX schema (onnx.proto), serialised by Google.Protobuf.</summary>
    /// <remarks>Shapes passed here are per sample, without the batch dimension, as the network's attributes write them.</remarks>
    public sealed class OnnxGraphBuilder
    {
        /// <summary>The ONNX operator set the graph uses (the default domain).</summary>
        public const int Opset = 17;

        /// <summary>The ONNX IR version written (8: the version of opset 17).</summary>
        public const int IRVersion = 8;

        /// <summary>The name of the graph's input.</summary>
        public const string InputName = "input";

        /// <summary>The name of the graph's output.</summary>
        public const string OutputName = "output";

        /// <summary>The symbolic name of the batch dimension of the input and the output.</summary>
        public const string BatchDimension = "N";

        private readonly Proto.GraphProto _graph;
        private readonly HashSet<string> _names = new HashSet<string>(StringComparer.Ordinal);
        private bool _hasOutput;

        /// <summary>Starts a graph whose input is a float tensor [N, <paramref name="inputShape"/>…], or, with
        /// <paramref name="tokenInput"/>, an int32 tensor of token ids.</summary>
        /// <param name="graphName">The graph's name (the network's class name).</param>
        /// <param name="inputShape">The per-sample input shape.</param>
        /// <param name="tokenInput">Whether the input holds int32 token ids (a network that starts with an Embedding).</param>
        public OnnxGraphBuilder(string graphName, ReadOnlySpan<int> inputShape, bool tokenInput = false)
        {
            ArgumentException.ThrowIfNullOrEmpty(graphName);
            _graph = new Proto.GraphProto { Name = graphName };
            _graph.Input.Add(ValueInfo(InputName, inputShape,
                tokenInput ? Proto.TensorProto.Types.DataType.Int32 : Proto.TensorProto.Types.DataType.Float));
            _names.Add(InputName);
        }

        /// <summary>The name of the graph's input value.</summary>
        public string Input => InputName;

        // ---- tensors ------------------------------------------------------------------------------------------------

        /// <summary>Adds a float32 initializer (a weight) and returns its name.</summary>
        /// <param name="name">Its name, usually the state_dict name (<c>fc1.weight</c>); made unique if taken.</param>
        /// <param name="shape">Its full shape (no batch dimension).</param>
        /// <param name="data">Its values, row-major; as many as <paramref name="shape"/> holds.</param>
        public string Initializer(string name, ReadOnlySpan<int> shape, ReadOnlySpan<float> data)
        {
            long size = 1;
            foreach (int d in shape) size *= d;
            if (size != data.Length)
                throw new ArgumentException($"The initializer '{name}' of shape [{string.Join(", ", shape.ToArray())}] needs {size} values; got {data.Length}.", nameof(data));
            string unique = Unique(name);
            var tensor = new Proto.TensorProto { Name = unique, DataType = (int)Proto.TensorProto.Types.DataType.Float };
            foreach (int d in shape) tensor.Dims.Add(d);
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian.");
            tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data));
            _graph.Initializer.Add(tensor);
            return unique;
        }

        /// <summary>Adds a float32 scalar initializer and returns its name.</summary>
        public string Scalar(string name, float value) => Initializer(name, ReadOnlySpan<int>.Empty, new[] { value });

        /// <summary>Adds a float32 vector initializer of <paramref name="length"/> copies of <paramref name="value"/> (the scale or
        /// shift of a normalisation without learned ones) and returns its name.</summary>
        public string Filled(string name, int length, float value)
        {
            var data = new float[length];
            Array.Fill(data, value);
            return Initializer(name, new[] { length }, data);
        }

        /// <summary>Adds a one-dimensional int64 initializer (shapes, axes, indices) and returns its name.</summary>
        public string Int64s(string name, ReadOnlySpan<long> values)
        {
            string unique = Unique(name);
            var tensor = new Proto.TensorProto { Name = unique, DataType = (int)Proto.TensorProto.Types.DataType.Int64 };
            tensor.Dims.Add(values.Length);
            foreach (long v in values) tensor.Int64Data.Add(v);
            _graph.Initializer.Add(tensor);
            return unique;
        }

        /// <summary>Adds an int64 scalar initializer and returns its name.</summary>
        private string Int64Scalar(string name, long value)
        {
            string unique = Unique(name);
            var tensor = new Proto.TensorProto { Name = unique, DataType = (int)Proto.TensorProto.Types.DataType.Int64 };
            tensor.Int64Data.Add(value);
            _graph.Initializer.Add(tensor);
            return unique;
        }

        // ---- dense and convolution ------------------------------------------------------------------------------------

        /// <summary>Gemm: <paramref name="a"/>·<paramref name="b"/>ᵀ + <paramref name="c"/> (transB = 1) on [N, K], the layout of
        /// PyTorch's nn.Linear weight [out, in]; <paramref name="c"/> may be null.</summary>
        public string Gemm(string name, string a, string b, string? c)
            => Node("Gemm", name, c is null ? new[] { a, b } : new[] { a, b, c }, Int("transB", 1));

        /// <summary>MatMul with numpy broadcasting.</summary>
        public string MatMul(string name, string a, string b) => Node("MatMul", name, new[] { a, b });

        /// <summary>Conv on NCHW with PyTorch's weight [out, in/groups, kh, kw]; pads are top, left, bottom, right.</summary>
        public string Conv(string name, string x, string weight, string? bias, int kernelHeight, int kernelWidth, int stride,
            int padTop, int padLeft, int padBottom, int padRight, int dilation, int groups)
            => Node("Conv", name, bias is null ? new[] { x, weight } : new[] { x, weight, bias },
                Ints("kernel_shape", kernelHeight, kernelWidth), Ints("strides", stride, stride),
                Ints("pads", padTop, padLeft, padBottom, padRight), Ints("dilations", dilation, dilation), Int("group", groups));

        /// <summary>ConvTranspose on NCHW with PyTorch's weight [in, out/groups, kh, kw], symmetric padding and output padding.</summary>
        public string ConvTranspose(string name, string x, string weight, string? bias, int kernelHeight, int kernelWidth, int stride,
            int padding, int outputPadding, int dilation, int groups)
            => Node("ConvTranspose", name, bias is null ? new[] { x, weight } : new[] { x, weight, bias },
                Ints("kernel_shape", kernelHeight, kernelWidth), Ints("strides", stride, stride),
                Ints("pads", padding, padding, padding, padding), Ints("output_padding", outputPadding, outputPadding),
                Ints("dilations", dilation, dilation), Int("group", groups));

        // ---- activations ----------------------------------------------------------------------------------------------

        /// <summary>Relu.</summary>
        public string Relu(string name, string x) => Node("Relu", name, new[] { x });

        /// <summary>LeakyRelu with the given negative slope.</summary>
        public string LeakyRelu(string name, string x, float slope) => Node("LeakyRelu", name, new[] { x }, Float("alpha", slope));

        /// <summary>Sigmoid.</summary>
        public string Sigmoid(string name, string x) => Node("Sigmoid", name, new[] { x });

        /// <summary>Tanh.</summary>
        public string Tanh(string name, string x) => Node("Tanh", name, new[] { x });

        /// <summary>The exact GELU, x·Φ(x) = x · ½(1 + erf(x/√2)), written with Div, Erf, Add and Mul (opset 17 has no Gelu).</summary>
        public string Gelu(string name, string x)
        {
            string erf = Node("Erf", name + ".erf", new[] { Node("Div", name + ".scaled", new[] { x, Scalar(name + ".sqrt2", MathF.Sqrt(2f)) }) });
            string cdf = Node("Mul", name + ".cdf", new[] { Node("Add", name + ".onePlus", new[] { erf, Scalar(name + ".one", 1f) }), Scalar(name + ".half", 0.5f) });
            return Node("Mul", name, new[] { x, cdf });
        }

        /// <summary>Softmax along <paramref name="axis"/> (opset 13 and later: one axis, not a flattened tail).</summary>
        public string Softmax(string name, string x, int axis = -1) => Node("Softmax", name, new[] { x }, Int("axis", axis));

        // ---- pooling and normalisation ------------------------------------------------------------------------------------

        /// <summary>MaxPool with a square window, padding on every side.</summary>
        public string MaxPool(string name, string x, int kernel, int stride, int padding)
            => Node("MaxPool", name, new[] { x }, Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", padding, padding, padding, padding));

        /// <summary>AveragePool with a square window; <c>count_include_pad = 1</c>, as PyTorch's nn.AvgPool2d by default.</summary>
        public string AveragePool(string name, string x, int kernel, int stride, int padding)
            => Node("AveragePool", name, new[] { x }, Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride),
                Ints("pads", padding, padding, padding, padding), Int("count_include_pad", 1));

        /// <summary>GlobalAveragePool: [N, C, H, W] → [N, C, 1, 1].</summary>
        public string GlobalAveragePool(string name, string x) => Node("GlobalAveragePool", name, new[] { x });

        /// <summary>BatchNormalization in inference mode (the running statistics), [N, C] or [N, C, H, W].</summary>
        public string BatchNormalization(string name, string x, string scale, string bias, string mean, string variance, float epsilon)
            => Node("BatchNormalization", name, new[] { x, scale, bias, mean, variance }, Float("epsilon", epsilon));

        /// <summary>LayerNormalization over the last axis (opset 17).</summary>
        public string LayerNormalization(string name, string x, string scale, string? bias, float epsilon)
            => Node("LayerNormalization", name, bias is null ? new[] { x, scale } : new[] { x, scale, bias }, Int("axis", -1), Float("epsilon", epsilon));

        // ---- shapes and graph ------------------------------------------------------------------------------------------

        /// <summary>Add with broadcasting (residual connections, biases, tables).</summary>
        public string Add(string name, string a, string b) => Node("Add", name, new[] { a, b });

        /// <summary>Concat along <paramref name="axis"/> (1: the channel or feature axis after the batch).</summary>
        public string Concat(string name, string a, string b, int axis = 1) => Node("Concat", name, new[] { a, b }, Int("axis", axis));

        /// <summary>Flatten to [N, everything else].</summary>
        public string Flatten(string name, string x) => Node("Flatten", name, new[] { x }, Int("axis", 1));

        /// <summary>Reshape to [N, <paramref name="shape"/>…] (the batch dimension is kept).</summary>
        public string Reshape(string name, string x, ReadOnlySpan<int> shape)
        {
            var full = new long[shape.Length + 1];
            full[0] = -1;
            for (int i = 0; i < shape.Length; i++) full[i + 1] = shape[i];
            return Node("Reshape", name, new[] { x, Int64s(name + ".shape", full) });
        }

        /// <summary>Transpose with the permutation <paramref name="perm"/> of every axis, the batch included.</summary>
        public string Transpose(string name, string x, ReadOnlySpan<int> perm) => Node("Transpose", name, new[] { x }, Ints("perm", perm));

        /// <summary>Resize by an integer factor on both spatial axes, nearest neighbour as PyTorch's nn.Upsample
        /// (coordinate mode asymmetric, floor).</summary>
        public string ResizeNearest(string name, string x, int scale)
        {
            string scales = Initializer(name + ".scales", new[] { 4 }, new float[] { 1f, 1f, scale, scale });
            return Node("Resize", name, new[] { x, "", scales }, Str("mode", "nearest"),
                Str("coordinate_transformation_mode", "asymmetric"), Str("nearest_mode", "floor"));
        }

        /// <summary>Gather rows of <paramref name="data"/> by the indices <paramref name="indices"/> along <paramref name="axis"/>
        /// (an embedding lookup with axis 0).</summary>
        public string Gather(string name, string data, string indices, int axis = 0) => Node("Gather", name, new[] { data, indices }, Int("axis", axis));

        /// <summary>Takes one position along <paramref name="axis"/> and drops that axis (a sequence's last time step).</summary>
        public string Select(string name, string x, int axis, long index)
            => Node("Gather", name, new[] { x, Int64Scalar(name + ".index", index) }, Int("axis", axis));

        /// <summary>Slice: positions [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) of
        /// <paramref name="axis"/>.</summary>
        public string Slice(string name, string x, int axis, int start, int length)
            => Node("Slice", name, new[] { x, Int64s(name + ".starts", new long[] { start }), Int64s(name + ".ends", new long[] { (long)start + length }),
                Int64s(name + ".axes", new long[] { axis }) });

        /// <summary>ReduceMean over one axis, which is dropped.</summary>
        public string ReduceMean(string name, string x, int axis)
            => Node("ReduceMean", name, new[] { x }, Ints("axes", axis), Int("keepdims", 0));

        /// <summary>One layer of a batch-first recurrent network, [N, T, F] → [N, T, directions · H], as ONNX RNN, LSTM or GRU
        /// (which run time-major: the input and output are transposed around the node). <paramref name="parameters"/> holds the
        /// layer's tensors in PyTorch's state_dict order and layout — weight_ih [G·H, F], weight_hh [G·H, H], then bias_ih and
        /// bias_hh [G·H] when <paramref name="hasBias"/>, then the same for the reverse direction — and the gates are reordered
        /// to ONNX's (LSTM i, o, f, c from PyTorch's i, f, g, o; GRU z, r, h from r, z, n).</summary>
        public string Recurrent(OnnxRecurrentCell cell, string name, string x, int inputSize, int hidden, bool hasBias, bool bidirectional,
            ReadOnlySpan<float> parameters, bool reluActivation = false)
        {
            int[] order = cell switch
            {
                OnnxRecurrentCell.Lstm => new[] { 0, 3, 1, 2 },
                OnnxRecurrentCell.Gru => new[] { 1, 0, 2 },
                _ => new[] { 0 },
            };
            int gates = order.Length, directions = bidirectional ? 2 : 1, rows = gates * hidden;
            int perDirection = rows * inputSize + rows * hidden + (hasBias ? 2 * rows : 0);
            if (parameters.Length != perDirection * directions)
                throw new ArgumentException($"The parameters of recurrent layer '{name}' need {perDirection * directions} values; got {parameters.Length}.", nameof(parameters));
            var w = new float[directions * rows * inputSize];
            var r = new float[directions * rows * hidden];
            var b = new float[directions * 2 * rows];
            for (int d = 0; d < directions; d++)
            {
                ReadOnlySpan<float> p = parameters.Slice(d * perDirection, perDirection);
                Reorder(p.Slice(0, rows * inputSize), w.AsSpan(d * rows * inputSize, rows * inputSize), order, hidden * inputSize);
                Reorder(p.Slice(rows * inputSize, rows * hidden), r.AsSpan(d * rows * hidden, rows * hidden), order, hidden * hidden);
                if (hasBias)
                {
                    int biasStart = rows * (inputSize + hidden);
                    Reorder(p.Slice(biasStart, rows), b.AsSpan(d * 2 * rows, rows), order, hidden);
                    Reorder(p.Slice(biasStart + rows, rows), b.AsSpan(d * 2 * rows + rows, rows), order, hidden);
                }
            }
            string timeMajor = Transpose(name + ".timeMajor", x, new[] { 1, 0, 2 });
            string wName = Initializer(name + ".W", new[] { directions, rows, inputSize }, w);
            string rName = Initializer(name + ".R", new[] { directions, rows, hidden }, r);
            string bName = Initializer(name + ".B", new[] { directions, 2 * rows }, b);
            var attributes = new List<Proto.AttributeProto> { Int("hidden_size", hidden), Str("direction", bidirectional ? "bidirectional" : "forward") };
            if (cell == OnnxRecurrentCell.Gru) attributes.Add(Int("linear_before_reset", 1));
            if (cell == OnnxRecurrentCell.Rnn && reluActivation) attributes.Add(Strs("activations", bidirectional ? new[] { "Relu", "Relu" } : new[] { "Relu" }));
            string opType = cell switch { OnnxRecurrentCell.Lstm => "LSTM", OnnxRecurrentCell.Gru => "GRU", _ => "RNN" };
            string y = Node(opType, name + ".cell", new[] { timeMajor, wName, rName, bName }, attributes.ToArray());   // [T, D, N, H]
            string joined = Transpose(name + ".directionsLast", y, new[] { 0, 2, 1, 3 });                           // [T, N, D, H]
            string merged = Node("Reshape", name + ".merged", new[] { joined, Int64s(name + ".mergedShape", new long[] { 0, 0, -1 }) });
            return Transpose(name, merged, new[] { 1, 0, 2 });                                                            // [N, T, D·H]
        }

        /// <summary>PyTorch nn.MultiheadAttention(d, heads, batch_first=True) as self-attention on [N, T, d], written with MatMul,
        /// Softmax, Reshape and Transpose (opset 17 has no attention operator): q, k, v = x·in_projᵀ + in_proj_bias split in three,
        /// per head softmax(q·kᵀ/√(d/heads) (+ a −∞ mask above the diagonal when <paramref name="causal"/>))·v, then
        /// out_proj.</summary>
        /// <param name="name">The layer's name (node and value names start with it).</param>
        /// <param name="x">The input [N, T, d].</param>
        /// <param name="steps">T.</param>
        /// <param name="width">d.</param>
        /// <param name="heads">Heads; d is a multiple of them.</param>
        /// <param name="causal">Whether step t attends only to steps up to t.</param>
        /// <param name="inProjectionWeight">The initializer in_proj_weight [3d, d].</param>
        /// <param name="inProjectionBias">The initializer in_proj_bias [3d].</param>
        /// <param name="outProjectionWeight">The initializer out_proj.weight [d, d].</param>
        /// <param name="outProjectionBias">The initializer out_proj.bias [d].</param>
        public string MultiHeadSelfAttention(string name, string x, int steps, int width, int heads, bool causal,
            string inProjectionWeight, string inProjectionBias, string outProjectionWeight, string outProjectionBias)
        {
            if (heads <= 0 || width % heads != 0) throw new ArgumentException($"The width {width} of '{name}' is not a multiple of {heads} heads.", nameof(heads));
            int headWidth = width / heads;
            string packed = Add(name + ".qkv", MatMul(name + ".inProj", x, Transpose(name + ".inProjT", inProjectionWeight, new[] { 1, 0 })), inProjectionBias);
            string Head(string part, int index, int[] perm)
                => Transpose(name + "." + part + "Heads", Reshape(name + "." + part + "Split", Slice(name + "." + part, packed, 2, index * width, width),
                    new[] { steps, heads, headWidth }), perm);
            string q = Head("q", 0, new[] { 0, 2, 1, 3 });                                       // [N, h, T, dh]
            string k = Head("k", 1, new[] { 0, 2, 3, 1 });                                       // [N, h, dh, T]
            string v = Head("v", 2, new[] { 0, 2, 1, 3 });                                       // [N, h, T, dh]
            string scores = Node("Mul", name + ".scaled", new[] { MatMul(name + ".scores", q, k), Scalar(name + ".scale", 1f / MathF.Sqrt(headWidth)) });
            if (causal)
            {
                var mask = new float[steps * steps];
                for (int i = 0; i < steps; i++)
                    for (int j = i + 1; j < steps; j++) mask[i * steps + j] = float.NegativeInfinity;
                scores = Add(name + ".masked", scores, Initializer(name + ".causalMask", new[] { steps, steps }, mask));
            }
            string attended = MatMul(name + ".attended", Softmax(name + ".probabilities", scores, -1), v);          // [N, h, T, dh]
            string merged = Reshape(name + ".merged", Transpose(name + ".stepsFirst", attended, new[] { 0, 2, 1, 3 }), new[] { steps, width });
            return Add(name, MatMul(name + ".outProj", merged, Transpose(name + ".outProjT", outProjectionWeight, new[] { 1, 0 })), outProjectionBias);
        }

        /// <summary>Additive (Bahdanau) attention pooling [N, T, H] → [N, H]: α = softmax over t of v·tanh(W·x_t + b), output
        /// Σ_t α_t·x_t.</summary>
        /// <param name="name">The layer's name.</param>
        /// <param name="x">The input [N, T, H].</param>
        /// <param name="features">H.</param>
        /// <param name="weight">The initializer proj.weight [A, H].</param>
        /// <param name="bias">The initializer proj.bias [A].</param>
        /// <param name="v">The initializer v.weight [1, A].</param>
        public string AdditiveAttention(string name, string x, int features, string weight, string bias, string v)
        {
            string projected = Tanh(name + ".tanh", Add(name + ".projected", MatMul(name + ".proj", x, Transpose(name + ".projT", weight, new[] { 1, 0 })), bias));
            string scores = MatMul(name + ".scores", projected, Transpose(name + ".vT", v, new[] { 1, 0 }));          // [N, T, 1]
            string weights = Softmax(name + ".weights", scores, 1);
            string pooled = MatMul(name + ".pooled", Transpose(name + ".weightsT", weights, new[] { 0, 2, 1 }), x);     // [N, 1, H]
            return Reshape(name, pooled, new[] { features });
        }

        private static void Reorder(ReadOnlySpan<float> source, Span<float> destination, int[] order, int block)
        {
            for (int g = 0; g < order.Length; g++)
                source.Slice(order[g] * block, block).CopyTo(destination.Slice(g * block, block));
        }

        /// <summary>Ends the graph: <paramref name="value"/> becomes the output [N, <paramref name="shape"/>…] named
        /// <see cref="OutputName"/> (through an Identity node).</summary>
        public void Output(string value, ReadOnlySpan<int> shape)
        {
            if (_hasOutput) throw new InvalidOperationException("The graph already has its output.");
            _names.Add(OutputName);
            var node = new Proto.NodeProto { Name = OutputName, OpType = "Identity" };
            node.Input.Add(value);
            node.Output.Add(OutputName);
            _graph.Node.Add(node);
            _graph.Output.Add(ValueInfo(OutputName, shape, Proto.TensorProto.Types.DataType.Float));
            _hasOutput = true;
        }

        /// <summary>Writes the model (the ONNX protobuf encoding) to <paramref name="stream"/>.</summary>
        public void WriteTo(Stream stream)
        {
            ArgumentNullException.ThrowIfNull(stream);
            Model().WriteTo(stream);
        }

        /// <summary>The model's bytes (the ONNX protobuf encoding).</summary>
        public byte[] ToArray() => Model().ToByteArray();

        private Proto.ModelProto Model()
        {
            if (!_hasOutput) throw new InvalidOperationException("The graph has no output: call Output first.");
            var model = new Proto.ModelProto
            {
                IrVersion = IRVersion,
                ProducerName = "TensorForge",
                ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
                Graph = _graph,
            };
            model.OpsetImport.Add(new Proto.OperatorSetIdProto { Domain = "", Version = Opset });
            return model;
        }

        // ---- protobuf helpers -------------------------------------------------------------------------------------------

        /// <summary>Appends a node whose one output is named after it, and returns that name.</summary>
        private string Node(string opType, string name, string[] inputs, params Proto.AttributeProto[] attributes)
        {
            string output = Unique(name);
            var node = new Proto.NodeProto { Name = output, OpType = opType };
            node.Input.Add(inputs);
            node.Output.Add(output);
            node.Attribute.Add(attributes);
            _graph.Node.Add(node);
            return output;
        }

        private string Unique(string name)
        {
            if (string.IsNullOrEmpty(name)) name = "value";
            string unique = name;
            for (int i = 1; !_names.Add(unique); i++) unique = name + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return unique;
        }

        private static Proto.ValueInfoProto ValueInfo(string name, ReadOnlySpan<int> shape, Proto.TensorProto.Types.DataType type)
        {
            var tensorShape = new Proto.TensorShapeProto();
            tensorShape.Dim.Add(new Proto.TensorShapeProto.Types.Dimension { DimParam = BatchDimension });
            foreach (int d in shape) tensorShape.Dim.Add(new Proto.TensorShapeProto.Types.Dimension { DimValue = d });
            return new Proto.ValueInfoProto
            {
                Name = name,
                Type = new Proto.TypeProto { TensorType = new Proto.TypeProto.Types.Tensor { ElemType = (int)type, Shape = tensorShape } },
            };
        }

        private static Proto.AttributeProto Int(string name, long value)
            => new Proto.AttributeProto { Name = name, Type = Proto.AttributeProto.Types.AttributeType.Int, I = value };

        private static Proto.AttributeProto Float(string name, float value)
            => new Proto.AttributeProto { Name = name, Type = Proto.AttributeProto.Types.AttributeType.Float, F = value };

        private static Proto.AttributeProto Str(string name, string value)
            => new Proto.AttributeProto { Name = name, Type = Proto.AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

        private static Proto.AttributeProto Strs(string name, string[] values)
        {
            var attribute = new Proto.AttributeProto { Name = name, Type = Proto.AttributeProto.Types.AttributeType.Strings };
            foreach (string v in values) attribute.Strings.Add(ByteString.CopyFromUtf8(v));
            return attribute;
        }

        private static Proto.AttributeProto Ints(string name, params int[] values) => Ints(name, (ReadOnlySpan<int>)values);

        private static Proto.AttributeProto Ints(string name, ReadOnlySpan<int> values)
        {
            var attribute = new Proto.AttributeProto { Name = name, Type = Proto.AttributeProto.Types.AttributeType.Ints };
            foreach (int v in values) attribute.Ints.Add(v);
            return attribute;
        }
    }
}
