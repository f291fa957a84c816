using System.Diagnostics;
using System.Text.RegularExpressions;
using MassTransit.Testing;
using XaiVision.Contracts;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Reports;
using XaiVision.Engine.Suites;
using XaiVision.Worker.Jobs;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Consumers;

/// <summary>
/// Opens report.html from disk in Debian's headless Chromium: every image must load and every chart must draw
/// (the page records both on its body once loaded), and a full-page screenshot is taken (scripts/test.sh installs chromium).
/// </summary>
public class ReportBrowserTests(ITestOutputHelper log)
{
    static string Chromium() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Chromium is not installed: run ./scripts/test.sh (it installs Debian's chromium) or apt-get install chromium.");

    static string RunChromium(params string[] args)
    {
        var start = new ProcessStartInfo(Chromium()) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--virtual-time-budget=5000", $"--user-data-dir={Directory.CreateTempSubdirectory("chromium-").FullName}" }.Concat(args))
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Patience.Start)) { process.Kill(true); throw new TimeoutException("chromium did not finish"); }
        return output.Result;
    }

    [Fact]
    public async Task Report_opens_in_a_browser_with_every_image_and_chart()
    {
        var (provider, harness, _, root) = await WorkerTestServices.StartSeededAsync("report");
        await using var _ = provider;
        await harness.Bus.Publish(new SubmitAuditJob(Guid.NewGuid(), WorkerTestServices.CheapDemoSpec("report")));
        await WorkerTestServices.Until(() => harness.Published.Select<AuditJobCompleted>().Any(), "the job to complete");

        var page = Path.Combine(root, "audits", "report", "report.html");
        Assert.True(File.Exists(page));
        var dom = RunChromium("--dump-dom", new Uri(page).AbsoluteUri);
        var body = Regex.Match(dom, "<body[^>]*>").Value;
        int Attribute(string name) => int.Parse(Regex.Match(body, $"{name}=\"(\\d+)\"").Groups[1].Value);
        Assert.True(Attribute("data-images-total") >= 24, body);
        Assert.Equal(Attribute("data-images-total"), Attribute("data-images-loaded"));
        Assert.True(Attribute("data-charts") >= 2, body); // the deletion curves of both methods
        Assert.Contains("Gates passed", dom);
        Assert.Contains("Metrics per method", dom);

        var screenshot = Path.Combine(root, "report.png");
        RunChromium("--window-size=1400,2400", $"--screenshot={screenshot}", new Uri(page).AbsoluteUri);
        Assert.True(new FileInfo(screenshot).Length > 50_000, "the screenshot is (nearly) blank");
    }

    /// <summary>A job with whole images and the layer sweep: the "through the network" section, its strips and the seed figures load.</summary>
    [Fact]
    public async Task Layer_sweep_section_and_seed_figures_load_in_the_browser()
    {
        var (provider, harness, _, root) = await WorkerTestServices.StartSeededAsync("sweep");
        await using var _ = provider;
        var spec = WorkerTestServices.CheapDemoSpec("sweep");
        spec = spec with { Model = spec.Model with { Preprocess = "resize" }, Suite = spec.Suite with { LayerSweep = true, Perturbations = ["channel-swap", "mask(top=20)"] } };
        await harness.Bus.Publish(new SubmitAuditJob(Guid.NewGuid(), spec));
        await WorkerTestServices.Until(() => harness.Published.Select<AuditJobCompleted>().Any(), "the job to complete");

        var folder = Path.Combine(root, "audits", "sweep");
        var (dom, body) = Open(Path.Combine(folder, "report.html"));
        Assert.Equal(body["images-total"], body["images-loaded"]);
        Assert.Contains("id=\"through-the-network\"", dom);
        Assert.Equal(2, Regex.Matches(dom, "data-sweep=\"(best|worst)\"").Count);
        var strips = Regex.Matches(dom, "src=\"([^\"]*sweep\\.png)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(strips);
        Assert.All(strips, s => Assert.True(File.Exists(Path.Combine(folder, s)), s));
        var figures = Regex.Matches(dom, "class=\"figure\" href=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Contains(figures, f => f.EndsWith("/perturbations.png", StringComparison.Ordinal));
        Assert.All(figures, f => Assert.True(File.Exists(Path.Combine(folder, f)), f));
        var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "report.json"))).RootElement;
        var network = report.GetProperty("throughTheNetwork").EnumerateArray().Where(l => l.GetProperty("method").GetString() == "lrp-composite").ToList();
        Assert.Equal("input", network[0].GetProperty("layer").GetString());
        Assert.Equal(6, network.Count);
    }

    static (string Dom, Dictionary<string, string> Body) Open(string page, string hash = "")
    {
        var dom = RunChromium("--dump-dom", new Uri(page).AbsoluteUri + hash);
        var body = Regex.Match(dom, "<body[^>]*>").Value;
        return (dom, Regex.Matches(body, "data-([a-z-]+)=\"([^\"]*)\"").ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value));
    }

    /// <summary>
    /// The strategies section on the shortcut model's evaluation set: every class's section with its eigengap chart, scatter and atlas draws,
    /// every picture (mean maps inline, typical images' overlays) loads, the tag clusters are flagged, and a scatter point opens its image in the browser.
    /// </summary>
    [Fact]
    public async Task Strategies_section_draws_and_its_points_open_their_images()
    {
        var (_, groups, root) = await StrategyJobTests.RunAsync("strategies-report", shortcut: true);
        var folder = Path.Combine(root, "audits", "strategies-report");
        var (dom, body) = Open(Path.Combine(folder, "report.html"));
        Assert.Equal(body["images-total"], body["images-loaded"]);
        Assert.Contains("id=\"strategies\"", dom);
        Assert.Equal(5, Regex.Matches(dom, "<section class=\"strategy\"").Count);
        Assert.Equal(5, Regex.Matches(dom, "class=\"eigengap\"").Count);
        Assert.Equal(5, Regex.Matches(dom, "class=\"scatter\"").Count);
        Assert.Equal(5, Regex.Matches(dom, "<tr class=\"flagged\">").Count);
        Assert.Equal(200, Regex.Matches(dom, "href=\"browser.html#image=").Count - Regex.Matches(dom, "<img class=\"example\"").Count);
        var examples = Regex.Matches(dom, "<img class=\"example\" src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(examples);
        Assert.All(examples, e => Assert.True(File.Exists(Path.Combine(folder, e)), e));

        var image = groups[0].Points[0].Image;
        var (browser, _) = Open(Path.Combine(folder, "browser.html"), "#image=" + Uri.EscapeDataString(image));
        var detail = Regex.Match(browser, "<div id=\"detail\">(.*?)</div>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains(image.Replace("images/", ""), detail);
        var screenshot = Path.Combine(root, "strategies.png");
        RunChromium("--window-size=1400,2400", $"--screenshot={screenshot}", new Uri(Path.Combine(folder, "report.html")).AbsoluteUri + "#strategies");
        Assert.True(new FileInfo(screenshot).Length > 50_000, "the screenshot is (nearly) blank");
    }

    /// <summary>The shortcut model against the clean one: the regression rows show baseline, candidate and difference maps.</summary>
    [Fact]
    public async Task Regression_report_shows_baseline_candidate_and_difference_for_the_changed_images()
    {
        var (provider, harness, _, root) = await WorkerTestServices.StartSeededAsync("regression-report");
        await using var _ = provider;
        var spec = DemoJob.RegressionSpec("regression-report");
        await harness.Bus.Publish(new SubmitAuditJob(Guid.NewGuid(), spec));
        await WorkerTestServices.Until(() => harness.Published.Select<AuditJobCompleted>().Any(), "the job to complete");

        var page = Path.Combine(root, "audits", "regression-report", "report.html");
        var (dom, body) = Open(page);
        Assert.Equal(body["images-total"], body["images-loaded"]);
        var rows = Regex.Match(dom, "<table class=\"pictures\" id=\"regression-rows\">(.*?)</table>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("prediction CHANGED", rows);
        foreach (var kind in new[] { "baseline", "candidate", "difference" })
            Assert.Matches($"alt=\"[^\"]+ lrp-composite {kind}\"", rows);
        Assert.Contains("/baseline/lrp-composite.map.png", rows);
        Assert.Contains("/difference/lrp-composite.map.png", rows);
        var screenshot = Path.Combine(root, "regression-report.png");
        RunChromium("--window-size=1400,2400", $"--screenshot={screenshot}", new Uri(page).AbsoluteUri);
        log.WriteLine($"screenshot {screenshot}: {new FileInfo(screenshot).Length:N0} bytes; report.html {new FileInfo(page).Length:N0} bytes");
        Assert.True(new FileInfo(screenshot).Length > 50_000, "the screenshot is (nearly) blank");
    }

    /// <summary>
    /// The image browser on 10,000 rows (5,000 images × 2 methods, generated): it loads every chunk, filters by class, sorts by a
    /// metric in its declared direction and opens an image — driven by the page's own controls (<c>#selftest</c>).
    /// </summary>
    [Fact]
    public void Image_browser_pages_filters_sorts_and_opens_at_ten_thousand_rows()
    {
        var classes = new[] { "circle", "square", "star" };
        var random = new Random(7);
        var records = Enumerable.Range(0, 5000).Select(i =>
        {
            var prediction = new ClassScore(i % 3, classes[i % 3], 1, (float)random.NextDouble());
            var explanations = new[] { "grad-cam", "lrp-composite" }.Select(m => new ExplanationRecord(m, new Dictionary<string, string>(), prediction,
                $"images/{i:D5}/{m}.png", null, "min-max", 0, 1, 1, 0,
                new Dictionary<string, double> { ["deletion"] = random.NextDouble(), ["insertion"] = random.NextDouble() },
                Heatmap: new HeatmapFile($"images/{i:D5}/{m}.map.png", 0, 1, false))).ToList();
            return new ImageRecord($"photos/{i:D5}.png", $"images/{i:D5}", 64, 64, prediction, [prediction], explanations, null, $"images/{i:D5}/input.png");
        }).ToList();
        var outputs = AuditOutputs.Build(new ReportRequest("synthetic", "predicted", 1, [], MetricCatalog.CreateList("deletion,insertion")), records);
        var directory = Directory.CreateTempSubdirectory("xaivision-browser-").FullName;
        foreach (var (relative, text) in outputs.Browser)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(directory, relative))!);
            File.WriteAllText(Path.Combine(directory, relative), text);
        }
        var page = Path.Combine(directory, "browser.html");
        var (_, body) = Open(page, "#selftest");
        log.WriteLine($"10,000 rows: first render {body.GetValueOrDefault("first-render-ms")} ms, all loaded {body.GetValueOrDefault("loaded-ms")} ms, "
            + $"filter + sort {body.GetValueOrDefault("filter-sort-ms")} ms (headless Chromium, virtual time); page {new FileInfo(page).Length:N0} bytes, "
            + $"rows {Directory.EnumerateFiles(Path.Combine(directory, "browser")).Sum(f => new FileInfo(f).Length):N0} bytes; "
            + $"report.html for the same records {outputs.Html.Length:N0} bytes");
        Assert.Equal("passed", body.GetValueOrDefault("selftest"));
        Assert.Equal("10000", body["rows"]);
        Assert.Equal(((5000 + 2) / 3 * 2).ToString(), body["shown"]); // the circles (first class), both methods
        Assert.StartsWith("images/", body["opened"]);
    }
}
