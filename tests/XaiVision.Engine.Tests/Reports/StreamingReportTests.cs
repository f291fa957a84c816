using System.Text.Json;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Reports;
using XaiVision.Engine.Suites;

namespace XaiVision.Engine.Tests.Reports;

/// <summary>The report's fold against the whole-list computations it replaced, and its bounds.</summary>
public sealed class StreamingReportTests
{
    [Fact]
    public void A_sample_is_exact_up_to_its_capacity_and_close_beyond_it()
    {
        var random = new Random(3);
        var small = new ValueSample(1);
        var values = Enumerable.Range(0, 5000).Select(_ => random.NextDouble()).ToList();
        values.ForEach(small.Add);
        var sorted = values.Order().ToList();
        Assert.True(small.Exact);
        Assert.Equal(values.Average(), small.Mean, 12);
        Assert.Equal(sorted[(int)Math.Round(0.1 * (sorted.Count - 1))], small.Quantile(0.1));
        Assert.Equal(Bootstrap.Mean(values.ToArray(), 9), small.Bootstrap(9));

        var large = new ValueSample(1);
        for (int i = 0; i < 200_000; i++) large.Add(i / 200_000.0); // uniform: the q-quantile is q
        Assert.False(large.Exact);
        Assert.Equal(ValueSample.Capacity, large.Kept.Count);
        Assert.Equal(0.5 - 0.5 / 200_000, large.Mean, 9);
        foreach (var q in new[] { 0.1, 0.5, 0.9 }) Assert.InRange(large.Quantile(q), q - 0.02, q + 0.02); // ±4 standard errors
    }

    [Fact]
    public void The_bootstrap_interval_beyond_capacity_has_the_width_of_the_whole_population()
    {
        var random = new Random(5);
        var sample = new ValueSample(2);
        const int n = 100_000;
        for (int i = 0; i < n; i++) sample.Add(random.NextDouble() < 0.3 ? 1 : 0); // prediction changes at 30 %
        var interval = sample.Bootstrap(7);
        double expected = 2 * 1.96 * Math.Sqrt(0.3 * 0.7 / n);
        Assert.InRange(interval.High - interval.Low, 0.8 * expected, 1.2 * expected);
        Assert.InRange(sample.Mean, interval.Low, interval.High);
    }

    [Fact]
    public void Extremes_keep_what_a_stable_sort_of_everything_would_put_first_and_last()
    {
        var random = new Random(11);
        var keys = Enumerable.Range(0, 2000).Select(_ => (double)random.Next(40)).Append(double.NaN).ToList(); // many ties, one NaN
        var extremes = new Extremes<int>(3);
        for (int i = 0; i < keys.Count; i++) extremes.Add(keys[i], keys[i], i, i);
        var ranked = Enumerable.Range(0, keys.Count).OrderByDescending(i => keys[i]).ToList();
        Assert.Equal(ranked.Take(3), extremes.Best);
        Assert.Equal(ranked.AsEnumerable().Reverse().Take(3), extremes.Worst);
    }

    [Fact]
    public void Errors_are_grouped_by_reason_with_bounded_examples_and_reasons()
    {
        var tally = new ErrorTally();
        for (int i = 0; i < 20_000; i++) tally.Add($"photos/{i}.png", $"images/{i}", $"cannot decode 'photos/{i}.png'");
        for (int i = 0; i < 300; i++) tally.Add($"x/{i}.png", $"images/x{i}", $"model said {i}");
        var summaries = tally.Summaries();
        Assert.Equal(ErrorTally.Reasons + 1, summaries.Count);
        Assert.Equal(20_300, summaries.Sum(s => s.Count));
        Assert.Equal(("cannot decode '{image}'", 20_000), (summaries[0].Reason, summaries[0].Count));
        Assert.Equal(["photos/0.png", "photos/1.png", "photos/2.png", "photos/3.png", "photos/4.png"], summaries[0].Examples);
        Assert.Equal(300 - (ErrorTally.Reasons - 1), summaries[1].Count);
        Assert.Equal(ErrorTally.Other, summaries[1].Reason);
        Assert.All(summaries, s => Assert.True(s.Examples.Count <= ErrorTally.Examples));
    }

