using Microsoft.Extensions.Logging;
using XaiVision.Engine;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Memory;
using XaiVision.Engine.Reports;
using XaiVision.Engine.Suites;
using XaiVision.Worker.Telemetry;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// The compute step of a run: a suite batch on a loaded model, one run at a time per model (explainers attach hooks to it); a
/// batch that runs out of memory is split, and the size that fitted is kept with the model for later batches. A batch still
/// running when its <paramref name="budget"/> is spent is abandoned with a <see cref="TimeoutException"/> (native code cannot be
/// interrupted): it frees the model when it ends, and until then later batches wait for the model only until their own deadline.
/// Both a stopping worker and a spent budget cancel the batch, which then stops at its next forward pass (<see cref="Interruption"/>)
/// and frees the model soon after; a method whose passes cannot end in the budget refuses after its first chunk, with its estimate.
/// </summary>
public sealed class SuiteExecution(MemoryBudget? memory, ILogger log)
{
    public async Task<SuiteBatch> RunAsync(LoadedModel loaded, SuiteRun suite, IReadOnlyList<SuiteInput> inputs, TimeSpan budget, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan Remaining() => budget == Timeout.InfiniteTimeSpan ? budget : budget - started.Elapsed is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;
        if (!await loaded.Gate.WaitAsync(Remaining(), ct)) throw new TimeoutException();
        Task<SuiteBatch> work;
        // Stops the batch at its next stage when the worker stops or the budget is spent (a batch abandoned at its limit would
        // otherwise hold the model to its end).
        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (budget != Timeout.InfiniteTimeSpan) stop.CancelAfter(Remaining());
        try
        {
            var timeLeft = Remaining();
            work = Task.Run(() =>
            {
                using var limits = Interruption.Enter(stop.Token, timeLeft); // in-stage: every forward checks it, long methods check their pace
                var runner = new AdaptiveSuiteRunner(loaded.Model, suite, memory) { BatchLimit = loaded.BatchLimit, Cancellation = stop.Token };
                var result = runner.Run(inputs);
                if (runner.Splits > 0)
                {
                    log.LogWarning("Out of memory at a batch of {Batch}: split {Splits} times; batches of at most {Limit} from now on", inputs.Count, runner.Splits, runner.BatchLimit);
                    WorkerTelemetry.BatchSplits.Add(runner.Splits);
                }
                loaded.BatchLimit = runner.BatchLimit;
                return result;
            }, stop.Token);
        }
        catch
        {
            stop.Dispose();
            loaded.Gate.Release();
            throw;
        }
        _ = work.ContinueWith(_ => { loaded.Gate.Release(); stop.Dispose(); }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            return await work.WaitAsync(Remaining(), ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException(); // the budget's cancellation reached the batch before the wait's own timer
        }
    }

    /// <summary>The baseline explains the same images for the candidate's classes (no perturbations), then each map is compared.</summary>
    public async Task<Comparison> CompareAsync(LoadedModel baseline, SuiteRun suite, IReadOnlyList<SuiteInput> inputs,
        SuiteBatch candidate, TimeSpan budget, CancellationToken ct)
    {
        var asCandidate = inputs.Zip(candidate.Images, (input, image) => input with { Label = (int)image.Maps[0].Target.Index }).ToList();
        var spec = suite with { Target = TargetSelection.Parse("label"), Perturbations = [] };
        var reference = await RunAsync(baseline, spec, asCandidate, budget, ct);
        return new Comparison(candidate.Images.Zip(reference.Images, ModelComparison.Compare).ToList(), reference);
    }

    /// <summary>Per image, its comparisons per map; and the baseline's own results (its maps, for the pictures).</summary>
    public sealed record Comparison(List<IReadOnlyList<ComparisonRecord>> Records, SuiteBatch Baseline);
}
