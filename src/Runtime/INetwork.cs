using System;
using System.IO;

namespace TensorForge
{
    /// <summary>Implemented by every generated network. Instances are not thread-safe; separate instances are independent.</summary>
    public interface INetwork
    {
        /// <summary>Elements of one input sample (flattened).</summary>
        int InputSize { get; }
        /// <summary>Elements of one output sample (flattened).</summary>
        int OutputSize { get; }
        /// <summary>Trainable parameter count.</summary>
        int ParameterCount { get; }
        /// <summary>Inference: batch = input.Length / InputSize.</summary>
        void Forward(ReadOnlySpan<float> input, Span<float> output);
        /// <summary>All parameters, one contiguous block in PyTorch state_dict order.</summary>
        Span<float> Parameters { get; }
        void Save(string path);
        void Save(Stream stream);
        void Load(string path);
        void Load(Stream stream);
    }

    /// <summary>A network with an optimizer: the pieces of a training step.</summary>
    public interface ITrainableNetwork : INetwork
    {
        Span<float> Gradients { get; }
        void ForwardTrain(ReadOnlySpan<float> input, Span<float> output);
        void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient);
        void ZeroGradients();
        void Step();
        /// <summary>One step on a mini-batch with float targets (regression losses, or class probabilities); returns the mean loss.</summary>
        float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> targets);
    }

    /// <summary>A trainable network whose loss takes class indices (or 0/1 labels).</summary>
    public interface IClassifierNetwork : ITrainableNetwork
    {
        /// <summary>One step on a mini-batch with integer labels; returns the mean loss.</summary>
        float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<int> labels);
    }
}
