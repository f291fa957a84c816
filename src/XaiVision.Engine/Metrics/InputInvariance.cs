using TorchSharp.Modules;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Input invariance (Kindermans et al. 2019, "The (un)reliability of saliency methods", in Explainable AI, LNCS 11700; Quantus
/// <c>InputInvariance</c>): the input is shifted by a constant m (<c>shift</c>, −1 by default, in the model's input units) and the
/// first convolution's bias made to absorb it, b′ = 2b − min over positions of conv(m) (Quantus's
/// <c>add_mean_shift_to_first_layer</c>: b − W·m where the kernel sees no padding), so the network computes the same function of
/// the original image away from the borders. 1 when the map of the shifted image under the shifted network equals the original
/// map everywhere (|φ − φ′| ≤ 1e−4 + 1e−5·|φ′|, <c>np.isclose</c>), else 0. Higher is better. Gradients pass; input × gradient
/// and any method that multiplies by the input do not; a padded first convolution breaks the equivalence at the borders. Quantus
/// takes the model's first submodule, whatever it is; ours is the first convolution, which must have a bias (ResNet's has none)
/// and be a module of ours (a TorchScript model hides it). Quantus 0.6 also never shifts the image's first value (its
/// <c>perturb_batch</c> passes <c>indices[i][1:]</c>), which fails invariant maps when a ReLU flips there; ours shifts every value.
/// The bias is restored exactly afterwards. Cost: one explanation per image.
/// </summary>
public sealed class InputInvariance(double shift) : IMetric
{
    public string Name => "input-invariance";
    public MetricCategory Category => MetricCategory.Axiomatic;
    public string Definition => "Whether the map stays the same when the input shifts by a constant the first layer absorbs (Kindermans et al. 2019).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.HigherIsBetter };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        var conv = FirstConvolution(c.Model);
        var bias = conv.bias!;
        var saved = bias.detach().clone();
        Tensor shifted;
        try
        {
            using (no_grad())
            {
                var lowest = conv.forward(full([1, .. c.Images.shape[1..]], shift, dtype: c.Images.dtype, device: c.Images.device))[0].flatten(1).amin([1]);
                bias.copy_(2 * saved - lowest);
            }
            shifted = c.Explainer.Explain(c.Model, c.Images + shift, c.Targets, c.Seed);
        }
        finally
        {
            using (no_grad()) bias.copy_(saved);
        }
        long n = c.Maps.shape[0];
        var (a, b) = (c.Maps.reshape(n, -1).to(ScalarType.Float64), shifted.reshape(n, -1).to(ScalarType.Float64));
        var same = (a - b).abs().le(b.abs() * 1e-5 + 1e-4).all(1).cpu().data<bool>().ToArray();
        return same.Select(s => (MetricResult)new Dictionary<string, double> { [Name] = s ? 1 : 0 }).ToList();
    }

    public string? Refusal(Architecture architecture)
    {
        if (architecture == ArchitectureRegistry.TorchScript) return Problem(null, architecture.Name);
        using var network = architecture.Create(2);
        return Problem(network, architecture.Name);
    }

    static string? Problem(nn.Module? network, string architecture)
    {
        if (network is null or TorchScriptNetwork)
            return "input-invariance shifts the first convolution's bias, which a TorchScript model does not expose; load the model's weights instead.";
        var (name, module) = ModuleTree.Leaves(network).FirstOrDefault(l => l.Module is Conv2d);
        if (module is not Conv2d conv) return $"input-invariance shifts the first convolution's bias; '{architecture}' has no convolution.";
        return conv.bias is null ? $"input-invariance shifts the first convolution's bias; '{name}' of '{architecture}' has none." : null;
    }

    static Conv2d FirstConvolution(ExplainableModel model)
    {
        if (Problem(model.Network, model.Architecture.Name) is { } problem) throw new XaiVisionException(problem);
        return (Conv2d)ModuleTree.Leaves(model.Network).First(l => l.Module is Conv2d).Module;
    }
}
