using XaiVision.Contracts;
using XaiVision.Engine;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Models;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// Every problem of a spec, each with its field path — all at once, so a user fixes them in one go: the fields, then whatever
/// <see cref="JobCompiler"/> finds turning it into engine objects (what a shard would run).
/// </summary>
public static class JobSpecValidator
{
    public const int MaxShardSize = 256;

    public static IReadOnlyList<ValidationProblem> Validate(AuditJobSpec spec)
    {
        // A spec is data from outside (a file or a message): JSON null can sit where the contract says never.
        var missing = MissingFields(spec, "").ToList();
        if (missing.Count > 0) return missing;
        var problems = new List<ValidationProblem>();
        void Check(bool ok, string path, string message)
        {
            if (!ok) problems.Add(new ValidationProblem(path, message));
        }
        void Parse(string path, Action parse)
        {
            try { parse(); }
            catch (XaiVisionException e) { problems.Add(new ValidationProblem(path, e.Message)); }
        }
        Architecture? Known(string path, string? name) // null when recognised from the weights, or (with a problem) unknown
        {
            try { return ArchitectureRegistry.GetOrRecognise(name); }
            catch (XaiVisionException e) { problems.Add(new ValidationProblem(path, e.Message)); return null; }
        }

        var architecture = Known("model.architecture", spec.Model.Architecture);
        CheckModel(spec.Model, "model", architecture, Check, Parse);
        if (spec.Baseline is { Job: { } stored } storedBaseline)
        {
            Check(Guid.TryParse(stored, out _), "baseline.job", $"'{stored}' is not a job id.");
            Check(storedBaseline with { Job = null } == new ModelSource(), "baseline", "with job, give nothing else: the stored job's own model made its maps.");
            Check(spec.Analysis is null || spec.Analysis.Count > 0, "analysis", "a stored-run baseline compares map thumbnails: leave strategy analysis on.");
        }
        else if (spec.Baseline is { } baseline)
        {
            var baselineArchitecture = Known("baseline.architecture", baseline.Architecture);
            CheckModel(baseline, "baseline", baselineArchitecture, Check, Parse);
            Check(!(spec.Targets ?? "").Trim().StartsWith("top-k"), "targets", "top-k targets cannot be compared with a baseline; use predicted, label or class:K.");
        }
        Check(spec.Baseline is null || !(spec.Targets ?? "").Trim().ToLowerInvariant().StartsWith("positive"), "targets",
            "positive targets give each image its own number of maps (none, one or several), which cannot be paired with a baseline's; use predicted, label or class:K.");

        Check(BlobNames.IsValidContainer(spec.Images.Container), "images.container", $"'{spec.Images.Container}' is not a valid container name (3–63 lowercase letters, digits, hyphens).");
        Check(spec.Images.Prefix.Length == 0 || BlobNames.IsSafePath(spec.Images.Prefix.TrimEnd('/')), "images.prefix", "must be a relative path without '..'.");
        CheckBlobPath(spec.Images.Manifest, "images.manifest", Check);
        Check(spec.Images.Limit is null or > 0, "images.limit", "must be positive.");

        Check(spec.Targets?.Trim().ToLowerInvariant() != "label" || spec.Images.Manifest is not null, "targets", "'label' needs a manifest with a label column.");
        var (job, compileProblems) = JobCompiler.Compile(spec, architecture);
        problems.AddRange(compileProblems);
        if (job is not null && spec.Images.Manifest is null)
            foreach (var metric in job.Suite.MetricsNeedingMasks)
                problems.Add(new ValidationProblem("suite.metrics", $"'{metric.Name}' needs ground-truth masks: give images.manifest with a mask column."));

        Check(BlobNames.IsValidContainer(spec.Output.Container), "output.container", $"'{spec.Output.Container}' is not a valid container name.");
        Check(spec.Output.Layout is "auto" or "files" or "archive", "output.layout", $"'{spec.Output.Layout}' is not one of auto, files, archive.");
        Check(spec.Output.Prefix.Length > 0 && BlobNames.IsSafePath(spec.Output.Prefix.TrimEnd('/')), "output.prefix", "must be a non-empty relative path without '..'.");
        for (int i = 0; i < spec.Gates.Count; i++)
        {
            var gate = spec.Gates[i];
            Check(!string.IsNullOrWhiteSpace(gate.Metric), $"gates[{i}].metric", "is required.");
            Check(gate.Min is not null || gate.Max is not null, $"gates[{i}]", "needs min or max.");
            Check(gate.Min is null || gate.Max is null || gate.Min <= gate.Max, $"gates[{i}]", "min is above max.");
        }
        Check(spec.Series is null || System.Text.RegularExpressions.Regex.IsMatch(spec.Series, "^[a-z0-9][a-z0-9-]{0,62}$"), "series",
            $"'{spec.Series}' must be 1–63 lowercase letters, digits and hyphens.");
        Check(spec.MaxMinutes is null or (>= 1 and <= JobsOptions.LongestJobMinutes), "maxMinutes", $"must be 1–{JobsOptions.LongestJobMinutes} (a worker's Jobs:MaxJobMinutes caps it further).");
        Check(spec.ShardSize is >= 1 and <= MaxShardSize, "shardSize", $"must be 1–{MaxShardSize} (shards must finish well inside the broker's consumer timeout).");
        return problems.Select(p => p with { Message = Echo.Clip(p.Message) }).ToList(); // never a 50 MB value back
    }

