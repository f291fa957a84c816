using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace XaiVision.Worker.Hosting;

/// <summary>
/// The worker's plain-text log: one line per entry — time, level, category, scopes, message, and for an exception only
/// its messages (outermost to innermost), never a stack trace. A broker that refuses a password is one line per try,
/// not 19 KB. (<c>Logging:Format=json</c> keeps everything, for log pipelines.)
/// </summary>
public sealed class OneLineConsoleFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "xaivision-line";

    public override void Write<TState>(in LogEntry<TState> entry, IExternalScopeProvider? scopeProvider, TextWriter writer)
    {
        var message = entry.Formatter?.Invoke(entry.State, entry.Exception) ?? "";
        var scopes = new List<string>();
        scopeProvider?.ForEachScope((scope, list) => list.Add(scope?.ToString() ?? ""), scopes);
        writer.Write($"{DateTime.Now:HH:mm:ss} {Level(entry.LogLevel)}: {entry.Category}");
        if (scopes.Count > 0) writer.Write($" => {string.Join(" => ", scopes)}");
        writer.Write(' ');
        writer.Write(Flatten(message));
        if (entry.Exception is { } e) writer.Write($" ({Summary(e)})");
        writer.WriteLine();
    }

    /// <summary>The distinct first lines of an exception and its inner exceptions.</summary>
    public static string Summary(Exception e)
    {
        var lines = new List<string>();
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            var line = Flatten(x.Message.Split('\n', 2)[0]);
            if (line.Length > 0 && !lines.Contains(line)) lines.Add(line);
        }
        return string.Join(" → ", lines);
    }

    static string Flatten(string text) => text.Replace('\n', ' ').Replace('\r', ' ').Trim();

    static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
