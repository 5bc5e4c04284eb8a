using System;
using System.Globalization;
using System.IO;
using TensorForge.Data;
using TensorForge.Kernels;
using TensorForge.Training;

namespace TensorForge.Samples
{
    /// <summary>The <b>MNIST score</b> of a set of images (the Inception score with a digit classifier): exp of the mean over
    /// the images of KL(p(y|x) ‖ p(y)), where p(y|x) is the classifier's softmax and p(y) its mean over the set. It is 1 when
    /// every image gets the same prediction (or all predictions are uniform) and at most 10, reached by confident predictions
    /// spread evenly over the ten digits: high means "recognisable and varied".</summary>
    /// <remarks>The classifier is the LeNet-5 of <c>samples/LeNet</c> (<c>LeNet5</c>), loaded from the LeNet sample's
    /// output or trained by <see cref="LoadOrTrainClassifier"/>. Linked by the generative samples together with
    /// <c>samples/LeNet/LeNet5.cs</c>.</remarks>
    internal static class MnistScore
    {
        /// <summary>Where CI's LeNet run saves its weights, under the repository root; the generative samples look there first.</summary>
        public const string DefaultClassifierPath = "artifacts/lenet5.safetensors";

        /// <summary>The shifts of the LeNet sample's default recipe (its <c>Program.MaxShift</c>), used when the classifier is
        /// trained here.</summary>
        public const int ClassifierMaxShift = 1;

        /// <summary>The score of <paramref name="count"/> rows of class probabilities (each row sums to 1), computed in double
        /// with 0·log 0 = 0.</summary>
        /// <exception cref="ArgumentException"><paramref name="probabilities"/> does not hold count × classes values.</exception>
        public static double FromProbabilities(ReadOnlySpan<float> probabilities, int count, int classes)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
            if (probabilities.Length != (long)count * classes)
                throw new ArgumentException(
                    $"probabilities has {probabilities.Length} values but {count} rows of {classes} classes need {(long)count * classes}",
                    nameof(probabilities));

            Span<double> marginal = classes <= 64 ? stackalloc double[classes] : new double[classes];
            marginal.Clear();
            for (int i = 0; i < count; i++)
            {
                for (int k = 0; k < classes; k++)
                    marginal[k] += probabilities[i * classes + k];
            }
            for (int k = 0; k < classes; k++)
                marginal[k] /= count;

            double klSum = 0;
            for (int i = 0; i < count; i++)
            {
                for (int k = 0; k < classes; k++)
                {
                    double p = probabilities[i * classes + k];
                    if (p > 0)
                        klSum += p * (Math.Log(p) - Math.Log(marginal[k]));
                }
            }
            return Math.Exp(klSum / count);
        }

        /// <summary>The score of <paramref name="images"/> (whole samples of <see cref="INetwork.InputSize"/> values, as the
        /// classifier was trained on: MNIST pixels in [0, 1]) under <paramref name="classifier"/>'s softmax, run in inference
        /// mode in batches.</summary>
        /// <exception cref="ArgumentException"><paramref name="images"/> is empty or not whole samples.</exception>
        public static double Measure(INetwork classifier, ReadOnlySpan<float> images, int batchSize = 250)
        {
            ArgumentNullException.ThrowIfNull(classifier);
            int inputSize = classifier.InputSize, classes = classifier.OutputSize;
            if (images.Length == 0 || images.Length % inputSize != 0)
                throw new ArgumentException(
                    $"images has {images.Length} values, which is not a positive whole number of samples of {inputSize}", nameof(images));
            int count = images.Length / inputSize;
            var probabilities = new float[count * classes];
            var logits = new float[Math.Min(batchSize, count) * classes];
            for (int start = 0; start < count; start += batchSize)
            {
                int n = Math.Min(batchSize, count - start);
                classifier.Forward(images.Slice(start * inputSize, n * inputSize), logits.AsSpan(0, n * classes));
                Activations.Softmax(logits, probabilities.AsSpan(start * classes, n * classes), n, classes);
            }
            return FromProbabilities(probabilities, count, classes);
        }

        /// <summary>Loads the classifier's weights from <paramref name="path"/> if the file is there and fits; otherwise trains
        /// it on <paramref name="train"/> as the LeNet sample does by default (10 epochs, batch 32, the classifier's declared
        /// optimizer — LeNet5's Adam 1e-3 with its cosine — random shifts of up to 1 pixel, seed 42) and saves the weights to
        /// <paramref name="path"/>, so the next sample loads them.</summary>
        public static void LoadOrTrainClassifier(IClassifierNetwork classifier, string path, Dataset train, Dataset? test, TextWriter log)
        {
            ArgumentNullException.ThrowIfNull(classifier);
            ArgumentNullException.ThrowIfNull(train);
            ArgumentNullException.ThrowIfNull(log);
            if (File.Exists(path))
            {
                try
                {
                    classifier.Load(path);
                    log.WriteLine($"score classifier: LeNet-5 weights loaded from {path}" + Accuracy(classifier, test));
                    return;
                }
                catch (InvalidDataException e)
                {
                    log.WriteLine($"score classifier: {path} does not fit LeNet-5 ({e.Message}); training it again");
                }
            }
            log.WriteLine($"score classifier: no LeNet-5 weights at {path}; training LeNet-5 on the {MnistData.Count(train.Count)} training digits " +
                "(10 epochs, Adam 1e-3 with a cosine, batch 32, shifts of up to 1 pixel)");
            Trainer.Fit(classifier, train, null, new TrainerOptions
            {
                Epochs = 10, BatchSize = 32, Seed = 42, Log = log, EvaluateTrainingSet = false,
                Augment = MnistData.RandomShifts(ClassifierMaxShift), // samples/LeNet's Program.MaxShift
            });
            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null)
                Directory.CreateDirectory(folder);
            classifier.Save(path);
            log.WriteLine($"score classifier: saved to {path}" + Accuracy(classifier, test));
        }

        private static string Accuracy(INetwork classifier, Dataset? test) =>
            test is null ? "" : string.Create(CultureInfo.InvariantCulture, $" (test accuracy {100 * Trainer.Evaluate(classifier, test):F2}%)");
    }
}
