using System.Collections.Generic;
using System.Globalization;
using TensorForge.Generator.Diagnostics;
using TensorForge.Generator.Parsing;
using TensorForge.Generator.Shapes;

namespace TensorForge.Generator.Layers
{
    /// <summary>What a layer kind gets to plan itself: its attribute, its name, the incoming shape (null when an earlier layer
    /// was invalid, in which case the layer only checks its own arguments), the next layer's kind, and a diagnostics sink.</summary>
    internal sealed class LayerBuildContext
    {
        public LayerBuildContext(AttributeDeclaration attribute, string name, Shape? input, int parameterOffset, string? nextKind, List<DiagnosticInfo> diagnostics)
        {
            Attribute = attribute; Name = name; Input = input; ParameterOffset = parameterOffset; NextKind = nextKind; Diagnostics = diagnostics;
        }

        /// <summary>Where the input comes from, for messages: "input" or a layer's name.</summary>
        public string InputName { get; init; } = "input";
        /// <summary>The second input of an Add or Concat (null when it is invalid or absent) and where it comes from.</summary>
        public Shape? SecondInput { get; init; }
        public string SecondInputName { get; init; } = "";
        /// <summary>True when the network asks for PyTorch's default initialisation ([Network(Initialization = Initialization.PyTorch)]).</summary>
        public bool PyTorchInitialization { get; init; }
        /// <summary>Offset of this layer's first buffer in the network's buffer block.</summary>
        public int BufferOffset { get; init; }

        public AttributeDeclaration Attribute { get; }
        public string Name { get; }
        public Shape? Input { get; }
        public int ParameterOffset { get; }
        public string? NextKind { get; }
        public List<DiagnosticInfo> Diagnostics { get; }

        /// <summary>"Dense 'fc1'"</summary>
        public string Describe => $"{Attribute.Kind} '{Name}'";

        public void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments)
            => Diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));

        /// <summary>Reports TF0006 for the named argument unless <paramref name="valid"/>.</summary>
        public bool Check(bool valid, string argument, string requirement, object actual)
            => CheckerFor(Attribute, Describe, Diagnostics)(valid, argument, requirement, actual);

        /// <summary>A checker that reports TF0006 on the argument of <paramref name="attribute"/> owned by <paramref name="owner"/>.</summary>
        public static Training.ArgumentChecker CheckerFor(AttributeDeclaration attribute, string owner, List<DiagnosticInfo> diagnostics)
            => (valid, argument, requirement, actual) =>
            {
                if (!valid)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgument, attribute.LocationOf(argument), argument, owner, requirement, Format(actual)));
                }
                return valid;
            };

        public static string Format(object value) => value switch
        {
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            _ => System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null",
        };

        /// <summary>Builds parameter tensors laid out one after another from <see cref="ParameterOffset"/>;
        /// returns null (and reports TF1004) if the block would overflow.</summary>
        public Helpers.EquatableArray<ParameterTensor>? Tensors(params (string Name, Shape Shape)[] tensors)
        {
            long offset = ParameterOffset;
            var list = new List<ParameterTensor>();
            foreach ((string tensorName, Shape shape) in tensors)
            {
                long length = shape.LongSize;
                if (length > int.MaxValue || offset + length > int.MaxValue)
                {
                    Report(DiagnosticDescriptors.TooLarge, Attribute.Location, $"The parameter block of '{Name}'", Literal(offset + length));
                    return null;
                }
                list.Add(new ParameterTensor(tensorName, shape, (int)offset));
                offset += length;
            }
            return Helpers.EquatableArray.ToEquatableArray(list);
        }

        /// <summary>Buffer tensors laid out one after another from <see cref="BufferOffset"/>.</summary>
        public Helpers.EquatableArray<BufferTensor> BufferTensors(params (string Name, Shape Shape, bool IsCounter)[] tensors)
        {
            int offset = BufferOffset;
            var list = new List<BufferTensor>();
            foreach ((string tensorName, Shape shape, bool counter) in tensors)
            {
                var tensor = new BufferTensor(tensorName, shape, offset, counter);
                list.Add(tensor);
                offset += tensor.StorageLength;
            }
            return Helpers.EquatableArray.ToEquatableArray(list);
        }

        public static string Literal(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
    }
}
