using System.Text.Json;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Cli;

public class ExplainCommandTests(ITestOutputHelper log)
{
    static string TempDirectory() => Directory.CreateTempSubdirectory("xaivision-cli-").FullName;

    [Fact]
    public void Demo_explain_needs_no_arguments_and_writes_maps()
    {
        var output = TempDirectory();
        var result = CliRunner.Run("explain", "--out", output);
        log.WriteLine(result.Output + result.Error);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("accuracy on labelled images: 12/12", result.Output);
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json"))).RootElement;
        Assert.Equal(12, summary.GetProperty("images").GetArrayLength());
        Assert.True(File.Exists(Path.Combine(output, "00_circle", "grad-cam.png")));
        Assert.True(File.Exists(Path.Combine(output, "00_circle", "integrated-gradients.npy")));
    }

    /// <summary>stderr holds only the progress lines explain writes itself: nothing from libtorch (NNPACK's "Unsupported hardware" on some CPUs).</summary>
    [Fact]
    public void Explain_writes_nothing_but_its_own_progress_to_stderr_and_says_what_bf16_runs_in_float32()
    {
        var output = TempDirectory();
        var result = CliRunner.Run("explain", "--out", output, "--precision", "bf16", "--methods", "grad-cam,occlusion(size=16)");
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.All(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Matches(@"^\d+/12 images done: \d+ explained, \d+ failed$", line));
        Assert.Contains("note: bf16 network; grad-cam runs in fp32 (bf16 loses its map", result.Output);
        var records = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "00_circle", "records.json"))).RootElement.GetRawText();
        Assert.Contains("\"precision\":\"fp32\"", records.Replace(" ", ""));
    }

    [Theory]
    [InlineData("error: --methods[0]: Unknown method 'gradcam-pp'", "explain", "--methods", "gradcam-pp")]
    [InlineData("error: 'missing.png' is neither an image file nor a folder.", "explain", "missing.png")]
    [InlineData("error: Unknown architecture 'vgg17'", "explain", "--model", "vgg17")]
    [InlineData("error: --target: Target 'best' is not one of", "explain", "--target", "best")]
    [InlineData("error: --target: Target 'contrast:2-2' contrasts class 2 with itself", "explain", "--target", "contrast:2-2")]
    [InlineData("error: --target: Target 'positive:2': the label threshold", "explain", "--target", "positive:2")]
    [InlineData("error: --target: A contrast target explains logit A − logit B of a softmax head", "explain", "--head", "sigmoid", "--target", "contrast:1-3")]
    [InlineData("error: --head: Head 'tanh' is not softmax", "explain", "--head", "tanh")]
    [InlineData("error: Device 'cuda' was asked for but CUDA is not available", "explain", "--device", "cuda")]
    [InlineData("error: --batch-size must be 1–1024.", "explain", "--batch-size", "0")]
    public void User_mistakes_exit_1_with_one_line(string message, params string[] args)
    {
        var result = CliRunner.Run(args);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith(message, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void Weights_for_another_architecture_are_refused_with_the_keys()
    {
        var result = CliRunner.Run("explain", "--model", "vgg11", "--weights", CliRunner.Fixture("weights", "tiny_zip.pth"), CliRunner.Fixture("images", "rgb.png"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("do not fit architecture 'vgg11'", result.Error);
        Assert.Contains("features.0.weight (file (4, 3, 3, 3), model (64, 3, 3, 3))", result.Error);
    }

    [Fact]
    public void Some_bad_images_exit_2_after_explaining_the_rest()
    {
        var output = TempDirectory();
        var result = CliRunner.Run("explain", "--methods", "saliency", "--out", output,
            CliRunner.Fixture("images", "rgb.png"), CliRunner.Fixture("images", "not-an-image.jpg"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("FAILED", result.Output);
        Assert.True(File.Exists(Path.Combine(output, "rgb", "saliency.png")));
    }

    /// <summary>A torchvision architecture end to end (random weights), with resize and centre crop.</summary>
    [Fact]
    public void Torchvision_vgg11_explains_a_non_square_image()
    {
        var output = TempDirectory();
        var result = CliRunner.Run("explain", "--model", "vgg11", "--methods", "grad-cam,input-x-gradient", "--target", "top-k:2", "--out", output,
            CliRunner.Fixture("images", "exif6.jpg"));
        log.WriteLine(result.Output + result.Error);
        Assert.Equal(0, result.ExitCode);
        var image = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json"))).RootElement.GetProperty("images")[0];
        Assert.Equal(224, image.GetProperty("width").GetInt32());
        Assert.Equal(4, image.GetProperty("explanations").GetArrayLength());
        Assert.Equal("features.19", image.GetProperty("explanations")[0].GetProperty("parameters").GetProperty("layer").GetString());
    }

    /// <summary>A contrast target on the demo: each image explained for class 1 against class 3, logit and all.</summary>
    [Fact]
    public void A_contrast_target_explains_one_class_against_another()
    {
        var output = TempDirectory();
        var result = CliRunner.Run("explain", "--out", output, "--no-overlay", "--no-raw", "--methods", "grad-cam,lrp-epsilon", "--target", "contrast:1-3");
        log.WriteLine(result.Output + result.Error);
        Assert.Equal(0, result.ExitCode);
        var explanations = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json"))).RootElement.GetProperty("images")
            .EnumerateArray().SelectMany(i => i.GetProperty("explanations").EnumerateArray()).ToList();
        Assert.NotEmpty(explanations);
        Assert.All(explanations, e => Assert.Equal(1, e.GetProperty("target").GetProperty("index").GetInt32()));
    }

    /// <summary>
    /// A multi-label run: the demo net read through a sigmoid head, every label with σ(logit) ≥ 0.99 explained. The demo's
    /// triangles stay below that for every label, the other shapes reach it for one to three: each image gets one map per method
    /// and positive label, an image without one keeps its prediction and a row in images.csv, and the report counts it.
    /// </summary>
    [Fact]
    public void A_multi_label_model_explains_every_positive_label_and_says_which_images_had_none()
    {
        var output = TempDirectory();
        var result = CliRunner.Run("explain", "--out", output, "--no-raw", "--methods", "grad-cam,saliency", "--head", "sigmoid", "--target", "positive:0.99");
        log.WriteLine(result.Output + result.Error);
        Assert.Equal(0, result.ExitCode);
        var images = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json"))).RootElement.GetProperty("images").EnumerateArray().ToList();
        int without = 0, several = 0;
        foreach (var image in images)
        {
            var explanations = image.GetProperty("explanations").EnumerateArray().ToList();
            var probabilities = image.GetProperty("top5").EnumerateArray().ToDictionary(t => t.GetProperty("index").GetInt32(), t => t.GetProperty("probability").GetDouble());
            var positive = probabilities.Where(p => p.Value >= 0.99).OrderByDescending(p => p.Value).Select(p => p.Key).ToList();
            foreach (var method in new[] { "grad-cam", "saliency" })
                Assert.Equal(positive, explanations.Where(e => e.GetProperty("method").GetString() == method).Select(e => e.GetProperty("target").GetProperty("index").GetInt32()));
            if (positive.Count == 0) without++;
            if (positive.Count > 1) several++;
            var line = result.Output.Split('\n').Single(l => l.TrimStart().StartsWith(image.GetProperty("name").GetString()! + " "));
            Assert.Equal(positive.Count == 0, line.Contains("no positive label: nothing explained"));
        }
        Assert.True(without > 0 && several > 0, $"{without} images without a positive label, {several} with several: the threshold no longer splits the demo");
        Assert.Contains($", {without} without a positive label (no map)", File.ReadAllText(Path.Combine(output, "report.html")));
        Assert.Contains("multi-label (sigmoid head)", File.ReadAllText(Path.Combine(output, "report.html")));
        Assert.Equal(images.Count, File.ReadAllLines(Path.Combine(output, "images.csv")).Skip(1).Select(l => l.Split(',')[0]).Distinct().Count());
        Assert.True(File.Exists(Path.Combine(output, images.First(i => i.GetProperty("explanations").GetArrayLength() == 0).GetProperty("name").GetString()!, "figure.png")));
    }

    /// <summary>The demo with metrics: masks come from labels.csv; Grad-CAM and LRP beat both baselines on every metric.</summary>
    [Fact]
    public void Demo_metrics_rank_real_methods_above_baselines()
    {
        var output = TempDirectory();
        var result = CliRunner.Run("explain", "--out", output, "--no-overlay", "--no-raw",
            "--methods", "grad-cam,lrp-composite,random,center", "--metrics", "deletion,insertion,localisation,aopc-morf,aopc-lerf,faithfulness-correlation,infidelity");
        log.WriteLine(result.Output + result.Error);
        Assert.Equal(0, result.ExitCode);
        var images = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json"))).RootElement.GetProperty("images");
        double Mean(string method, string metric) => images.EnumerateArray()
            .SelectMany(i => i.GetProperty("explanations").EnumerateArray())
            .Where(e => e.GetProperty("method").GetString() == method)
            .Average(e => e.GetProperty("metrics").GetProperty(metric).GetDouble());
        foreach (var method in new[] { "grad-cam", "lrp-composite" })
            foreach (var baseline in new[] { "random", "center" })
            {
                Assert.True(Mean(method, "deletion") < Mean(baseline, "deletion"), $"{method} vs {baseline}: deletion");
                Assert.True(Mean(method, "insertion") > Mean(baseline, "insertion"), $"{method} vs {baseline}: insertion");
                Assert.True(Mean(method, "relevance-mass") > Mean(baseline, "relevance-mass"), $"{method} vs {baseline}: relevance mass");
                Assert.True(Mean(method, "pointing-game") >= Mean(baseline, "pointing-game"), $"{method} vs {baseline}: pointing game");
                Assert.True(Mean(method, "aopc-morf") > Mean(baseline, "aopc-morf"), $"{method} vs {baseline}: AOPC MoRF");
                Assert.True(Mean(method, "faithfulness-correlation") > Mean(baseline, "faithfulness-correlation"), $"{method} vs {baseline}: faithfulness correlation");
                Assert.True(Mean(method, "infidelity") < Mean(baseline, "infidelity"), $"{method} vs {baseline}: infidelity");
                // LeRF: lrp-composite beats the centre baseline by only ~0.003 on these 12 images, so only Grad-CAM is held to it
                if (method == "grad-cam") Assert.True(Mean(method, "aopc-lerf") < Mean(baseline, "aopc-lerf"), $"{method} vs {baseline}: AOPC LeRF");
            }
        Assert.Contains("| grad-cam |", result.Output);
        Assert.Contains("metric:deletion:grad-cam", result.Output);
    }

    [Fact]
    public void Unknown_metric_is_refused()
    {
        var result = CliRunner.Run("explain", "--metrics", "deletion,aopc");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: --metrics[1]: Unknown metric 'aopc'. Known: deletion, insertion, aopc-morf", result.Error);
    }

    [Fact]
    public void Perturbations_write_subfolders_and_records()
    {
        var output = TempDirectory();
        var result = CliRunner.Run("explain", "--out", output, "--methods", "grad-cam", "--perturb", "affine(rotate=15),channel-swap,text(text=XAI),mask(top=20)",
            CliRunner.Fixture("images", "rgb.png"));
        log.WriteLine(result.Output + result.Error);
        Assert.Equal(0, result.ExitCode);
        foreach (var p in new[] { "affine", "channel-swap", "text", "mask-top20" })
            Assert.True(File.Exists(Path.Combine(output, "rgb", p, "grad-cam.png")), p);
        var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "rgb", "records.json"))).RootElement;
        var perturbations = record.GetProperty("explanations")[0].GetProperty("perturbations");
        Assert.Equal(4, perturbations.GetArrayLength());
        Assert.InRange(perturbations[0].GetProperty("spearman").GetDouble(), -1, 1);
        Assert.Contains("robustness", result.Output);
        Assert.Equal(1, CliRunner.Run("explain", "--perturb", "warp").ExitCode);
    }
}