    /// <summary>A model's own fields: blob references, then <see cref="CheckPreprocessing"/>.</summary>
    static void CheckModel(ModelSource model, string path, Architecture? architecture, Action<bool, string, string> check, Action<string, Action> parse)
    {
        CheckBlobReference(model.Weights, $"{path}.weights", check);
        check(model.Weights is not null || ArchitectureRegistry.GetOrRecognise(model.Architecture) is not null, $"{path}.architecture",
            "is required without weights (with weights it may be left out: the architecture is recognised from them).");
        CheckBlobReference(model.Labels, $"{path}.labels", check);
        CheckPreprocessing(model, path, architecture, ModelLoader.MaxInputSize, check, parse);
    }

    /// <summary>
    /// How a model is fed and run — input size against the architecture and <paramref name="maxInputSize"/>, resize, normalisation,
    /// device, precision, whole images — as problems with the spec's paths (<c>model.inputSize</c>…): <c>explain</c> runs the same
    /// rules on its flags.
    /// </summary>
    public static IReadOnlyList<ValidationProblem> PreprocessingProblems(ModelSource model, Architecture? architecture, int maxInputSize)
    {
        var problems = new List<ValidationProblem>();
        CheckPreprocessing(model, "model", architecture, maxInputSize, (ok, path, message) => { if (!ok) problems.Add(new(path, message)); }, (path, parse) =>
        {
            try { parse(); }
            catch (XaiVisionException e) { problems.Add(new(path, e.Message)); }
        });
        return problems;
    }

    static void CheckPreprocessing(ModelSource model, string path, Architecture? architecture, int maxInputSize, Action<bool, string, string> check,
        Action<string, Action> parse)
    {
        if (model.InputSize is { } size && architecture?.InputSizeProblem(size, maxInputSize) is { } sizeProblem)
            check(false, $"{path}.inputSize", sizeProblem);
        check(model.ResizeTo is null || model.ResizeTo >= (model.InputSize ?? architecture?.DefaultInputSize ?? 1) && model.ResizeTo <= 4 * maxInputSize,
            $"{path}.resizeTo", "must be at least the input size (the centre crop is taken from the resized image) and at most 4 × the input-size limit.");
        check(model.Mean is null || model.Mean.Count == 3, $"{path}.mean", "needs 3 values (R, G, B).");
        check(model.Std is null || (model.Std.Count == 3 && model.Std.All(s => s > 0)), $"{path}.std", "needs 3 positive values (R, G, B).");
        check(model.Device is null or "cpu" or "auto" || model.Device.StartsWith("cuda"), $"{path}.device", "must be cpu, cuda, cuda:N or auto.");
        parse($"{path}.precision", () => ModelPrecisions.Parse(model.Precision));
        parse($"{path}.preprocess", () =>
        {
            if (PreprocessModes.Parse(model.Preprocess) != PreprocessMode.ResizeCrop && architecture?.WholeImageProblem is { } problem) throw new XaiVisionException(problem);
        });
        parse($"{path}.classScore", () => ClassScorePoolings.Parse(model.ClassScore));
        parse($"{path}.head", () => OutputHeads.Parse(model.Head));
    }

    /// <summary>Every non-nullable field (or list element) of the contract records that holds null, with its path.</summary>
    static IEnumerable<ValidationProblem> MissingFields(object node, string path)
    {
        foreach (var property in node.GetType().GetProperties().Where(p => p.CanRead && p.GetIndexParameters().Length == 0))
        {
            var name = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            var fieldPath = path.Length == 0 ? name : $"{path}.{name}";
            var value = property.GetValue(node);
            if (value is null)
            {
                if (ContractNullability.Shared.IsNonNullable(property)) yield return new ValidationProblem(fieldPath, "must not be null.");
                continue;
            }
            if (value is System.Collections.IEnumerable list and not string)
            {
                int i = 0;
                foreach (var item in list)
                {
                    if (item is null) yield return new ValidationProblem($"{fieldPath}[{i}]", "must not be null.");
                    else if (item.GetType().Namespace == typeof(AuditJobSpec).Namespace)
                        foreach (var problem in MissingFields(item, $"{fieldPath}[{i}]")) yield return problem;
                    i++;
                }
            }
            else if (value.GetType().Namespace == typeof(AuditJobSpec).Namespace)
            {
                foreach (var problem in MissingFields(value, fieldPath)) yield return problem;
            }
        }
    }

    static void CheckBlobReference(string? reference, string path, Action<bool, string, string> check)
    {
        if (reference is null) return;
        var slash = reference.IndexOf('/');
        check(slash > 0 && BlobNames.IsValidContainer(reference[..slash]) && BlobNames.IsSafePath(reference[(slash + 1)..]), path,
            $"'{reference}' must be 'container/path' with a valid container and no '..'.");
    }

    static void CheckBlobPath(string? name, string path, Action<bool, string, string> check)
    {
        if (name is not null) check(BlobNames.IsSafePath(name), path, "must be a relative path without '..'.");
    }
}
