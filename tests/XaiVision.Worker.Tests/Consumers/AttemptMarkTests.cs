using MassTransit.Testing;
using XaiVision.Contracts;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;
using XaiVision.Worker.Tests.Storage;

namespace XaiVision.Worker.Tests.Consumers;

public class AttemptMarkTests
{
    /// <summary>
    /// A storage outage just as each shard finishes keeps its attempt mark from being removed (found under a CPU hog: a mark left
    /// among the outputs); the job's aggregation removes what is left, so the outputs are the same as a clean run's.
    /// </summary>
    [Fact]
    public async Task Marks_an_outage_kept_from_being_removed_are_gone_when_the_job_is_reported()
    {
        var refused = new HashSet<string>();
        var (provider, harness, store, _) = await WorkerTestServices.StartSeededAsync("marks", wrapStore: inner => new CountingBlobStore(inner)
        {
            Fault = (operation, name) => operation == "delete" && name.Contains("/attempts/", StringComparison.Ordinal) && refused.Add(name)
                ? new StorageUnavailableException("storage outage (test)") : null,
        });
        await using var _ = provider;
        var spec = WorkerTestServices.CheapDemoSpec("marks");
        await harness.Bus.Publish(new SubmitAuditJob(Guid.NewGuid(), spec));
        await WorkerTestServices.Until(() => harness.Published.Select<AuditJobCompleted>().Any(), "the job's completion",
            () => harness.Published.Select<AuditJobFailed>().FirstOrDefault()?.Context.Message.Reason);

        Assert.Equal(3, refused.Count); // each shard's mark outlived its attempt
        Assert.Empty(await store.ListAsync(spec.Output.Container, JobLayout.AttemptsPrefix(spec.Location())));
        Assert.True(await store.ExistsAsync(spec.Output.Container, JobLayout.Report(spec.Location())));
    }
}
