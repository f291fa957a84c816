using System.Text.Json;

namespace XaiVision.Worker.Tests.Cli;

public class DemoCommandTests
{
    /// <summary>README command one: the embedded default, end to end, with no services.</summary>
    [Fact]
    public void Demo_audits_the_bundled_images_and_passes_its_gates()
    {
        var output = Directory.CreateTempSubdirectory("xaivision-demo-").FullName;
        var result = CliRunner.Run("demo", "--out", output);
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("complete: 12 images, 0 failed", result.Output);
        Assert.Contains("gates: passed", result.Output);
        // stderr is not a terminal here: plain progress lines, and nothing the product did not write (libtorch's NNPACK warnings).
        Assert.All(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Matches(@"^progress: \d+/12 images, \d/3 shards \(\d+ %\)$", line));
        var audit = Directory.GetDirectories(Path.Combine(output, "audits")).Single();
        var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(audit, "report.json"))).RootElement;
        Assert.Equal(2, report.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(12, report.GetProperty("images").GetInt32());
        Assert.True(report.GetProperty("metrics").GetProperty("grad-cam").GetProperty("relevance-mass").GetDouble() > 0.3);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(audit, "shards")).Length);
        Assert.True(File.Exists(Path.Combine(audit, "images", "00_circle", "affine", "lrp-composite.png")));
        Assert.Equal(13, File.ReadAllLines(Path.Combine(audit, "images.csv")).Length / 4 + 1);
    }
}
