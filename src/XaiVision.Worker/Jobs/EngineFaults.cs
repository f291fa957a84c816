using XaiVision.Engine;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// Which exceptions end a shard as "failed" rather than being retried: anything the engine throws (a native libtorch
/// error, a bug) except infrastructure — storage outages and local I/O (retried by the consumer's pause policy) and a
/// cancellation on shutdown (the shard is redelivered and redone).
/// </summary>
public static class EngineFaults
{
    public static bool IsEngineFault(Exception e, CancellationToken ct) => e switch
    {
        OperationCanceledException when ct.IsCancellationRequested => false,
        StorageUnavailableException or IOException => false,
        _ => true,
    };

    /// <summary>One line in user words: the message's first line (a libtorch message carries a C++ trace after it), bounded.</summary>
    public static string Describe(Exception e)
    {
        var message = (e.Message ?? "").Split('\n', 2)[0].Trim();
        if (message.Length > 300) message = message[..300] + "…";
        return e is XaiVisionException ? message : $"engine error: {(message.Length > 0 ? message : "no message")}";
    }
}
