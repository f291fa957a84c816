using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
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
        var timeout = JobRunner.TimeoutOption();
        var settings = SettingsOption.Create();
        var command = new Command("submit-demo", "Upload the bundled demo to the configured store and submit the demo job to the workers.") { wait, timeout, settings };
        command.SetAction(async (parse, ct) => await CliErrors.GuardAsync(async () =>
        {
            var waitFor = JobRunner.Wait(parse.GetValue(wait), parse.GetValue(timeout));
            return await ClientHost.RunAsync(parse.GetValue(settings), broker: true, "submit-demo", async host =>
            {
                await DemoJob.SeedAsync(host.Services.GetRequiredService<IBlobStore>(), ct);
                var jobId = Guid.NewGuid();
                return await JobRunner.SubmitAsync(host, jobId, DemoJob.Spec($"demo-{jobId:N}"[..17]), waitFor, ct);
            }, ct);
        }, ct));
        return command;
    }
}
