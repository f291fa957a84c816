using System.CommandLine;
using Microsoft.Extensions.Hosting;
using XaiVision.Worker.Hosting;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Cli;

/// <summary><c>submit job.yaml [--wait]</c>: sends a job to the workers; exit 0 passed, 3 gates failed, 4 rejected/failed, 1 bad input.</summary>
public static class SubmitCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "Job spec, YAML or JSON." };
        var wait = new Option<bool>("--wait") { Description = "Wait for the job, print progress and the summary." };
        var jobId = new Option<Guid?>("--job-id") { Description = "Job id (default: a new one). Resubmitting the same id is idempotent." };
        var dated = new Option<bool>("--dated-output") { Description = "Append /yyyy-MM-dd-HHmm (UTC) to output.prefix, so a scheduled audit writes a new folder each run." };
        var settings = SettingsOption.Create();
        var command = new Command("submit", "Submit an audit job to the workers.") { spec, wait, jobId, dated, settings };
        command.SetAction(async (parse, ct) => await CliErrors.GuardAsync(async () =>
        {
            var job = JobSpecReader.ReadFile(parse.GetValue(spec)!);
            if (parse.GetValue(dated))
                job = job with { Output = job.Output with { Prefix = $"{job.Output.Prefix.TrimEnd('/')}/{DateTime.UtcNow:yyyy-MM-dd-HHmm}" } };
            var problems = JobSpecValidator.Validate(job);
            if (problems.Count > 0)
                throw new Engine.XaiVisionException("the job spec is invalid: " + string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}")));
            var overrides = WorkerHost.Overrides(parse.GetValue(settings));
            using var host = WorkerHost.Build(overrides, consumers: false, Microsoft.Extensions.Logging.LogLevel.Warning);
            var transport = host.Services.GetService(typeof(Microsoft.Extensions.Options.IOptions<TransportOptions>)) as Microsoft.Extensions.Options.IOptions<TransportOptions>;
            if (transport?.Value.Kind != TransportKind.RabbitMq)
                throw new Engine.XaiVisionException("submit needs a broker: set Transport:Kind=RabbitMq and Transport:RabbitMqUri (for a local run without services use 'demo').");
            await host.StartAsync(ct);
            try
            {
                return await JobRunner.SubmitAsync(host, parse.GetValue(jobId) ?? Guid.NewGuid(), job, parse.GetValue(wait), ct);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }));
        return command;
    }
}
