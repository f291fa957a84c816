using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using XaiVision.Worker.Hosting;

namespace XaiVision.Worker.Cli;

/// <summary><c>run</c>: the worker — planner, shard and aggregator consumers — until SIGTERM/Ctrl+C (graceful: see Worker:ShutdownGraceSeconds).</summary>
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
