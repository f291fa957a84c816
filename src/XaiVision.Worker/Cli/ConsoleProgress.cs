using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Cli;

/// <summary>A one-line progress bar on a terminal; plain lines every 10 % when stderr is redirected.</summary>
public sealed class ConsoleProgress : IProgress<BatchProgress>
{
    int _lastDecile = -1;

    public void Report(BatchProgress value)
    {
        if (Console.IsErrorRedirected)
        {
            int decile = value.Total == 0 ? 10 : value.Done * 10 / value.Total;
            if (decile == _lastDecile) return;
            _lastDecile = decile;
            Console.Error.WriteLine($"{value.Done}/{value.Total} images done: {value.Done - value.Failed} explained, {value.Failed} failed");
            return;
        }
        const int width = 30;
        int filled = value.Total == 0 ? width : value.Done * width / value.Total;
        Console.Error.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {value.Done}/{value.Total}{(value.Failed > 0 ? $" ({value.Failed} failed)" : "")}");
        if (value.Done >= value.Total) Console.Error.WriteLine();
    }
}
