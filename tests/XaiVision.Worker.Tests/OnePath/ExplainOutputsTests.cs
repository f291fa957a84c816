using System.Text.Json;
using XaiVision.Engine.Demo;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Models;
using XaiVision.Engine.Reports;
using XaiVision.Engine.Suites;
using XaiVision.Worker.Cli;
using XaiVision.Worker.Jobs;
using static TorchSharp.torch;

namespace XaiVision.Worker.Tests.OnePath;

/// <summary>What <c>explain</c> writes through the one path: per-image folders and records, <c>summary.json</c> and the report files.</summary>
public sealed class ExplainOutputsTests : IDisposable
{
    readonly ExplainableModel _model = ModelLoader.Load(DemoAssets.ModelSpec, CPU);
    readonly List<string> _images = Directory.EnumerateFiles(DemoAssets.ImagesDirectory, "*.png").Order(StringComparer.Ordinal).ToList();

    public void Dispose() => _model.Dispose();

    async Task<(ExplainSummary Summary, string Directory)> RunAsync(IReadOnlyList<string> files, string methods, string target = "predicted", int batch = 5)
    {
        var directory = Directory.CreateTempSubdirectory("xaivision-explain-").FullName;
        var spec = new Contracts.AuditJobSpec { Targets = target, Suite = new Contracts.SuiteDefinition { Explainers = SuiteCompiler.Split(methods) } };
        var job = JobCompiler.CompileOrThrow(spec, _model.Architecture, SuiteCompiler.Paths.Cli);
        var work = new ShardWork(job.Run, LoadedModel.Own(_model), null, new FileImageSource(), new DirectorySink(directory), new ShardLimits(batch, DecodeLimits.Default), Timings: true);
        return (await ExplainOutputs.RunAsync(work, ImageInputs.Images(files, null), job, _model, directory, CancellationToken.None), directory);
    }

    [Fact]
    public async Task Writes_overlays_raw_maps_records_summary_and_report_for_every_image()
    {
        var (summary, directory) = await RunAsync(_images, "grad-cam,integrated-gradients(steps=8)");
        Assert.Equal(_images.Count, summary.Images.Count);
        Assert.Equal(0, summary.Failed);
        foreach (var image in summary.Images)
        {
            Assert.Equal(5, image.Top5.Count);
            Assert.Equal(ShapesGenerator.ClassNames[(int)image.Prediction!.Index], image.Prediction.Name);
            foreach (var e in image.Explanations)
            {
                var (values, shape) = NpyFile.ReadFloat32(File.ReadAllBytes(Path.Combine(directory, e.Raw!)));
                Assert.Equal(new[] { 64, 64 }, shape);
                Assert.Equal(e.MapSum, values.Sum(), 1e-3f);
                Assert.Equal(HeatmapRenderer.MinimumDisplaySize, ImageDecoder.DecodeFile(Path.Combine(directory, e.Overlay!)).Width);
                Assert.True(e.MillisecondsPerImage > 0, "explain records carry timings");
            }
            var record = JsonSerializer.Deserialize<ImageRecord>(File.ReadAllText(Path.Combine(directory, image.Name, "records.json")), AuditJson.Options)!;
            Assert.Equal(image.Explanations.Select(e => e.Raw), record.Explanations.Select(e => e.Raw));
        }
        Assert.True(summary.MillisecondsPerImageByMethod["grad-cam"] > 0);
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "summary.json"))).RootElement;
        Assert.Equal(_images.Count, json.GetProperty("images").GetArrayLength());
        Assert.Equal("grad-cam", json.GetProperty("images")[0].GetProperty("explanations")[0].GetProperty("method").GetString());
        var html = File.ReadAllText(Path.Combine(directory, "report.html"));
        var linked = System.Text.RegularExpressions.Regex.Matches(html, "<img src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(linked);
        Assert.All(linked, src => Assert.True(File.Exists(Path.Combine(directory, src)), src)); // overlays linked relative to the page
        Assert.Equal(1 + 2 * _images.Count, File.ReadAllLines(Path.Combine(directory, "images.csv")).Length); // header + image × method
    }

    [Fact]
    public async Task A_bad_image_is_recorded_and_the_rest_are_explained()
    {
        var broken = Path.Combine(Directory.CreateTempSubdirectory("xaivision-broken-").FullName, "broken.png");
        File.WriteAllText(broken, "not a png");
        var (summary, _) = await RunAsync(_images.Take(3).Append(broken).ToList(), "saliency");
        Assert.Equal(1, summary.Failed);
        Assert.Contains("not a decodable image", summary.Images[3].Error);
        Assert.Equal("broken", summary.Images[3].Name);
        Assert.All(summary.Images.Take(3), i => Assert.Single(i.Explanations));
    }

    [Fact]
    public async Task Top_k_writes_one_map_per_class()
    {
        var (summary, directory) = await RunAsync(_images.Take(2).ToList(), "grad-cam", "top-k:2");
        foreach (var image in summary.Images)
        {
            Assert.Equal(2, image.Explanations.Count);
            Assert.Equal(image.Top5.Take(2).Select(t => t.Index), image.Explanations.Select(e => e.Target.Index));
            Assert.All(image.Explanations, e => Assert.True(File.Exists(Path.Combine(directory, e.Overlay!))));
            Assert.Contains(".top2-", image.Explanations[1].Overlay);
        }
    }
}
