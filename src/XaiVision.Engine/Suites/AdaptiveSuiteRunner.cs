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
public sealed class AdaptiveSuiteRunner(ExplainableModel model, SuiteRun suite, MemoryBudget? budget = null)
{
    /// <summary>The largest batch known to fit (null until a batch has run out of memory).</summary>
    public int? BatchLimit { get; set; }

    /// <summary>Stops the batch at the next stage once cancelled (see <see cref="SuiteRunner.Cancellation"/>).</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>How many times a batch was split.</summary>
    public int Splits { get; private set; }

    public SuiteBatch Run(IReadOnlyList<SuiteInput> inputs)
    {
        var frames = Enumerable.Range(0, inputs.Count).GroupBy(i => (inputs[i].View.Width, inputs[i].View.Height)).Select(g => g.ToList()).ToList();
        if (frames.Count <= 1) return RunFrame(inputs);
        var parts = frames.Select(f => RunFrame(f.Select(i => inputs[i]).ToList())).ToList();
        var images = new SuiteImage[inputs.Count];
        foreach (var (frame, part) in frames.Zip(parts))
            for (int k = 0; k < frame.Count; k++) images[frame[k]] = part.Images[k];
        return Merge(parts) with { Images = images };
    }

    SuiteBatch RunFrame(IReadOnlyList<SuiteInput> inputs)
    {
        var parts = new List<SuiteBatch>();
        int step = Math.Min(inputs.Count, BatchLimit ?? int.MaxValue);
        if (inputs.Count > 0)
        {
            // A batch of whole images holds no more pixels than the same batch at the input size: memory grows with the pixel count,
            // and the kernel's out-of-memory killer, unlike an allocation failure, cannot be caught and split.
            long reference = (long)inputs.Count * model.Preprocessing.InputSize * model.Preprocessing.InputSize;
            step = (int)Math.Clamp(reference / ((long)inputs[0].View.Width * inputs[0].View.Height), 1, step);
        }
        for (int start = 0; start < inputs.Count; start += step)
            parts.Add(RunSplitting(inputs.Skip(start).Take(step).ToList()));
        return parts.Count == 1 ? parts[0] : Merge(parts);
    }

    SuiteBatch RunSplitting(List<SuiteInput> inputs)
    {
        try
        {
            budget?.Check(model, inputs.Count, (long)inputs[0].View.Width * inputs[0].View.Height);
            return new SuiteRunner(model, suite) { Cancellation = Cancellation }.Run(inputs);
        }
        catch (Exception e) when (OutOfMemory.Is(e))
        {
            if (inputs.Count == 1) throw new XaiVisionException($"Out of memory explaining a single image ({e.Message}); use a smaller model input or a larger device.", e);
            GC.Collect(); // release what the failed attempt left to finalizers before trying smaller
            int half = (inputs.Count + 1) / 2;
            BatchLimit = Math.Min(BatchLimit ?? int.MaxValue, half);
            Splits++;
            return Merge([
                RunSplitting(inputs[..half]),
                RunSplitting(inputs[half..]),
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
