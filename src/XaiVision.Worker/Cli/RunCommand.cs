using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Hosting;

namespace XaiVision.Worker.Cli;

/// <summary>
/// <c>run</c>: the worker — planner, shard and aggregator consumers — until SIGTERM/Ctrl+C (graceful: see Worker:ShutdownGraceSeconds).
/// It checks libtorch and its model cache first (<see cref="WorkerPreflight"/>): a broken install exits 1 with the reason.
/// </summary>
public static class RunCommand
{
    public static Command Create()
    {
        var settings = SettingsOption.Create();
        var command = new Command("run", "Run the audit worker (consumes jobs and shards).") { settings };
        command.SetAction(async (parse, ct) => await CliErrors.GuardAsync(async () =>
        {
            using var host = WorkerHost.Build(WorkerHost.Overrides(parse.GetValue(settings)), consumers: true);
            try
            {
                var checkedAtStart = WorkerPreflight.Check(host.Services.GetRequiredService<IOptions<WorkerOptions>>().Value,
                    host.Services.GetRequiredService<IOptions<StorageOptions>>().Value);
                host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("XaiVision.Worker").LogInformation("Preflight: {Checked}.", checkedAtStart);
                await BusStart.StartAsync(host, ct);
                await host.WaitForShutdownAsync(ct);
            }
            catch (OptionsValidationException e)
            {
                throw new Engine.XaiVisionException("invalid configuration: " + string.Join(" ", e.Failures));
            }
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
