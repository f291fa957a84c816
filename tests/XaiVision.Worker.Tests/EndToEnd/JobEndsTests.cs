using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using XaiVision.Contracts;
using XaiVision.Engine.Reports;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;
using XaiVision.Worker.Tests.Consumers;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.EndToEnd;

/// <summary>
/// Every job ends, on the real RabbitMQ and Azurite, whatever the engine does: a native libtorch error in one shard of
/// three (the job completes with those images failed and the gates say so), in every shard (the job fails), a batch that
/// runs past its time limit, and a job that runs past its deadline. Native errors are real libtorch errors: a forward
/// pre-hook on the worker's cached model reshapes its input to an impossible shape for the chosen batches.
/// </summary>
[Collection(RealServicesCollection.Name)]
public sealed class JobEndsTests(ITestOutputHelper log) : IAsyncLifetime
{
    readonly RealServices _services = new();
    readonly string _run = Guid.NewGuid().ToString("N")[..8];
    readonly List<IHost> _hosts = [];
    IHost _client = null!;

    public async Task InitializeAsync()
    {
        _client = _services.Host(consumers: false);
        await _client.StartAsync();
        await DemoJob.SeedAsync(_client.Services.GetRequiredService<IBlobStore>());
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts.Append(_client))
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    async Task<IHost> WorkerAsync(Dictionary<string, string?>? settings = null)
    {
        var worker = _services.Host(consumers: true, settings);
        _hosts.Add(worker);
        await worker.StartAsync();
        return worker;
    }

    /// <summary>12 demo images in shards of 5, 5 and 2 (one batch each); grad-cam only, so every forward sees the shard's own rows.</summary>
    AuditJobSpec Spec(string name) => WorkerTestServices.CheapDemoSpec($"ends-{_run}-{name}") with
    {
        Suite = new SuiteDefinition { Explainers = ["grad-cam"], Seed = 1 },
        Gates = [new Gate { Metric = Gates.FailedImagesFigure, Max = 0 }],
        ShardSize = 5,
    };

    /// <summary>Makes every forward of the worker's cached demo model whose batch has <paramref name="rows"/> rows (any, when null) fail inside libtorch.</summary>
    static async Task BreakModelAsync(IHost worker, AuditJobSpec spec, int? rows)
    {
        var cached = await worker.Services.GetRequiredService<ModelCache>().GetAsync(spec.Model, CancellationToken.None);
        cached.Model.Network.register_forward_pre_hook((_, input) =>
            rows is null || input.shape[0] == rows ? input.view(-1, 7, 13) : input); // not a multiple of 91 elements: a native error
    }

