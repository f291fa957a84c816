using XaiVision.Engine.Imaging;
using XaiVision.Engine.Memory;
using XaiVision.Engine.Models;

namespace XaiVision.Engine.Suites;

/// <summary>
/// Runs a suite batch and, when it runs out of memory (the device, the host, or the optional
/// <see cref="MemoryBudget"/>), splits it in halves and runs those, down to single images. The largest size
/// that fitted is remembered, so later batches start there instead of failing again. Results are the same (to float rounding)
/// to one big batch: every image is explained independently and seeds are per image. Whole images (preprocess resize, none) come in
/// frames of different shapes: a batch holds one shape, so images are grouped by frame and the results put back in their order; and
/// no more pixels than the batch would at the input size.
/// </summary>
public sealed class AdaptiveSuiteRunner(ExplainableModel model, SuiteSpec spec, MemoryBudget? budget = null)
{
    /// <summary>The largest batch known to fit (null until a batch has run out of memory).</summary>
    public int? BatchLimit { get; set; }

    /// <summary>Stops the batch at the next stage once cancelled (see <see cref="SuiteRunner.Cancellation"/>).</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>How many times a batch was split.</summary>
    public int Splits { get; private set; }

    public SuiteBatch Run(IReadOnlyList<RgbImage> views, IReadOnlyList<bool[]?> masks, IReadOnlyList<int?>? labels = null)
    {
        var frames = Enumerable.Range(0, views.Count).GroupBy(i => (views[i].Width, views[i].Height)).Select(g => g.ToList()).ToList();
        if (frames.Count <= 1) return RunFrame(views, masks, labels);
        var parts = frames.Select(f => RunFrame(f.Select(i => views[i]).ToList(), f.Select(i => masks.Count > i ? masks[i] : null).ToList(),
            labels is null ? null : f.Select(i => labels[i]).ToList())).ToList();
        var images = new SuiteImage[views.Count];
        foreach (var (frame, part) in frames.Zip(parts))
            for (int k = 0; k < frame.Count; k++) images[frame[k]] = part.Images[k];
        return Merge(parts) with { Images = images };
    }

    SuiteBatch RunFrame(IReadOnlyList<RgbImage> views, IReadOnlyList<bool[]?> masks, IReadOnlyList<int?>? labels)
    {
        var parts = new List<SuiteBatch>();
        int step = Math.Min(views.Count, BatchLimit ?? int.MaxValue);
        if (views.Count > 0)
        {
            // A batch of whole images holds no more pixels than the same batch at the input size: memory grows with the pixel count,
            // and the kernel's out-of-memory killer, unlike an allocation failure, cannot be caught and split.
            long reference = (long)views.Count * model.Preprocessing.InputSize * model.Preprocessing.InputSize;
            step = (int)Math.Clamp(reference / ((long)views[0].Width * views[0].Height), 1, step);
        }
        for (int start = 0; start < views.Count; start += step)
        {
            int count = Math.Min(step, views.Count - start);
            parts.Add(RunSplitting(views.Skip(start).Take(count).ToList(), masks.Skip(start).Take(count).ToList(), labels?.Skip(start).Take(count).ToList()));
        }
        return parts.Count == 1 ? parts[0] : Merge(parts);
    }

    SuiteBatch RunSplitting(List<RgbImage> views, List<bool[]?> masks, List<int?>? labels)
    {
        try
        {
            budget?.Check(model, views.Count, (long)views[0].Width * views[0].Height);
            return new SuiteRunner(model, spec) { Cancellation = Cancellation }.Run(views, masks, labels);
        }
        catch (Exception e) when (OutOfMemory.Is(e))
        {
            if (views.Count == 1) throw new XaiVisionException($"Out of memory explaining a single image ({e.Message}); use a smaller model input or a larger device.", e);
            GC.Collect(); // release what the failed attempt left to finalizers before trying smaller
            int half = (views.Count + 1) / 2;
            BatchLimit = Math.Min(BatchLimit ?? int.MaxValue, half);
            Splits++;
            return Merge([
                RunSplitting(views[..half], masks[..half], labels?[..half]),
                RunSplitting(views[half..], masks[half..], labels?[half..]),
            ]);
        }
    }

    static SuiteBatch Merge(IReadOnlyList<SuiteBatch> parts)
    {
        var stages = new Dictionary<string, double>();
        foreach (var part in parts)
            foreach (var (stage, ms) in part.StageMilliseconds) stages[stage] = stages.GetValueOrDefault(stage) + ms;
        return new SuiteBatch(parts.SelectMany(p => p.Images).ToList(), stages);
    }
}
