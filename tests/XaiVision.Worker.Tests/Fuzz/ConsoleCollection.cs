namespace XaiVision.Worker.Tests.Fuzz;

/// <summary>Tests that run the CLI in this process redirect the console, which is process-wide: they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}
