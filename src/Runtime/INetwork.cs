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

    /// <summary>A network with an optimizer: the pieces of a training step, for custom loops (GAN, VAE, multi-network models).</summary>
    public interface ITrainableNetwork : INetwork
    {
        /// <summary>Gradients, same layout as <see cref="INetwork.Parameters"/>; <see cref="Backward"/> adds to them.</summary>
        Span<float> Gradients { get; }
        /// <summary>The learning rate the next <see cref="Step"/> uses (the schedule's value).</summary>
        float LearningRate { get; }
        /// <summary>Training-mode forward (dropout on) that keeps what <see cref="Backward"/> needs.</summary>
        void ForwardTrain(ReadOnlySpan<float> input, Span<float> output);
        /// <summary>Adds dLoss/dParameters to <see cref="Gradients"/> and writes dLoss/dInput unless <paramref name="inputGradient"/> is empty.</summary>
        void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient);
        void ZeroGradients();
        /// <summary>One optimizer update and one schedule tick.</summary>
        void Step();
    }

    /// <summary>A trainable network with a loss: one call per mini-batch.</summary>
    public interface ISupervisedNetwork : ITrainableNetwork
    {
        /// <summary>One step on a mini-batch with float targets (regression losses, or class probabilities); returns the mean loss.</summary>
        float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> targets);
    }

    /// <summary>A trainable network whose loss takes class indices (or 0/1 labels).</summary>
    public interface IClassifierNetwork : ISupervisedNetwork
    {
        /// <summary>One step on a mini-batch with integer labels; returns the mean loss.</summary>
        float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<int> labels);
    }
}
