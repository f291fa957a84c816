using System.CommandLine;
using XaiVision.Contracts;
using XaiVision.Engine;
using XaiVision.Engine.Demo;
using XaiVision.Engine.Models;
using XaiVision.Worker.Jobs;
using static TorchSharp.torch;

namespace XaiVision.Worker.Cli;

/// <summary>
/// <c>layers</c>: a model's layers in forward order — torchvision name, type, output shape for an input size, and which
/// ones a CAM method can use (<c>--layer</c>, <c>layer=</c>) — for a named architecture or a weights file.
/// </summary>
public static class LayersCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Architecture (default: recognised from --weights; without weights the bundled demo)." };
        var weights = new Option<string?>("--weights") { Description = "Weights file (.pth/.pt/.ckpt, .safetensors, .dat, TorchScript .pt)." };
        var weightsKey = new Option<string?>("--weights-key") { Description = "Which state dict of a checkpoint that holds several." };
        var stripPrefix = new Option<string?>("--strip-prefix") { Description = "A key prefix to remove." };
        var inputSize = new Option<int?>("--input-size") { Description = "Input side for the output shapes (default: the architecture's)." };
        var command = new Command("layers", "List a model's layers with their output shapes and the CAM layers.") { model, weights, weightsKey, stripPrefix, inputSize };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var weightsFile = parse.GetValue(weights);
            var named = parse.GetValue(model) is { } name ? ArchitectureRegistry.GetOrRecognise(name) : weightsFile is null ? ArchitectureRegistry.Get(ArchitectureRegistry.Demo) : null;
            bool demo = named?.Name == ArchitectureRegistry.Demo && weightsFile is null;
            if (parse.GetValue(inputSize) is { } size && named?.InputSizeProblem(size, ModelLoader.MaxInputSize) is { } problem)
                throw new XaiVisionException($"--input-size: {problem}");
            var source = new ModelSource
            {
                Architecture = named?.Name ?? "", InputSize = parse.GetValue(inputSize), WeightsKey = parse.GetValue(weightsKey), StripPrefix = parse.GetValue(stripPrefix),
            };
            using var loaded = ModelLoader.Load(JobCompiler.ModelSpecFor(source, weightsFile ?? (demo ? DemoAssets.ModelSpec.WeightsPath : null),
                demo ? DemoAssets.ModelSpec.LabelsPath : null, allowTorchScript: true), CPU);
            Print(loaded);
            return ExitCodes.Ok;
        }));
        return command;
    }

    static void Print(ExplainableModel model)
    {
        int side = model.Preprocessing.InputSize;
        var modules = new List<(string Name, nn.Module Module, int Depth)>();
        void Walk(nn.Module module, string prefix, int depth)
        {
            foreach (var (name, child) in module.named_children())
            {
                var full = prefix.Length == 0 ? name : $"{prefix}.{name}";
                modules.Add((full, child, depth));
                Walk(child, full, depth + 1);
            }
        }
        Walk(model.Network, "", 0);
        var shapes = new Dictionary<string, string>();
        var hooks = modules.Where(m => m.Module is nn.Module<Tensor, Tensor>).Select(m => ((nn.Module<Tensor, Tensor>)m.Module).register_forward_hook((_, _, output) =>
        {
            shapes.TryAdd(m.Name, $"[{string.Join(", ", output.shape)}]");
            return output;
        })).ToList();
        try
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            model.Forward(zeros(1, 3, side, side));
        }
        finally
        {
            foreach (var hook in hooks) hook.remove();
        }
        var cam = model.FeatureMapLayerNames.ToHashSet();
        Console.WriteLine($"model {model.Description}; input 1×3×{side}×{side}; {cam.Count} CAM layer(s), default {model.Architecture.DefaultCamLayer}");
        int width = Math.Max(5, modules.Count == 0 ? 5 : modules.Max(m => 2 * m.Depth + m.Name.Length));
        Console.WriteLine($"{"layer".PadRight(width)}  {"type",-24} {"output",-22} CAM");
        foreach (var (name, module, depth) in modules)
            Console.WriteLine($"{(new string(' ', 2 * depth) + name).PadRight(width)}  {module.GetType().Name,-24} {shapes.GetValueOrDefault(name, "–"),-22} " +
                (cam.Contains(name) ? name == model.Architecture.DefaultCamLayer ? "yes (default)" : "yes" : ""));
    }
}
