using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Cli;

/// <summary>
/// Ordinary mistakes, one test each, as the real executable meets them: every one is one <c>error:</c> line with a
/// documented exit code — never a stack trace, never a hang — and per-image problems leave the other images explained.
/// </summary>
public class CliMistakeTests(ITestOutputHelper log)
{
    static string Temp() => Directory.CreateTempSubdirectory("xaivision-mistake-").FullName;

    static string DemoImage(string name) => Path.Combine(AppContext.BaseDirectory, "assets", "demo", "images", name);

    void AssertOneLine(CliRunner.Result result, int exitCode, string expected)
    {
        log.WriteLine($"exit {result.ExitCode}\n{result.Output}\n{result.Error}");
        Assert.Equal(exitCode, result.ExitCode);
        var lines = result.Error.Trim().Split('\n');
        Assert.Contains(lines, l => l.StartsWith("error: ") && l.Contains(expected));
        Assert.Single(lines, l => l.StartsWith("error: "));
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("Unhandled exception", result.Error);
    }

    /// <summary>Issue 36: a rejected 50 MB field used to be echoed whole to stderr.</summary>
    [Fact]
    public void A_huge_bad_value_in_a_spec_costs_one_short_line()
    {
        var spec = Path.Combine(Temp(), "huge.json");
        File.WriteAllText(spec, JsonSerializer.Serialize(new
        {
            model = new { architecture = "demo-shapes" },
            images = new { container = "photos" },
            suite = new { explainers = new[] { new string('x', 1_000_000) } },
            output = new { container = "audits", prefix = "a" },
        }));
        var result = CliRunner.Run("submit", spec);
        AssertOneLine(result, 1, "(1,000,000 characters)");
        Assert.True(result.Error.Length < 1000, $"{result.Error.Length:N0} characters on stderr");
    }

    /// <summary>Issue 36: a 55 MB spec became a 160 MB message, over RabbitMQ's frame limit, republished for 15 minutes in silence.</summary>
    [Fact]
    public void A_spec_over_four_mebibytes_is_refused_with_its_size_before_anything_is_sent()
    {
        var spec = Path.Combine(Temp(), "big.yaml");
        var gates = string.Concat(Enumerable.Range(0, 120_000).Select(i => $"  - {{ metric: deletion, method: grad-cam, max: {i} }}\n"));
        File.WriteAllText(spec, "model: { architecture: demo-shapes }\nimages: { container: photos }\nsuite: { explainers: [grad-cam] }\n"
            + "output: { container: audits, prefix: x }\ngates:\n" + gates);
        var result = CliRunner.Run("submit", spec, "--wait", "--set", "Transport:Kind=RabbitMq", "--set", "Transport:RabbitMqUri=amqp://guest:guest@127.0.0.1:1/");
        AssertOneLine(result, 1, $"is {(new FileInfo(spec).Length / 1e6).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)} MB, over the 4 MiB a job spec may be");
    }

    [Fact]
    public void A_dangling_link_and_a_fifo_are_per_image_errors_and_the_other_images_are_explained()
    {
        var folder = Temp();
        File.Copy(DemoImage("00_circle.png"), Path.Combine(folder, "a.png"));
        File.Copy(DemoImage("01_square.png"), Path.Combine(folder, "b.png"));
        File.CreateSymbolicLink(Path.Combine(folder, "dangling.png"), Path.Combine(folder, "gone.png"));
        using (var mkfifo = Process.Start("mkfifo", [Path.Combine(folder, "pipe.png")])) mkfifo.WaitForExit();
        var output = Temp();
        var result = CliRunner.Run("explain", folder, "--methods", "grad-cam", "--out", output);
        log.WriteLine(result.Output + result.Error);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is a link to a file that does not exist", result.Output);
        Assert.Contains("is empty (0 bytes) or not a regular file", result.Output);
        var images = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json"))).RootElement.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(4, images.Count);
        Assert.Equal(2, images.Count(i => i.GetProperty("error").ValueKind == JsonValueKind.Null));
        Assert.True(File.Exists(Path.Combine(output, "a", "grad-cam.png")));
    }

    [Fact]
    public void Unwritable_outputs_are_one_line()
    {
        AssertOneLine(CliRunner.Run("explain", "--methods", "grad-cam", "--out", "/proc/xaivision-out"), 1, "--out '/proc/xaivision-out' cannot be written");
        var file = Path.Combine(Temp(), "taken");
        File.WriteAllText(file, "x");
        AssertOneLine(CliRunner.Run("explain", "--methods", "grad-cam", "--out", file), 1, "is a file, not a folder");
        // A full disk: the summary's path leads to /dev/full, which refuses every write with ENOSPC.
        var full = Temp();
        File.CreateSymbolicLink(Path.Combine(full, "summary.json"), "/dev/full");
        AssertOneLine(CliRunner.Run("explain", DemoImage("00_circle.png"), "--methods", "grad-cam", "--out", full), 1, "No space left on device");
    }

