using System.Text.Json;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using XaiVision.Contracts;
using XaiVision.Engine.Reports;
using XaiVision.Engine.Suites;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;
using XaiVision.Worker.Tests.Storage;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Consumers;

/// <summary>
/// The aggregator at scale's rules on small jobs: completion counted without listing, one aggregation per job under duplicated and
/// concurrent completions from two workers, a lease that a dead worker's successor takes over, and the model fetched once per version.
/// </summary>
public sealed class AggregationTests(ITestOutputHelper log)
{
    static ImageRecord Record(int shard, int i)
    {
        var target = new ClassScore(i % 3, $"class{i % 3}", 2, 0.5f + i % 7 / 20f);
        var explanation = new ExplanationRecord("grad-cam", new Dictionary<string, string>(), target, null, null, "min-max", 0, 1, 1, 0,
            new Dictionary<string, double> { ["deletion"] = (shard * 31 + i) % 17 / 17.0 });
        var name = $"s{shard:D2}i{i:D2}";
        return i % 5 == 4
            ? ImageRecord.Failure($"photos/{name}.png", $"images/{name}", $"cannot decode 'photos/{name}.png'")
            : new ImageRecord($"photos/{name}.png", $"images/{name}", 64, 64, target, [target], [explanation], null);
    }

    static async Task WriteShardsAsync(JobStore jobs, AuditJobSpec spec, int shards, int perShard)
    {
        for (int s = 0; s < shards; s++) await jobs.TryCreateShardAsync(spec.Location(), s, Enumerable.Range(0, perShard).Select(i => Record(s, i)).ToList(), CancellationToken.None);
    }

