using System;
using System.Runtime.CompilerServices;
using Microsoft.ML.OnnxRuntime;

namespace TensorForge.Benchmarks
{
    /// <summary>ONNX Runtime on a given number of intra-op threads (one unless a table says otherwise), running a model through an I/O binding over pinned, pre-allocated buffers, so a
    /// call does no managed allocation and no copy: the same contract our Forward has.</summary>
    internal sealed class OrtPeer : IDisposable
    {
        public const string InputName = "input", OutputName = "logits";

        private readonly InferenceSession _session;
        private readonly RunOptions _runOptions = new();
        private readonly OrtIoBinding _binding;
        private readonly OrtValue _input, _output;

        /// <summary>Pinned buffers the binding reads from and writes to.</summary>
        public float[] Input { get; }
        public float[] Output { get; }

        public OrtPeer(byte[] model, int batch, int inputSize, int outputSize, int intraOpThreads = 1)
        {
            using var sessionOptions = new SessionOptions
            {
                IntraOpNumThreads = intraOpThreads,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            _session = new InferenceSession(model, sessionOptions);
            Input = GC.AllocateArray<float>(batch * inputSize, pinned: true);
            Output = GC.AllocateArray<float>(batch * outputSize, pinned: true);
            _input = OrtValue.CreateTensorValueFromMemory(Input, new long[] { batch, inputSize });
            _output = OrtValue.CreateTensorValueFromMemory(Output, new long[] { batch, outputSize });
            _binding = _session.CreateIoBinding();
            _binding.BindInput(InputName, _input);
            _binding.BindOutput(OutputName, _output);
        }

        public void Run() => _session.RunWithBinding(_runOptions, _binding);

        public static string Describe
        {
            get
            {
                try
                {
                    return VersionString() + ", 1 intra-op thread (all cores in tables 4b/5b) and 1 inter-op thread, sequential, all graph optimisations, I/O binding over pinned buffers";
                }
                catch (Exception e)
                {
                    return "unavailable: " + e.GetBaseException().Message;
                }
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static string VersionString() => OrtEnv.Instance().GetVersionString();

        public void Dispose()
        {
            _binding.Dispose();
            _input.Dispose();
            _output.Dispose();
            _runOptions.Dispose();
            _session.Dispose();
        }
    }
}
