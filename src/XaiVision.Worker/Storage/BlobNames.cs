using System.Text.RegularExpressions;

namespace XaiVision.Worker.Storage;

/// <summary>Validation of container and blob names (Azure's rules, which the file-system store follows too).</summary>
public static partial class BlobNames
{
    /// <summary>3–63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.</summary>
    public static bool IsValidContainer(string? name) => name is not null && ContainerPattern().IsMatch(name) && !name.Contains("--");

    /// <summary>A relative path without empty, "." or ".." segments and without a leading slash or backslashes.</summary>
    public static bool IsSafePath(string? name) =>
        !string.IsNullOrEmpty(name) && !name.StartsWith('/') && !name.Contains('\\') && !name.Contains('\0')
        && name.Split('/').All(segment => segment.Length > 0 && segment != "." && segment != "..");

    /// <summary>A spec's <c>container/path</c> reference (validated by the spec validator) as its two parts.</summary>
    public static (string Container, string Name) Split(string reference)
    {
        var slash = reference.IndexOf('/');
        return (reference[..slash], reference[(slash + 1)..]);
    }

    public static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix.TrimEnd('/')}/{name}";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerPattern();
}
