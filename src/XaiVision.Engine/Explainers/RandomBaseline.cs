using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// Baseline "explainer": uniform noise in [0, 1), seeded from the job — what any metric should
/// score a real method above (Quantus' random-attribution control).
/// </summary>
public sealed class RandomBaseline : IExplainer
{
    public string Name => "random";

    public bool KeepsMapInBFloat16 => true; // the model is not used

    public IReadOnlyDictionary<string, string> Describe(ExplainableModel model) => new Dictionary<string, string>();

    public Tensor Explain(ExplainableModel model, Tensor images, Tensor targets, long seed)
    {
        return SeededNoise.Uniform(seed, images.shape[0], [images.shape[2], images.shape[3]], images.device);
    }
}
