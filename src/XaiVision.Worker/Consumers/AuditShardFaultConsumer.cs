using MassTransit;
using XaiVision.Contracts;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Consumers;

/// <summary>
/// A shard that faulted after its retries (a storage outage longer than Storage:OutagePatienceSeconds, a local disk
/// error…) lands in <c>audit-shard_error</c>; this records it as a failed shard so its job still ends. A fault from a
/// cancelled consume (shutdown) is ignored: that shard is redelivered and redone.
/// </summary>
public sealed class AuditShardFaultConsumer(JobEnd jobEnd) : IConsumer<Fault<AuditShard>>
{
    public async Task Consume(ConsumeContext<Fault<AuditShard>> context)
    {
        var (fault, ct) = (context.Message, context.CancellationToken);
        if (fault.Exceptions.Any(e => e.ExceptionType.EndsWith("OperationCanceledException") || e.ExceptionType.EndsWith("TaskCanceledException"))) return;
        var shard = fault.Message;
        if (await jobEnd.HasEndedAsync(shard.Spec.Location(), ct)) return;
        var first = fault.Exceptions.FirstOrDefault()?.Message?.Split('\n', 2)[0].Trim() ?? "no reason given";
        await jobEnd.FailShardAsync(context, shard, $"it faulted after its retries ({first})", ct);
    }
}
