using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using XaiVision.Engine;
using XaiVision.Worker.Hosting;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Cli;

/// <summary>Exit codes of every verb (README: "Exit codes").</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int BadInput = 1;
    public const int SomeImagesFailed = 2;
    public const int GatesFailed = 3;
    public const int JobFailed = 4;
    public const int Unreachable = 5;
    public const int Interrupted = 130;
}

/// <summary>
/// User mistakes, unreachable services and interruptions become one line on stderr (<c>error: …</c>) and a documented exit
/// code; only bugs keep their stack trace.
/// </summary>
public static partial class CliErrors
{
    public static int Guard(Func<int> action) => GuardAsync(() => Task.FromResult(action()), CancellationToken.None).GetAwaiter().GetResult();

    public static async Task<int> GuardAsync(Func<Task<int>> action, CancellationToken ct)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (Describe(e, ct) is { } problem)
        {
            if (problem.ExitCode == ExitCodes.Interrupted) Interrupts.ReportInterrupted();
            else Console.Error.WriteLine($"error: {Echo.Clip(problem.Message)}");
            return problem.ExitCode;
        }
    }

    /// <summary>The one line and exit code for an exception that is not a bug, or null for one that is.</summary>
    public static (string Message, int ExitCode)? Describe(Exception e, CancellationToken ct) => e switch
    {
        _ when ct.IsCancellationRequested => ("interrupted.", ExitCodes.Interrupted), // whatever the interrupted call threw
        ServiceUnreachableException or StorageUnavailableException => (e.Message, ExitCodes.Unreachable),
        XaiVisionException => (e.Message, ExitCodes.BadInput),
        OptionsValidationException v => ("invalid configuration: " + string.Join(" ", v.Failures), ExitCodes.BadInput),
        InvalidOperationException when BindingFailure().Match(e.Message) is { Success: true } m =>
            ($"invalid configuration: {m.Groups["key"].Value} = '{m.Groups["value"].Value}' is not {Expected(m.Groups["type"].Value)}.", ExitCodes.BadInput),
        // files only: a broker client's connection errors are IOExceptions too, from other namespaces
        IOException or UnauthorizedAccessException when e.GetType().Namespace == "System.IO" || e is UnauthorizedAccessException =>
            ($"cannot write or read a file: {e.Message}", ExitCodes.BadInput),
        AggregateException { InnerExceptions.Count: 1 } a => Describe(a.InnerExceptions[0], ct),
        _ when e.InnerException is { } inner && Describe(inner, ct) is { } described => described,
        _ => null,
    };

    /// <summary>A parser message with .NET type names replaced by words ("as expected type 'System.Int32'" → "as a whole number").</summary>
    public static string InUserWords(string message) => ExpectedType().Replace(message, m => "as " + Expected(m.Groups["type"].Value));

    /// <summary>What a value must look like, in words (not a .NET type name).</summary>
    static string Expected(string typeName)
    {
        var type = typeof(CliErrors).Assembly.GetType(typeName) ?? Type.GetType(typeName.TrimEnd('?'));
        if (type is { IsEnum: true }) return "one of " + string.Join(", ", Enum.GetNames(type));
        return typeName switch
        {
            "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" => "a whole number",
            "System.Guid" or "System.Nullable`1[System.Guid]" => "a job id (a GUID)",
            "System.Double" or "System.Single" or "System.Decimal" => "a number",
            "System.Boolean" => "true or false",
            _ => "a valid value",
        };
    }

    [GeneratedRegex("as expected type '(?<type>[^']*)'")]
    private static partial Regex ExpectedType();

    [GeneratedRegex("Failed to convert configuration value '(?<value>[^']*)' at '(?<key>[^']*)' to type '(?<type>[^']*)'")]
    private static partial Regex BindingFailure();
}
