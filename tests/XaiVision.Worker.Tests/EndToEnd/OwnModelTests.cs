using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using XaiVision.Contracts;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;
using XaiVision.Worker.Tests.Consumers;

namespace XaiVision.Worker.Tests.EndToEnd;

/// <summary>
/// The user's own model through a job on the real RabbitMQ and Azurite: a Lightning checkpoint with a fine-tuned 10-class head
/// and no architecture in the spec (recognised from the weights), a checkpoint with two state dicts picked by weightsKey, a
/// TorchScript model, and resnet18 with Score-CAM, KernelSHAP and HiResCAM.
/// </summary>
[Collection(RealServicesCollection.Name)]
public sealed class OwnModelTests : IAsyncLifetime
{
    readonly RealServices _services = new();
    readonly string _run = Guid.NewGuid().ToString("N")[..8];
    IHost _worker = null!, _client = null!;

    public async Task InitializeAsync()
    {
        _worker = _services.Host(consumers: true, new Dictionary<string, string?> { ["Models:AllowTorchScript"] = "true" });
        _client = _services.Host(consumers: false);
        await _worker.StartAsync();
        await _client.StartAsync();
        var store = _client.Services.GetRequiredService<IBlobStore>();
        await DemoJob.SeedAsync(store);
        foreach (var file in new[] { "demo10_lightning.ckpt", "demo10_two_models.pth" })
            await store.WriteAsync("models", $"own/{file}", await File.ReadAllBytesAsync(Cli.CliRunner.Fixture("checkpoints", file)), "application/octet-stream");
        await store.WriteAsync("models", "own/camnet_activation.pt", await File.ReadAllBytesAsync(Cli.CliRunner.Fixture("torchscript", "camnet_activation.pt")), "application/octet-stream");
    }

