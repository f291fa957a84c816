using static TorchSharp.torch;

namespace XaiVision.Engine.Metrics;

/// <summary>
/// Efficient model-parameter randomisation test, eMPRT (Hedström et al. 2023, "Sanity checks revisited: an exploration to repair
/// the model parameter randomisation test", XAI in Action workshop, NeurIPS; Quantus <c>EfficientMPRT</c>): the relative rise of
/// the map's discrete entropy when every layer of the model is randomised, (H(φ_random) − H(φ)) / H(φ), H the entropy of a
/// 100-bin histogram of the map over its own range (<c>np.histogram</c>, then <c>scipy.stats.entropy</c>). A map of a model that
/// knows nothing should be noise: higher is better. Layers re-initialised as Quantus does (<see cref="LayerReset"/>, its seed
/// the job's). The model's parameters are restored exactly afterwards. Cost: one explanation per image.
/// </summary>
public sealed class EfficientMprt : IMetric
{
    const int Bins = 100;

    public string Name => "efficient-mprt";
    public MetricCategory Category => MetricCategory.Randomisation;
    public string Definition => "Relative rise of the map's histogram entropy once every layer is randomised (Hedström et al. 2023).";
    public IReadOnlyDictionary<string, MetricDirection> Outputs => new Dictionary<string, MetricDirection> { [Name] = MetricDirection.HigherIsBetter };

    public IReadOnlyList<MetricResult> Evaluate(MetricContext c)
    {
        using var scope = NewDisposeScope();
        long n = c.Maps.shape[0];
        var before = Rows(c.Maps, n).Select(HistogramEntropy).ToArray();
        double[] after;
        using (var reset = new LayerReset(c.Model.Network, c.Seed))
        {
            for (int layer = 0; layer < reset.Layers.Count; layer++) reset.Reset(layer);
            after = Rows(c.Explainer.Explain(c.Model, c.Images, c.Targets, c.Seed), n).Select(HistogramEntropy).ToArray();
        }
        return Enumerable.Range(0, (int)n).Select(i => before[i] > 0
            ? new Dictionary<string, double> { [Name] = (after[i] - before[i]) / before[i] } : MetricResult.Empty).ToList();
    }

    static float[][] Rows(Tensor maps, long n)
    {
        var flat = maps.detach().to(ScalarType.Float32).cpu().reshape(n, -1);
        return Enumerable.Range(0, (int)n).Select(i => flat[i].data<float>().ToArray()).ToArray();
    }

    /// <summary>
    /// Entropy (nats) of the counts of <see cref="Bins"/> equal bins over the values' range, binned as <c>np.histogram</c> bins
    /// float32 data: edges from a float64 linspace stored as float32, a value in the bin whose edges enclose it, the largest in the
    /// last; equal values get the range ±0.5.
    /// </summary>
    internal static double HistogramEntropy(float[] values)
    {
        float low = values.Min(), high = values.Max();
        double first = low, last = high;
        if (first == last) (first, last) = (first - 0.5, last + 0.5);
        var edges = new float[Bins + 1];
        for (int i = 0; i <= Bins; i++) edges[i] = (float)(i == Bins ? last : first + i * ((last - first) / Bins));
        var counts = new long[Bins];
        foreach (var v in values)
        {
            int k = Math.Clamp((int)((v - first) / (last - first) * Bins), 0, Bins - 1);
            while (k > 0 && v < edges[k]) k--;
            while (k < Bins - 1 && v >= edges[k + 1]) k++;
            counts[k]++;
        }
        double total = values.Length, entropy = 0;
        foreach (var count in counts.Where(c => c > 0)) entropy -= count / total * Math.Log(count / total);
        return entropy;
    }
}
