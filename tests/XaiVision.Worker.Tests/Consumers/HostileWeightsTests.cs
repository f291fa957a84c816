using MassTransit;
using MassTransit.Testing;
using XaiVision.Contracts;
using XaiVision.Worker.Jobs;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Consumers;

/// <summary>
/// Weights that are hostile input on the file store — a zip bomb, a symbolic link out of the store: the job ends, failed with a
/// one-line reason that names the blob (or is rejected with it, when validation finds it), and nothing goes to an error queue.
/// </summary>
public class HostileWeightsTests(ITestOutputHelper log)
{
    static async Task<string> FailureOfJobAsync(Func<string, Task<string>> placeWeights)
    {
        var (provider, harness, _, root) = await WorkerTestServices.StartSeededAsync("hostile-weights");
        await using var _ = provider;
        var weights = await placeWeights(root);
        var spec = WorkerTestServices.CheapDemoSpec("hostile") with { Model = DemoJob.Spec("hostile").Model with { Weights = weights } };
        await harness.Bus.Publish(new SubmitAuditJob(Guid.NewGuid(), spec));
        await WorkerTestServices.Until(() => harness.Published.Select<AuditJobFailed>().Any() || harness.Published.Select<AuditJobRejected>().Any()
            || harness.Published.Select<AuditJobCompleted>().Any(), "the job's end",
            () => harness.Published.Select<Fault>().FirstOrDefault()?.Context.Message.Exceptions[0] is { } e ? $"a consumer faulted: {e.ExceptionType}: {e.Message}\n{e.StackTrace}" : null);
        Assert.False(harness.Published.Select<Fault>().Any(), "a consumer faulted (the message would go to an error queue)");
        var reason = harness.Published.Select<AuditJobFailed>().FirstOrDefault()?.Context.Message.Reason
            ?? harness.Published.Select<AuditJobRejected>().FirstOrDefault()?.Context.Message.Problems.Single().Message; // refused before planning
        Assert.NotNull(reason);
        Assert.DoesNotContain('\n', reason);
        return reason;
    }

    [Fact]
    public async Task A_zip_bomb_fails_its_job_with_the_reason()
    {
        var reason = await FailureOfJobAsync(async root =>
        {
            var models = Directory.CreateDirectory(Path.Combine(root, DemoJob.Container, "models")).FullName;
            await File.WriteAllBytesAsync(Path.Combine(models, "bomb.pth"), await File.ReadAllBytesAsync(Cli.CliRunner.Fixture("weights", "bomb_data.pth")));
            return $"{DemoJob.Container}/models/bomb.pth";
        });
        log.WriteLine(reason);
        Assert.Contains("zip bomb", reason);
        Assert.Contains("models/bomb.pth", reason);
    }

    [Fact]
    public async Task Weights_that_are_a_link_out_of_the_store_fail_their_job_with_the_reason()
    {
        var reason = await FailureOfJobAsync(root =>
        {
            var models = Directory.CreateDirectory(Path.Combine(root, DemoJob.Container, "models")).FullName;
            File.CreateSymbolicLink(Path.Combine(models, "passwd.pth"), "/etc/passwd");
            return Task.FromResult($"{DemoJob.Container}/models/passwd.pth");
        });
        log.WriteLine(reason);
        Assert.Contains("models/passwd.pth", reason);
        Assert.DoesNotContain("root:", reason); // nothing of the file is read, let alone echoed
    }
}
