using MassTransit.Testing;
using XaiVision.Contracts;
using XaiVision.Engine.Reports;
using XaiVision.Worker.Jobs;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Consumers;

/// <summary>Model-vs-model regression jobs: the shortcut model fails its gates against the clean one; clean vs clean passes.</summary>
public class RegressionTests(ITestOutputHelper log)
{
    static async Task<(AuditJobCompleted Completed, JobReport Report)> RunAsync(AuditJobSpec spec)
    {
        var (provider, harness, store, _) = await WorkerTestServices.StartSeededAsync("regression");
        await using var _ = provider;
        await harness.Bus.Publish(new SubmitAuditJob(Guid.NewGuid(), spec));
        await WorkerTestServices.Until(() => harness.Published.Select<AuditJobCompleted>().Any(), "the job to complete",
            () => harness.Published.Select<AuditJobFailed>().Any() ? "the job failed"
                : harness.Published.Select<AuditJobRejected>().Any() ? "the job was rejected" : null);
        var completed = harness.Published.Select<AuditJobCompleted>().First().Context.Message;
        var report = System.Text.Json.JsonSerializer.Deserialize<JobReport>((await store.ReadAsync("audits", JobLayout.Report(spec.Location())))!, AuditJson.Options)!;
        return (completed, report);
    }

    [Fact]
    public async Task The_shortcut_model_fails_its_regression_gates_with_reasons()
    {
        var (completed, report) = await RunAsync(DemoJob.RegressionSpec("regression-shortcut"));
        foreach (var (method, figures) in report.Comparison!)
            log.WriteLine($"{method}: " + string.Join(", ", figures.Select(f => $"{f.Key} {f.Value.Mean:F3} [{f.Value.Low:F3}, {f.Value.High:F3}]")));
        Assert.False(completed.GatesPassed);
        Assert.Contains(completed.GateFailures, f => f.StartsWith("prediction-changes of lrp-composite"));
        Assert.Contains(completed.GateFailures, f => f.StartsWith("drift-spearman of lrp-composite") && f.Contains("below the minimum 0.5"));
        Assert.Contains(completed.GateFailures, f => f.StartsWith("delta-relevance-mass of lrp-composite"));
        var drift = report.Comparison!["lrp-composite"]["drift-spearman"];
        Assert.True(drift.Low <= drift.Mean && drift.Mean <= drift.High);
        Assert.True(report.Comparison["lrp-composite"]["prediction-changes"].Mean > 0.5);
    }

    /// <summary>
    /// <c>baseline: { job }</c>: the clean model's earlier audit, stored, as the baseline of the shortcut model's — no second model run —
    /// fails the same gates as the two-model regression, and compared with itself passes.
    /// </summary>
    [Fact]
    public async Task A_stored_run_as_baseline_gives_the_two_model_verdicts()
    {
        var (provider, harness, store, _) = await WorkerTestServices.StartSeededAsync("stored-baseline");
        await using var _ = provider;
        async Task<AuditJobCompleted> Run(Guid id, AuditJobSpec spec)
        {
            await harness.Bus.Publish(new SubmitAuditJob(id, spec));
            await WorkerTestServices.Until(() => harness.Published.Select<AuditJobCompleted>().Any(m => m.Context.Message.JobId == id), $"job {spec.Output.Prefix}",
                () => harness.Published.Select<AuditJobRejected>().FirstOrDefault(m => m.Context.Message.JobId == id)?.Context.Message.Problems[0].Message
                    ?? harness.Published.Select<AuditJobFailed>().FirstOrDefault(m => m.Context.Message.JobId == id)?.Context.Message.Reason);
            return harness.Published.Select<AuditJobCompleted>().First(m => m.Context.Message.JobId == id).Context.Message;
        }
        var cleanRun = Guid.NewGuid();
        await Run(cleanRun, DemoJob.RegressionSpec("stored-clean", shortcutCandidate: false) with { Baseline = null, Gates = [] });
        var stored = await Run(Guid.NewGuid(), DemoJob.RegressionSpec("stored-shortcut") with { Baseline = new ModelSource { Job = cleanRun.ToString() } });
        var twoModels = await Run(Guid.NewGuid(), DemoJob.RegressionSpec("two-models"));
        var itself = await Run(Guid.NewGuid(), DemoJob.RegressionSpec("stored-itself", shortcutCandidate: false) with { Baseline = new ModelSource { Job = cleanRun.ToString() } });

        static IEnumerable<string> Failed(AuditJobCompleted c) => c.GateFailures.Select(f => f[..f.IndexOf(" = ", StringComparison.Ordinal)]).Order();
        log.WriteLine("stored: " + string.Join("; ", stored.GateFailures));
        log.WriteLine("two models: " + string.Join("; ", twoModels.GateFailures));
        Assert.False(stored.GatesPassed);
        Assert.Equal(Failed(twoModels), Failed(stored));
        Assert.True(itself.GatesPassed, string.Join("; ", itself.GateFailures));
        var report = System.Text.Json.JsonSerializer.Deserialize<JobReport>((await store.ReadAsync("audits", "stored-itself/report.json"))!, AuditJson.Options)!;
        Assert.Equal(1, report.Comparison!["lrp-composite"]["drift-spearman"].Mean, 6);
        Assert.Equal(0, report.Comparison["lrp-composite"]["prediction-changes"].Mean);
    }

    [Fact]
    public async Task A_stored_baseline_that_cannot_compare_is_rejected()
    {
        var spec = DemoJob.RegressionSpec("stored-missing") with { Baseline = new ModelSource { Job = Guid.NewGuid().ToString() } };
        var (completed, rejected, _, provider) = await WorkerTestServices.RunJobAsync(spec);
        await using var _ = provider;
        Assert.Null(completed);
        Assert.Contains(rejected!.Problems, p => p.Path == "baseline.job" && p.Message.Contains("is not known here"));
        var mixed = DemoJob.RegressionSpec("stored-mixed") with { Baseline = new ModelSource { Job = "yesterday", Weights = "demo/model/x.dat" } };
        var (_, rejectedMixed, _, provider2) = await WorkerTestServices.RunJobAsync(mixed);
        await using var __ = provider2;
        Assert.Contains(rejectedMixed!.Problems, p => p.Path == "baseline.job" && p.Message.Contains("is not a job id"));
        Assert.Contains(rejectedMixed.Problems, p => p.Path == "baseline" && p.Message.Contains("give nothing else"));
    }

    [Fact]
    public async Task A_model_compared_with_itself_passes()
    {
        var (completed, report) = await RunAsync(DemoJob.RegressionSpec("regression-clean", shortcutCandidate: false));
        Assert.True(completed.GatesPassed, string.Join("; ", completed.GateFailures));
        var figures = report.Comparison!["integrated-gradients"];
        Assert.Equal(1, figures["drift-spearman"].Mean, 6);
        Assert.Equal(0, figures["prediction-changes"].Mean);
        Assert.Equal(0, figures["delta-relevance-mass"].Mean, 9);
    }
}
