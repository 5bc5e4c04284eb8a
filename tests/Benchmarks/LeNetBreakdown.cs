using System;
using System.Collections.Generic;
using TensorForge.Kernels;
using TensorForge.Optimizers;

namespace TensorForge.Benchmarks
{
    /// <summary>Table 10c: where our LeNet-5 train step at batch 32 spends its time, one thread — the generated network's
    /// pieces (ForwardTrain, Backward, Step) and every kernel call its TrainStep makes, each timed alone on buffers of the
    /// network's shapes (the calls of the generated code, in its order; see tests/TensorForge.Generator.Tests/Baselines/LeNet5.cs).</summary>
    internal static class LeNetBreakdown
    {
        private const int Batch = 32;

        public static void Run(Options options)
        {
            KernelThreads.Set(1);
            Timing.Settle();
            DigitBatches.Batch[] pool = DigitBatches.Shared.Pool(Batch, count: 4);
            var network = new BenchLeNet5();
            float[] images = pool[0].Images;
            int[] labels = pool[0].Labels;
            var logits = new float[Batch * 10];
            var logitGradient = new float[Batch * 10];
            var random = new SeededRandom(5);
            for (int i = 0; i < logitGradient.Length; i++) logitGradient[i] = (random.NextSingle() - 0.5f) / Batch;

            var conv1 = new Conv2DGeometry(1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1);
            var conv2 = new Conv2DGeometry(6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1);
            var pool1 = new Pool2DGeometry(6, 28, 28, 2, 2, 2, 2, 0, 0);
            var pool2 = new Pool2DGeometry(16, 10, 10, 2, 2, 2, 2, 0, 0);
            var c1 = new ConvSection.OursConv(new ConvSection.Case("", 1, 6, 28, 5, 1, 2, true, false));
            var c2 = new ConvSection.OursConv(new ConvSection.Case("", 6, 16, 14, 5, 1, 0, true, false));
            AlignedBuffer a1 = new(Batch * 4704), p1 = new(Batch * 1176), a2 = new(Batch * 1600), p2 = new(Batch * 400);
            AlignedBuffer g1 = new(Batch * 4704), gp1 = new(Batch * 1176), g2 = new(Batch * 1600), gp2 = new(Batch * 400);
            foreach (AlignedBuffer b in new[] { a1, p1, a2, p2, g1, gp1, g2, gp2 }) Random(b, ref random);
            AlignedBuffer h1 = new(Batch * 120), h2 = new(Batch * 84), o = new(Batch * 10), d1 = new(Batch * 120), d2 = new(Batch * 84), dp = new(Batch * 400);
            foreach (AlignedBuffer b in new[] { h1, h2, o, d1, d2, dp }) Random(b, ref random);
            AlignedBuffer w1 = new(48000), w2 = new(10080), w3 = new(840), gw1 = new(48000), gw2 = new(10080), gw3 = new(840), bias = new(120), gbias = new(120);
            foreach (AlignedBuffer b in new[] { w1, w2, w3, bias }) Random(b, ref random);
            var adam = new Adam(BenchLeNet5.ParameterCount);
            float[] parameters = network.Parameters.ToArray(), gradients = new float[BenchLeNet5.ParameterCount];
            network.TrainStep(images, labels);
            network.Gradients.CopyTo(gradients);

            var calls = new List<(string Name, Action Call)>
            {
                ("TrainStep (whole step, for reference)", () => network.TrainStep(images, labels)),
                ("ForwardTrain", () => network.ForwardTrain(images, logits)),
                ("ZeroGradients + Backward (input gradient not asked)", () => { network.ZeroGradients(); network.Backward(logitGradient, default); }),
                ("Step (Adam, 61,706 parameters)", network.Step),
                ("conv1 forward 1→6 5×5 p2, 28×28", c1.Forward),
                ("conv1 weight gradient", c1.BackwardWeight),
                ("conv2 forward 6→16 5×5, 14×14", c2.Forward),
                ("conv2 input gradient", c2.BackwardInput),
                ("conv2 weight gradient", c2.BackwardWeight),
                ("ReLU + ReLUBackward, 32×6×28×28", () => { Activations.ReLU(a1.Span, a1.Span); Activations.ReLUBackward(a1.Span, g1.Span, g1.Span); }),
                ("ReLU + ReLUBackward, 32×16×10×10", () => { Activations.ReLU(a2.Span, a2.Span); Activations.ReLUBackward(a2.Span, g2.Span, g2.Span); }),
                ("pool1 MaxPool2D forward, 32×6×28×28 → 14×14", () => MaxPool2D.Forward(a1.Span, p1.Span, Batch, pool1)),
                ("pool1 MaxPool2D backward", () => MaxPool2D.Backward(a1.Span, gp1.Span, g1.Span, Batch, pool1)),
                ("pool2 MaxPool2D forward, 32×16×10×10 → 5×5", () => MaxPool2D.Forward(a2.Span, p2.Span, Batch, pool2)),
                ("pool2 MaxPool2D backward", () => MaxPool2D.Backward(a2.Span, gp2.Span, g2.Span, Batch, pool2)),
                ("fc1–fc3: 9 GEMMs (forward, weight and input gradients)", () =>
                {
                    Gemm.MultiplyTransposedB(p2.Span, w1.Span, h1.Span, Batch, 400, 120);
                    Gemm.MultiplyTransposedB(h1.Span, w2.Span, h2.Span, Batch, 120, 84);
                    Gemm.MultiplyTransposedB(h2.Span, w3.Span, o.Span, Batch, 84, 10);
                    Gemm.MultiplyTransposedA(o.Span, h2.Span, gw3.Span, 10, Batch, 84);
                    Gemm.Multiply(o.Span, w3.Span, d2.Span, Batch, 10, 84);
                    Gemm.MultiplyTransposedA(d2.Span, h1.Span, gw2.Span, 84, Batch, 120);
                    Gemm.Multiply(d2.Span, w2.Span, d1.Span, Batch, 84, 120);
                    Gemm.MultiplyTransposedA(d1.Span, p2.Span, gw1.Span, 120, Batch, 400);
                    Gemm.Multiply(d1.Span, w1.Span, dp.Span, Batch, 120, 400);
                }),
                ("fc epilogues: bias+ReLU, ReLU′+bias gradient (fc1)", () =>
                {
                    Epilogue.BiasReLU(h1.Span, bias.Span, Batch, 120);
                    Epilogue.ReLUBackwardBiasGradient(h1.Span, d1.Span, d1.Span, gbias.Span, Batch, 120);
                }),
                ("Adam.Step alone (61,706 parameters)", () => adam.Step(parameters, gradients, 1e-3f)),
            };

            var contenders = new Contender[calls.Count];
            for (int i = 0; i < calls.Count; i++)
                contenders[i] = new Contender(calls[i].Name, calls[i].Call);
            double[][] samples = Timing.Samples(options, contenders);
            double step = Timing.Median(samples[0]);

            var table = new Table("10c. Where our LeNet-5 train step goes (batch 32, one thread, each call timed alone)", "call", "µs", "of TrainStep");
            for (int i = 0; i < calls.Count; i++)
            {
                double seconds = Timing.Median(samples[i]);
                table.Row(calls[i].Name, Report.Micros(seconds), Report.Percent(seconds / step));
            }
            table.Note($"Medians of {options.Repetitions} interleaved repetitions. The first four rows are the generated network's public members;");
            table.Note("the rest are the kernel calls its TrainStep makes, on buffers of the same sizes (conv rows: Conv2D with the layer's geometry");
            table.Note("and bias; Backward of the network skips conv1's input gradient, as TrainStep does). Rows do not add up exactly to TrainStep:");
            table.Note("timed alone, each call finds its operands in cache; the loss, the input copy and the bias-gradient clears are left out.");
            table.Print();
        }

        private static Span<float> Random(AlignedBuffer buffer, ref SeededRandom random)
        {
            foreach (ref float x in buffer.Span) x = random.NextSingle() * 2 - 1;
            return buffer.Span;
        }
    }
}
