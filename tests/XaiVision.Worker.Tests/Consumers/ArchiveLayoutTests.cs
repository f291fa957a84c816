using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using XaiVision.Contracts;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Tests.Consumers;

/// <summary><c>output.layout: archive</c>: one zip per shard, records and images.csv naming it, and a report whose every picture loads.</summary>
public sealed class ArchiveLayoutTests
{
    static AuditJobSpec Spec(string prefix) => WorkerTestServices.CheapDemoSpec(prefix) with
    {
        Output = WorkerTestServices.CheapDemoSpec(prefix).Output with { Layout = "archive" },
    };

    [Fact]
    public async Task A_job_in_the_archive_layout_writes_a_zip_per_shard_and_a_report_whose_pictures_exist()
    {
        var spec = Spec("zipped");
        var (completed, rejected, store, provider) = await WorkerTestServices.RunJobAsync(spec);
        await using var _ = provider;
        Assert.Null(rejected);
        Assert.NotNull(completed);
        var blobs = await WorkerTestServices.SnapshotAsync(store, spec.Output.Container, spec.Output.Prefix + "/");
        var zips = blobs.Keys.Where(k => k.Contains("/archives/")).Order().ToList();
        Assert.Equal(["zipped/archives/00000.zip", "zipped/archives/00001.zip", "zipped/archives/00002.zip"], zips);
        using (var zip = new ZipArchive(new MemoryStream(blobs[zips[0]])))
        {
            Assert.Contains(zip.Entries, e => e.FullName.EndsWith("/grad-cam.png"));
            Assert.Contains(zip.Entries, e => e.FullName.EndsWith("/channel-swap/lrp-composite.png"));
        }
        // Outside the archives only the pictures the report shows (12 images: nearly all of them rank best or worst somewhere);
        // the perturbed maps, which the report never shows, stay in the archives.
        var html = Encoding.UTF8.GetString(blobs[JobLayout.Html(spec.Location())]);
        var loose = blobs.Keys.Where(k => k.EndsWith(".png")).Select(k => k[(spec.Output.Prefix.Length + 1)..]).ToList();
        Assert.NotEmpty(loose);
        Assert.All(loose, png => Assert.Contains($"\"{png}\"", html));
        Assert.DoesNotContain(loose, png => png.Contains("/channel-swap/"));

        var csv = Encoding.UTF8.GetString(blobs[JobLayout.Csv(spec.Location())]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",archive", csv[0]);
        Assert.All(csv.Skip(1), row => Assert.Matches(@",archives/0000[0-2]\.zip$", row));
        var sources = Regex.Matches(html, "src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(sources);
        Assert.All(sources, src => Assert.True(blobs.ContainsKey($"{spec.Output.Prefix}/{src}"), $"report.html shows {src}, which is not there"));
    }

    [Fact]
    public async Task The_archives_are_the_same_bytes_on_a_rerun()
    {
        var first = Spec("zip-a");
        var second = Spec("zip-b");
        var (_, _, storeA, providerA) = await WorkerTestServices.RunJobAsync(first);
        await using var a = providerA;
        var (_, _, storeB, providerB) = await WorkerTestServices.RunJobAsync(second);
        await using var b = providerB;
        for (int shard = 0; shard < 3; shard++)
            Assert.Equal(await storeA.ReadAsync(first.Output.Container, JobLayout.Artefact(first.Location(), ShardArchive.Name(shard))),
                await storeB.ReadAsync(second.Output.Container, JobLayout.Artefact(second.Location(), ShardArchive.Name(shard))));
    }

    [Fact]
    public void An_unknown_layout_is_refused()
    {
        var problems = JobSpecValidator.Validate(Spec("x") with { Output = Spec("x").Output with { Layout = "tarball" } });
        Assert.Contains(problems, p => p.Path == "output.layout" && p.Message.Contains("auto, files, archive"));
    }
}
