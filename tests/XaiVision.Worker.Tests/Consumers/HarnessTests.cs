using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using XaiVision.Contracts;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Tests.Consumers;

/// <summary>Fast consumer tests on the in-memory test harness (the real-service versions live in EndToEnd/).</summary>
public class HarnessTests
{
    static async Task<(ServiceProvider Provider, ITestHarness Harness, IBlobStore Store)> StartAsync()
    {
        var (provider, harness, store, _) = await WorkerTestServices.StartSeededAsync("harness");
        return (provider, harness, store);
    }

    static Task Until(Func<bool> condition, string what) => WorkerTestServices.Until(condition, what);

    [Fact]
    public async Task A_job_runs_in_three_shards_and_reports_once()
    {
        var (provider, harness, store) = await StartAsync();
        await using var _ = provider;
        var jobId = Guid.NewGuid();
        var spec = WorkerTestServices.CheapDemoSpec("run-1");
        await harness.Bus.Publish(new SubmitAuditJob(jobId, spec));

        await Until(() => harness.Published.Select<AuditJobCompleted>().Any(), "the job to complete");
        await Until(() => harness.Consumed.Select<ShardCompleted>().Count() >= 3, "every ShardCompleted to be consumed");
        var completed = harness.Published.Select<AuditJobCompleted>().ToList();
        Assert.Single(completed);
        Assert.Equal(12, completed[0].Context.Message.Images);
        Assert.True(completed[0].Context.Message.GatesPassed, string.Join("; ", completed[0].Context.Message.GateFailures));
        Assert.Equal(3, harness.Published.Select<ShardCompleted>().Count());

        var blobs = await store.ListAsync("audits", "run-1/");
        Assert.Contains("run-1/report.json", blobs);
        Assert.Contains("run-1/images.csv", blobs);
        Assert.Equal(3, blobs.Count(b => b.StartsWith("run-1/shards/")));
        Assert.Equal(12, blobs.Count(b => b.EndsWith("/grad-cam.png") && !b.Contains("/channel-swap/")));
        Assert.Equal(12, blobs.Count(b => b.EndsWith("/channel-swap/lrp-composite.png")));
        Assert.Equal(13, (await store.ReadAsync("audits", "run-1/images.csv"))!.Count(b => b == '\n') / 2 + 1);
    }

    [Fact]
    public async Task An_invalid_spec_is_rejected_with_every_reason_and_writes_nothing()
    {
        var (provider, harness, store) = await StartAsync();
        await using var _ = provider;
        var jobId = Guid.NewGuid();
        var spec = WorkerTestServices.CheapDemoSpec("bad") with
        {
            Targets = "best",
            Suite = new SuiteDefinition { Explainers = ["grad-cam", "nonsense"] },
            ShardSize = 0,
        };
        await harness.Bus.Publish(new SubmitAuditJob(jobId, spec));
        await Until(() => harness.Published.Select<AuditJobRejected>().Any(), "the rejection");
        var rejected = harness.Published.Select<AuditJobRejected>().Single().Context.Message;
        Assert.Equal(["targets", "suite.explainers[1]", "shardSize"], rejected.Problems.Select(p => p.Path));
        Assert.False(harness.Published.Select<AuditShard>().Any());
        Assert.Empty(await store.ListAsync("audits", ""));
    }

