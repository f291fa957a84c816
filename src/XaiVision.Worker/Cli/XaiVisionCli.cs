using System.CommandLine;

namespace XaiVision.Worker.Cli;

/// <summary>The command tree (one verb per file) and its invocation: a mistyped command line is one line too.</summary>
public static class XaiVisionCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("XaiVision: audit what image classifiers look at.");
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(SubmitCommand.Create());
        root.Subcommands.Add(SubmitDemoCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(ExplainCommand.Create());
        root.Subcommands.Add(LayersCommand.Create());
        root.Subcommands.Add(TrainDemoCommand.Create());
        return root;
    }

    /// <summary>Parses and runs; parse errors (unknown option, missing argument, bad number) are one <c>error:</c> line and exit 1.</summary>
    public static async Task<int> InvokeAsync(string[] args, CancellationToken ct)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"error: {string.Join(" ", parse.Errors.Select(e => CliErrors.InUserWords(e.Message).TrimEnd('.') + "."))} (see --help)");
            return ExitCodes.BadInput;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, ct);
    }
}
