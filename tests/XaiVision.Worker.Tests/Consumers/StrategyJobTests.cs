using System.Text.Json;
using MassTransit.Testing;
using XaiVision.Contracts;
using XaiVision.Engine.Reports;
using XaiVision.Engine.Strategies;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Consumers;

/// <summary>
/// Strategy analysis as a job runs it, on the shortcut demo's evaluation set (40 pictures a class, about 60 % tagged): with LRP, the
/// shortcut model's classes split into a tag strategy (flagged off-object) and the rest, matching the planted truth; the clean model has
/// one unflagged strategy per class. With CRP, the concepts: the shortcut model's carry relevance off the object, and their reference
/// images carry the tag; the clean model's lie on the object.
/// </summary>
public class StrategyJobTests(ITestOutputHelper log)
{
    /// <summary>The evaluation set audited with LRP (and CRP) by the shortcut or the clean model; the report, the groups, and the store's folder.</summary>
    internal static async Task<(JobReport Report, List<StrategyGroup> Groups, string Root)> RunAsync(string name, bool shortcut, bool concepts = false)
    {
        var (provider, harness, store, root) = await WorkerTestServices.StartSeededAsync(name);
        await using var _ = provider;
        await DemoJob.SeedStrategiesAsync(store);
        var (report, groups) = await SubmitAsync(harness, store, Guid.NewGuid(), Spec(name, shortcut, concepts));
        return (report, groups, root);
    }

    static AuditJobSpec Spec(string name, bool shortcut, bool concepts) =>
        DemoJob.StrategiesSpec(name, shortcut) with { Suite = new SuiteDefinition { Explainers = concepts ? ["lrp-composite", "crp"] : ["lrp-composite"], Seed = 1 } };

    static async Task<(JobReport Report, List<StrategyGroup> Groups)> SubmitAsync(ITestHarness harness, IBlobStore store, Guid id, AuditJobSpec spec)
    {
        await harness.Bus.Publish(new SubmitAuditJob(id, spec));
        await WorkerTestServices.Until(() => harness.Published.Select<AuditJobCompleted>().Any(m => m.Context.Message.JobId == id), $"job {spec.Output.Prefix} to complete",
            () => harness.Published.Select<AuditJobRejected>().FirstOrDefault(m => m.Context.Message.JobId == id)?.Context.Message.Problems[0].Message
                ?? harness.Published.Select<AuditJobFailed>().FirstOrDefault(m => m.Context.Message.JobId == id)?.Context.Message.Reason);
        var report = JsonSerializer.Deserialize<JobReport>((await store.ReadAsync("audits", JobLayout.Report(spec.Location())))!, AuditJson.Options)!;
        var groups = JsonSerializer.Deserialize<List<StrategyGroup>>((await store.ReadAsync("audits", JobLayout.Artefact(spec.Location(), "strategies.json")))!, AuditJson.Options)!;
        return (report, groups);
    }

    static bool IsTagged(string image) => image.EndsWith("_tag", StringComparison.Ordinal);