    [Fact]
    public async Task Duplicate_shards_and_completions_change_nothing()
    {
        var (provider, harness, store) = await StartAsync();
        await using var _ = provider;
        var jobId = Guid.NewGuid();
        var spec = WorkerTestServices.CheapDemoSpec("dup");
        await harness.Bus.Publish(new SubmitAuditJob(jobId, spec));
        await Until(() => harness.Published.Select<AuditJobCompleted>().Any(), "the job to complete");
        await Until(() => harness.Consumed.Select<ShardCompleted>().Count() >= 3, "every ShardCompleted to be consumed");
        var before = await WorkerTestServices.SnapshotAsync(store, "audits", "dup/");
        int shardsConsumed = harness.Consumed.Select<AuditShard>().Count();
        int completionsConsumed = harness.Consumed.Select<ShardCompleted>().Count();
        int submissionsConsumed = harness.Consumed.Select<SubmitAuditJob>().Count();
        var shard = harness.Published.Select<AuditShard>().First().Context.Message;
        var completedShard = harness.Published.Select<ShardCompleted>().First().Context.Message;

        await harness.Bus.Publish(shard);
        await harness.Bus.Publish(completedShard);
        await harness.Bus.Publish(new SubmitAuditJob(jobId, spec)); // the same job submitted twice
        // the resubmission resumes a job whose shards were all sent: it sends none; the duplicate shard announces itself again
        await Until(() => harness.Consumed.Select<SubmitAuditJob>().Count() > submissionsConsumed
                          && harness.Consumed.Select<AuditShard>().Count() >= shardsConsumed + 1
                          && harness.Consumed.Select<ShardCompleted>().Count() >= completionsConsumed + 2, "the duplicates to be consumed");
        Assert.Equal(3 + 1, harness.Published.Select<AuditShard>().Count());

        var after = await WorkerTestServices.SnapshotAsync(store, "audits", "dup/");
        Assert.Equal(before.Keys, after.Keys);
        foreach (var (name, bytes) in before) Assert.True(bytes.SequenceEqual(after[name]), name);
        Assert.Single(harness.Published.Select<AuditJobCompleted>());
    }

    [Fact]
    public async Task A_report_that_was_never_announced_is_announced_when_a_completion_is_redelivered()
    {
        var (provider, harness, store, root) = await WorkerTestServices.StartSeededAsync("announce");
        await using var _ = provider;
        var jobId = Guid.NewGuid();
        await harness.Bus.Publish(new SubmitAuditJob(jobId, WorkerTestServices.CheapDemoSpec("announce")));
        await Until(() => harness.Published.Select<AuditJobCompleted>().Any(), "the job to complete");
        await Until(() => harness.Consumed.Select<ShardCompleted>().Count() >= 3, "every ShardCompleted to be consumed");
        Assert.True(await store.ExistsAsync("audits", "announce/announced.json"));

        // A worker that died after writing the report but before announcing it leaves exactly this behind.
        File.Delete(Path.Combine(root, "audits", "announce", "announced.json"));
        await harness.Bus.Publish(harness.Published.Select<ShardCompleted>().Last().Context.Message); // its redelivery
        await Until(() => harness.Published.Select<AuditJobCompleted>().Count() == 2, "the late announcement");
        var (first, late) = (harness.Published.Select<AuditJobCompleted>().First().Context.Message, harness.Published.Select<AuditJobCompleted>().Last().Context.Message);
        Assert.Equal(first.ReportLocation, late.ReportLocation);
        Assert.Equal(first.Images, late.Images);
        Assert.Equal(first.GatesPassed, late.GatesPassed);
        await Until(() => File.Exists(Path.Combine(root, "audits", "announce", "announced.json")), "the announcement marker");

        await harness.Bus.Publish(harness.Published.Select<ShardCompleted>().Last().Context.Message); // announced now: silence
        await Until(() => harness.Consumed.Select<ShardCompleted>().Count() >= 5, "the last duplicate");
        Assert.Equal(2, harness.Published.Select<AuditJobCompleted>().Count());
    }

    [Fact]
    public async Task A_model_that_cannot_load_fails_the_job_once()
    {
        var (provider, harness, store) = await StartAsync();
        await using var _ = provider;
        await store.WriteAsync("demo", "model/broken.pth", "not a pickle"u8.ToArray(), "application/octet-stream");
        var jobId = Guid.NewGuid();
        var spec = WorkerTestServices.CheapDemoSpec("broken") with { Model = new ModelSource { Architecture = "demo-shapes", Weights = "demo/model/broken.pth" } };
        await harness.Bus.Publish(new SubmitAuditJob(jobId, spec));
        await Until(() => harness.Published.Select<AuditJobFailed>().Any(), "the failure");
        await Until(() => harness.Consumed.Select<AuditShard>().Count() >= 3, "every shard to be tried");
        var failed = harness.Published.Select<AuditJobFailed>().ToList();
        Assert.Single(failed);
        Assert.Contains("broken.pth", failed[0].Context.Message.Reason);
        Assert.False(await store.ExistsAsync("audits", "broken/report.json"));
        Assert.False(harness.Published.Select<AuditJobCompleted>().Any());
    }
}
