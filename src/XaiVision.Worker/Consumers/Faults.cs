using MassTransit;

namespace XaiVision.Worker.Consumers;

/// <summary>What the fault consumers read from a MassTransit <see cref="Fault{T}"/>.</summary>
static class Faults
{
    /// <summary>The consume was cancelled (the worker shut down): the message is redelivered and redone, so nothing has ended.</summary>
    public static bool WasCancelled(Fault fault) =>
        fault.Exceptions.Any(e => e.ExceptionType.EndsWith("OperationCanceledException") || e.ExceptionType.EndsWith("TaskCanceledException"));

    /// <summary>The first line of the first exception's message: the reason users read.</summary>
    public static string FirstReason(Fault fault) => fault.Exceptions.FirstOrDefault()?.Message?.Split('\n', 2)[0].Trim() ?? "no reason given";
}