    public async Task DisposeAsync()
    {
        foreach (var host in new[] { _worker, _client })
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    AuditJobSpec Spec(string name, ModelSource model) => WorkerTestServices.CheapDemoSpec($"own-{_run}-{name}") with
    {
        Model = model,
        Suite = new SuiteDefinition { Explainers = ["grad-cam", "saliency", "occlusion(size=16)"], Metrics = ["deletion(steps=4)"], Seed = 1 },
        Gates = [],
    };

    [Fact]
    public async Task A_lightning_checkpoint_with_its_own_head_and_no_architecture_runs_as_a_job()
    {
        var spec = Spec("lightning", new ModelSource { Weights = "models/own/demo10_lightning.ckpt" });
        Assert.Empty(JobSpecValidator.Validate(spec));
        var outcome = await JobRuns.RunAsync(_client.Services.GetRequiredService<IBus>(), spec);
        var completed = Assert.IsType<AuditJobCompleted>(outcome.Completed);
        Assert.Equal(0, completed.FailedImages);
        Assert.Contains("occlusion", completed.Summary.Keys);
    }

    [Fact]
    public async Task A_checkpoint_with_two_state_dicts_fails_its_job_saying_how_to_choose_and_runs_with_weights_key()
    {
        var bus = _client.Services.GetRequiredService<IBus>();
        var ambiguous = await JobRuns.RunAsync(bus, Spec("two", new ModelSource { Weights = "models/own/demo10_two_models.pth" }));
        Assert.Contains("model.weightsKey", Assert.IsType<AuditJobFailed>(ambiguous.Failed).Reason);
        var chosen = await JobRuns.RunAsync(bus, Spec("ema", new ModelSource { Weights = "models/own/demo10_two_models.pth", WeightsKey = "ema" }));
        Assert.Equal(0, Assert.IsType<AuditJobCompleted>(chosen.Completed).FailedImages);
    }

    [Fact]
    public async Task A_torchscript_model_returning_its_activation_runs_cam_and_gradient_methods_where_allowed()
    {
        var spec = Spec("script", new ModelSource { Weights = "models/own/camnet_activation.pt", InputSize = 64 }) with
        {
            Suite = new SuiteDefinition { Explainers = ["grad-cam", "saliency", "rise(masks=16)"], Metrics = ["deletion(steps=4)", "randomisation"], Seed = 1 },
        };
        var outcome = await JobRuns.RunAsync(_client.Services.GetRequiredService<IBus>(), spec);
        var completed = Assert.IsType<AuditJobCompleted>(outcome.Completed);
        Assert.Equal(0, completed.FailedImages);
        Assert.True(completed.Summary["grad-cam"].ContainsKey("mprt-spearman"));
    }

    [Fact]
    public async Task A_resnet_job_with_score_cam_kernel_shap_and_hires_cam_runs_through_the_workers()
    {
        // torchvision's resnet18 with its initial weights (the architecture is under test, not a training) at 64²: Score-CAM masks
        // layer4's 512 channels, one forward each; KernelSHAP scores 25 coalitions of SLIC superpixels; HiResCAM is the shared pass.
        var spec = Spec("resnet", new ModelSource { Architecture = "resnet18", InputSize = 64 }) with
        {
            Images = DemoJob.Spec("").Images with { Limit = 3 },
            Suite = new SuiteDefinition { Explainers = ["score-cam", "kernel-shap", "hires-cam"], Metrics = ["deletion(steps=4)"], Seed = 1 },
        };
        Assert.Empty(JobSpecValidator.Validate(spec));
        var outcome = await JobRuns.RunAsync(_client.Services.GetRequiredService<IBus>(), spec);
        var completed = Assert.IsType<AuditJobCompleted>(outcome.Completed);
        Assert.Equal((3, 0), (completed.Images, completed.FailedImages));
        Assert.All(new[] { "score-cam", "kernel-shap", "hires-cam" }, method => Assert.True(completed.Summary[method].ContainsKey("deletion")));
        var report = System.Text.Json.JsonSerializer.Deserialize<Engine.Reports.JobReport>((await _client.Services.GetRequiredService<IBlobStore>()
            .ReadAsync("audits", JobLayout.Report(spec.Location())))!, Engine.Reports.AuditJson.Options)!;
        Assert.Contains("resnet18", report.Model);
        Assert.Equal(["hires-cam", "kernel-shap", "score-cam"], report.Methods.Order());
    }

    [Fact]
    public async Task A_multi_label_job_explains_each_positive_label_and_counts_the_images_without_one()
    {
        // The demo net read through a sigmoid: at 0.99 its triangles have no positive label, other shapes one to three.
        var spec = Spec("multilabel", DemoJob.Spec("").Model with { Head = "sigmoid" }) with
        {
            Targets = "positive:0.99",
            Suite = new SuiteDefinition { Explainers = ["grad-cam", "saliency"], Metrics = ["deletion(steps=4)"], Seed = 1 },
        };
        Assert.Empty(JobSpecValidator.Validate(spec));
        var outcome = await JobRuns.RunAsync(_client.Services.GetRequiredService<IBus>(), spec);
        var completed = Assert.IsType<AuditJobCompleted>(outcome.Completed);
        Assert.Equal(0, completed.FailedImages);
        var store = _client.Services.GetRequiredService<IBlobStore>();
        var report = System.Text.Json.JsonSerializer.Deserialize<Engine.Reports.JobReport>((await store.ReadAsync("audits", JobLayout.Report(spec.Location())))!,
            Engine.Reports.AuditJson.Options)!;
        Assert.Contains("multi-label (sigmoid head)", report.Model);
        Assert.True(report.WithoutTarget is > 0 && report.WithoutTarget < completed.Images, $"{report.WithoutTarget} of {completed.Images} images without a positive label");
        var csv = System.Text.Encoding.UTF8.GetString((await store.ReadAsync("audits", JobLayout.Csv(spec.Location())))!).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => l.Split(',')).ToList();
        Assert.Equal(completed.Images, csv.Select(c => c[0]).Distinct().Count()); // every image has a row, with or without a map
        Assert.Equal(report.WithoutTarget, csv.Count(c => c[1] == ""));
        Assert.Contains(csv, c => csv.Count(d => d[0] == c[0] && d[1] == "grad-cam") >= 2); // an image with several positive labels
    }
}