    [Fact]
    public async Task Duplicated_and_concurrent_completions_on_two_workers_aggregate_and_announce_once()
    {
        const int shards = 6, perShard = 10;
        var root = Directory.CreateTempSubdirectory("xaivision-once-").FullName;
        var settings = new Dictionary<string, string?> { ["Jobs:AggregationLeaseSeconds"] = "4" };
        var stores = new List<CountingBlobStore>();
        var workers = Enumerable.Range(0, 2).Select(_ => WorkerTestServices.Build(root, settings, store: inner =>
        {
            var counting = new CountingBlobStore(inner);
            stores.Add(counting);
            return counting;
        })).ToList();
        try
        {
            var harnesses = workers.Select(w => w.GetRequiredService<ITestHarness>()).ToList();
            foreach (var h in harnesses) await h.Start();
            var spec = WorkerTestServices.CheapDemoSpec("once");
            await workers[0].GetRequiredService<JobCompletion>().StartAsync(spec.Location(), shards, default); // as the planner does
            await WriteShardsAsync(workers[0].GetRequiredService<JobStore>(), spec, shards, perShard);
            var jobId = Guid.NewGuid();

            // Every shard's event twice, on alternate workers, and the last one four more times — all at once.
            var events = Enumerable.Range(0, shards).SelectMany(s => new[] { s, s }).Concat(Enumerable.Repeat(shards - 1, 4)).ToList();
            await Task.WhenAll(events.Select((s, k) => harnesses[k % 2].Bus.Publish(new ShardCompleted(jobId, s, shards, spec, perShard, 2))));
            int Consumed() => harnesses.Sum(h => h.Consumed.Select<ShardCompleted>().Count());
            await WorkerTestServices.Until(() => Consumed() >= events.Count, "every completion consumed");

            var announced = harnesses.Sum(h => h.Published.Select<AuditJobCompleted>().Count());
            int Writes(string file) => stores.Sum(s => s.Count("write", "/" + file));
            log.WriteLine($"{events.Count} events on 2 workers: {announced} announcement(s); images.csv written {Writes("images.csv")}×, "
                + $"report.html {Writes("report.html")}×; listings: {string.Join(", ", stores.SelectMany(s => s.Requests).Where(r => r.Key.StartsWith("list ")).Select(r => $"{r.Key} ×{r.Value}"))}");
            Assert.Equal(1, announced);
            Assert.Equal(1, Writes("images.csv"));
            Assert.Equal(1, Writes("errors.csv"));
            Assert.Equal(1, Writes("report.html"));
            // One listing of shard-failures/ and one of attempts/ (marks left behind are removed) at aggregation; none per event.
            Assert.Equal(["list once/attempts/ ×1", "list once/shard-failures/ ×1"], stores.SelectMany(s => s.Requests)
                .Where(r => r.Key.StartsWith("list once/", StringComparison.Ordinal)).GroupBy(r => r.Key).Select(g => $"{g.Key} ×{g.Sum(r => r.Value)}").Order());

            var store = workers[0].GetRequiredService<IBlobStore>();
            var report = JsonSerializer.Deserialize<JobReport>((await store.ReadAsync(spec.Output.Container, JobLayout.Report(spec.Location())))!, AuditJson.Options)!;
            Assert.Equal(shards * perShard, report.Images);
            Assert.Equal(shards * 2, report.FailedImages);
            var error = Assert.Single(report.Errors);
            Assert.Equal("cannot decode '{image}'", error.Reason);
            Assert.Equal(ErrorTally.Examples, error.Examples.Count);
            var csv = System.Text.Encoding.UTF8.GetString((await store.ReadAsync(spec.Output.Container, JobLayout.Csv(spec.Location())))!);
            Assert.Equal(shards * perShard + 1, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Contains("photos/s05i09.png", csv); // the last shard's last image
        }
        finally
        {
            foreach (var w in workers) await w.DisposeAsync();
        }
    }

    sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch.AddYears(56);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    static (JobCompletion Completion, JobStore Jobs, ManualClock Clock, IBlobStore Store) NewCompletion()
    {
        var root = Directory.CreateTempSubdirectory("xaivision-tally-").FullName;
        var store = new FileSystemBlobStore(root);
        var clock = new ManualClock();
        var jobsOptions = Options.Create(new JobsOptions { AggregationLeaseSeconds = 60 });
        return (new JobCompletion(store, jobsOptions, clock), new JobStore(store, Options.Create(new StorageOptions())), clock, store);
    }

    [Fact]
    public async Task The_tally_counts_each_shard_once_and_seeds_itself_from_shards_done_before_it_existed()
    {
        var (completion, jobs, _, store) = NewCompletion();
        var spec = WorkerTestServices.CheapDemoSpec("tally");
        await WriteShardsAsync(jobs, spec, 2, 3); // shards 0 and 1 finished before any event was counted (an upgrade, a lost tally)
        Assert.Equal(JobCompletion.Verdict.Waiting, await completion.RecordAsync(spec.Location(), 3, 5, "a", default));
        Assert.Equal(JobCompletion.Verdict.Waiting, await completion.RecordAsync(spec.Location(), 3, 5, "b", default)); // duplicate
        Assert.Equal(JobCompletion.Verdict.Waiting, await completion.RecordAsync(spec.Location(), 1, 5, "c", default)); // already seeded
        Assert.Equal(3, await completion.DoneAsync(spec.Location(), default));
        Assert.Equal(JobCompletion.Verdict.Waiting, await completion.RecordAsync(spec.Location(), 2, 5, "d", default));
        Assert.Equal(JobCompletion.Verdict.Aggregate, await completion.RecordAsync(spec.Location(), 4, 5, "e", default));
        Assert.Equal(5, await completion.DoneAsync(spec.Location(), default));
        Assert.True((await store.ReadAsync(spec.Output.Container, JobLayout.Completion(spec.Location())))!.Length < 300);
    }

    [Fact]
    public async Task A_live_lease_keeps_others_waiting_and_an_expired_one_is_taken_over()
    {
        var (completion, _, clock, _) = NewCompletion();
        var spec = WorkerTestServices.CheapDemoSpec("lease");
        Assert.Equal(JobCompletion.Verdict.Waiting, await completion.RecordAsync(spec.Location(), 0, 2, "first", default));
        Assert.Equal(JobCompletion.Verdict.Aggregate, await completion.RecordAsync(spec.Location(), 1, 2, "first", default));
        Assert.Equal(JobCompletion.Verdict.Busy, await completion.RecordAsync(spec.Location(), 1, 2, "duplicate", default));
        Assert.Equal(JobCompletion.Verdict.Aggregate, await completion.RecordAsync(spec.Location(), 1, 2, "first", default)); // its own retry
        clock.Now += TimeSpan.FromSeconds(50);
        Assert.True(await completion.RenewAsync(spec.Location(), "first", default));
        clock.Now += TimeSpan.FromSeconds(50); // within the renewed lease
        Assert.Equal(JobCompletion.Verdict.Busy, await completion.RecordAsync(spec.Location(), 1, 2, "duplicate", default));
        clock.Now += TimeSpan.FromSeconds(11); // "first" died: its lease runs out
        Assert.Equal(JobCompletion.Verdict.Aggregate, await completion.RecordAsync(spec.Location(), 1, 2, "duplicate", default));
        Assert.False(await completion.RenewAsync(spec.Location(), "first", default));
        await completion.ReleaseAsync(spec.Location(), "duplicate");
        Assert.Equal(JobCompletion.Verdict.Aggregate, await completion.RecordAsync(spec.Location(), 0, 2, "late", default));
    }

    [Fact]
    public async Task The_model_is_downloaded_once_per_version_and_a_changed_blob_is_loaded_again()
    {
        var root = Directory.CreateTempSubdirectory("xaivision-cache-").FullName;
        CountingBlobStore counting = null!;
        await using var provider = WorkerTestServices.Build(root, store: inner => counting = new CountingBlobStore(inner));
        var store = provider.GetRequiredService<IBlobStore>();
        await DemoJob.SeedAsync(store);
        var cache = provider.GetRequiredService<ModelCache>();
        var source = DemoJob.Spec("cache").Model;
        var weights = source.Weights![(source.Weights!.IndexOf('/') + 1)..];

        var first = await cache.GetAsync(source, default);
        var second = await cache.GetAsync(source, default);
        Assert.Same(first, second);
        Assert.Equal(1, counting.Count("read", weights));
        Assert.Equal(2, counting.Count("head", weights));

        // at once: every write gives the file store a new version, whatever its clock's granularity
        await store.WriteAsync(DemoJob.Container, weights, (await store.ReadAsync(DemoJob.Container, weights))!, "application/octet-stream");
        var third = await cache.GetAsync(source, default);
        Assert.NotSame(first, third);
        Assert.Equal(3, counting.Count("read", weights)); // the test's own read, then the new version's download
        Assert.Equal(3, counting.Count("head", weights));
    }
}
