using XaiVision.Contracts;

namespace XaiVision.Worker.Configuration;

/// <summary>What this worker's configuration allows a job: its size, and where it may write (the spec's own checks are in JobSpecValidator).</summary>
public sealed record JobLimits(long MaxImages, int MaxShards, IReadOnlyList<string> WritableContainers, string JobsContainer, int MaxInputSize = 1024)
{
    public static JobLimits From(WorkerOptions worker, StorageOptions storage) =>
        new(worker.MaxImagesPerJob, worker.MaxShardsPerJob, storage.WritableContainers, storage.JobsContainer, worker.MaxInputSize);

    public IEnumerable<ValidationProblem> Check(AuditJobSpec spec)
    {
        var output = spec.Output.Container;
        if (output == JobsContainer)
            yield return new ValidationProblem("output.container", $"'{output}' holds the job index; choose another container.");
        else if (WritableContainers.Count > 0 && !WritableContainers.Contains(output))
            yield return new ValidationProblem("output.container", $"'{output}' is not writable by this worker (Storage:WritableContainers: {string.Join(", ", WritableContainers)}).");
        foreach (var (model, path) in new[] { (spec.Model, "model"), (spec.Baseline, "baseline") })
            if (model?.InputSize > MaxInputSize)
                yield return new ValidationProblem($"{path}.inputSize", $"{model.InputSize} px is over this worker's limit of {MaxInputSize} (Worker:MaxInputSize).");
    }
}
