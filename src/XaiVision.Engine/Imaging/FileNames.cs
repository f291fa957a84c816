namespace XaiVision.Engine.Imaging;

/// <summary>Safe, readable file and blob names.</summary>
public static class FileNames
{
    public static string Sanitise(string name)
    {
        var chars = name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or '+' ? c : '_').ToArray();
        var s = new string(chars).Trim('.');
        return s.Length == 0 ? "image" : s;
    }
}
