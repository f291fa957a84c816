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
        foreach (var (row, problem) in Read(text))
        {
            if (row is not null) rows.Add(row);
            else problems.Add(problem!.Value);
        }
        return (rows, problems);
    }

    /// <summary>Each row or problem as the text is read: a million-row manifest is never a million objects at once.</summary>
    public static IEnumerable<(Row? Row, (int Line, string Problem)? Problem)> Read(string text)
    {
        var lines = new StringReader(text);
        string? header;
        while ((header = lines.ReadLine()) is { Length: 0 }) { }
        if (header is null) yield break;
        var columns = header.Split(',').Select(h => h.Trim().ToLowerInvariant()).ToList();
        int path = columns.IndexOf("path") is >= 0 and var p ? p : columns.IndexOf("image");
        int label = columns.IndexOf("label"), mask = columns.IndexOf("mask");
        if (path < 0)
        {
            yield return (null, (0, "the header has no 'path' (or 'image') column."));
            yield break;
        }
        int i = 0;
        for (string? line; (line = lines.ReadLine()) is not null;)
        {
            if (line.Length == 0) continue;
            i++;
            var cells = line.Split(',');
            string? Cell(int column) => column >= 0 && column < cells.Length && cells[column].Trim().Length > 0 ? cells[column].Trim() : null;
            if (Cell(path) is not { } imagePath)
            {
                yield return (null, (i, "has no path."));
                continue;
            }
            int? labelValue = null;
            if (Cell(label) is { } labelText)
            {
                if (int.TryParse(labelText, out var l) && l >= 0) labelValue = l;
                else yield return (null, (i, $"label '{labelText}' is not a class index."));
            }
            yield return (new Row(i, imagePath, labelValue, Cell(mask)), null);
        }
    }
}
