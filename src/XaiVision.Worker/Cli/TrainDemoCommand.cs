using System.CommandLine;
using System.Text.Json;
using XaiVision.Engine.Demo;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Models;
using XaiVision.Engine.Reports;

namespace XaiVision.Worker.Cli;

/// <summary><c>train-demo</c>: regenerates the bundled demo (weights, classes, sample images and masks) reproducibly.</summary>
public static class TrainDemoCommand
{
    public static Command Create()
    {
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1, Description = "Seed for data, initialisation and shuffling." };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => new DemoTrainingOptions().Epochs };
        var trainImages = new Option<int>("--train-images") { DefaultValueFactory = _ => new DemoTrainingOptions().TrainImages };
        var testImages = new Option<int>("--test-images") { DefaultValueFactory = _ => new DemoTrainingOptions().TestImages };
        var samples = new Option<int>("--samples") { DefaultValueFactory = _ => 12, Description = "Sample images (with masks) to write." };
        var shortcut = new Option<double>("--shortcut") { DefaultValueFactory = _ => 0, Description = "Probability of the spurious class tag in training images (the shortcut demo uses 0.95)." };
        var output = new Option<string>("--out") { DefaultValueFactory = _ => Path.Combine("assets", "demo"), Description = "Folder for the demo assets." };
        var command = new Command("train-demo", "Train the demo shapes model and write it with sample images and masks.")
        {
            seed, epochs, trainImages, testImages, samples, shortcut, output,
        };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            if (parse.GetValue(shortcut) is < 0 or > 1) throw new Engine.XaiVisionException("--shortcut must be a probability (0–1).");
            var options = new DemoTrainingOptions(parse.GetValue(seed), parse.GetValue(trainImages), parse.GetValue(testImages), parse.GetValue(epochs),
                SpuriousTagProbability: parse.GetValue(shortcut));
            var outputDirectory = parse.GetValue(output)!;
            Directory.CreateDirectory(outputDirectory);
            using var net = new DemoNet(ShapesGenerator.ClassNames.Count);
            var result = DemoTrainer.Train(net, options, Console.WriteLine);
            net.save(Path.Combine(outputDirectory, DemoAssets.WeightsFile));
            File.WriteAllLines(Path.Combine(outputDirectory, DemoAssets.ClassesFile), ShapesGenerator.ClassNames);
            File.WriteAllText(Path.Combine(outputDirectory, "training.json"), JsonSerializer.Serialize(result, AuditJson.Options));
            if (options.SpuriousTagProbability == 0) WriteSamples(outputDirectory, options.Seed + 2000, parse.GetValue(samples));
            Console.WriteLine($"test accuracy {result.TestAccuracy:P2} on {result.TestImages} unseen images; training took {result.Seconds:F0} s; wrote {Path.GetFullPath(outputDirectory)}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Writes images/NN_class.png, masks/NN_class.png and labels.csv; classes in turn so every class appears.</summary>
    static void WriteSamples(string directory, int seed, int count)
    {
        var generator = new ShapesGenerator(DemoNet.InputSize);
        var images = Path.Combine(directory, "images");
        var masks = Path.Combine(directory, "masks");
        Directory.CreateDirectory(images);
        Directory.CreateDirectory(masks);
        var random = new Random(seed);
        var lines = new List<string> { "image,label,class,mask" };
        for (int i = 0; i < count; i++)
        {
            var kind = (ShapeKind)(i % ShapesGenerator.ClassNames.Count);
            var sample = generator.Generate(random, kind);
            var name = $"{i:D2}_{ShapesGenerator.ClassNames[sample.Label]}.png";
            File.WriteAllBytes(Path.Combine(images, name), ImageEncoding.Png(sample.Image));
            File.WriteAllBytes(Path.Combine(masks, name), ShapesGenerator.MaskPng(sample.Mask, generator.Size));
            lines.Add($"{name},{sample.Label},{ShapesGenerator.ClassNames[sample.Label]},../masks/{name}");
        }
        File.WriteAllLines(Path.Combine(images, "labels.csv"), lines);
    }

}
