using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using XaiVision.Contracts;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;
using XaiVision.Worker.Tests.EndToEnd;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Faults;

/// <summary>
/// The file store's folder as hostile input, through a worker on the real RabbitMQ (issue 36): a FIFO, a link to nothing, a folder
/// loop and a link to <c>/</c> among a listed job's images. Before, the FIFO blocked every worker that took its shard for ever and the
/// loop planned the same images a hundred times; now the job ends with a per-image error each and the good images explained.
/// </summary>
[Collection(RealServicesCollection.Name)]
public sealed class HostileStoreTests(ITestOutputHelper log)
{
    readonly RealServices _services = new();

    [Fact]
    public async Task A_listed_job_over_fifos_dangling_links_and_folder_loops_ends_with_a_per_image_error_each()
    {
        var root = Directory.CreateTempSubdirectory("xaivision-hostile-").FullName;
        var fileStore = new Dictionary<string, string?> { ["Storage:Kind"] = "FileSystem", ["Storage:Root"] = root };
        using var worker = _services.Host(consumers: true, fileStore);
        using var client = _services.Host(consumers: false, fileStore);
        await worker.StartAsync();
        await client.StartAsync();
        try
        {
            var store = client.Services.GetRequiredService<IBlobStore>();
            await DemoJob.SeedAsync(store);
            var images = Path.Combine(root, DemoJob.Container, "images");
            var good = Directory.GetFiles(images, "*.png").Length;
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [Path.Combine(images, "fifo.png")])) await mkfifo.WaitForExitAsync();
            File.CreateSymbolicLink(Path.Combine(images, "dangling.png"), Path.Combine(images, "nowhere.png"));
            Directory.CreateSymbolicLink(Path.Combine(images, "loop"), "..");
            Directory.CreateSymbolicLink(Path.Combine(images, "everything"), "/");

            var spec = DemoJob.Spec("hostile-store") with
            {
                Images = new ImageSource { Container = DemoJob.Container, Prefix = "images/" }, // listed, not from the manifest
                Suite = new SuiteDefinition { Explainers = ["grad-cam"], Metrics = ["deletion(steps=4)"], Seed = 1 },
                Gates = [],
            };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var outcome = await JobRuns.RunAsync(client.Services.GetRequiredService<IBus>(), spec);
            Assert.True(outcome.Completed is not null, outcome.Failed?.Reason ?? "rejected");
            log.WriteLine($"{outcome.Completed!.Images} images, {outcome.Completed.FailedImages} failed, in {clock.Elapsed.TotalSeconds:F0} s");
            Assert.Equal(good + 2, outcome.Completed.Images); // the folder links are not walked: no image twice, nothing from /
            Assert.Equal(2, outcome.Completed.FailedImages);
            var errors = System.Text.Encoding.UTF8.GetString((await store.ReadAsync("audits", "hostile-store/errors.csv"))!);
            log.WriteLine(errors);
            Assert.Contains("fifo.png,Image 'images/fifo.png' is empty (0 bytes) or not a regular file", errors); // never opened
            Assert.Contains("is a link to a file that does not exist", errors);
            Assert.Equal(0u, await Broker.ErrorMessagesAsync(_services));
        }
        finally
        {
            await worker.StopAsync();
            await client.StopAsync();
        }
    }
}
