using MassTransit;
using Microsoft.Extensions.Logging;
using XaiVision.Contracts;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Consumers;

/// <summary>
/// <see cref="SubmitAuditJob"/> → <see cref="JobPlanning"/>: a rejected job becomes <see cref="AuditJobRejected"/> with every reason;
/// a planned one has its shards sent.
/// </summary>
public sealed class SubmitAuditJobConsumer(JobPlanning planning, ILogger<SubmitAuditJobConsumer> log) : IConsumer<SubmitAuditJob>
{
    public async Task Consume(ConsumeContext<SubmitAuditJob> context)
    {
        var (jobId, spec, ct) = (context.Message.JobId, context.Message.Spec, context.CancellationToken);
        var outcome = (object?)spec is null ? JobPlanning.Outcome.Rejected([new ValidationProblem("spec", "is missing.")])
            : await planning.PlanAsync(jobId, spec, ct);
        if (outcome.Plan is not { } plan)
        {
            log.LogWarning("Job {JobId} rejected: {Problems}", jobId, string.Join("; ", outcome.Problems.Select(p => $"{p.Path}: {p.Message}")));
            await context.Publish(new AuditJobRejected(jobId, outcome.Problems));
            return;
        }
        await planning.SendShardsAsync(context, plan, ct);
    }
}
