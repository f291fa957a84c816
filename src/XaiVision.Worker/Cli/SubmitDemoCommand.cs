using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using XaiVision.Worker.Hosting;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Cli;

/// <summary>
/// <c>submit-demo</c>: uploads the bundled demo (model, images, masks, manifest) to the configured store and submits
/// the demo job to the configured broker — the one-shot seeder of docker compose and smoke tests of a deployment.
/// </summary>
public static class SubmitDemoCommand
{
    public static Command Create()
    {
        var wait = new Option<bool>("--wait") { Description = "Wait for the job and print the summary." };
        var settings = SettingsOption.Create();
        var command = new Command("submit-demo", "Upload the bundled demo to the configured store and submit the demo job to the workers.") { wait, settings };
        command.SetAction(async (parse, ct) => await CliErrors.GuardAsync(async () =>
        {
            using var host = WorkerHost.Build(WorkerHost.Overrides(parse.GetValue(settings)), consumers: false, Microsoft.Extensions.Logging.LogLevel.Warning);
            if (host.Services.GetRequiredService<IOptions<TransportOptions>>().Value.Kind != TransportKind.RabbitMq)
                throw new Engine.XaiVisionException("submit-demo needs a broker: set Transport:Kind=RabbitMq and Transport:RabbitMqUri (without services use 'demo').");
            await DemoJob.SeedAsync(host.Services.GetRequiredService<IBlobStore>(), ct);
            await host.StartAsync(ct);
            try
            {
                var jobId = Guid.NewGuid();
                return await JobRunner.SubmitAsync(host, jobId, DemoJob.Spec($"demo-{jobId:N}"[..17]), parse.GetValue(wait), ct);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }));
        return command;
    }
}
