using System.CommandLine;

namespace XaiVision.Worker.Cli;

static class SettingsOption
{
    public static Option<string[]> Create() => new("--set")
    {
        Description = "Configuration override Key=Value, repeatable (e.g. --set Transport:Kind=RabbitMq --set Storage:Kind=Azure). Secrets belong in the environment.",
        AllowMultipleArgumentsPerToken = false,
    };
}
