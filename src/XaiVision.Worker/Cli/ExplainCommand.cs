using System.CommandLine;
using XaiVision.Engine;
using XaiVision.Engine.Demo;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Models;
using XaiVision.Engine.Models.Weights;
using XaiVision.Engine.Native;
using XaiVision.Engine.Perturbations;
using XaiVision.Engine.Pipeline;
using XaiVision.Engine.Suites;

namespace XaiVision.Worker.Cli;

/// <summary><c>explain [images…]</c>: heatmaps, raw maps and a summary for image files.</summary>
public static class ExplainCommand
{
    public const string DefaultMethods = "grad-cam,grad-cam++,layer-cam,saliency,input-x-gradient,integrated-gradients,smoothgrad";

    public static Command Create()
    {
        var images = new Argument<string[]>("images") { Description = "Image files or folders (default: the bundled demo images).", Arity = ArgumentArity.ZeroOrMore };
        var model = new Option<string?>("--model") { Description = $"Architecture: {string.Join(", ", ArchitectureRegistry.Names.Order())}. Default: recognised from --weights; without weights the bundled demo." };
        var weights = new Option<string?>("--weights") { Description = "Weights: .pth/.pt/.ckpt (PyTorch state dict or training checkpoint, zip or legacy), .safetensors, .dat (TorchSharp), or a TorchScript .pt (tools/export-torchscript.py). Default for the demo: the bundled weights." };
        var weightsKey = new Option<string?>("--weights-key") { Description = "Which state dict of a checkpoint that holds several (e.g. model, ema, state_dict)." };
        var stripPrefix = new Option<string?>("--strip-prefix") { Description = "A key prefix to remove (module., model. and _orig_mod. are removed without asking when that makes the keys fit)." };
        var allowExtraKeys = new Option<bool>("--allow-extra-keys") { Description = "Ignore weights the architecture has no place for (e.g. an auxiliary head)." };
        var labels = new Option<string?>("--labels") { Description = "Class names, one per line (default: names stored in the checkpoint, if any)." };
        var methods = new Option<string>("--methods") { Description = $"Comma list; parameters in parentheses, e.g. integrated-gradients(steps=64,baseline=black). Known: {string.Join(", ", ExplainerCatalog.Names)}.", DefaultValueFactory = _ => DefaultMethods };
        var target = new Option<string>("--target") { Description = "predicted | class:K | top-k:K.", DefaultValueFactory = _ => "predicted" };
        var layer = new Option<string?>("--layer") { Description = "Layer for CAM methods, by torchvision name (features.29, layer4). Default: the architecture's." };
        var device = new Option<string>("--device") { Description = "cpu | cuda | cuda:N | auto.", DefaultValueFactory = _ => "cpu" };
        var libtorch = new Option<string?>("--libtorch-dir") { Description = $"Directory with CUDA libtorch libraries (else ${TorchRuntime.LibTorchDirVariable})." };
        var batch = new Option<int>("--batch-size") { Description = "Images per forward/backward pass.", DefaultValueFactory = _ => 8 };
        var seed = new Option<long>("--seed") { Description = "Seed for everything random (SmoothGrad noise).", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output folder.", DefaultValueFactory = _ => "xaivision-out" };
        var noRaw = new Option<bool>("--no-raw") { Description = "Do not write raw .npy maps." };
        var noOverlay = new Option<bool>("--no-overlay") { Description = "Do not write overlay PNGs." };
        var inputSize = new Option<int?>("--input-size") { Description = "Model input size (default: the architecture's, 224 for torchvision)." };
        var resize = new Option<int?>("--resize") { Description = "Shorter side before the centre crop (default 256 for 224 inputs)." };
        var metrics = new Option<string?>("--metrics") { Description = $"Comma list, parameters in parentheses: {string.Join(", ", MetricCatalog.Names)} (localisation needs masks)." };
        var perturb = new Option<string?>("--perturb") { Description = $"Comma list, parameters in parentheses, e.g. {PerturbationCatalog.SeedSet}. Known: {string.Join(", ", PerturbationCatalog.Names)}." };
        var masks = new Option<string?>("--masks") { Description = "Folder of ground-truth masks named like the images (default: the mask column of labels.csv beside the images)." };
        var maxInputSize = new Option<int>("--max-input-size") { Description = $"Refuse --input-size above this (memory grows with its square; at most {ModelLoader.MaxInputSize}).", DefaultValueFactory = _ => 1024 };
        var maxPixels = new Option<long>("--max-pixels") { Description = "Refuse images with more pixels than this.", DefaultValueFactory = _ => DecodeLimits.Default.MaxPixels };

        var command = new Command("explain", "Explain images with one or more attribution methods.")
        {
            images, model, weights, weightsKey, stripPrefix, allowExtraKeys, labels, methods, target, layer, device, libtorch, batch, seed, output, noRaw, noOverlay, inputSize, resize, maxInputSize, maxPixels, metrics, masks, perturb,
        };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            if (parse.GetValue(batch) is < 1 or > 1024) throw new XaiVisionException("--batch-size must be 1–1024.");
            if (parse.GetValue(maxPixels) < 1) throw new XaiVisionException("--max-pixels must be positive.");
            var weightsFile = parse.GetValue(weights);
            var named = parse.GetValue(model) is { } modelName ? ArchitectureRegistry.GetOrRecognise(modelName) : weightsFile is null ? ArchitectureRegistry.Get(ArchitectureRegistry.Demo) : null;
            var spec = named?.Name == ArchitectureRegistry.Demo && weightsFile is null
                ? DemoAssets.ModelSpec
                : new ModelSpec(named?.Name ?? "", weightsFile, parse.GetValue(labels),
                    Weights: new WeightOptions(parse.GetValue(weightsKey), parse.GetValue(stripPrefix), parse.GetValue(allowExtraKeys)),
                    AllowTorchScript: true); // the CLI runs the user's own file; workers need Models:AllowTorchScript
            if (parse.GetValue(labels) is { } labelFile) spec = spec with { LabelsPath = labelFile };
            if (parse.GetValue(maxInputSize) is < 16 or > ModelLoader.MaxInputSize) throw new XaiVisionException($"--max-input-size must be 16–{ModelLoader.MaxInputSize}.");
            int size = parse.GetValue(inputSize) ?? named?.DefaultInputSize ?? 224;
            if (named?.InputSizeProblem(size, parse.GetValue(maxInputSize)) is { } sizeProblem) throw new XaiVisionException($"--input-size: {sizeProblem}");
            if (size > parse.GetValue(maxInputSize)) throw new XaiVisionException($"--input-size: {size} px is over the input-size limit of {parse.GetValue(maxInputSize)} (memory grows with its square).");
            if (parse.GetValue(resize) is { } resizeTo && (resizeTo < size || resizeTo > 4 * parse.GetValue(maxInputSize)))
                throw new XaiVisionException($"--resize must be at least the input size ({size}) and at most 4 × --max-input-size.");
            if (parse.GetValue(inputSize) is not null || parse.GetValue(resize) is not null)
                spec = spec with { Preprocessing = Preprocessing.ImageNet(size, parse.GetValue(resize) ?? (int)Math.Round(size * 256.0 / 224)) };

            // Names, parameters and duplicates first (cheap); CAM layers once the architecture is known.
            IReadOnlyList<string> methodList = SuiteCompiler.Split(parse.GetValue(methods)), perturbList = SuiteCompiler.Split(parse.GetValue(perturb)),
                metricList = SuiteCompiler.Split(parse.GetValue(metrics));
            var suite = SuiteCompiler.CompileOrThrow(methodList, perturbList, metricList, SuiteCompiler.Paths.Cli, named, parse.GetValue(layer));
            var targets = TargetSelection.Parse(parse.GetValue(target));
            var files = ImageInputs.Expand(parse.GetValue(images) is { Length: > 0 } given ? given : [DemoAssets.ImagesDirectory]);
            var maskFor = ImageInputs.MaskLookup(files, parse.GetValue(masks));
            if (suite.MetricsNeedingMasks.Count > 0 && !files.Any(f => maskFor(f) is not null))
                throw new XaiVisionException($"--metrics {string.Join(", ", suite.MetricsNeedingMasks.Select(m => m.Name))} needs ground-truth masks, and none of the images has one: " +
                    "give --masks FOLDER (masks named like the images) or a labels.csv beside the images with a mask column.");
            var outputDirectory = OutputFolder.Prepare(parse.GetValue(output)!);
            var torchDevice = TorchRuntime.ResolveDevice(parse.GetValue(device), parse.GetValue(libtorch));
            using var loaded = ModelLoader.Load(spec, torchDevice);
            if (named is null)
                suite = SuiteCompiler.CompileOrThrow(methodList, perturbList, metricList, SuiteCompiler.Paths.Cli, loaded.Architecture, parse.GetValue(layer));
            Console.WriteLine($"model {loaded.Description} on {torchDevice}; {files.Count} image(s); methods {string.Join(", ", suite.Explainers.Select(e => e.Name))}");

            var options = new ExplainOptions(suite.Explainers, targets, parse.GetValue(batch), parse.GetValue(seed),
                !parse.GetValue(noOverlay), !parse.GetValue(noRaw), DecodeLimits.Default with { MaxPixels = parse.GetValue(maxPixels) },
                suite.Metrics, maskFor, suite.Perturbations);
            var summary = new ExplainRunner(loaded, options).Run(files, outputDirectory, new ConsoleProgress());
            SummaryPrinter.Print(summary, ImageInputs.KnownLabels(files), outputDirectory);
            if (summary.Failed == summary.Images.Count)
            {
                Console.Error.WriteLine($"error: none of the {summary.Images.Count} image(s) could be explained; first reason: {summary.Images[0].Error}");
                return ExitCodes.SomeImagesFailed;
            }
            return summary.Failed > 0 ? ExitCodes.SomeImagesFailed : ExitCodes.Ok;
        }));
        return command;
    }
}
