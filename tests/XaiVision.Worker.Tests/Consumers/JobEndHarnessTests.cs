using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using XaiVision.Contracts;
using XaiVision.Engine.Reports;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Tests.Storage;

namespace XaiVision.Worker.Tests.Consumers;

/// <summary>The ends of a job that need no broker to show: a shard that faults after its retries, and the deadline check.</summary>
public class JobEndHarnessTests
{
    [Fact]
    public async Task Shards_that_fault_after_their_retries_are_recorded_and_the_job_still_ends()
    {
        // The model cache directory is a file: loading the model throws IOException, retried (1 s apart, 2 s patience), then faulted.
        var blocker = Path.GetTempFileName();
        var (provider, harness, store, _) = await WorkerTestServices.StartSeededAsync("fault", new Dictionary<string, string?>
        {
            ["Worker:ModelCacheDirectory"] = blocker,
            ["Storage:BreakSeconds"] = "1",
            ["Storage:OutagePatienceSeconds"] = "2",
        });
        await using (provider)
        {
            var spec = WorkerTestServices.CheapDemoSpec("faulted");
            await harness.Bus.Publish(new SubmitAuditJob(Guid.NewGuid(), spec));
            await WorkerTestServices.Until(() => harness.Published.Select<AuditJobFailed>().Any(), "the job to fail");
            Assert.True(harness.Published.Select<Fault<AuditShard>>().Any());
            var failed = harness.Published.Select<AuditJobFailed>().Single().Context.Message;
            Assert.StartsWith("No image could be explained (12 failed): Shard ", failed.Reason);
            Assert.Contains("faulted after its retries", failed.Reason);
            Assert.Equal(3, (await store.ListAsync("audits", JobLayout.ShardFailuresPrefix(spec.Location()))).Count);
            Assert.Empty(harness.Published.Select<AuditJobCompleted>());
        }
    }

    /// <summary>
    /// A submission that faults (here a fault of ours while the plan is written; on CI, once, a race in validation) would leave its
    /// client waiting forever: the job was never planned, so no open list holds it. It fails, once, with the reason, and is recorded.
    /// </summary>
    [Fact]
    public async Task A_submission_that_faults_fails_its_job_with_the_reason()
    {
        var (provider, harness, store, _) = await WorkerTestServices.StartSeededAsync("submit-fault", wrapStore: inner => new CountingBlobStore(inner)
        {
            Fault = (operation, name) => operation == "create" && name.EndsWith("/job.json", StringComparison.Ordinal)
                ? new InvalidOperationException("a fault of ours (test)") : null,
        });
        await using var _ = provider;
        var (jobId, spec) = (Guid.NewGuid(), WorkerTestServices.CheapDemoSpec("submit-fault"));
        await harness.Bus.Publish(new SubmitAuditJob(jobId, spec));
        await WorkerTestServices.Until(() => harness.Published.Select<AuditJobFailed>().Any(), "the job to fail");

        Assert.True(harness.Published.Select<Fault<SubmitAuditJob>>().Any());
        var failed = harness.Published.Select<AuditJobFailed>().Single().Context.Message;
        Assert.Equal(jobId, failed.JobId);
        Assert.Equal("Its submission faulted: a fault of ours (test)", failed.Reason);
        Assert.True(await store.ExistsAsync(spec.Output.Container, JobLayout.Failed(spec.Location())));
        Assert.Empty(harness.Published.Select<AuditShard>());
    }

    [Fact]
    public async Task The_deadline_check_fails_an_open_job_past_its_deadline_once_and_closes_finished_ones()
    {
        var (provider, harness, store, _) = await WorkerTestServices.StartSeededAsync("deadline");
        await using (provider)
        {
            var watch = provider.GetRequiredService<JobDeadlineWatch>();
            Guid late = Guid.NewGuid(), finished = Guid.NewGuid(), running = Guid.NewGuid();
            async Task Open(Guid id, string prefix, DateTimeOffset deadline) => await store.WriteAsync("xaivision-jobs", JobLayout.Open(id),
                JsonSerializer.SerializeToUtf8Bytes(new OpenJob(id, "audits", prefix, 3, deadline), AuditJson.Options), "application/json");
            await Open(late, "late", DateTimeOffset.UtcNow.AddSeconds(-1));
            await Open(finished, "finished", DateTimeOffset.UtcNow.AddSeconds(-1));
            await store.WriteAsync("audits", "finished/report.json", "{}"u8.ToArray(), "application/json");
            await Open(running, "running", DateTimeOffset.UtcNow.AddHours(1));
            await store.WriteAsync("audits", "late/shards/00000.json", "[]"u8.ToArray(), "application/json");

            Assert.Equal(1, await watch.CheckAsync(CancellationToken.None));
            Assert.Equal(0, await watch.CheckAsync(CancellationToken.None)); // failed once
            await WorkerTestServices.Until(() => harness.Published.Select<AuditJobFailed>().Any(), "the failure event");
            var failed = harness.Published.Select<AuditJobFailed>().Single().Context.Message;
            Assert.Equal(late, failed.JobId);
            Assert.Contains("passed its deadline", failed.Reason);
            Assert.Contains("with 1/3 shards done", failed.Reason);
            Assert.True(await store.ExistsAsync("audits", "late/failed.json"));
            Assert.Equal([JobLayout.Open(running)], await store.ListAsync("xaivision-jobs", JobLayout.OpenPrefix));
        }
    }

    [Fact]
    public async Task A_worker_that_does_not_allow_torchscript_fails_such_a_job_with_the_reason()
    {
        var (provider, harness, store, _) = await WorkerTestServices.StartSeededAsync("noscript");
        await using (provider)
        {
            await store.WriteAsync("models", "camnet.pt", await File.ReadAllBytesAsync(Cli.CliRunner.Fixture("torchscript", "camnet_activation.pt")), "application/octet-stream");
            var spec = WorkerTestServices.CheapDemoSpec("noscript") with
            {
                Model = new ModelSource { Weights = "models/camnet.pt", InputSize = 64 },
                Suite = new SuiteDefinition { Explainers = ["saliency"] },
                Gates = [],
            };
            await harness.Bus.Publish(new SubmitAuditJob(Guid.NewGuid(), spec));
            await WorkerTestServices.Until(() => harness.Published.Select<AuditJobFailed>().Any(), "the job to fail");
            Assert.Contains("Models:AllowTorchScript", harness.Published.Select<AuditJobFailed>().Single().Context.Message.Reason);
        }
    }
}