    [Theory]
    [InlineData("'demo-shapes' takes 64×64 inputs only", "--input-size", "224")]
    [InlineData("layer 'classifier' of 'demo-shapes' belongs to the classifier head", "--methods", "grad-cam(layer=classifier)")]
    [InlineData("20000 px is over the input-size limit of 1024", "--model", "vgg11", "--input-size", "20000")]
    [InlineData("--resize: must be at least the input size", "--model", "vgg11", "--resize", "100")] // the job validator's rule, in flag words
    [InlineData("--precision: Precision 'fp16' is not fp32 or bf16", "--precision", "fp16")]
    [InlineData("--metrics localisation needs ground-truth masks, and none of the images has one", "--metrics", "localisation", "--masks-free")]
    [InlineData("perturbation 'noise' is given twice", "--perturb", "noise,noise(sigma=0.2)")]
    [InlineData("Cannot parse argument 'many' for option '--batch-size' as a whole number", "--batch-size", "many")]
    public void Mistakes_that_used_to_reach_libtorch_or_do_nothing_are_one_line(string expected, params string[] args)
    {
        var image = DemoImage("00_circle.png");
        if (args[^1] == "--masks-free") // an image without a labels.csv beside it has no mask
        {
            var folder = Temp();
            File.Copy(image, image = Path.Combine(folder, "a.png"));
            args = args[..^1];
        }
        var watch = Stopwatch.StartNew();
        AssertOneLine(CliRunner.Run(["explain", image, "--out", Temp(), .. args]), 1, expected);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    [Fact]
    public void When_every_image_fails_it_says_so_and_exits_2()
    {
        var folder = Temp();
        File.WriteAllText(Path.Combine(folder, "notes.png"), "not an image");
        var result = CliRunner.Run("explain", folder, "--methods", "grad-cam", "--out", Temp());
        AssertOneLine(result, 2, "none of the 1 image(s) could be explained");
        Assert.Contains("1/1 images done: 0 explained, 1 failed", result.Error);
    }

    [Fact]
    public void Configuration_mistakes_are_one_line()
    {
        AssertOneLine(CliRunner.Run("run", "--set", "Transport:Kind=Kafka"), 1, "invalid configuration: Transport:Kind = 'Kafka' is not one of InMemory, RabbitMq.");
        AssertOneLine(CliRunner.Run("run", "--set", "Worker:BatchSize=lots"), 1, "invalid configuration: Worker:BatchSize = 'lots' is not a whole number.");
        AssertOneLine(CliRunner.Run("status", Guid.NewGuid().ToString(), "--set", "Storage:Kind=Azure"), 1, "Storage:ConnectionString is required");
    }

    /// <summary>
    /// A worker whose model cache cannot be written (a read-only root file system with the cache pointed inside it) or whose
    /// device cannot compute stops at start with the reason, before it takes any shard (WorkerPreflight).
    /// </summary>
    [Fact]
    public void A_worker_that_could_not_do_its_work_stops_at_start_with_the_reason()
    {
        var file = Path.GetTempFileName(); // a file where the cache's directory should be: unwritable even for root
        try
        {
            AssertOneLine(CliRunner.Run("run", "--set", $"Worker:ModelCacheDirectory={file}/models"), 1,
                $"Worker:ModelCacheDirectory '{file}/models' is not writable");
            AssertOneLine(CliRunner.Run("run", "--set", $"Storage:Root={file}/store"), 1, $"Storage:Root '{file}/store' is not writable");
            AssertOneLine(CliRunner.Run("run", "--set", "Worker:Device=cuda:0"), 1, "Device 'cuda:0' was asked for but CUDA is not available");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public void A_client_waiting_for_an_unreachable_broker_stops_at_once_on_a_signal(string signal)
    {
        var spec = Path.Combine(Temp(), "job.yaml");
        File.WriteAllText(spec, "model: { architecture: demo-shapes }\nimages: { container: photos }\nsuite: { explainers: [grad-cam] }\noutput: { container: audits, prefix: x }\n");
        var watch = Stopwatch.StartNew();
        var result = CliRunner.RunWithSignal(signal, TimeSpan.FromSeconds(3), "submit", spec, "--wait",
            "--set", "Transport:Kind=RabbitMq", "--set", $"Transport:RabbitMqUri=amqp://guest:guest@127.0.0.1:{Unused()}/");
        AssertOneLine(result, 130, "interrupted.");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public void A_client_gives_up_on_an_unreachable_broker_after_the_connect_timeout()
    {
        var spec = Path.Combine(Temp(), "job.yaml");
        File.WriteAllText(spec, "model: { architecture: demo-shapes }\nimages: { container: photos }\nsuite: { explainers: [grad-cam] }\noutput: { container: audits, prefix: x }\n");
        var watch = Stopwatch.StartNew();
        var result = CliRunner.Run("submit", spec, "--wait", "--set", "Transport:Kind=RabbitMq", "--set", $"Transport:RabbitMqUri=amqp://guest:guest@127.0.0.1:{Unused()}/",
            "--set", "Transport:ConnectTimeoutSeconds=2");
        AssertOneLine(result, 5, "cannot reach the broker at amqp://127.0.0.1:");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
    }

    /// <summary>A loopback port nothing listens on.</summary>
    static int Unused()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
