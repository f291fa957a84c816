using XaiVision.Contracts;
using XaiVision.Worker.Hosting;

namespace XaiVision.Worker.Jobs;

/// <summary>What this worker's configuration allows a job: its size, and where it may write (the spec's own checks are in <see cref="JobSpecValidator"/>).</summary>
public sealed record JobLimits(long MaxImages, int MaxShards, IReadOnlyList<string> WritableContainers, string JobsContainer)
{
    public static JobLimits From(WorkerOptions worker, StorageOptions storage) =>
        new(worker.MaxImagesPerJob, worker.MaxShardsPerJob, storage.WritableContainers, storage.JobsContainer);

    public IEnumerable<ValidationProblem> Check(AuditJobSpec spec)
    {
        var output = spec.Output.Container;
        if (output == JobsContainer)
            yield return new ValidationProblem("output.container", $"'{output}' holds the job index; choose another container.");
        else if (WritableContainers.Count > 0 && !WritableContainers.Contains(output))
            yield return new ValidationProblem("output.container", $"'{output}' is not writable by this worker (Storage:WritableContainers: {string.Join(", ", WritableContainers)}).");
    }
}
