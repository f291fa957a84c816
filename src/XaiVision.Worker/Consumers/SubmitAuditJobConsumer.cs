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
/// written), lists the images, writes <c>job.json</c> and the job index (create-if-absent), then sends
/// the shards. A redelivered submission re-sends the same shards, which are idempotent.
/// </summary>
public sealed class SubmitAuditJobConsumer(IBlobStore store, JobStore jobs, JobCompletion completion, IOptions<WorkerOptions> worker, IOptions<StorageOptions> storage,
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
        JobPlan? plan = null;
        try
        {
            if (problems.Count == 0) (plan, problems) = await new JobPlanner(store).PlanAsync(jobId, spec, JobLimits.From(worker.Value, storage.Value), context.CancellationToken);
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

        var allowed = spec.MaxMinutes is { } minutes && minutes < jobOptions.Value.MaxJobMinutes ? TimeSpan.FromMinutes(minutes) : jobOptions.Value.MaxJobTime;
        plan = plan with { Deadline = clock.GetUtcNow() + allowed };
        if (!await jobs.TryCreatePlanAsync(plan, context.CancellationToken))
        {
            var existing = await jobs.ReadPlanAsync(spec, context.CancellationToken);
            if (existing?.JobId != jobId)
            {
                await context.Publish(new AuditJobRejected(jobId, [new ValidationProblem("output.prefix", $"'{spec.Output.Container}/{spec.Output.Prefix}' already holds job {existing?.JobId}.")]));
                return;
            }
            plan = existing;
        }
        await completion.StartAsync(spec, plan.Shards.Count, context.CancellationToken);
        await jobs.TryCreateIndexAsync(new JobIndexEntry(jobId, spec.Output.Container, spec.Output.Prefix, plan.Shards.Count, plan.Images), context.CancellationToken);
        if (plan.Deadline is { } deadline && !await jobs.HasReportAsync(spec, context.CancellationToken))
            await jobs.TryCreateOpenAsync(new OpenJob(jobId, spec.Output.Container, spec.Output.Prefix, plan.Shards.Count, deadline), context.CancellationToken);

        log.LogInformation("Job {JobId}: {Images} images in {Shards} shards", jobId, plan.Images, plan.Shards.Count);
        for (int i = 0; i < plan.Shards.Count; i++)
            await context.Publish(new AuditShard(jobId, i, plan.Shards.Count, plan.Spec, plan.Shards[i], plan.Images, plan.Deadline));
    }
}
