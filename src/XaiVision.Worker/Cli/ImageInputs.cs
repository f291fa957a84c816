using XaiVision.Engine;

namespace XaiVision.Worker.Cli;

/// <summary>Expands the image arguments (files and folders) into a sorted list of image files.</summary>
public static class ImageInputs
{
    static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp", ".webp", ".gif" };

    public static List<string> Expand(IEnumerable<string> arguments)
    {
        var files = new List<string>();
        foreach (var argument in arguments)
        {
            if (Directory.Exists(argument))
            {
                var found = Directory.EnumerateFiles(argument).Where(f => Extensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0) throw new XaiVisionException($"Folder '{argument}' has no images (.png, .jpg, .jpeg, .bmp, .webp, .gif).");
                files.AddRange(found);
            }
            else if (File.Exists(argument)) files.Add(argument);
            else throw new XaiVisionException($"'{argument}' is neither an image file nor a folder.");
        }
        return files;
    }

    /// <summary>Labels from a <c>labels.csv</c> (image,label,…) beside the images, when there is one.</summary>
    public static Dictionary<string, int> KnownLabels(IEnumerable<string> images)
    {
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var dir in images.Select(i => Path.GetDirectoryName(Path.GetFullPath(i))!).Distinct())
        {
            var csv = Path.Combine(dir, "labels.csv");
            if (!File.Exists(csv)) continue;
            foreach (var line in File.ReadLines(csv).Skip(1))
            {
                var cells = line.Split(',');
                if (cells.Length >= 2 && int.TryParse(cells[1], out var label)) labels[Path.Combine(dir, cells[0])] = label;
            }
        }
        return labels;
    }
}
