namespace XaiVision.Worker.Cli;

/// <summary>The <c>explain</c> flag behind a job spec field, so the job validator's problems read in the words the user typed.</summary>
public static class CliFlags
{
    static readonly Dictionary<string, string> ByPath = new(StringComparer.Ordinal)
    {
        ["model.architecture"] = "--model",
        ["model.inputSize"] = "--input-size",
        ["model.resizeTo"] = "--resize",
        ["model.preprocess"] = "--preprocess",
        ["model.classScore"] = "--class-score",
        ["model.precision"] = "--precision",
        ["model.device"] = "--device",
        ["model.head"] = "--head",
        ["targets"] = "--target",
        ["suite.explainers"] = "--methods",
        ["suite.metrics"] = "--metrics",
        ["suite.perturbations"] = "--perturb",
    };

    /// <summary>The flag for a spec path (<c>model.inputSize</c> → <c>--input-size</c>); the path itself where no flag sets it.</summary>
    public static string For(string path) => ByPath.GetValueOrDefault(path, path);
}
