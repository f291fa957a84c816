using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using XaiVision.Contracts;
using XaiVision.Engine.Reports;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;
using XaiVision.Worker.Tests.Cli;
using XaiVision.Worker.Tests.EndToEnd;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Faults;

/// <summary>
/// Hostile and broken inputs through one worker on RabbitMQ + Azurite: every bad image is a per-image error with
/// its reason, every bad model file fails its job with a reason (a pickle is never executed), and the same worker
/// then runs a good job as if nothing happened.
/// </summary>
[Collection(RealServicesCollection.Name)]
public sealed class PoisonInputTests(ITestOutputHelper log) : IAsyncLifetime
{
    readonly RealServices _services = new();
    readonly string _container = "poison-" + Guid.NewGuid().ToString("N")[..8];
    IHost _worker = null!, _client = null!;
    IBlobStore _store = null!;

    public async Task InitializeAsync()
    {
        _worker = _services.Host(consumers: true);
        _client = _services.Host(consumers: false);
        await _worker.StartAsync();
        await _client.StartAsync();
        _store = _client.Services.GetRequiredService<IBlobStore>();
        await DemoJob.SeedAsync(_store);
    }

    public async Task DisposeAsync()
    {
        await _worker.StopAsync();
        await _client.StopAsync();
        _worker.Dispose();
        _client.Dispose();
    }

    static string Blob(string file) => $"images/{file.Replace('.', '-')}{Path.GetExtension(file)}"; // unique ids: rgb.png and rgb.jpg would share one

    Task<JobOutcome> RunAsync(AuditJobSpec spec) => JobRuns.RunAsync(_client.Services.GetRequiredService<IBus>(), spec);

    AuditJobSpec Spec(string prefix, string? weights = null) => DemoJob.Spec(prefix) with
    {
        Model = DemoJob.Spec(prefix).Model with { Weights = weights ?? DemoJob.Spec(prefix).Model.Weights },
        Suite = new SuiteDefinition { Explainers = ["grad-cam"], Metrics = ["deletion(steps=4)"], Seed = 1 },
        Gates = [],
        Output = new OutputTarget { Container = _container, Prefix = prefix },
    };

    static readonly string[] Good = ["rgb.png", "rgb.bmp", "rgb.webp", "rgb.jpg", "cmyk.jpg", "anim.gif", "alpha.png", "exif6.jpg", "gray.png", "gray16.png", "one-pixel.png"];
    static readonly Dictionary<string, string> Bad = new()
    {
        ["empty.png"] = "empty",
        ["not-an-image.jpg"] = "not a decodable image",
        ["truncated.png"] = "is truncated",
        ["bomb.png"] = "over the limit",
        ["missing.png"] = "does not exist",
    };

    [Fact]
    public async Task Every_bad_image_is_a_per_image_error_and_the_good_ones_are_explained()
    {
        foreach (var file in Good.Concat(Bad.Keys).Where(f => f != "missing.png"))
            await _store.WriteAsync(_container, Blob(file), File.ReadAllBytes(CliRunner.Fixture("images", file)), "application/octet-stream");
        var manifest = "path\n" + string.Join("\n", Good.Concat(Bad.Keys).Select(Blob)) + "\n";
        await _store.WriteAsync(_container, "manifest.csv", Encoding.UTF8.GetBytes(manifest), "text/csv");

        var spec = Spec("poison-images") with { Images = new ImageSource { Container = _container, Manifest = "manifest.csv" } };
        var outcome = await RunAsync(spec);
        Assert.True(outcome.Completed is not null, outcome.Describe());
        Assert.Equal(Good.Length + Bad.Count, outcome.Completed!.Images);
        Assert.Equal(Bad.Count, outcome.Completed.FailedImages);

        var records = new List<ImageRecord>();
        foreach (var name in await _store.ListAsync(_container, "poison-images/shards/"))
            records.AddRange(JsonSerializer.Deserialize<List<ImageRecord>>((await _store.ReadAsync(_container, name))!, AuditJson.Options)!);
        foreach (var file in Good)
        {
            var record = records.Single(r => r.Image == Blob(file));
            Assert.True(record.Error is null, $"{file}: {record.Error}");
            Assert.NotEmpty(record.Explanations);
        }
        foreach (var (file, reason) in Bad)
        {
            var record = records.Single(r => r.Image == Blob(file));
            Assert.Contains(reason, record.Error);
            log.WriteLine($"{file}: {record.Error}");
        }
    }

    [Fact]
    public async Task Bad_model_files_fail_their_jobs_with_reasons_no_pickle_runs_and_the_worker_carries_on()
    {
        const string marker = "/tmp/xaivision-pwned"; // what the evil pickles would write
        File.Delete(marker);
        var demoWeights = (await _store.ReadAsync(DemoJob.Container, $"model/{Engine.Demo.DemoAssets.WeightsFile}"))!;
        var files = new Dictionary<string, byte[]>
        {
            ["wrong-architecture.pth"] = File.ReadAllBytes(CliRunner.Fixture("weights", "tiny_zip.pth")),
            ["truncated.dat"] = demoWeights[..(demoWeights.Length / 2)],
            ["evil_zip.pth"] = File.ReadAllBytes(CliRunner.Fixture("weights", "evil_zip.pth")),
            ["evil_legacy.pth"] = File.ReadAllBytes(CliRunner.Fixture("weights", "evil_legacy.pth")),
            ["bomb_data.pth"] = File.ReadAllBytes(CliRunner.Fixture("weights", "bomb_data.pth")), // zip bombs: refused by the sizes they declare
            ["bomb_pickle.pth"] = File.ReadAllBytes(CliRunner.Fixture("weights", "bomb_pickle.pth")),
        };
        foreach (var (name, bytes) in files)
        {
            await _store.WriteAsync(_container, "models/" + name, bytes, "application/octet-stream");
            var outcome = await RunAsync(Spec("bad-model-" + Path.GetFileNameWithoutExtension(name), $"{_container}/models/{name}"));
            Assert.True(outcome.Failed is not null, $"{name}: {outcome.Describe()}");
            Assert.Contains($"{_container}/models/{name}", outcome.Failed!.Reason); // names the blob, not a cache path
            Assert.DoesNotContain("xaivision-models", outcome.Failed.Reason);
            if (name.StartsWith("bomb")) Assert.Contains("zip bomb", outcome.Failed.Reason);
            log.WriteLine($"{name}: {outcome.Failed.Reason}");
        }
        Assert.False(File.Exists(marker), "a pickle was executed");

        var good = await RunAsync(Spec("after-poison"));
        Assert.NotNull(good.Completed);
        Assert.Equal(12, good.Completed!.Images);
        Assert.Equal(0, good.Completed.FailedImages);
    }
}
