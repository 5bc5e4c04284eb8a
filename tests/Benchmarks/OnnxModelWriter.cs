using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace TensorForge.Benchmarks
{
    /// <summary>Writes the ONNX twin of an MLP (Gemm with transB = 1, then Relu, per layer) as a ModelProto, encoded by
    /// hand: the few protobuf wire types ONNX needs are varints and length-delimited fields, so no protobuf package is
    /// needed. Field numbers are those of onnx/onnx.proto (IR version 8 = opset 17).</summary>
    internal static class OnnxModelWriter
    {
        /// <summary>A dense layer in PyTorch layout: weight [out, in] row-major, bias [out].</summary>
        public sealed record Layer(int In, int Out, float[] Weight, float[] Bias, bool ReLU);

        private const int FloatType = 1;        // TensorProto.DataType.FLOAT
        private const int IntAttribute = 2;     // AttributeProto.AttributeType.INT

        public static byte[] Write(IReadOnlyList<Layer> layers, string inputName, string outputName)
        {
            var graph = new Message();
            string current = inputName;
            for (int i = 0; i < layers.Count; i++)
            {
                Layer layer = layers[i];
                string weight = $"fc{i + 1}.weight", bias = $"fc{i + 1}.bias";
                bool last = i == layers.Count - 1;
                string gemmOut = last && !layer.ReLU ? outputName : $"fc{i + 1}.z";

                graph.Nested(5, Tensor(weight, new long[] { layer.Out, layer.In }, layer.Weight));            // initializer
                graph.Nested(5, Tensor(bias, new long[] { layer.Out }, layer.Bias));
                graph.Nested(1, Node("Gemm", $"fc{i + 1}", new[] { current, weight, bias }, gemmOut,          // node
                    new Message().String(1, "transB").Varint(3, 1).Varint(20, IntAttribute)));
                current = gemmOut;
                if (layer.ReLU)
                {
                    string reluOut = last ? outputName : $"fc{i + 1}.y";
                    graph.Nested(1, Node("Relu", $"relu{i + 1}", new[] { current }, reluOut, null));
                    current = reluOut;
                }
            }
            graph.String(2, "tensorforge_mlp");
            graph.Nested(11, ValueInfo(inputName, layers[0].In));                                            // input
            graph.Nested(12, ValueInfo(outputName, layers[^1].Out));                                         // output

            var model = new Message()
                .Varint(1, 8)                                                                                 // ir_version
                .String(2, "TensorForge.Benchmarks")                                                          // producer_name
                .Nested(7, graph)                                                                            // graph
                .Nested(8, new Message().String(1, "").Varint(2, 17));                                       // opset_import
            return model.ToArray();
        }

        private static Message Node(string opType, string name, string[] inputs, string output, Message? attribute)
        {
            var node = new Message();
            foreach (string input in inputs)
                node.String(1, input);
            node.String(2, output).String(3, name).String(4, opType);
            if (attribute is not null)
                node.Nested(5, attribute);
            return node;
        }

        private static Message Tensor(string name, long[] dims, float[] data)
        {
            var tensor = new Message();
            foreach (long dim in dims)
                tensor.Varint(1, dim);
            tensor.Varint(2, FloatType).String(8, name);
            var raw = new byte[data.Length * sizeof(float)];
            Buffer.BlockCopy(data, 0, raw, 0, raw.Length);
            if (!BitConverter.IsLittleEndian)
                throw new PlatformNotSupportedException("ONNX raw_data is little-endian");
            return tensor.Bytes(9, raw);                                                                      // raw_data
        }

        /// <summary>A float tensor [batch, features] with a symbolic batch dimension.</summary>
        private static Message ValueInfo(string name, int features)
        {
            var shape = new Message()
                .Nested(1, new Message().String(2, "batch"))                                                 // dim_param
                .Nested(1, new Message().Varint(1, features));                                               // dim_value
            var tensorType = new Message().Varint(1, FloatType).Nested(2, shape);
            return new Message().String(1, name).Nested(2, new Message().Nested(1, tensorType));
        }

        /// <summary>A protobuf message being built: fields appended in order, wire types 0 (varint) and 2 (length-delimited).</summary>
        private sealed class Message
        {
            private readonly MemoryStream _bytes = new();

            public Message Varint(int field, long value)
            {
                WriteVarint((ulong)field << 3);
                WriteVarint((ulong)value);
                return this;
            }

            public Message Bytes(int field, byte[] value)
            {
                WriteVarint(((ulong)field << 3) | 2);
                WriteVarint((ulong)value.Length);
                _bytes.Write(value);
                return this;
            }

            public Message String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

            public Message Nested(int field, Message value) => Bytes(field, value.ToArray());

            public byte[] ToArray() => _bytes.ToArray();

            private void WriteVarint(ulong value)
            {
                while (value >= 0x80)
                {
                    _bytes.WriteByte((byte)(value | 0x80));
                    value >>= 7;
                }
                _bytes.WriteByte((byte)value);
            }
        }
    }
}
