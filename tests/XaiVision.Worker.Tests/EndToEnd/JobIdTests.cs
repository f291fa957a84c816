using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using XaiVision.Contracts;
using XaiVision.Engine.Reports;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;
using XaiVision.Worker.Tests.Cli;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.EndToEnd;

/// <summary>
/// Issue 36: a reused <c>--job-id</c> was accepted, and <c>status</c> then showed the other job. The same id with the same output
/// resumes its job (idempotent, as before); with another output it is refused, naming where the first job lives.
/// </summary>
[Collection(RealServicesCollection.Name)]
public sealed class JobIdTests(ITestOutputHelper log)
{
    readonly RealServices _services = new();
    readonly string _run = Guid.NewGuid().ToString("N")[..8];

    string[] Settings() => _services.Settings().Where(s => s.Key.StartsWith("Transport:") || s.Key.StartsWith("Storage:"))
        .SelectMany(s => new[] { "--set", $"{s.Key}={s.Value}" }).ToArray();

    string SpecFile(string prefix)
    {
        var spec = DemoJob.Spec(prefix) with { Suite = new SuiteDefinition { Explainers = ["grad-cam"], Seed = 1 }, Gates = [] };
        var path = Path.Combine(Directory.CreateTempSubdirectory("xaivision-jobid-").FullName, "job.json");
        File.WriteAllText(path, JsonSerializer.Serialize(spec, AuditJson.Options));
        return path;
    }

    CliRunner.Result Submit(string spec, Guid id, params string[] more)
    {
        var result = CliRunner.Run(["submit", spec, "--job-id", id.ToString(), .. more, .. Settings()]);
        log.WriteLine($"exit {result.ExitCode}: {result.Output.Trim()} {result.Error.Trim()}");
        return result;
    }

    [Fact]
    public async Task A_job_id_resumes_its_own_job_and_is_refused_for_another_output()
    {
        using var worker = _services.Host(consumers: true);
        await worker.StartAsync();
        try
        {
            await DemoJob.SeedAsync(worker.Services.GetRequiredService<IBlobStore>());
            var id = Guid.NewGuid();
            var first = SpecFile($"jobid-{_run}-first");
            Assert.Equal(0, Submit(first, id, "--wait").ExitCode);
            Assert.Equal(0, Submit(first, id).ExitCode); // the same job again: resumed, nothing new to do

            var other = Submit(SpecFile($"jobid-{_run}-other"), id);
            Assert.Equal(1, other.ExitCode);
            Assert.Equal($"error: job id {id} is already the job at 'audits/jobid-{_run}-first'; give a new --job-id (or none), "
                + "or the same output to resume that job.", other.Error.Trim());
            Assert.DoesNotContain("submitted", other.Output);
        }
        finally
        {
            await worker.StopAsync();
        }
    }
}
