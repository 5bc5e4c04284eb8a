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

        /// <summary>Floats of a snapshot of the whole state (<see cref="CopyStateTo"/>): <see cref="ParameterCount"/> plus the
        /// buffers that are not trained (batch-norm running statistics and counters); <see cref="ParameterCount"/> for a
        /// network without buffers.</summary>
        int StateSize => ParameterCount;

        /// <summary>Copies the whole state — what <see cref="Save(Stream)"/> writes: the parameters (the first
        /// <see cref="ParameterCount"/> floats, as <see cref="Parameters"/>), then the buffers — into
        /// <paramref name="destination"/>, for <see cref="CopyStateFrom"/> to put back (e.g. to undo a training step: a
        /// training-mode forward also moves the running statistics). The layout after the parameters is internal
        /// (an int64 counter takes the bits of two floats).</summary>
        /// <exception cref="ArgumentException"><paramref name="destination"/> is not <see cref="StateSize"/> floats long.</exception>
        void CopyStateTo(Span<float> destination)
        {
            Guard.StateLength(destination.Length, StateSize, nameof(destination));
            Parameters.CopyTo(destination);
        }

        /// <summary>Puts back a state that <see cref="CopyStateTo"/> copied from a network of the same class. The optimizer
        /// state (momentum, Adam moments) is not part of it, as with <see cref="Load(Stream)"/>.</summary>
        /// <exception cref="ArgumentException"><paramref name="source"/> is not <see cref="StateSize"/> floats long; nothing is changed.</exception>
        void CopyStateFrom(ReadOnlySpan<float> source)
        {
            Guard.StateLength(source.Length, StateSize, nameof(source));
            source.CopyTo(Parameters);
        }
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