    /// <summary>
    /// Both models in one store, as <c>demo --strategies</c> runs them: the clean model first (one unflagged strategy per class, concepts on
    /// the object), then the shortcut model with the clean run as its stored baseline (the tag strategy found and flagged in every class,
    /// concepts off the object with tagged references, and — against the clean run — the tag's concepts new in every class).
    /// </summary>
    [Fact]
    public async Task The_shortcut_models_tag_strategy_and_concepts_are_found_flagged_and_new_against_the_clean_model()
    {
        var (provider, harness, store, _) = await WorkerTestServices.StartSeededAsync("strategies-pair");
        await using var _ = provider;
        await DemoJob.SeedStrategiesAsync(store);
        var cleanJob = Guid.NewGuid();
        var (clean, _) = await SubmitAsync(harness, store, cleanJob, Spec("strategies-clean", shortcut: false, concepts: true));
        var cleanLrp = clean.Strategies!.Groups.Where(g => g.Method == "lrp-composite").ToList();
        Assert.Equal(5, cleanLrp.Count);
        Assert.All(cleanLrp, g => Assert.DoesNotContain(g.Clusters, c => c.Flagged));
        Assert.All(clean.Concepts!.Classes, c => Assert.False(c.Top[0].OffObject, $"clean {c.Class}: concept {c.Top[0].Channel} is {c.Top[0].OnObject:P0} on the object"));

        var (report, groups) = await SubmitAsync(harness, store, Guid.NewGuid(),
            Spec("strategies-shortcut", shortcut: true, concepts: true) with { Baseline = new ModelSource { Job = cleanJob.ToString() } });
        Assert.Equal(5, report.Strategies!.Groups.Count(g => g.Method == "lrp-composite"));
        foreach (var group in groups.Where(g => g.Summary.Method == "lrp-composite"))
        {
            var tagged = group.Points.Select(p => IsTagged(p.Image)).ToList();
            double ari = AdjustedRandIndex.Of(tagged, group.Points.Select(p => p.Cluster).ToList());
            var spectrum = string.Join(" ", group.Summary.Eigenvalues.Take(4).Select(v => v.ToString("F3")));
            log.WriteLine($"{group.Summary.Class}: {group.Summary.Clusters.Count} clusters, ARI {ari:F3}, eigenvalues {spectrum}");
            Assert.True(ari >= 0.8, $"{group.Summary.Class}: ARI {ari:F3}");
            var tagCluster = group.Points.Where(p => IsTagged(p.Image)).GroupBy(p => p.Cluster).MaxBy(g => g.Count())!.Key;
            var cluster = group.Summary.Clusters.Single(c => c.Id == tagCluster);
            Assert.True(cluster.Flagged, $"{group.Summary.Class}: the tag cluster is not flagged");
            double corner = cluster.Layout.Corners["top-left"];
            Assert.True(corner > 0.25, $"{group.Summary.Class}: its mean map's top-left corner holds {corner:P0}");
        }

        // The concepts: each class's most relevant one lies off the object, and one of its three most relevant has reference images
        // (relevance maximisation) that nearly all carry the tag — 60 % of the pictures do.
        var atlas = report.Concepts!;
        Assert.Equal(5, atlas.Classes.Count);
        foreach (var concepts in atlas.Classes)
        {
            var tagged = concepts.Top.Take(3).Select(c => atlas.ReferencesOf("crp", c.Channel).Count(r => IsTagged(r.Image))).ToList();
            log.WriteLine($"{concepts.Class}: " + string.Join(", ", concepts.Top.Take(3).Select((c, i) => $"#{c.Channel} on {c.OnObject:P0} tagged {tagged[i]}/6")));
            Assert.True(concepts.Top[0].OffObject, $"{concepts.Class}: concept {concepts.Top[0].Channel} is {concepts.Top[0].OnObject:P0} on the object");
            Assert.True(tagged.Max() >= 5, $"{concepts.Class}: no top concept's references show the tag ({string.Join(", ", tagged)})");
        }

        // Per strategy cluster: in every class, CRP's own tag cluster is carried by concepts off the object.
        foreach (var group in groups.Where(g => g.Summary.Method == "crp"))
        {
            var tagCluster = group.Points.Where(p => IsTagged(p.Image)).GroupBy(p => p.Cluster).MaxBy(g => g.Count())!.Key;
            foreach (var c in group.Summary.Clusters)
                log.WriteLine($"crp {group.Summary.Class} cluster {c.Id}{(c.Id == tagCluster ? " (tag)" : "")}: "
                    + string.Join(", ", c.Concepts!.Select(k => $"#{k.Channel} {k.MeanShare:P0} on {k.OnObject:P0} tagged {atlas.ReferencesOf("crp", k.Channel).Count(r => IsTagged(r.Image))}/6")));
            var top = group.Summary.Clusters.Single(c => c.Id == tagCluster).Concepts![0];
            Assert.True(top.OnObject < 0.5, $"{group.Summary.Class}: the tag cluster's top concept #{top.Channel} is {top.OnObject:P0} on the object");
        }

        // Against the clean run, matched by behaviour on the same probe images: in every class a concept whose references show the tag
        // is new, and no concept with tagged references is matched with a clean one.
        var change = Assert.Single(atlas.Changes!);
        Assert.Equal(200, change.ProbeImages); // every picture (fewer than the probes' 256)
        int Tagged(int channel) => atlas.ReferencesOf("crp", channel).Count(r => IsTagged(r.Image));
        foreach (var c in change.New) log.WriteLine($"new #{c.Channel} {string.Join(",", c.Classes)} on {c.OnObject:P0} cover {c.BestCoverage:F2} tagged {Tagged(c.Channel)}/6");
        foreach (var m in change.Matched) log.WriteLine($"matched {m.Baseline}→{m.Candidate} ({m.Coverage:F2}) tagged {Tagged(m.Candidate)}/6");
        foreach (var name in atlas.Classes.Select(c => c.Class))
            Assert.Contains(change.New, c => c.Classes.Contains(name) && Tagged(c.Channel) >= 5 && c.OnObject < 0.5);
        Assert.DoesNotContain(change.Matched, m => Tagged(m.Candidate) >= 5);
        Assert.NotEmpty(change.Vanished); // the clean model's shape concepts
    }

    [Fact]
    public async Task A_mistyped_analysis_is_rejected_with_its_path()
    {
        var spec = WorkerTestServices.CheapDemoSpec("strategies-mistake") with { Analysis = ["strategies(size=2)", "spray"] };
        var (completed, rejected, _, provider) = await WorkerTestServices.RunJobAsync(spec);
        await using var _ = provider;
        Assert.Null(completed);
        Assert.Contains(rejected!.Problems, p => p.Path == "analysis[0]" && p.Message.Contains("size must be a whole number from 4 to 128"));
        Assert.Contains(rejected.Problems, p => p.Path == "analysis[1]" && p.Message.Contains("Unknown analysis 'spray'"));
    }
}
