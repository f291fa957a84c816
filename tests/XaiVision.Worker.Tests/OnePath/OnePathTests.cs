using System.Text.Json;
using XaiVision.Contracts;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Reports;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Tests.Cli;
using XaiVision.Worker.Tests.Consumers;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.OnePath;

/// <summary><c>explain</c> and a job run the same path: the same images and suite give the same maps, metrics and predictions.</summary>
public class OnePathTests(ITestOutputHelper log)
{
    static readonly string[] Explainers = ["grad-cam", "integrated-gradients(steps=8)", "lrp-composite"];
    static readonly string[] Metrics = ["deletion(steps=8)", "localisation", "randomisation"];
    const string Perturbation = "channel-swap";

    [Fact]
    public async Task Explain_and_a_job_write_the_same_maps_and_metrics()
    {
        // The CLI, as a user runs it, on the bundled images (labels.csv beside them gives the masks).
        var output = Directory.CreateTempSubdirectory("xaivision-onepath-").FullName;
        var cli = CliRunner.Run("explain", "--methods", string.Join(',', Explainers), "--metrics", string.Join(',', Metrics), "--perturb", Perturbation,
            "--seed", "5", "--batch-size", "4", "--out", output);
        log.WriteLine(cli.Output + cli.Error);
        Assert.Equal(0, cli.ExitCode);
        var explained = JsonSerializer.Deserialize<List<ImageRecord>>(JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json"))).RootElement
            .GetProperty("images").GetRawText(), AuditJson.Options)!;

        // The same images and suite as a job on the embedded bus and file store; one shard with the CLI's batch size.
        var spec = DemoJob.Spec("onepath", shardSize: 12) with
        {
            Suite = new SuiteDefinition { Explainers = Explainers, Perturbations = [Perturbation], Metrics = Metrics, Seed = 5 },
            Gates = [],
        };
        var (completed, rejected, store, provider) = await WorkerTestServices.RunJobAsync(spec, new Dictionary<string, string?> { ["Worker:BatchSize"] = "4" });
        await using var _ = provider;
        Assert.Null(rejected);
        Assert.NotNull(completed);
        var job = JsonSerializer.Deserialize<List<ImageRecord>>((await store.ReadAsync("audits", JobLayout.Shard(spec.Location(), 0)))!, AuditJson.Options)!;

        Assert.Equal(12, explained.Count);
        Assert.Equal(explained.Count, job.Count);
        int maps = 0;
        foreach (var cliRecord in explained)
        {
            var jobRecord = Assert.Single(job, r => r.Name == "images/" + cliRecord.Name);
            Assert.Equal(cliRecord.Prediction, jobRecord.Prediction);
            Assert.Equal(cliRecord.Top5, jobRecord.Top5);
            Assert.Equal(cliRecord.Explanations.Select(e => e.Method), jobRecord.Explanations.Select(e => e.Method));
            foreach (var (c, j) in cliRecord.Explanations.Zip(jobRecord.Explanations))
            {
                var cliMap = NpyFile.ReadFloat32(File.ReadAllBytes(Path.Combine(output, c.Raw!))).Values;
                var jobMap = NpyFile.ReadFloat32((await store.ReadAsync("audits", JobLayout.Artefact(spec.Location(), j.Raw!)))!).Values;
                Assert.Equal(cliMap, jobMap);
                Assert.Equal(c.Metrics!.OrderBy(kv => kv.Key), j.Metrics!.OrderBy(kv => kv.Key));
                Assert.Equal(c.Curves!.Keys.Order(), j.Curves!.Keys.Order());
                foreach (var (name, curve) in c.Curves!) Assert.Equal(curve.Points, j.Curves![name].Points);
                Assert.Equal(c.Perturbations!.Select(p => (p.Perturbation, p.Flipped, p.Spearman)), j.Perturbations!.Select(p => (p.Perturbation, p.Flipped, p.Spearman)));
                maps++;
            }
        }
        Assert.Equal(12 * Explainers.Length, maps);
        // Both wrote a report from the same records: the same per-method means.
        var cliReport = JsonSerializer.Deserialize<JobReport>(File.ReadAllText(Path.Combine(output, "report.json")), AuditJson.Options)!;
        var jobReport = JsonSerializer.Deserialize<JobReport>((await store.ReadAsync("audits", JobLayout.Report(spec.Location())))!, AuditJson.Options)!;
        Assert.Equal(jobReport.Metrics.ToDictionary(kv => kv.Key, kv => kv.Value.OrderBy(v => v.Key).ToList()),
            cliReport.Metrics.ToDictionary(kv => kv.Key, kv => kv.Value.OrderBy(v => v.Key).ToList()));
        Assert.True(File.Exists(Path.Combine(output, "report.html")));
    }
}
