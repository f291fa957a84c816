using System.Text.Json;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using XaiVision.Contracts;
using XaiVision.Engine.Memory;
using XaiVision.Engine.Reports;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Tests.Consumers;

/// <summary>Per-image and per-job limits, and the out-of-memory split, on the harness with the demo job.</summary>
public class LimitsTests
{
    static Task<(AuditJobCompleted? Completed, AuditJobRejected? Rejected, IBlobStore Store, ServiceProvider Provider)> RunAsync(
        string prefix, Dictionary<string, string?> settings, Action<IServiceCollection>? configure = null) =>
        WorkerTestServices.RunJobAsync(WorkerTestServices.CheapDemoSpec(prefix), settings, configure);

    static async Task<List<ImageRecord>> RecordsAsync(IBlobStore store, string prefix)
    {
        var records = new List<ImageRecord>();
        foreach (var name in await store.ListAsync("audits", prefix + "/shards/"))
            records.AddRange(JsonSerializer.Deserialize<List<ImageRecord>>((await store.ReadAsync("audits", name))!, AuditJson.Options)!);
        return records.OrderBy(r => r.Image, StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task Batches_over_a_tiny_memory_budget_are_split_and_the_results_match_an_unlimited_run()
    {
        var (reference, _, referenceStore, p1) = await RunAsync("unlimited", new() { ["Worker:BatchSize"] = "4" });
        await using var _1 = p1;
        using var model = Engine.Models.ModelLoader.Load(Engine.Demo.DemoAssets.ModelSpec, TorchSharp.torch.CPU);
        double twoImagesMiB = new MemoryBudget(long.MaxValue).EstimateBytes(model, 2) / 1048576.0;
        var (split, _, splitStore, p2) = await RunAsync("budget", new() { ["Worker:BatchSize"] = "4",
            ["Worker:MemoryBudgetMiB"] = (twoImagesMiB * 1.01).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await using var _2 = p2;

        Assert.Equal(12, split!.Images);
        Assert.Equal(0, split.FailedImages);
        var (a, b) = (await RecordsAsync(referenceStore, "unlimited"), await RecordsAsync(splitStore, "budget"));
        Assert.Equal(a.Select(r => (r.Image, r.Prediction!.Index)), b.Select(r => (r.Image, r.Prediction!.Index)));
        foreach (var (method, figures) in reference!.Summary)
            foreach (var (figure, mean) in figures) Assert.Equal(mean, split.Summary[method][figure], 3);
    }

    [Fact]
    public async Task Oversized_images_and_decompression_bombs_become_per_image_errors()
    {
        // Demo pictures are 64×64 and about 10 kB: 10,100 bytes admits seven of them, 4,095 pixels admits none of those.
        // With no image explained the job fails, naming the reasons; the per-image records stay in the shard results.
        var (provider, harness, store, _) = await WorkerTestServices.StartSeededAsync("limits",
            new Dictionary<string, string?> { ["Worker:MaxImageBytes"] = "10100", ["Worker:MaxImagePixels"] = "4095" });
        await using var _ = provider;
        await harness.Bus.Publish(new SubmitAuditJob(Guid.NewGuid(), WorkerTestServices.CheapDemoSpec("limits")));
        await WorkerTestServices.Until(() => harness.Published.Select<AuditJobFailed>().Any(), "the job to fail");
        var reason = harness.Published.Select<AuditJobFailed>().Single().Context.Message.Reason;
        Assert.StartsWith("No image could be explained (12 failed): ", reason);
        Assert.Contains("over the limit of 4,095", reason);
        var records = await RecordsAsync(store, "limits");
        Assert.Equal(12, records.Count);
        Assert.All(records, r => Assert.NotNull(r.Error));
        Assert.Equal(5, records.Count(r => r.Error!.Contains("bytes, over the limit of 10,100"))); // refused before download
        Assert.Equal(7, records.Count(r => r.Error!.Contains("= 4,096 pixels, over the limit of 4,095"))); // refused from the header
    }

    [Fact]
    public async Task A_shard_past_its_time_limit_marks_the_rest_as_not_explained()
    {
        var (completed, _, store, provider) = await RunAsync("slow", new() { ["Worker:BatchSize"] = "2", ["Worker:MaxSecondsPerImage"] = "10" },
            services => services.AddSingleton<TimeProvider>(new SteppingClock(TimeSpan.FromSeconds(25))));
        await using var _ = provider;
        // Each shard of 4 images has 40 s; the clock moves 25 s per reading: the first batch starts in time, the second does not.
        var records = await RecordsAsync(store, "slow");
        Assert.Equal(6, records.Count(r => r.Error is null));
        Assert.Equal(6, completed!.FailedImages);
        Assert.All(records.Where(r => r.Error is not null), r => Assert.Contains("Worker:MaxSecondsPerImage", r.Error));
    }

    [Theory]
    [InlineData("Storage:WritableContainers:0", "results", "output.container")]
    [InlineData("Storage:JobsContainer", "audits", "output.container")]
    [InlineData("Worker:MaxShardsPerJob", "2", "shardSize")]
    [InlineData("Worker:MaxImagesPerJob", "11", "images")]
    public async Task A_job_beyond_this_workers_limits_is_rejected_and_writes_nothing(string key, string value, string path)
    {
        var (completed, rejected, store, provider) = await RunAsync("limited", new() { [key] = value });
        await using var _ = provider;
        Assert.Null(completed);
        Assert.Equal([path], rejected!.Problems.Select(p => p.Path));
        Assert.Empty(await store.ListAsync("audits", "limited/"));
    }

    /// <summary>A clock that moves on by a fixed step every time it is read.</summary>
    sealed class SteppingClock(TimeSpan step) : TimeProvider
    {
        DateTimeOffset _now = DateTimeOffset.UnixEpoch;
        public override DateTimeOffset GetUtcNow() => _now += step;
    }
}
