using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using XaiVision.Contracts;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Tests.Consumers;

/// <summary>Planning a page at a time: the same shards as a whole listing, a sample without sorting everything, and a redelivered submission that resumes.</summary>
public sealed class PlanningTests
{
    static readonly string[] Tricky = ["a.png", "a-b/x.png", "a/x.png", "a/y/z.png", "b.jpg", "b.txt", "B.png", "c_d.png"];

    static async Task<(FileSystemBlobStore Store, List<string> Names)> ListingAsync(int generated)
    {
        var store = new FileSystemBlobStore(Directory.CreateTempSubdirectory("xaivision-plan-").FullName);
        var names = Tricky.Select(n => "photos/" + n).Concat(Enumerable.Range(0, generated).Select(i => $"photos/g/{i * 7919 % generated:D5}.png")).ToList();
        await Parallel.ForEachAsync(names, async (name, ct) => await store.WriteAsync("box", name, [1], "image/png", ct));
        return (store, names);
    }

    [Fact]
    public async Task Pages_and_shards_follow_the_whole_listing_in_ordinal_order()
    {
        var (store, _) = await ListingAsync(12_000);
        var whole = await store.ListAsync("box", "photos/");
        var pages = await store.ListPagesAsync("box", "photos/").ToListAsync();
        Assert.Equal(3, pages.Count);
        Assert.Equal(whole, pages.SelectMany(p => p));
        Assert.Equal(whole.Order(StringComparer.Ordinal), whole);

        var spec = new AuditJobSpec { Images = new ImageSource { Container = "box", Prefix = "photos/" }, ShardSize = 100 };
        var shards = await new JobPlanner(store).ShardsAsync(spec, default).ToListAsync();
        var expected = whole.Where(n => !n.EndsWith(".txt")).ToList();
        Assert.Equal(expected, shards.SelectMany(s => s).Select(i => i.Blob));
        Assert.All(shards.SkipLast(1), s => Assert.Equal(100, s.Count));
    }

