using System.Diagnostics;

namespace XaiVision.Worker.Tests.Cli;

/// <summary>Runs the real executable (xaivision.dll beside the tests) as a user would.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    public static Result Run(params string[] args) => RunWithSignal(null, TimeSpan.Zero, args);

    /// <summary>Runs the CLI and, when <paramref name="signal"/> is given (TERM, INT), sends it after <paramref name="after"/>.</summary>
    public static Result RunWithSignal(string? signal, TimeSpan after, params string[] args)
    {
        // Through env --default-signal=INT: a test run started in the background by a non-interactive shell inherits SIGINT ignored,
        // and .NET keeps an inherited SIG_IGN (as nohup wants), so the CLI would never see the user's Ctrl+C this test sends.
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "xaivision.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (signal is not null && !process.WaitForExit(after))
        {
            using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString()]);
            kill.WaitForExit();
        }
        if (!process.WaitForExit(Patience.Job))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"xaivision {string.Join(' ', args)} did not finish in {Patience.Job.TotalMinutes} minutes");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
