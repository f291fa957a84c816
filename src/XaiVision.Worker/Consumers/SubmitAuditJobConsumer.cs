using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XaiVision.Contracts;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Consumers;

/// <summary>
/// Plans a job: validates the spec (invalid → <see cref="AuditJobRejected"/> with every reason, nothing
/// written), counts the images (<see cref="JobPlanner"/>, a page at a time), writes <c>job.json</c>, the completion tally and the job
/// index (create-if-absent), then sends the shards as they are cut. A redelivered submission resumes from the last recorded count of
/// shards sent; a shard sent twice is idempotent.
/// </summary>
public sealed class SubmitAuditJobConsumer(IBlobStore store, JobStore jobs, JobCompletion completion, JobEnd jobEnd, IOptions<WorkerOptions> worker, IOptions<StorageOptions> storage,
    IOptions<JobsOptions> jobOptions,
    TimeProvider clock, ILogger<SubmitAuditJobConsumer> log) : IConsumer<SubmitAuditJob>
{
    public async Task Consume(ConsumeContext<SubmitAuditJob> context)
    {
        if ((object?)context.Message.Spec is null)
        {
            await context.Publish(new AuditJobRejected(context.Message.JobId, [new ValidationProblem("spec", "is missing.")]));
            return;
        }
        var (jobId, spec) = (context.Message.JobId, context.Message.Spec);
        var problems = JobSpecValidator.Validate(spec);
        var ct = context.CancellationToken;
        var planner = new JobPlanner(store);
        JobPlan? plan = null;
        try
        {
            // A redelivered submission resumes its job: validated and counted before, so straight to sending.
            if (problems.Count == 0 && await jobs.ReadPlanAsync(spec, ct) is { } existing && existing.JobId == jobId) plan = existing;
            else if (problems.Count == 0 && spec.Baseline?.Job is not null && await StoredBaseline.CheckAsync(jobs, spec, ct) is { Count: > 0 } stored) problems = stored;
            else if (problems.Count == 0) (plan, problems) = await planner.PlanAsync(jobId, spec, JobLimits.From(worker.Value, storage.Value), ct);
        }
        catch (StorageAccessException e)
        {
            problems = [new ValidationProblem("storage", e.Message)];
        }
        if (plan is null)
        {
            log.LogWarning("Job {JobId} rejected: {Problems}", jobId, string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}")));
            await context.Publish(new AuditJobRejected(jobId, problems));
            return;
        }

        if (plan.Deadline is null)
        {
            var allowed = spec.MaxMinutes is { } minutes && minutes < jobOptions.Value.MaxJobMinutes ? TimeSpan.FromMinutes(minutes) : jobOptions.Value.MaxJobTime;
            plan = plan with { Deadline = clock.GetUtcNow() + allowed };
            if (!await jobs.TryCreatePlanAsync(plan, ct))
            {
                var existing = await jobs.ReadPlanAsync(spec, ct);
                if (existing?.JobId != jobId)
                {
                    await context.Publish(new AuditJobRejected(jobId,
                        [new ValidationProblem("output.prefix", $"'{spec.Output.Container}/{spec.Output.Prefix}' already holds job {existing?.JobId}.")]));
                    return;
                }
                plan = existing;
            }
        }
        await completion.StartAsync(spec, plan.ShardCount, ct);
        await jobs.TryCreateIndexAsync(new JobIndexEntry(jobId, spec.Output.Container, spec.Output.Prefix, plan.ShardCount, plan.Images), ct);
        if (plan.Deadline is { } deadline && !await jobs.HasReportAsync(spec, ct))
            await jobs.TryCreateOpenAsync(new OpenJob(jobId, spec.Output.Container, spec.Output.Prefix, plan.ShardCount, deadline), ct);
        await SendShardsAsync(context, planner, plan);
    }

    /// <summary>
    /// Cuts the shards again from the listing or manifest, one at a time, and sends those not yet sent (<c>planning.json</c> records
    /// how many every <see cref="ProgressEvery"/> shards, so a redelivered submission resumes instead of resending a million images). If
    /// the images changed since they were counted, the job fails with both counts: its shards would not be the ones planned.
    /// </summary>
    async Task SendShardsAsync(ConsumeContext<SubmitAuditJob> context, JobPlanner planner, JobPlan plan)
    {
        var (spec, ct) = (plan.Spec, context.CancellationToken);
        int sent = await jobs.ReadSentShardsAsync(spec, ct), index = 0;
        long images = 0;
        log.LogInformation("Job {JobId}: {Images} images in {Shards} shards{Resumed}", plan.JobId, plan.Images, plan.ShardCount,
            sent > 0 ? $", resuming after {sent} sent" : "");
        await foreach (var shard in planner.ShardsAsync(spec, ct))
        {
            images += shard.Count;
            if (index >= plan.ShardCount) break;
            if (index >= sent) await context.Publish(new AuditShard(plan.JobId, index, plan.ShardCount, spec, shard, plan.Images, plan.Deadline), ct);
            if (++index % ProgressEvery == 0 && index > sent) await jobs.MarkSentShardsAsync(spec, index, ct);
        }
        if (index != plan.ShardCount || images != plan.Images)
        {
            await jobEnd.FailAsync(context, plan.JobId, spec.Output.Container, spec.Output.Prefix,
                $"The images changed while the job was being planned: {plan.Images} counted, {(images > plan.Images ? "more" : images.ToString())} when the shards were sent.", ct);
            return;
        }
        if (index > sent) await jobs.MarkSentShardsAsync(spec, index, ct);
    }

    public const int ProgressEvery = 500;
}
