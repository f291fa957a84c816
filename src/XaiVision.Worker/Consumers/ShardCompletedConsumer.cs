using MassTransit;
using XaiVision.Contracts;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Consumers;

/// <summary>
/// <see cref="ShardCompleted"/> → <see cref="JobAggregation"/>: the last shard of a job aggregates it and announces
/// <see cref="AuditJobCompleted"/> (or <see cref="AuditJobFailed"/>); a shard finding another worker aggregating is retried by the definition.
/// </summary>
public sealed class ShardCompletedConsumer(JobAggregation aggregation) : IConsumer<ShardCompleted>
{
    public Task Consume(ConsumeContext<ShardCompleted> context) =>
        aggregation.ShardCompletedAsync(context, context.Message, (context.MessageId ?? Guid.NewGuid()).ToString("N"), context.CancellationToken);
}
