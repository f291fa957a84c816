using XaiVision.Contracts;

namespace XaiVision.Worker.Tests.Consumers;

/// <summary><c>model.precision: bf16</c> through the consumers: the job runs and its summary stays close to fp32's.</summary>
public class PrecisionTests
{
    static async Task<(AuditJobCompleted? Completed, AuditJobRejected? Rejected)> RunAsync(string prefix, string? precision)
    {
        var spec = WorkerTestServices.CheapDemoSpec(prefix);
        var (completed, rejected, _, provider) = await WorkerTestServices.RunJobAsync(spec with { Model = spec.Model with { Precision = precision } });
        await provider.DisposeAsync();
        return (completed, rejected);
    }

    [Fact]
    public async Task A_bf16_job_completes_with_the_same_picture_as_fp32()
    {
        var (fp32, bf16) = ((await RunAsync("fp32", null)).Completed, (await RunAsync("bf16", "bf16")).Completed);
        Assert.NotNull(fp32);
        Assert.NotNull(bf16);
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
        var (_, rejected) = await RunAsync("fp8", "fp8");
        var problem = rejected!.Problems.Single();
        Assert.Equal("model.precision", problem.Path);
        Assert.Contains("fp8", problem.Message);
    }
}
