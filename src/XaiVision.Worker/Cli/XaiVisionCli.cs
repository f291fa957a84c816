using System.CommandLine;

namespace XaiVision.Worker.Cli;

/// <summary>The command tree: one verb per file.</summary>
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
        root.Subcommands.Add(TrainDemoCommand.Create());
        return root;
    }
}
