using System.Runtime.InteropServices;

namespace XaiVision.Worker.Cli;

/// <summary>
/// Ctrl+C and SIGTERM cancel the running verb; one that has not finished 2 s later (a CPU-bound batch cannot be
/// interrupted) is ended with exit code 130 and one line. The worker's own host also hears SIGTERM and drains gracefully
/// (<c>run</c> then exits 0 within Worker:ShutdownGraceSeconds), so <c>run</c> is exempt from the 2-second cut.
/// </summary>
public sealed class Interrupts : IDisposable
{
    readonly CancellationTokenSource _cancel = new();
    readonly List<PosixSignalRegistration> _registrations = [];

    public Interrupts(bool graceful)
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                if (_cancel.IsCancellationRequested) return;
                _cancel.Cancel();
                if (!graceful)
                    _ = Task.Delay(TimeSpan.FromSeconds(2)).ContinueWith(_ =>
                    {
                        ReportInterrupted();
                        // _exit, not Environment.Exit: native code may still be running, and process teardown under it crashes.
                        if (OperatingSystem.IsLinux()) ExitNow(ExitCodes.Interrupted);
                        Environment.Exit(ExitCodes.Interrupted);
                    }, TaskScheduler.Default);
            }));
    }

    static int _reported;

    public CancellationToken Token => _cancel.Token;

    /// <summary>
    /// Writes "error: interrupted." once per process: the verb's own error path and the 2-second cut may both reach it (the verb
    /// returned at 1.9 s, its host still stopping at 2 s), and however many signals arrive the user reads one line.
    /// </summary>
    public static void ReportInterrupted()
    {
        if (Interlocked.Exchange(ref _reported, 1) == 1) return;
        Console.Error.WriteLine("error: interrupted.");
        Console.Error.Flush();
    }

    [DllImport("libc", EntryPoint = "_exit")]
    static extern void ExitNow(int status);

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _cancel.Dispose();
    }
}
