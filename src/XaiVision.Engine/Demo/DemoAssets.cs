using XaiVision.Engine.Imaging;
using XaiVision.Engine.Models;

namespace XaiVision.Engine.Demo;

/// <summary>
/// The bundled demo: <c>assets/demo/</c> beside the executable (or in the repository) holds
/// <c>shapes-vgg.dat</c> (weights), <c>classes.txt</c>, <c>images/*.png</c>, <c>masks/*.png</c>
/// and <c>labels.csv</c> (image,label,class).
/// </summary>
public static class DemoAssets
{
    public const string WeightsFile = "shapes-vgg.dat";
    public const string ClassesFile = "classes.txt";

    /// <summary>Where the assets are: next to the binaries, else searched upwards (a source checkout).</summary>
    public static string Directory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "assets", "demo");
                if (File.Exists(Path.Combine(candidate, ClassesFile))) return candidate;
            }
            throw new XaiVisionException("The bundled demo assets (assets/demo) were not found next to the program.");
        }
    }

    public static string ImagesDirectory => Path.Combine(Directory, "images");

    /// <summary>The shortcut model (trained with a spurious class tag), beside the demo: <c>assets/demo-shortcut/</c>.</summary>
    public static string ShortcutDirectory => Path.Combine(Path.GetDirectoryName(Directory)!, "demo-shortcut");
    public static string MasksDirectory => Path.Combine(Directory, "masks");

    public static ModelSpec ModelSpec => new(
        ArchitectureRegistry.Demo,
        Path.Combine(Directory, WeightsFile),
        Path.Combine(Directory, ClassesFile),
        Preprocessing: Preprocessing.ImageNet(DemoNet.InputSize, DemoNet.InputSize));
}
