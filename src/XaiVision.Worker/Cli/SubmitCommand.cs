using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using XaiVision.Contracts;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Cli;

/// <summary><c>submit job.yaml [--wait [--timeout S]]</c>: sends a job to the workers; exit codes in <see cref="ExitCodes"/>.</summary>
public static class SubmitCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "Job spec, YAML or JSON." };
        var wait = new Option<bool>("--wait") { Description = "Wait for the job, print progress and the summary." };
        var timeout = JobRunner.TimeoutOption();
        var jobId = new Option<Guid?>("--job-id")
        {
            Description = "Job id (default: a new one). Resubmitting a job with its id and output resumes it; an id already used for another output is refused.",
        };
        var dated = new Option<bool>("--dated-output") { Description = "Append /yyyy-MM-dd-HHmm (UTC) to output.prefix, so a scheduled audit writes a new folder each run." };
        var settings = SettingsOption.Create();
        var command = new Command("submit", "Submit an audit job to the workers.") { spec, wait, timeout, jobId, dated, settings };
        command.SetAction(async (parse, ct) => await CliErrors.GuardAsync(async () =>
        {
            var job = JobSpecReader.ReadFile(parse.GetValue(spec)!);
            if (parse.GetValue(dated))
                job = job with { Output = job.Output with { Prefix = $"{job.Output.Prefix.TrimEnd('/')}/{DateTime.UtcNow:yyyy-MM-dd-HHmm}" } };
            var problems = JobSpecValidator.Validate(job);
            if (problems.Count > 0)
                throw new Engine.XaiVisionException("the job spec is invalid: " + string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}")));
            var waitFor = JobRunner.Wait(parse.GetValue(wait), parse.GetValue(timeout));
            return await ClientHost.RunAsync(parse.GetValue(settings), broker: true, "submit",
                async host =>
                {
                    var given = parse.GetValue(jobId);
                    if (given is { } id) await RefuseReusedIdAsync(host, id, job, ct);
                    return await JobRunner.SubmitAsync(host, given ?? Guid.NewGuid(), job, waitFor, ct);
                }, ct);
        }, ct));
        return command;
    }

    /// <summary>
    /// A job id names one job: resubmitting it with the same output resumes that job (idempotent), while the same id for another output
    /// would leave <c>status</c> showing the other job — refused, naming where that job lives.
    /// </summary>
    static async Task RefuseReusedIdAsync(IHost host, Guid jobId, AuditJobSpec job, CancellationToken ct)
    {
        if (await host.Services.GetRequiredService<JobStore>().ReadIndexAsync(jobId, ct) is { } existing && existing.Location != job.Location())
            throw new Engine.XaiVisionException($"job id {jobId} is already the job at '{existing.Location}'; give a new --job-id (or none), "
                + "or the same output to resume that job.");
    }
}
