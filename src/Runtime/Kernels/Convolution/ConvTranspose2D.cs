using System;
using System.Numerics.Tensors;

namespace TensorForge.Kernels
{
    /// <summary>Transposed 2-D convolution with PyTorch <c>nn.ConvTranspose2d</c> semantics (NCHW, float32, weight
    /// <c>[in, out/groups, kh, kw]</c>): the forward pass and both gradients, as the adjoint of <see cref="Conv2D"/>.</summary>
    /// <remarks>
    /// <para>With C = <see cref="ConvTranspose2DGeometry.Adjoint"/> (the convolution from this layer's output back to its input,
    /// with the same weight): the forward pass is C's input gradient, the input gradient is C's forward pass, and the weight
    /// gradient is C's weight gradient with the roles of input and output gradient swapped. So this layer runs on the same
    /// machinery, threads and guarantees as <see cref="Conv2D"/>: bit-identical results whatever <see cref="Gemm.MaxThreads"/>,
    /// nothing allocated after the first call on a thread.</para>
    /// <para>Spans may be longer than needed; only the leading elements are used. Outputs must not overlap inputs.</para>
    /// </remarks>
    public static unsafe class ConvTranspose2D
    {
        /// <summary>Floats of workspace the three passes need for <paramref name="batch"/> samples; the caller owns it and may
        /// share it between layers (calls never run concurrently on one network).</summary>
        public static int WorkspaceSize(int batch, in ConvTranspose2DGeometry g) => Conv2D.WorkspaceSize(batch, g.Adjoint);

        /// <summary>output = convTranspose(input, weight) + bias, overwriting output.</summary>
        /// <param name="input">[batch, InChannels, InHeight, InWidth].</param>
        /// <param name="weight">[InChannels, OutChannels/Groups, KernelHeight, KernelWidth].</param>
        /// <param name="bias">[OutChannels], or empty for no bias.</param>
        /// <param name="output">[batch, OutChannels, OutHeight, OutWidth].</param>
        /// <param name="workspace">At least <see cref="WorkspaceSize"/> floats.</param>
        /// <param name="batch">Samples.</param>
        /// <param name="g">The layer.</param>
        /// <exception cref="ArgumentException">A span is too short (the message names the sizes), or batch is negative.</exception>
        public static void Forward(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
            Span<float> output, Span<float> workspace, int batch, in ConvTranspose2DGeometry g)
        {
            KernelArguments.NonNegative(batch, nameof(batch));
            KernelArguments.AtLeast(input.Length, nameof(input), batch, g.InputSize, nameof(batch), "InputSize");
            CheckWeight(weight.Length, nameof(weight), g);
            CheckBias(bias.Length, nameof(bias), g);
            KernelArguments.AtLeast(output.Length, nameof(output), batch, g.OutputSize, nameof(batch), "OutputSize");
            CheckWorkspace(workspace.Length, batch, g);
            if (batch == 0)
                return;

            Conv2D.BackwardInput(input, weight, output, workspace, batch, g.Adjoint);
            if (!bias.IsEmpty)
            {
                int plane = g.OutHeight * g.OutWidth;
                for (int s = 0; s < batch; s++)
                    for (int c = 0; c < g.OutChannels; c++)
                    {
                        Span<float> channel = output.Slice((s * g.OutChannels + c) * plane, plane);
                        TensorPrimitives.Add(channel, bias[c], channel);
                    }
            }
        }

        /// <summary>inputGradient = ∂L/∂input, overwriting it.</summary>
        /// <param name="outputGradient">∂L/∂output, [batch, OutChannels, OutHeight, OutWidth].</param>
        /// <param name="weight">[InChannels, OutChannels/Groups, KernelHeight, KernelWidth].</param>
        /// <param name="inputGradient">[batch, InChannels, InHeight, InWidth].</param>
        /// <param name="workspace">At least <see cref="WorkspaceSize"/> floats.</param>
        /// <param name="batch">Samples.</param>
        /// <param name="g">The layer.</param>
        /// <exception cref="ArgumentException">A span is too short (the message names the sizes), or batch is negative.</exception>
        public static void BackwardInput(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> weight, Span<float> inputGradient,
            Span<float> workspace, int batch, in ConvTranspose2DGeometry g)
        {
            KernelArguments.NonNegative(batch, nameof(batch));
            KernelArguments.AtLeast(outputGradient.Length, nameof(outputGradient), batch, g.OutputSize, nameof(batch), "OutputSize");
            CheckWeight(weight.Length, nameof(weight), g);
            KernelArguments.AtLeast(inputGradient.Length, nameof(inputGradient), batch, g.InputSize, nameof(batch), "InputSize");
            CheckWorkspace(workspace.Length, batch, g);
            if (batch == 0)
                return;
            Conv2D.Forward(outputGradient, weight, ReadOnlySpan<float>.Empty, inputGradient, workspace, batch, g.Adjoint);
        }

