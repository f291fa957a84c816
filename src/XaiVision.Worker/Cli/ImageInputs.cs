using XaiVision.Engine;
using XaiVision.Engine.Imaging;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Cli;

/// <summary><c>explain</c>'s image arguments (files and folders) as the images of a run, with labels and masks where known.</summary>
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
    /// The files as a run's images: named by their file stems (made unique when two share one), labelled and masked from a
    /// <c>labels.csv</c> beside them (<see cref="ImageManifest"/>: path or image, label, mask — paths relative to the csv), masks
    /// from <paramref name="masksFolder"/> (named like the images) when it is given.
    /// </summary>
    public static List<AuditImage> Images(IReadOnlyList<string> files, string? masksFolder)
    {
        if (masksFolder is not null && !Directory.Exists(masksFolder)) throw new XaiVisionException($"Masks folder '{masksFolder}' does not exist.");
        var manifest = ManifestRows(files);
        var names = UniqueNames(files);
        return files.Select((file, i) =>
        {
            var row = manifest.GetValueOrDefault(Path.GetFullPath(file));
            var mask = masksFolder is not null
                ? Path.Combine(masksFolder, Path.GetFileName(file)) is var m && File.Exists(m) ? m : null
                : row?.Mask;
            return new AuditImage(file, names[i], row?.Label, mask);
        }).ToList();
    }

    /// <summary>Rows of the <c>labels.csv</c> files beside the images, by the full path of the image (mask paths made full).</summary>
    static Dictionary<string, ImageManifest.Row> ManifestRows(IEnumerable<string> files)
    {
        var rows = new Dictionary<string, ImageManifest.Row>(StringComparer.Ordinal);
        foreach (var dir in files.Select(f => Path.GetDirectoryName(Path.GetFullPath(f))!).Distinct())
        {
            var csv = Path.Combine(dir, "labels.csv");
            if (!File.Exists(csv)) continue;
            foreach (var row in ImageManifest.Parse(File.ReadAllText(csv)).Rows)
                rows[Path.GetFullPath(Path.Combine(dir, row.Path))] = row with { Mask = row.Mask is null ? null : Path.GetFullPath(Path.Combine(dir, row.Mask)) };
        }
        return rows;
    }

    /// <summary>File stems, made unique when two inputs share one (a.png and a.jpg).</summary>
    static string[] UniqueNames(IReadOnlyList<string> paths)
    {
        var stems = paths.Select(p => FileNames.Sanitise(Path.GetFileNameWithoutExtension(p))).ToArray();
        var duplicated = stems.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        var used = new HashSet<string>();
        for (int i = 0; i < stems.Length; i++)
        {
            var name = duplicated.Contains(stems[i]) ? FileNames.Sanitise(Path.GetFileName(paths[i])) : stems[i];
            var unique = name;
            for (int n = 2; !used.Add(unique); n++) unique = $"{name}-{n}";
            stems[i] = unique;
        }
        return stems;
    }
}
