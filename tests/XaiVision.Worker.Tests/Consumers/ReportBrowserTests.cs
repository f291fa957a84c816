using System.Diagnostics;
using System.Text.RegularExpressions;
using MassTransit.Testing;
using XaiVision.Contracts;

namespace XaiVision.Worker.Tests.Consumers;

/// <summary>
/// Opens report.html from disk in Debian's headless Chromium: every image must load and every chart must draw
/// (the page records both on its body once loaded), and a full-page screenshot is taken (scripts/test.sh installs chromium).
/// </summary>
public class ReportBrowserTests
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
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) { process.Kill(true); throw new TimeoutException("chromium did not finish"); }
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
}
