using System.Collections.Generic;
using System.Linq;
using TensorForge.Generator.Layers;

namespace TensorForge.Generator.Emit
{
    /// <summary>Where gradients flow in a network's graph, decided once for the emitter. A view (Flatten; Dropout in
    /// inference) shares its input's memory, so gradients are kept per <em>storage</em> node: the layer that owns the memory
    /// (-1 for the network's input). A node read by several layers (fan-out) receives the sum of their input gradients: the
    /// last reader in declaration order, whose backward runs first, overwrites the node's gradient buffer; every other
    /// reader writes a temporary and adds it — visible in the generated code.</summary>
    internal sealed class GradientFlow
    {
        private readonly IReadOnlyList<LayerPlan> _layers;
        private readonly int[] _storage;
        private readonly bool[] _live;
        private readonly bool[] _upstreamParameters;
        private readonly Dictionary<int, List<(int Node, int Slot)>> _readers = new Dictionary<int, List<(int, int)>>();

        public GradientFlow(IReadOnlyList<LayerPlan> layers)
        {
            _layers = layers;
            int n = layers.Count;
            _storage = new int[n];
            _upstreamParameters = new bool[n];
            for (int i = 0; i < n; i++)
            {
                _storage[i] = layers[i].AliasesInput(training: true) ? Storage(layers[i].Inputs[0]) : i;
                _upstreamParameters[i] = layers[i].ParameterCount > 0 || layers[i].Inputs.Any(input => UpstreamParameters(Storage(input)));
            }
            FinalStorage = n == 0 ? -1 : _storage[n - 1];

            _live = new bool[n];
            var pending = new Stack<int>();
            if (n > 0) pending.Push(n - 1);
            while (pending.Count > 0)
            {
                int node = pending.Pop();
                if (node < 0 || _live[node]) continue;
                _live[node] = true;
                foreach (int input in layers[node].Inputs) pending.Push(input);
            }

            for (int c = 0; c < n; c++)
            {
                if (!_live[c] || IsView(c)) continue;
                for (int k = 0; k < layers[c].Inputs.Count; k++)
                {
                    int p = Storage(layers[c].Inputs[k]);
                    if (!_readers.TryGetValue(p, out List<(int, int)>? list)) _readers[p] = list = new List<(int, int)>();
                    list.Add((c, k));
                }
            }
        }

        /// <summary>The storage node of the network's output, which receives the caller's outputGradient.</summary>
        public int FinalStorage { get; }

        public int Storage(int node) => node < 0 ? -1 : _storage[node];

        public bool IsView(int node) => _layers[node].AliasesInput(training: true);

        /// <summary>Whether the node's output reaches the network's output (else its parameters get no gradient).</summary>
        public bool IsLive(int node) => _live[node];

        /// <summary>Whether the node or a node before it has parameters: its gradient is then always needed; otherwise only
        /// when the caller asks for the input gradient.</summary>
        public bool UpstreamParameters(int storage) => storage >= 0 && _upstreamParameters[storage];

        public bool Optional(int storage) => !UpstreamParameters(storage);

        public bool HasReaders(int storage) => _readers.ContainsKey(storage);

        /// <summary>True when the final storage node is also read by layers: the outputGradient is copied into its buffer first.</summary>
        public bool SeedsOutputGradient => HasReaders(FinalStorage);

        /// <summary>Whether input <paramref name="slot"/> of <paramref name="node"/> writes its gradient straight into the
        /// producer's gradient (the last reader, when the output gradient does not seed it) rather than through a temporary.</summary>
        public bool WritesDirectly(int node, int slot)
        {
            int p = Storage(_layers[node].Inputs[slot]);
            return !(p == FinalStorage && SeedsOutputGradient) && _readers[p][_readers[p].Count - 1] == (node, slot);
        }

        /// <summary>Storage nodes (≥ 0) that need a gradient buffer field.</summary>
        public bool NeedsGradientField(int storage) => storage >= 0 && HasReaders(storage);
    }
}
