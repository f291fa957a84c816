using System.Collections.Concurrent;
using System.Diagnostics;

namespace XaiVision.Worker.Tests.Faults;

/// <summary>
/// <c>xaivision run</c> as its own OS process (what Kubernetes runs), configured through the environment
/// (<c>Section__Key</c>, so nothing secret is on the command line), with its console output kept line by line.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    readonly Process _process;
    readonly ConcurrentQueue<string> _lines = new();

    public WorkerProcess(IReadOnlyDictionary<string, string?> settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "xaivision.dll"));
        start.ArgumentList.Add("run");
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__")] = value;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;
    public IReadOnlyList<string> Lines => _lines.ToList();
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.FirstOrDefault(match) is { } line) return line;
            if (_process.HasExited) throw new InvalidOperationException($"the worker exited ({_process.ExitCode}):\n{string.Join('\n', _lines)}");
            await Task.Delay(50);
        }
        throw new TimeoutException($"no matching line in {timeout}:\n{string.Join('\n', _lines)}");
    }

    /// <summary>SIGKILL: no cleanup, no goodbye to the broker — like an OOM kill or a lost node.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGTERM, as Kubernetes sends before it deletes a pod.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
        kill.WaitForExit();
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
