using XaiVision.Engine.Imaging;
using XaiVision.Engine.Models.Weights;
using static TorchSharp.torch;

namespace XaiVision.Engine.Models;

/// <summary>Builds an architecture, loads its weights and labels, and moves it to a device.</summary>
public static class ModelLoader
{
    /// <summary>The largest input side anything may ask for (CLI and workers configure lower limits; 1024 by default).</summary>
    public const int MaxInputSize = 4096;

    public static ExplainableModel Load(ModelSpec spec, Device device)
    {
        var architecture = ArchitectureRegistry.Get(spec.Architecture);
        var labels = spec.LabelsPath is null ? null : ReadLabels(spec.LabelsPath);
        int classes = spec.NumClasses ?? labels?.Count ?? architecture.DefaultNumClasses;
        if (labels is not null && labels.Count != classes)
            throw new XaiVisionException($"Label file '{spec.LabelsPath}' has {labels.Count} names but the model has {classes} classes.");
        var preprocessing = spec.Preprocessing ?? Preprocessing.ImageNet(architecture.DefaultInputSize,
            architecture.DefaultInputSize == 224 ? 256 : architecture.DefaultInputSize);
        if (architecture.InputSizeProblem(preprocessing.InputSize, MaxInputSize) is { } sizeProblem) throw new XaiVisionException(sizeProblem);
        if (preprocessing.ResizeTo < preprocessing.InputSize)
            throw new XaiVisionException($"The resize target ({preprocessing.ResizeTo} px) is below the input size ({preprocessing.InputSize} px): the centre crop needs at least that much.");
        var network = architecture.Create(classes);
        try
        {
            if (spec.WeightsPath is not null) WeightFile.Load(network, spec.WeightsPath, architecture.Name);
            var description = $"{architecture.Name} ({(spec.WeightsPath is null ? "random weights" : Path.GetFileName(spec.WeightsPath))})"
                + (spec.Precision == ModelPrecision.BFloat16 ? ", bf16" : "");
            return new ExplainableModel(network, architecture, preprocessing, labels, device, description, spec.Precision);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>One class name per line; blank lines are an error (they would shift every index).</summary>
    public static IReadOnlyList<string> ReadLabels(string path)
    {
        if (!File.Exists(path)) throw new XaiVisionException($"Label file '{path}' does not exist.");
        var lines = File.ReadAllLines(path).Select(l => l.Trim()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        int blank = lines.FindIndex(l => l.Length == 0);
        if (blank >= 0) throw new XaiVisionException($"Label file '{path}' has a blank line at line {blank + 1}.");
        return lines;
    }
}
