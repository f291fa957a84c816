using MassTransit.Testing;
using XaiVision.Contracts;

namespace XaiVision.Worker.Tests.Consumers;

/// <summary><c>model.precision: bf16</c> through the consumers: the job runs and its summary stays close to fp32's.</summary>
public class PrecisionTests
{
    static async Task<AuditJobCompleted> RunAsync(string prefix, string? precision)
    {
        var (provider, harness, _, _) = await WorkerTestServices.StartSeededAsync("precision");
        await using var _p = provider;
        var spec = WorkerTestServices.CheapDemoSpec(prefix);
        spec = spec with { Model = spec.Model with { Precision = precision } };
        await harness.Bus.Publish(new SubmitAuditJob(Guid.NewGuid(), spec));
        await WorkerTestServices.Until(() => harness.Published.Select<AuditJobCompleted>().Any(), "the job",
            () => harness.Published.Select<AuditJobRejected>().FirstOrDefault()?.Context.Message.Problems[0].Message
                  ?? harness.Published.Select<AuditJobFailed>().FirstOrDefault()?.Context.Message.Reason);
        return harness.Published.Select<AuditJobCompleted>().Single().Context.Message;
    }

    [Fact]
    public async Task A_bf16_job_completes_with_the_same_picture_as_fp32()
    {
        var fp32 = await RunAsync("fp32", null);
        var bf16 = await RunAsync("bf16", "bf16");
        Assert.Equal(12, bf16.Images);
        Assert.Equal(0, bf16.FailedImages);
        foreach (var method in new[] { "grad-cam", "lrp-composite" })
            foreach (var figure in new[] { "relevance-mass", "pointing-game", "deletion" })
                Assert.True(Math.Abs(fp32.Summary[method][figure] - bf16.Summary[method][figure]) <= (figure == "pointing-game" ? 1.0 / 12 : 0.05), // one image of 12 may flip a hit
                    $"{method} {figure}: fp32 {fp32.Summary[method][figure]:F3}, bf16 {bf16.Summary[method][figure]:F3}");
    }

    [Fact]
    public async Task An_unknown_precision_is_rejected_with_its_path()
    {
        var (provider, harness, _, _) = await WorkerTestServices.StartSeededAsync("precision");
        await using var _p = provider;
        var spec = WorkerTestServices.CheapDemoSpec("fp8");
        await harness.Bus.Publish(new SubmitAuditJob(Guid.NewGuid(), spec with { Model = spec.Model with { Precision = "fp8" } }));
        await WorkerTestServices.Until(() => harness.Published.Select<AuditJobRejected>().Any(), "the rejection");
        var problem = harness.Published.Select<AuditJobRejected>().Single().Context.Message.Problems.Single();
        Assert.Equal("model.precision", problem.Path);
        Assert.Contains("fp8", problem.Message);
    }
}