    async Task<JobOutcome> RunAsync(AuditJobSpec spec)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var outcome = await JobRuns.RunAsync(_client.Services.GetRequiredService<IBus>(), spec);
        log.WriteLine($"{spec.Output.Prefix}: ended in {watch.Elapsed.TotalSeconds:F1} s — " +
            (outcome.Completed is { } c ? $"completed, {c.FailedImages}/{c.Images} failed, gates {(c.GatesPassed ? "passed" : string.Join("; ", c.GateFailures))}"
                : $"failed: {outcome.Failed?.Reason}"));
        return outcome;
    }

    [Fact]
    public async Task A_native_error_in_one_shard_of_three_completes_the_job_with_those_images_failed()
    {
        var spec = Spec("one");
        var worker = await WorkerAsync();
        await BreakModelAsync(worker, spec, rows: 2);
        var outcome = await RunAsync(spec);
        var completed = Assert.IsType<AuditJobCompleted>(outcome.Completed);
        Assert.Equal(12, completed.Images);
        Assert.Equal(2, completed.FailedImages);
        Assert.False(completed.GatesPassed);
        Assert.Contains(completed.GateFailures, f => f.StartsWith(Gates.FailedImagesFigure));
        var report = System.Text.Json.JsonSerializer.Deserialize<JobReport>(
            (await _client.Services.GetRequiredService<IBlobStore>().ReadAsync("audits", JobLayout.Report(spec.Location())))!, Engine.Reports.AuditJson.Options)!;
        Assert.Equal(2, report.Errors.Sum(e => e.Count));
        Assert.Equal(2, report.Errors.Sum(e => e.Examples.Count));
        Assert.All(report.Errors, e => Assert.StartsWith("engine error: ", e.Reason));
        Assert.All(report.Errors, e => Assert.DoesNotContain("frame #", e.Reason)); // one line, no C++ trace
        var errorsCsv = System.Text.Encoding.UTF8.GetString((await _client.Services.GetRequiredService<IBlobStore>().ReadAsync("audits", JobLayout.Artefact(spec.Location(), "errors.csv")))!);
        Assert.Equal(3, errorsCsv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // the header and both images
        Assert.Equal(0u, await Broker.ErrorMessagesAsync(_services));
    }

    [Fact]
    public async Task A_native_error_in_every_shard_fails_the_job_with_the_reason()
    {
        var spec = Spec("all");
        var worker = await WorkerAsync();
        await BreakModelAsync(worker, spec, rows: null);
        var outcome = await RunAsync(spec);
        Assert.Null(outcome.Completed);
        var failed = Assert.IsType<AuditJobFailed>(outcome.Failed);
        Assert.StartsWith("No image could be explained (12 failed): engine error: ", failed.Reason);
        var store = _client.Services.GetRequiredService<IBlobStore>();
        Assert.True(await store.ExistsAsync("audits", JobLayout.Failed(spec.Location())));
        Assert.False(await store.ExistsAsync("audits", JobLayout.Report(spec.Location())));
        Assert.Equal(0u, await Broker.ErrorMessagesAsync(_services));
    }

    [Fact]
    public async Task A_batch_past_its_time_limit_is_abandoned_and_the_job_still_ends()
    {
        // 1 s per image, shards of 2: each shard may take 2 s; one batch of integrated gradients with 4000 steps takes ~10 s here.
        var spec = Spec("slow") with
        {
            Images = Spec("slow").Images with { Limit = 6 },
            Suite = new SuiteDefinition { Explainers = ["integrated-gradients(steps=4000)"], Seed = 1 },
            ShardSize = 2,
        };
        await WorkerAsync(new() { ["Worker:MaxSecondsPerImage"] = "1" });
        var outcome = await RunAsync(spec);
        var failed = Assert.IsType<AuditJobFailed>(outcome.Failed); // the limit, not the 4000 steps, ended it
        Assert.Contains("ran past its time limit (1 s per image, Worker:MaxSecondsPerImage)", failed.Reason);
    }

    [Fact]
    public async Task A_job_past_its_deadline_fails_and_says_so()
    {
        // Deadline 6 s (Jobs:MaxJobMinutes = 0.1), checked every second; the whole job needs ~30 s of integrated gradients.
        var spec = Spec("deadline") with { Suite = new SuiteDefinition { Explainers = ["integrated-gradients(steps=1000)"], Seed = 1 }, ShardSize = 12 };
        var worker = await WorkerAsync(new() { ["Jobs:MaxJobMinutes"] = "0.1", ["Jobs:DeadlineCheckSeconds"] = "1" });
        var (cached, rows) = await CountRowsAsync(worker, spec);
        var outcome = await RunAsync(spec);
        var failed = Assert.IsType<AuditJobFailed>(outcome.Failed);
        Assert.Contains("passed its deadline", failed.Reason);
        // It ended at the deadline, not when its one shard finished: whichever check saw it first says the shard had not finished.
        Assert.Matches("with 0/1 shards done|while shard 1/1 was running|before shard 1/1 could start", failed.Reason);
        var store = _client.Services.GetRequiredService<IBlobStore>();
        await WorkerTestServices.Until(() => !store.ListAsync("xaivision-jobs", JobLayout.OpenPrefix).Result.Any(n => n.Contains(outcome.Failed!.JobId.ToString())),
            "the open-job entry to go");
        // The computation stopped inside integrated gradients (issue 36: a worker went on for minutes after its job had ended).
        await WorkerTestServices.Until(() => cached.Gate.CurrentCount == 1, "the worker to free the model");
        Assert.True(rows() < 12 * 1000, $"{rows()} of the 12,000 rows of integrated gradients ran after the job had ended");
    }

    [Fact]
    public async Task A_method_that_cannot_end_before_the_deadline_refuses_with_its_estimate()
    {
        // Occlusion with 1-pixel patches: 4,096 forwards per 64×64 image (16 s here), 49,152 for the job; the job has 45 s. One batch
        // of all 12 images, so the one refusal comes after a second of measured pace, well before the deadline even on a busy machine,
        // and its estimate (about 3 min here) stays above the time left on a machine four times faster.
        var spec = Spec("pace") with { Suite = new SuiteDefinition { Explainers = ["occlusion(size=1,stride=1)"], Seed = 1 }, ShardSize = 12 };
        var worker = await WorkerAsync(new() { ["Jobs:MaxJobMinutes"] = "0.75", ["Worker:BatchSize"] = "12" });
        var (cached, rows) = await CountRowsAsync(worker, spec);
        var outcome = await RunAsync(spec);
        var failed = Assert.IsType<AuditJobFailed>(outcome.Failed);
        // The batch refuses after a second: "occlusion on 12 image(s) would take about 3.2 min (49,152 forward passes at the pace of
        // the first 192), and only 41.4 s is left of the time limit; ask for fewer passes."
        Assert.Matches(@"^No image could be explained \(12 failed\): occlusion on \d+ image\(s\) would take about [\d.]+ (min|h) \([\d,]+ forward passes at the pace", failed.Reason);
        await WorkerTestServices.Until(() => cached.Gate.CurrentCount == 1, "the worker to free the model");
        Assert.True(rows() < 49_152 / 2, $"{rows()} of the job's 49,152 occluded images were scored");
    }

    /// <summary>Counts the rows every forward of the worker's cached model for <paramref name="spec"/> takes.</summary>
    static async Task<(LoadedModel Cached, Func<long> Rows)> CountRowsAsync(IHost worker, AuditJobSpec spec)
    {
        var cached = await worker.Services.GetRequiredService<ModelCache>().GetAsync(spec.Model, CancellationToken.None);
        long rows = 0;
        cached.Model.Network.register_forward_pre_hook((_, input) =>
        {
            Interlocked.Add(ref rows, input.shape[0]);
            return input;
        });
        return (cached, () => Interlocked.Read(ref rows));
    }
}
