using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using XaiVision.Contracts;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;
using XaiVision.Worker.Tests.Consumers;
using XaiVision.Worker.Tests.EndToEnd;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Faults;

/// <summary>
/// The output container on a full disk (issue 36: each shard was retried for 15 minutes, then the fault consumer could not write
/// the failure record either and retried too; the job ended only when space was freed). Now a shard is retried for
/// Storage:OutagePatienceSeconds, then its job fails with "No space left on the store", announced to the waiting client although
/// nothing more can be written. The full disk is a 64 KiB tmpfs mounted over the output container, so this test needs root (mount).
/// </summary>
[Collection(RealServicesCollection.Name)]
public sealed class FullDiskTests(ITestOutputHelper log)
{
    readonly RealServices _services = new();

    [Fact]
    public async Task A_full_output_disk_fails_the_job_with_the_reason_once_the_retries_are_spent()
    {
        var root = Directory.CreateTempSubdirectory("xaivision-full-").FullName;
        var output = Directory.CreateDirectory(Path.Combine(root, "audits")).FullName;
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", output); // needs root; fails the test with mount's words otherwise
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["Storage:Kind"] = "FileSystem", ["Storage:Root"] = root,
                ["Storage:BreakSeconds"] = "1", ["Storage:OutagePatienceSeconds"] = "2",
            };
            using var worker = _services.Host(consumers: true, settings);
            using var client = _services.Host(consumers: false, settings);
            await worker.StartAsync();
            await client.StartAsync();
            try
            {
                await DemoJob.SeedAsync(client.Services.GetRequiredService<IBlobStore>());
                // 12 images' maps and overlays need far more than 64 KiB; the plan (a few small files) fits.
                var spec = WorkerTestServices.CheapDemoSpec("full-disk") with { Gates = [] };
                var clock = Stopwatch.StartNew();
                var outcome = await JobRuns.RunAsync(client.Services.GetRequiredService<IBus>(), spec);
                log.WriteLine($"ended in {clock.Elapsed.TotalSeconds:F0} s: {outcome.Failed?.Reason ?? "completed"}");
                var failed = Assert.IsType<AuditJobFailed>(outcome.Failed);
                Assert.Matches(@"faulted after its retries: No space left on the store: could not \w+ 'audits/full-disk/", failed.Reason);
                Assert.Empty(Directory.EnumerateFiles(output, "*.tmp", SearchOption.AllDirectories)); // no half-written files left behind
            }
            finally
            {
                await worker.StopAsync();
                await client.StopAsync();
            }
        }
        finally
        {
            await RunAsync("umount", output);
        }
    }

    static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed (this test needs root to mount a tmpfs): {error}");
    }
}
