using MassTransit;
using XaiVision.Contracts;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Consumers;

/// <summary>
/// A shard that faulted after its retries (a storage outage longer than Storage:OutagePatienceSeconds, a local disk
/// error…) lands in <c>audit-shard_error</c>; this records it as a failed shard so its job still ends — or, when the store is
/// full and could not hold the record either, fails the job with the reason at once. A fault from a
/// cancelled consume (shutdown) is ignored: that shard is redelivered and redone.
/// </summary>
public sealed class AuditShardFaultConsumer(JobEnd jobEnd) : IConsumer<Fault<AuditShard>>
{
    public async Task Consume(ConsumeContext<Fault<AuditShard>> context)
    {
        var (fault, ct) = (context.Message, context.CancellationToken);
        if (Faults.WasCancelled(fault)) return;
        var shard = fault.Message;
        if (await jobEnd.HasEndedAsync(shard.Spec.Location(), ct)) return;
        var first = Faults.FirstReason(fault);
        if (fault.Exceptions.Any(e => e.ExceptionType == typeof(StorageFullException).FullName))
            // Nothing more fits in the store, the shard's failure records included: the job fails with the reason, announced.
            await jobEnd.FailAsync(context, shard.JobId, shard.Spec.Location(), $"Shard {shard.ShardIndex + 1}/{shard.ShardCount} faulted after its retries: {first}", ct);
        else
            await jobEnd.FailShardAsync(context, shard, $"it faulted after its retries ({first})", ct);
    }
}
