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

    /// <summary>
    /// Ground-truth masks: <c>&lt;masks&gt;/&lt;image file name&gt;</c> when a masks folder is given, else the
    /// 4th column of a <c>labels.csv</c> beside the images (path relative to the csv), else none.
    /// </summary>
    public static Func<string, string?> MaskLookup(IEnumerable<string> images, string? masksFolder)
    {
        if (masksFolder is not null)
        {
            if (!Directory.Exists(masksFolder)) throw new XaiVisionException($"Masks folder '{masksFolder}' does not exist.");
            return image => Path.Combine(masksFolder, Path.GetFileName(image)) is var m && File.Exists(m) ? m : null;
        }
        var masks = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (dir, cells) in LabelRows(images))
            if (cells.Length >= 4 && cells[3].Length > 0) masks[Path.Combine(dir, cells[0])] = Path.GetFullPath(Path.Combine(dir, cells[3]));
        return image => masks.GetValueOrDefault(Path.GetFullPath(image));
    }

    static IEnumerable<(string Directory, string[] Cells)> LabelRows(IEnumerable<string> images)
    {
        foreach (var dir in images.Select(i => Path.GetDirectoryName(Path.GetFullPath(i))!).Distinct())
        {
            var csv = Path.Combine(dir, "labels.csv");
            if (!File.Exists(csv)) continue;
            foreach (var line in File.ReadLines(csv).Skip(1)) yield return (dir, line.Split(','));
        }
    }

    /// <summary>Labels from a <c>labels.csv</c> (image,label,…) beside the images, when there is one.</summary>
    public static Dictionary<string, int> KnownLabels(IEnumerable<string> images)
    {
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (dir, cells) in LabelRows(images))
            if (cells.Length >= 2 && int.TryParse(cells[1], out var label)) labels[Path.Combine(dir, cells[0])] = label;
        return labels;
    }
}
