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
        var named = ArchitectureRegistry.GetOrRecognise(spec.Architecture);
        if (named is null && spec.WeightsPath is null)
            throw new XaiVisionException($"Name an architecture (--model, model.architecture) or give weights to recognise it from. Known: {string.Join(", ", ArchitectureRegistry.Names.Order())}.");
        if (spec.WeightsPath is { } scriptPath && File.Exists(scriptPath) && TorchScriptNetwork.IsTorchScript(scriptPath)) return LoadTorchScript(spec, scriptPath, named, device);
        using var archive = spec.WeightsPath is null ? null : WeightFile.Open(spec.WeightsPath);
        var selected = archive is null ? null : WeightSelection.Choose(archive, named, spec.Weights ?? new WeightOptions());
        var architecture = selected?.Architecture ?? named!;
        var labels = spec.LabelsPath is null ? archive?.ClassNames : ReadLabels(spec.LabelsPath);
        int classes = selected?.Classes ?? spec.NumClasses ?? labels?.Count ?? architecture.DefaultNumClasses;
        if (labels is not null && labels.Count != classes)
            throw new XaiVisionException(spec.LabelsPath is not null
                ? $"Label file '{spec.LabelsPath}' has {labels.Count} names but the model has {classes} classes."
                : $"The class names stored in '{spec.WeightsPath}' are {labels.Count}, but its head has {classes} classes.");
        var preprocessing = spec.Preprocessing ?? Preprocessing.ImageNet(architecture.DefaultInputSize, Preprocessing.DefaultResize(architecture.DefaultInputSize));
        if (architecture.InputSizeProblem(preprocessing.InputSize, MaxInputSize) is { } sizeProblem) throw new XaiVisionException(sizeProblem);
        if (preprocessing.ResizeTo < preprocessing.InputSize)
            throw new XaiVisionException($"The resize target ({preprocessing.ResizeTo} px) is below the input size ({preprocessing.InputSize} px): the centre crop needs at least that much.");
        preprocessing = WholeImages(preprocessing, spec, architecture);
        nn.Module<Tensor, Tensor> Build() => Built(architecture, classes, selected, spec, ref preprocessing);
        var network = Build();
        try
        {
            var description = architecture.Name + (network is ConvolutionalVgg cv ? $" as convolutions, class score = {cv.Pooling.Name()} of the map" : "")
                + (spec.WeightsPath is null ? " (random weights)" : $" ({Path.GetFileName(spec.WeightsPath)}{Details(selected!)}");
            var model = new ExplainableModel(network, architecture, preprocessing, labels, device, description + Headed(spec)) { Head = spec.Head };
            return spec.Precision == ModelPrecision.Float32 ? model
                : WithBFloat16(CopyOf(network, Build()),
                    n => new ExplainableModel(n, architecture, preprocessing, labels, device, description + Headed(spec) + ", bf16", spec.Precision, model) { Head = spec.Head });
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>A network of the architecture with the selected weights (VGG as convolutions for whole images).</summary>
    static nn.Module<Tensor, Tensor> Built(Architecture architecture, int classes, SelectedWeights? selected, ModelSpec spec, ref Preprocessing preprocessing)
    {
        var network = architecture.Create(classes);
        try
        {
            if (selected is not null) WeightFile.Copy(network, selected.Tensors);
            if (spec.Preprocess == PreprocessMode.ResizeCrop || !architecture.HeadRunsAsConvolutions) return network;
            var convolutional = ConvolutionalVgg.From(network, spec.ClassScore);
            preprocessing = preprocessing with { MinSide = convolutional.MinSide };
            CheckResizeSide(preprocessing, $"'{architecture.Name}' as convolutions");
            return convolutional;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary><paramref name="copy"/> with every parameter and buffer of <paramref name="source"/> (random weights included).</summary>
    static nn.Module<Tensor, Tensor> CopyOf(nn.Module<Tensor, Tensor> source, nn.Module<Tensor, Tensor> copy)
    {
        var from = source.state_dict();
        using (no_grad())
            foreach (var (name, tensor) in copy.state_dict()) tensor.copy_(from[name]);
        return copy;
    }

    /// <summary>The bf16 model made from <paramref name="network"/>, a second copy of the weights (the float32 model is its twin).</summary>
    /// <summary>The description's note of a multi-label head (nothing for the usual softmax).</summary>
    static string Headed(ModelSpec spec) => spec.Head == OutputHead.Sigmoid ? ", multi-label (sigmoid head)" : "";

    static ExplainableModel WithBFloat16(nn.Module<Tensor, Tensor> network, Func<nn.Module<Tensor, Tensor>, ExplainableModel> create)
    {
        try
        {
            return create(network);
        }
        catch
        {
            network.Dispose(); // the caller disposes the float32 network
            throw;
        }
    }

    /// <summary>Whole-image preprocessing (resize, none) for the architectures that take frames of any shape; refused for fixed-size heads.</summary>
    static Preprocessing WholeImages(Preprocessing preprocessing, ModelSpec spec, Architecture architecture)
    {
        preprocessing = preprocessing with { Mode = spec.Preprocess, MaxSide = spec.MaxSide, MinSide = architecture.MinInputSize };
        if (spec.Preprocess == PreprocessMode.ResizeCrop) return preprocessing;
        if (architecture.WholeImageProblem is { } problem) throw new XaiVisionException(problem);
        CheckResizeSide(preprocessing, $"'{architecture.Name}'");
        return preprocessing;
    }

    static void CheckResizeSide(Preprocessing p, string network)
    {
        if (p.Mode == PreprocessMode.Resize && p.InputSize < p.MinSide)
            throw new XaiVisionException($"With preprocess resize the shorter side becomes the input size ({p.InputSize} px), below the {p.MinSide} px {network} needs.");
    }

    /// <summary>A TorchScript model: code, so only where allowed; its class count from a first forward; no architecture to name.</summary>
    static ExplainableModel LoadTorchScript(ModelSpec spec, string path, Architecture? named, Device device)
    {
        if (!spec.AllowTorchScript)
            throw new XaiVisionException($"'{path}' is a TorchScript model: code, not only weights, and loading it runs that code. This worker does not load "
                + "TorchScript (Models:AllowTorchScript); give a state dict instead, or allow it where the models are trusted.");
        if (named is not null)
            throw new XaiVisionException($"'{path}' is a TorchScript model, which brings its own network: leave out the architecture (--model, model.architecture).");
        if (spec.Preprocess != PreprocessMode.ResizeCrop)
            throw new XaiVisionException($"'{path}' is a TorchScript model, whose input size is fixed by its code as far as we can tell: use preprocess resize-crop.");
        var preprocessing = spec.Preprocessing ?? Preprocessing.ImageNet(224, 256);
        if (preprocessing.InputSize > MaxInputSize) throw new XaiVisionException($"{preprocessing.InputSize} px is over the input-size limit of {MaxInputSize}.");
        var (network, classes) = TorchScriptNetwork.Load(path, preprocessing.InputSize);
        try
        {
            var labels = spec.LabelsPath is null ? null : ReadLabels(spec.LabelsPath);
            if (labels is not null && labels.Count != classes)
                throw new XaiVisionException($"Label file '{spec.LabelsPath}' has {labels.Count} names but the model has {classes} classes.");
            var description = $"TorchScript ({Path.GetFileName(path)}, {classes} classes, " +
                $"{(network.ReturnsActivation ? "returns (logits, activation): CAM methods available" : "returns logits: no CAM methods")})";
            var model = new ExplainableModel(network, ArchitectureRegistry.TorchScript, preprocessing, labels, device, description + Headed(spec)) { Head = spec.Head };
            return spec.Precision == ModelPrecision.Float32 ? model
                : WithBFloat16(TorchScriptNetwork.Load(path, preprocessing.InputSize).Network,
                    n => new ExplainableModel(n, ArchitectureRegistry.TorchScript, preprocessing, labels, device, description + Headed(spec) + ", bf16", spec.Precision, model)
                        { Head = spec.Head });
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>What was read from a weight file, for the one-line model description.</summary>
    static string Details(SelectedWeights selected)
    {
        var parts = new List<string> { $"{selected.Classes} classes" };
        if (selected.Location.Length > 0) parts.Add($"state dict '{selected.Location}'");
        if (selected.Prefix.Length > 0) parts.Add($"prefix '{selected.Prefix}' removed");
        if (selected.Ignored.Count > 0) parts.Add($"{selected.Ignored.Count} extra key(s) ignored");
        if (selected.HeadVariant is { } variant) parts.Add($"head '{variant}' read as '{selected.Architecture.HeadLayer}' (dropout before it is inert)");
        if (selected.Recognised) parts.Add("architecture recognised from the weights");
        return ", " + string.Join(", ", parts) + ")";
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