    [Fact]
    public async Task A_sample_is_the_images_of_lowest_seeded_hash_by_name()
    {
        var (store, names) = await ListingAsync(3_000);
        var spec = new AuditJobSpec { Images = new ImageSource { Container = "box", Prefix = "photos/", Limit = 250, SampleSeed = 4 }, ShardSize = 32 };
        var sampled = (await new JobPlanner(store).ShardsAsync(spec, default).ToListAsync()).SelectMany(s => s).Select(i => i.Blob).ToList();
        // What the planner did when it held every name: order all by hash (stable), take the limit, order by name.
        var images = names.Where(n => !n.EndsWith(".txt")).Order(StringComparer.Ordinal).ToList();
        var expected = images.OrderBy(n => JobPlanner.StableHash(4, n)).Take(250).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, sampled);
        var everything = spec with { Images = spec.Images with { Limit = 5_000 } }; // more than there are: all, in listing order
        Assert.Equal(images, (await new JobPlanner(store).ShardsAsync(everything, default).ToListAsync()).SelectMany(s => s).Select(i => i.Blob));
    }

    [Fact]
    public async Task Counting_holds_no_names_and_finds_duplicate_ids()
    {
        var (store, _) = await ListingAsync(1_000);
        var spec = new AuditJobSpec { Images = new ImageSource { Container = "box", Prefix = "photos/" }, Output = new OutputTarget { Container = "out" }, ShardSize = 64 };
        var limits = new JobLimits(1_000_000, 100_000, [], "jobs");
        var (plan, problems) = await new JobPlanner(store).PlanAsync(Guid.NewGuid(), spec, limits, default);
        Assert.Empty(problems);
        Assert.Equal((1_007, 16), (plan!.Images, plan.ShardCount)); // b.txt is no image
        Assert.Equal("files", plan.Spec.Output.Layout); // auto, at this size
        await store.WriteAsync("box", "photos/c/d.png", [1], "image/png"); // output id c_d, like photos/c_d.png
        (plan, problems) = await new JobPlanner(store).PlanAsync(Guid.NewGuid(), spec, limits, default);
        Assert.Null(plan);
        Assert.Contains("would share its output id 'c_d'", Assert.Single(problems).Message);
        (plan, problems) = await new JobPlanner(store).PlanAsync(Guid.NewGuid(), spec with { Images = spec.Images with { Prefix = "photos/g/" } }, limits, default);
        Assert.Empty(problems);
        Assert.Equal((1_000, 16), (plan!.Images, plan.ShardCount));
    }

    [Fact]
    public async Task An_empty_listing_and_an_empty_manifest_are_refused_in_their_own_words()
    {
        var store = new FileSystemBlobStore(Directory.CreateTempSubdirectory("xaivision-plan-").FullName);
        await store.WriteAsync("box", "lists/empty.csv", "path\n"u8.ToArray(), "text/csv");
        var limits = new JobLimits(1_000_000, 100_000, [], "jobs");
        var listed = new AuditJobSpec { Images = new ImageSource { Container = "box", Prefix = "photos/" }, Output = new OutputTarget { Container = "out" } };
        var problem = Assert.Single((await new JobPlanner(store).PlanAsync(Guid.NewGuid(), listed, limits, default)).Problems);
        Assert.Equal(("images", "no images found in 'box/photos/'."), (problem.Path, problem.Message));
        var manifest = listed with { Images = listed.Images with { Prefix = "", Manifest = "lists/empty.csv" } };
        problem = Assert.Single((await new JobPlanner(store).PlanAsync(Guid.NewGuid(), manifest, limits, default)).Problems);
        Assert.Equal(("images.manifest", "manifest 'box/lists/empty.csv' lists no images."), (problem.Path, problem.Message));
    }

    /// <summary>Issue 36: a 3 GB manifest made the planner throw, and the job vanished (no record, "No job" from status).</summary>
    [Fact]
    public async Task A_manifest_over_the_limit_rejects_its_job_with_the_size_and_the_setting()
    {
        var (completed, rejected, _, provider) = await WorkerTestServices.RunJobAsync(DemoJob.Spec("big-manifest"),
            new Dictionary<string, string?> { ["Worker:MaxManifestBytes"] = "64" });
        await using var _ = provider;
        Assert.Null(completed);
        var problem = Assert.Single(rejected!.Problems);
        Assert.Equal("images", problem.Path);
        Assert.Matches(@"^The manifest is too large: Blob 'demo/manifest\.csv' is [0-9,]+ bytes, over the limit of 64 \(Worker:MaxManifestBytes\)\.$", problem.Message);
    }

    [Fact]
    public async Task A_redelivered_submission_sends_only_the_shards_not_yet_sent()
    {
        var (provider, harness, store, _) = await WorkerTestServices.StartSeededAsync("resume");
        await using (provider)
        {
            var spec = DemoJob.Spec("resume") with { ShardSize = 1, Suite = new SuiteDefinition { Explainers = ["random"], Seed = 1 } };
            var jobId = Guid.NewGuid();
            var jobs = provider.GetRequiredService<JobStore>();
            // The first delivery planned the job and sent 8 of its 12 shards before its worker died.
            await jobs.TryCreatePlanAsync(new JobPlan(jobId, spec, 12, 12, DateTimeOffset.UtcNow.AddHours(1)), default);
            await jobs.MarkSentShardsAsync(spec.Location(), 8, default);
            await harness.Bus.Publish(new SubmitAuditJob(jobId, spec));
            // Consumed is recorded once the planner has returned: every shard it sends is published by then, so nothing more can come.
            await WorkerTestServices.Until(() => harness.Consumed.Select<SubmitAuditJob>().Any(), "the planner to finish with the submission");
            Assert.Equal([8, 9, 10, 11], harness.Published.Select<AuditShard>().Select(m => m.Context.Message.ShardIndex).Order());
            Assert.Equal(12, await jobs.ReadSentShardsAsync(spec.Location(), default));
            Assert.Empty(harness.Published.Select<AuditJobRejected>());
        }
    }

    [Fact]
    public async Task Images_that_change_between_counting_and_sending_fail_the_job_with_both_counts()
    {
        var (provider, harness, _, _) = await WorkerTestServices.StartSeededAsync("changed");
        await using (provider)
        {
            var spec = DemoJob.Spec("changed") with { ShardSize = 4 };
            var jobId = Guid.NewGuid();
            await provider.GetRequiredService<JobStore>().TryCreatePlanAsync(new JobPlan(jobId, spec, 4, 14, DateTimeOffset.UtcNow.AddHours(1)), default);
            await harness.Bus.Publish(new SubmitAuditJob(jobId, spec));
            await WorkerTestServices.Until(() => harness.Published.Select<AuditJobFailed>().Any(), "the job to fail");
            Assert.Equal("The images changed while the job was being planned: 14 counted, 12 when the shards were sent.",
                harness.Published.Select<AuditJobFailed>().Single().Context.Message.Reason);
        }
    }

    [Fact]
    public async Task The_automatic_layout_archives_jobs_above_five_thousand_images()
    {
        var (store, _) = await ListingAsync(JobPlanner.ArchiveAbove);
        var spec = new AuditJobSpec { Images = new ImageSource { Container = "box", Prefix = "photos/" }, Output = new OutputTarget { Container = "out" }, ShardSize = 64 };
        var limits = new JobLimits(1_000_000, 100_000, [], "jobs");
        var (plan, _) = await new JobPlanner(store).PlanAsync(Guid.NewGuid(), spec, limits, default);
        Assert.Equal(("archive", JobPlanner.ArchiveAbove + 7), (plan!.Spec.Output.Layout, plan.Images));
        (plan, _) = await new JobPlanner(store).PlanAsync(Guid.NewGuid(), spec with { Output = spec.Output with { Layout = "files" } }, limits, default);
        Assert.Equal("files", plan!.Spec.Output.Layout); // asked for: kept
    }
}