    static List<ImageRecord> Records(int count, bool compare)
    {
        var random = new Random(17);
        string[] classes = ["circle", "square", "star"];
        return Enumerable.Range(0, count).Select(i =>
        {
            if (i % 50 == 49) return ImageRecord.Failure($"p/{i}.png", $"images/{i}", $"cannot read 'p/{i}.png'");
            var prediction = new ClassScore(i % 3, classes[i % 3], 1, (float)random.NextDouble());
            var explanations = new[] { "grad-cam", "lrp-composite" }.Select(m => new ExplanationRecord(m, new Dictionary<string, string>(), prediction, null, null,
                "min-max", 0, 1, 1, 0, new Dictionary<string, double> { ["deletion"] = random.NextDouble(), ["insertion"] = random.NextDouble() },
                [new PerturbationRecord("channel-swap", new Dictionary<string, string>(), prediction, 0.5f, 0.4f, (float)random.NextDouble(), random.Next(2) == 0,
                    random.NextDouble(), random.NextDouble(), random.NextDouble(), null, null)],
                compare ? new ComparisonRecord(prediction, random.Next(10) == 0, random.NextDouble(), random.NextDouble(), random.NextDouble(), random.NextDouble(),
                    new Dictionary<string, double> { ["deletion"] = random.NextDouble() - 0.5 }) : null,
                new Dictionary<string, MetricCurve> { ["deletion"] = new([1, random.NextDouble(), random.NextDouble(), 0]) })).ToList();
            return new ImageRecord($"p/{i}.png", $"images/{i}", 64, 64, prediction, [prediction], explanations, null);
        }).ToList();
    }

    [Fact]
    public void The_fold_gives_the_figures_of_the_whole_list()
    {
        var records = Records(600, compare: true);
        var report = AuditOutputs.ModelOf(new ReportRequest("m", "predicted", 4, [], MetricCatalog.CreateList("deletion,insertion")), records).Report;
        var ok = records.Where(r => r.Error is null).SelectMany(r => r.Explanations).ToList();
        Assert.Equal(600, report.Images);
        Assert.Equal(12, report.FailedImages);
        Assert.Equal(ok.Where(e => e.Method == "grad-cam").Average(e => e.Metrics!["deletion"]), report.Metrics["grad-cam"]["deletion"], 12);
        Assert.Equal(ok.Where(e => e.Method == "lrp-composite").Average(e => e.Perturbations![0].Spearman), report.Robustness["lrp-composite / channel-swap"]["spearman"], 12);
        var drift = ok.Where(e => e.Method == "grad-cam").Select(e => e.Comparison!.Spearman).ToArray();
        Assert.Equal(Bootstrap.Mean(drift, 4), report.Comparison!["grad-cam"]["drift-spearman"]);
        Assert.Equal(["drift-spearman", "drift-ssim", "drift-top10-iou", "drift-centre-shift", "prediction-changes", "delta-deletion"], report.Comparison["grad-cam"].Keys);
        Assert.Equal(("cannot read '{image}'", 12), (report.Errors[0].Reason, report.Errors[0].Count));
    }

    [Fact]
    public void Outputs_of_a_hundred_thousand_images_stay_small_where_they_should()
    {
        var records = Records(100_000, compare: false);
        var outputs = AuditOutputs.Build(new ReportRequest("m", "predicted", 4, [], MetricCatalog.CreateList("deletion,insertion")), records);
        var json = JsonSerializer.Serialize(outputs.Report, AuditJson.Options);
        Assert.True(json.Length < 20_000, $"report.json {json.Length:N0} bytes");
        Assert.True(outputs.Html.Length < 200_000, $"report.html {outputs.Html.Length:N0} bytes");
        Assert.Equal(2000 + 1, outputs.Files["errors.csv"].Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(98_000 * 2 + 2000 + 1, outputs.Csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal((98_000 * 2 + 2000 + ImageBrowser.ChunkRows - 1) / ImageBrowser.ChunkRows, outputs.Browser.Count - 1);
    }
}
