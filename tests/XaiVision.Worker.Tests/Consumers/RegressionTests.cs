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
        var report = System.Text.Json.JsonSerializer.Deserialize<JobReport>((await store.ReadAsync("audits", JobLayout.Report(spec)))!, AuditJson.Options)!;
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
