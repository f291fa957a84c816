namespace XaiVision.Worker.Jobs;

/// <summary>
/// A CSV list of images, read by its header for a job's <c>images.manifest</c> and <c>explain</c>'s <c>labels.csv</c> alike:
/// columns <c>path</c> (or <c>image</c>), <c>label</c> (a class index, optional) and <c>mask</c> (optional), in any order;
/// other columns are ignored. Paths are returned as written; the caller resolves them against the manifest's folder.
/// </summary>
public static class ImageManifest
{
    public sealed record Row(int Line, string Path, int? Label, string? Mask);

    /// <summary>The rows, and each problem with its data line number (0: the header).</summary>
    public static (List<Row> Rows, List<(int Line, string Problem)> Problems) Parse(string text)
    {
        var rows = new List<Row>();
        var problems = new List<(int, string)>();
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0) return (rows, problems);
        var header = lines[0].Split(',').Select(h => h.Trim().ToLowerInvariant()).ToList();
        int path = header.IndexOf("path") is >= 0 and var p ? p : header.IndexOf("image");
        int label = header.IndexOf("label"), mask = header.IndexOf("mask");
        if (path < 0)
        {
            problems.Add((0, "the header has no 'path' (or 'image') column."));
            return (rows, problems);
        }
        for (int i = 1; i < lines.Count; i++)
        {
            var cells = lines[i].Split(',');
            string? Cell(int column) => column >= 0 && column < cells.Length && cells[column].Trim().Length > 0 ? cells[column].Trim() : null;
            if (Cell(path) is not { } imagePath)
            {
                problems.Add((i, "has no path."));
                continue;
            }
            int? labelValue = null;
            if (Cell(label) is { } labelText)
            {
                if (int.TryParse(labelText, out var l) && l >= 0) labelValue = l;
                else problems.Add((i, $"label '{labelText}' is not a class index."));
            }
            rows.Add(new Row(i, imagePath, labelValue, Cell(mask)));
        }
        return (rows, problems);
    }
}