        /// <summary>weightGradient (and biasGradient unless it is empty) = ∂L/∂weight (∂L/∂bias) summed over the batch, or
        /// added to them when <paramref name="accumulate"/> is true.</summary>
        /// <param name="outputGradient">∂L/∂output, [batch, OutChannels, OutHeight, OutWidth].</param>
        /// <param name="input">The forward pass's input, [batch, InChannels, InHeight, InWidth].</param>
        /// <param name="weightGradient">[InChannels, OutChannels/Groups, KernelHeight, KernelWidth].</param>
        /// <param name="biasGradient">[OutChannels], or empty for a layer without bias.</param>
        /// <param name="workspace">At least <see cref="WorkspaceSize"/> floats.</param>
        /// <param name="batch">Samples.</param>
        /// <param name="g">The layer.</param>
        /// <param name="accumulate">Add to the gradients instead of overwriting them.</param>
        /// <exception cref="ArgumentException">A span is too short (the message names the sizes), or batch is negative.</exception>
        public static void BackwardWeight(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> input, Span<float> weightGradient,
            Span<float> biasGradient, Span<float> workspace, int batch, in ConvTranspose2DGeometry g, bool accumulate)
        {
            KernelArguments.NonNegative(batch, nameof(batch));
            KernelArguments.AtLeast(outputGradient.Length, nameof(outputGradient), batch, g.OutputSize, nameof(batch), "OutputSize");
            KernelArguments.AtLeast(input.Length, nameof(input), batch, g.InputSize, nameof(batch), "InputSize");
            CheckWeight(weightGradient.Length, nameof(weightGradient), g);
            CheckBias(biasGradient.Length, nameof(biasGradient), g);
            CheckWorkspace(workspace.Length, batch, g);

            // The adjoint's "output gradient" is this layer's input and its "input" this layer's output gradient.
            Conv2D.BackwardWeight(input, outputGradient, weightGradient, Span<float>.Empty, workspace, batch, g.Adjoint, accumulate);
            if (biasGradient.IsEmpty)
                return;
            if (batch == 0)
            {
                if (!accumulate)
                    biasGradient.Slice(0, g.OutChannels).Clear();
                return;
            }
            int plane = g.OutHeight * g.OutWidth;
            fixed (float* dy = outputGradient, db = biasGradient)
            {
                for (int c = 0; c < g.OutChannels; c++)
                {
                    float sum = 0f;
                    for (int s = 0; s < batch; s++)
                        sum += Conv2D.FixedOrderSum(dy + ((nint)s * g.OutChannels + c) * plane, plane);
                    db[c] = accumulate ? db[c] + sum : sum;
                }
            }
        }

        private static void CheckWeight(int length, string name, in ConvTranspose2DGeometry g)
        {
            if (length < g.WeightSize)
                throw new ArgumentException($"{name} has {length} elements but InChannels×(OutChannels/Groups)×KernelHeight×KernelWidth = "
                    + $"{g.InChannels}×{g.OutChannels / g.Groups}×{g.KernelHeight}×{g.KernelWidth} needs {g.WeightSize}.", name);
        }

        private static void CheckBias(int length, string name, in ConvTranspose2DGeometry g)
        {
            if (length != 0 && length < g.OutChannels)
                throw new ArgumentException($"{name} has {length} elements but OutChannels = {g.OutChannels} needs {g.OutChannels} "
                    + "(or pass an empty span for no bias).", name);
        }

        private static void CheckWorkspace(int length, int batch, in ConvTranspose2DGeometry g)
        {
            int needed = WorkspaceSize(batch, g);
            if (length < needed)
                throw new ArgumentException($"workspace has {length} elements but WorkspaceSize(batch = {batch}) = {needed}.", "workspace");
        }
    }
}
