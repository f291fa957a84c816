using System.CommandLine;
using XaiVision.Contracts;
using XaiVision.Engine;
using XaiVision.Engine.Demo;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Models;
using XaiVision.Engine.Native;
using XaiVision.Engine.Perturbations;
using XaiVision.Engine.Suites;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Cli;

/// <summary>
/// <c>explain [images…]</c>: heatmaps, raw maps, a summary and a report for image files — its flags made a job spec and run
/// through the same <see cref="ShardRunner"/> as a job's shards, straight from the files (no bus, no store: nothing to copy).
/// </summary>
public static class ExplainCommand
{
    public const string DefaultMethods = "grad-cam,grad-cam++,layer-cam,saliency,input-x-gradient,integrated-gradients,smoothgrad";

    public static Command Create()
    {
        var images = new Argument<string[]>("images") { Description = "Image files or folders (default: the bundled demo images).", Arity = ArgumentArity.ZeroOrMore };
        var model = new Option<string?>("--model") {
            Description = $"Architecture: {string.Join(", ", ArchitectureRegistry.Names.Order())}. Default: recognised from --weights; without weights the bundled demo." };
        var weights = new Option<string?>("--weights") {
            Description = "Weights: .pth/.pt/.ckpt (PyTorch state dict or training checkpoint, zip or legacy), .safetensors, " +
                ".dat (TorchSharp), or a TorchScript .pt (tools/export-torchscript.py). Default for the demo: the bundled weights." };
        var weightsKey = new Option<string?>("--weights-key") { Description = "Which state dict of a checkpoint that holds several (e.g. model, ema, state_dict)." };
        var stripPrefix = new Option<string?>("--strip-prefix") { Description = "A key prefix to remove (module., model. and _orig_mod. are removed without asking when that makes the keys fit)." };
        var allowExtraKeys = new Option<bool>("--allow-extra-keys") { Description = "Ignore weights the architecture has no place for (e.g. an auxiliary head)." };
        var labels = new Option<string?>("--labels") { Description = "Class names, one per line (default: names stored in the checkpoint, if any)." };
        var methods = new Option<string>("--methods") {
            Description = "Comma list; parameters in parentheses, e.g. integrated-gradients(steps=64,baseline=black). " +
                $"Known: {string.Join(", ", ExplainerCatalog.Names)}.", DefaultValueFactory = _ => DefaultMethods };
        var target = new Option<string>("--target") {
            Description = "predicted | class:K | top-k:K | label | contrast:A-B | positive[:T] (every label with probability ≥ T, default 0.5; with --head sigmoid).",
            DefaultValueFactory = _ => "predicted" };
        var head = new Option<string>("--head") {
            Description = "softmax (one class per image) | sigmoid (a multi-label model: each label's probability on its own).", DefaultValueFactory = _ => "softmax" };
        var layer = new Option<string?>("--layer") { Description = "Layer for CAM methods, by torchvision name (features.29, layer4). Default: the architecture's." };
        var device = new Option<string>("--device") { Description = "cpu | cuda | cuda:N | auto.", DefaultValueFactory = _ => "cpu" };
        var precision = new Option<string>("--precision") {
            Description = "fp32 | bf16: the network in bfloat16 for predictions, metrics and forward-only methods; gradient methods keep float32.",
            DefaultValueFactory = _ => "fp32" };
        var libtorch = new Option<string?>("--libtorch-dir") { Description = $"Directory with CUDA libtorch libraries (else ${TorchRuntime.LibTorchDirVariable})." };
        var batch = new Option<int>("--batch-size") { Description = "Images per forward/backward pass.", DefaultValueFactory = _ => 8 };
        var seed = new Option<long>("--seed") { Description = "Seed for everything random (SmoothGrad noise).", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output folder.", DefaultValueFactory = _ => "xaivision-out" };
        var noRaw = new Option<bool>("--no-raw") { Description = "Do not write raw .npy maps." };
        var noOverlay = new Option<bool>("--no-overlay") { Description = "Do not write overlay PNGs." };
        var inputSize = new Option<int?>("--input-size") { Description = "Model input size (default: the architecture's, 224 for torchvision)." };
        var resize = new Option<int?>("--resize") { Description = "Shorter side before the centre crop (default 256 for 224 inputs, else the input size)." };
        var preprocess = new Option<string>("--preprocess") {
            Description = "resize-crop (shorter side to --resize, centre crop) | resize (shorter side to the input size, whole image) | none (native size, "
                + "sides up to --max-input-size). Whole images run VGG's classifier as convolutions.", DefaultValueFactory = _ => "resize-crop" };
        var classScore = new Option<string>("--class-score") {
            Description = "For whole images on VGG: the class score is the mean (default) or max of the class-score map.", DefaultValueFactory = _ => "mean" };
        var layerSweep = new Option<bool>("--layer-sweep") {
            Description = "Also explain every layer: Grad-CAM and LayerCAM at each block's output, each LRP method's relevance at every layer (sweep.png, sweep/*.npy)." };
        var metrics = new Option<string?>("--metrics") { Description = $"Comma list, parameters in parentheses: {string.Join(", ", MetricCatalog.Names)} (localisation needs masks)." };
        var perturb = new Option<string?>("--perturb") {
            Description = $"Comma list, parameters in parentheses, e.g. {PerturbationCatalog.SeedSet}. Known: {string.Join(", ", PerturbationCatalog.Names)}." };
        var masks = new Option<string?>("--masks") { Description = "Folder of ground-truth masks named like the images (default: the mask column of labels.csv beside the images)." };
        var maxInputSize = new Option<int>("--max-input-size") {
            Description = $"Refuse --input-size above this (memory grows with its square; at most {ModelLoader.MaxInputSize}).", DefaultValueFactory = _ => 1024 };
        var maxPixels = new Option<long>("--max-pixels") { Description = "Refuse images with more pixels than this.", DefaultValueFactory = _ => DecodeLimits.Default.MaxPixels };

        var command = new Command("explain", "Explain images with one or more attribution methods.")
        {
            images, model, weights, weightsKey, stripPrefix, allowExtraKeys, labels, methods, target, head, layer, device, precision, libtorch, batch, seed,
                output, noRaw, noOverlay, inputSize, resize, preprocess, classScore, maxInputSize, maxPixels, metrics, masks, perturb, layerSweep,
        };
        command.SetAction(async (parse, ct) => await CliErrors.GuardAsync(async () =>
        {
            if (parse.GetValue(batch) is < 1 or > 1024) throw new XaiVisionException("--batch-size must be 1–1024.");
            if (parse.GetValue(maxPixels) < 1) throw new XaiVisionException("--max-pixels must be positive.");
            if (parse.GetValue(maxInputSize) is < 16 or > ModelLoader.MaxInputSize) throw new XaiVisionException($"--max-input-size must be 16–{ModelLoader.MaxInputSize}.");
            var weightsFile = parse.GetValue(weights);
            var named = parse.GetValue(model) is { } modelName ? ArchitectureRegistry.GetOrRecognise(modelName) : weightsFile is null ? ArchitectureRegistry.Get(ArchitectureRegistry.Demo) : null;
            bool demo = named?.Name == ArchitectureRegistry.Demo && weightsFile is null;
            // The flags are a job spec: compiled by the same JobCompiler as a job's, so both accept the same suites and preprocess alike.
            var spec = new AuditJobSpec
            {
                Model = new ModelSource
                {
                    Architecture = named?.Name ?? "",
                    InputSize = parse.GetValue(inputSize),
                    ResizeTo = parse.GetValue(resize),
                    WeightsKey = parse.GetValue(weightsKey),
                    StripPrefix = parse.GetValue(stripPrefix),
                    AllowExtraKeys = parse.GetValue(allowExtraKeys),
                    Preprocess = PreprocessModes.Parse(parse.GetValue(preprocess)).Name(),
                    ClassScore = ClassScorePoolings.Parse(parse.GetValue(classScore)).Name(),
                    Precision = parse.GetValue(precision),
                    Head = parse.GetValue(head),
                },
                Targets = parse.GetValue(target)!,
                Suite = new SuiteDefinition
                {
                    Explainers = SuiteCompiler.Split(parse.GetValue(methods)),
                    Perturbations = SuiteCompiler.Split(parse.GetValue(perturb)),
                    Metrics = SuiteCompiler.Split(parse.GetValue(metrics)),
                    Seed = parse.GetValue(seed),
                    LayerSweep = parse.GetValue(layerSweep),
                },
            };
            // The job validator's rules for how the model is fed, in flag words; then the suite's names, parameters and duplicates (cheap),
            // and its CAM layers once the architecture is known.
            if (JobSpecValidator.PreprocessingProblems(spec.Model, named, parse.GetValue(maxInputSize)) is { Count: > 0 } problems)
                throw new XaiVisionException(string.Join("; ", problems.Select(p => $"{CliFlags.For(p.Path)}: {p.Message}")));
            var job = JobCompiler.CompileOrThrow(spec, named, SuiteCompiler.Paths.Cli, parse.GetValue(layer));
            var inputs = ImageInputs.Images(ImageInputs.Expand(parse.GetValue(images) is { Length: > 0 } given ? given : [DemoAssets.ImagesDirectory]), parse.GetValue(masks));
            if (job.Suite.MetricsNeedingMasks.Count > 0 && inputs.All(i => i.Mask is null))
                throw new XaiVisionException($"--metrics {string.Join(", ", job.Suite.MetricsNeedingMasks.Select(m => m.Name))} needs ground-truth masks, and none of the images has one: " +
                    "give --masks FOLDER (masks named like the images) or a labels.csv beside the images with a mask column.");
            var outputDirectory = OutputFolder.Prepare(parse.GetValue(output)!);
            var torchDevice = TorchRuntime.ResolveDevice(parse.GetValue(device), parse.GetValue(libtorch));
            // The CLI runs the user's own file, so TorchScript is allowed here; workers need Models:AllowTorchScript.
            using var loaded = ModelLoader.Load(JobCompiler.ModelSpecFor(spec.Model, weightsFile ?? (demo ? DemoAssets.ModelSpec.WeightsPath : null),
                parse.GetValue(labels) ?? (demo ? DemoAssets.ModelSpec.LabelsPath : null), allowTorchScript: true, parse.GetValue(maxInputSize)), torchDevice);
            if (named is null) job = JobCompiler.CompileOrThrow(spec, loaded.Architecture, SuiteCompiler.Paths.Cli, parse.GetValue(layer));
            Console.WriteLine($"model {loaded.Description} on {torchDevice}; {inputs.Count} image(s); methods {string.Join(", ", job.Suite.Explainers.Select(e => e.Name))}");
            if (ReducedPrecision.Notice(loaded.Precision, job.Suite.Explainers) is { } notice) Console.WriteLine($"note: {notice}");

            var work = new ShardWork(job.Run, LoadedModel.Own(loaded), null, new FileImageSource(), new DirectorySink(outputDirectory),
                new ShardLimits(parse.GetValue(batch), DecodeLimits.Default with { MaxPixels = parse.GetValue(maxPixels) }),
                !parse.GetValue(noOverlay), !parse.GetValue(noRaw), Timings: true, Thumbnails: job.Report.Strategies?.Size);
            var summary = await ExplainOutputs.RunAsync(work, inputs, job, loaded, outputDirectory, ct);
            SummaryPrinter.Print(summary, inputs.Where(i => i.Label is not null).ToDictionary(i => i.Name, i => i.Label!.Value), outputDirectory);
            if (summary.Failed == summary.Images.Count)
            {
                Console.Error.WriteLine($"error: none of the {summary.Images.Count} image(s) could be explained; first reason: {summary.Images[0].Error}");
                return ExitCodes.SomeImagesFailed;
            }
            return summary.Failed > 0 ? ExitCodes.SomeImagesFailed : ExitCodes.Ok;
        }, ct));
        return command;
    }
}
