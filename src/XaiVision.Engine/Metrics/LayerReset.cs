using TorchSharp.Modules;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Quantus's model randomisation (<c>PyTorchModel.get_random_layer_generator</c>, order bottom_up, cumulative): the layers that
/// torch can re-initialise, in forward order, each re-initialised as its <c>reset_parameters</c> does — convolution and linear
/// weights U(−b, b) with torch's Kaiming bound for a = √5 (b = 1/√fan_in), their biases U(−1/√fan_in, 1/√fan_in), batch norms
/// to the identity — from a generator seeded with seed + 1 before every layer (Quantus: <c>torch.manual_seed(seed + 1)</c>), so
/// the same weights as Quantus draws. In a TorchScript model (no layer types to see) the groups of named parameters that hold a
/// weight matrix or kernel, by module path. <see cref="Dispose"/> puts every parameter and buffer back exactly.
/// </summary>
internal sealed class LayerReset : IDisposable
{
    readonly List<(string Name, IReadOnlyList<Tensor> Parameters, IReadOnlyList<Tensor> Buffers)> _layers;
    readonly List<(Tensor Target, Tensor Copy)> _saved = [];
    readonly long _seed;

    public LayerReset(nn.Module network, long seed)
    {
        _seed = seed;
        _layers = network is TorchScriptNetwork
            ? ScriptLayers(network).Select(l => (l.Name, l.Parameters, (IReadOnlyList<Tensor>)[])).ToList()
            : ModuleTree.Leaves(network).Where(l => l.Module is Conv2d or Linear or BatchNorm2d)
                .Select(l => (l.Name, (IReadOnlyList<Tensor>)l.Module.parameters().Select(p => (Tensor)p).ToList(),
                    (IReadOnlyList<Tensor>)l.Module.buffers().ToList()))
                .ToList();
    }

    /// <summary>
    /// A TorchScript model's layers in forward order, as far as its parameters tell (no layer types to see): the groups of named
    /// parameters that hold a weight matrix or kernel, by the module path in their names.
    /// </summary>
    public static List<(string Name, IReadOnlyList<Tensor> Parameters)> ScriptLayers(nn.Module network) =>
        network.named_parameters()
            .GroupBy(p => p.name.Contains('.') ? p.name[..p.name.LastIndexOf('.')] : p.name)
            .Where(g => g.Any(p => p.parameter.dim() > 1))
            .Select(g => (g.Key.StartsWith("script.") ? g.Key["script.".Length..] : g.Key, (IReadOnlyList<Tensor>)g.Select(p => (Tensor)p.parameter).ToList()))
            .ToList();

    /// <summary>The layers, in the order <see cref="Reset"/> takes them.</summary>
    public IReadOnlyList<string> Layers => _layers.Select(l => l.Name).ToList();

    /// <summary>Re-initialises layer <paramref name="index"/> (the ones before it stay re-initialised: the randomisation cascades).</summary>
    public void Reset(int index)
    {
        var (_, parameters, buffers) = _layers[index];
        using var _ = no_grad();
        foreach (var t in parameters.Concat(buffers)) _saved.Add((t, t.detach().clone().DetachFromDisposeScope()));
        var weight = parameters.FirstOrDefault(p => p.dim() > 1);
        if (weight is null) // batch norm: weight 1, bias 0, running mean 0, running variance 1, no batches seen
        {
            if (parameters.Count > 0) parameters[0].fill_(1);
            foreach (var p in parameters.Skip(1)) p.zero_();
            if (buffers.Count >= 2) { buffers[0].zero_(); buffers[1].fill_(1); }
            foreach (var b in buffers.Skip(2)) b.zero_();
            return;
        }
        long fanIn = weight.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        using var generator = new Generator((ulong)(_seed + 1));
        var a = Math.Sqrt(5.0);
        var bound = Math.Sqrt(3.0) * (Math.Sqrt(2.0 / (1 + a * a)) / Math.Sqrt(fanIn)); // torch.nn.init.kaiming_uniform_, as torch computes it
        weight.uniform_(-bound, bound, generator);
        var biasBound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
        foreach (var p in parameters.Where(p => p.dim() == 1)) p.uniform_(-biasBound, biasBound, generator);
    }

    public void Dispose()
    {
        using var _ = no_grad();
        for (int i = _saved.Count - 1; i >= 0; i--)
        {
            _saved[i].Target.copy_(_saved[i].Copy);
            _saved[i].Copy.Dispose();
        }
        _saved.Clear();
    }
}
