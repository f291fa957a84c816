using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XaiVision.Contracts;
using XaiVision.Engine;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// Plans a job: validates the spec (a rejected job writes nothing), checks a stored baseline, counts the images
/// (<see cref="JobPlanner"/>, a page at a time), writes <c>job.json</c> with the job's deadline, the completion tally, the job index
/// and the open-job entry (all create-if-absent); then sends the shards as they are cut. A redelivered submission resumes from the
/// last recorded count of shards sent; a shard sent twice is idempotent.
/// </summary>
public sealed class JobPlanning(JobPlanner planner, JobStore jobs, JobCompletion completion, JobEnd jobEnd, IOptions<WorkerOptions> worker,
    IOptions<StorageOptions> storage, IOptions<JobsOptions> jobOptions, TimeProvider clock, ILogger<JobPlanning> log)
{
    /// <summary>The planned job, or every reason it was rejected.</summary>
    public sealed record Outcome(JobPlan? Plan, IReadOnlyList<ValidationProblem> Problems)
    {
        public static Outcome Rejected(IReadOnlyList<ValidationProblem> problems) => new(null, problems);
    }

    public async Task<Outcome> PlanAsync(Guid jobId, AuditJobSpec spec, CancellationToken ct)
    {
        var problems = JobSpecValidator.Validate(spec);
        if (problems.Count > 0) return Outcome.Rejected(problems);
        var location = spec.Location();
        JobPlan? plan;
        try
        {
            // A redelivered submission resumes its job: validated and counted before, so straight to sending.
            plan = await jobs.ReadPlanAsync(location, ct) is { } existing && existing.JobId == jobId ? existing : null;
            if (plan is null && spec.Baseline?.Job is not null && await StoredBaseline.CheckAsync(jobs, spec, ct) is { Count: > 0 } stored)
                return Outcome.Rejected(stored);
            if (plan is null) (plan, problems) = await planner.PlanAsync(jobId, spec, JobLimits.From(worker.Value, storage.Value), ct);
        }
        catch (XaiVisionException e) // the store refused (StorageAccessException), a blob over its limit, a manifest gone: never a vanished job
        {
            return Outcome.Rejected([new ValidationProblem(e is StorageAccessException ? "storage" : "images", e.Message)]);
        }
        if (plan is null) return Outcome.Rejected(problems);

        if (plan.Deadline is null)
        {
            var allowed = spec.MaxMinutes is { } minutes && minutes < jobOptions.Value.MaxJobMinutes ? TimeSpan.FromMinutes(minutes) : jobOptions.Value.MaxJobTime;
            plan = plan with { Deadline = clock.GetUtcNow() + allowed };
            if (!await jobs.TryCreatePlanAsync(plan, ct))
            {
                var existing = await jobs.ReadPlanAsync(location, ct);
                if (existing?.JobId != jobId)
                    return Outcome.Rejected([new ValidationProblem("output.prefix", $"'{location}' already holds job {existing?.JobId}.")]);
                plan = existing;
            }
        }
        await completion.StartAsync(location, plan.ShardCount, ct);
        await jobs.TryCreateIndexAsync(new JobIndexEntry(jobId, location.Container, location.Prefix, plan.ShardCount, plan.Images), ct);
        if (plan.Deadline is { } deadline && !await jobs.HasReportAsync(location, ct))
            await jobs.TryCreateOpenAsync(new OpenJob(jobId, location.Container, location.Prefix, plan.ShardCount, deadline), ct);
        return new Outcome(plan, []);
    }

    /// <summary>
    /// Cuts the shards again from the listing or manifest, one at a time, and sends those not yet sent (<c>planning.json</c> records
    /// how many every <see cref="ProgressEvery"/> shards, so a redelivered submission resumes instead of resending a million images). If
    /// the images changed since they were counted, the job fails with both counts: its shards would not be the ones planned.
    /// </summary>
    public async Task SendShardsAsync(IPublishEndpoint publish, JobPlan plan, CancellationToken ct)
    {
        var (spec, location) = (plan.Spec, plan.Spec.Location());
        int sent = await jobs.ReadSentShardsAsync(location, ct), index = 0;
        long images = 0;
        log.LogInformation("Job {JobId}: {Images} images in {Shards} shards{Resumed}", plan.JobId, plan.Images, plan.ShardCount,
            sent > 0 ? $", resuming after {sent} sent" : "");
        await foreach (var shard in planner.ShardsAsync(spec, ct))
        {
            images += shard.Count;
            if (index >= plan.ShardCount) break;
            if (index >= sent) await publish.Publish(new AuditShard(plan.JobId, index, plan.ShardCount, spec, shard, plan.Images, plan.Deadline), ct);
            if (++index % ProgressEvery == 0 && index > sent) await jobs.MarkSentShardsAsync(location, index, ct);
        }
        if (index != plan.ShardCount || images != plan.Images)
        {
            await jobEnd.FailAsync(publish, plan.JobId, location,
                $"The images changed while the job was being planned: {plan.Images} counted, {(images > plan.Images ? "more" : images.ToString())} when the shards were sent.", ct);
            return;
        }
        if (index > sent) await jobs.MarkSentShardsAsync(location, index, ct);
    }

    public const int ProgressEvery = 500;
}
