using System.Text.Json;
using XaiVision.Contracts;
using XaiVision.Engine;
using XaiVision.Engine.Reports;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace XaiVision.Worker.Jobs;

/// <summary>
/// Reads a job spec from YAML or JSON with the contract's field names (camelCase). Unknown fields and
/// values of the wrong type are errors naming the field — nothing is silently ignored.
/// </summary>
public static partial class JobSpecReader
{
    static JsonSerializerOptions Json => AuditJson.Options; // unknown fields are errors

    /// <summary>
    /// The largest spec a client sends: a spec names images and models, it does not hold them, and far below RabbitMQ's 128 MiB frame
    /// limit (a 55 MB spec once made a 160 MB message that a client republished for 15 minutes).
    /// </summary>
    public const int MaxSpecBytes = 4 << 20;

    public static AuditJobSpec ReadFile(string path)
    {
        if (!File.Exists(path)) throw new XaiVisionException($"Job spec '{path}' does not exist.");
        CheckSize(new FileInfo(path).Length, $"Job spec '{path}'");
        var text = File.ReadAllText(path);
        return Path.GetExtension(path).ToLowerInvariant() is ".json" ? ParseJson(text, path) : ParseYaml(text, path);
    }

    /// <summary>Refuses a spec (a file, or the message it becomes) over <see cref="MaxSpecBytes"/>, saying its size.</summary>
    public static void CheckSize(long bytes, string what)
    {
        if (bytes > MaxSpecBytes)
            throw new XaiVisionException($"{what} is {Invariant.Number(bytes / 1e6, "F1")} MB, over the {MaxSpecBytes >> 20} MiB a job spec may be: a spec names images and "
                + "models, it does not hold them. Split long lists (gates, images) into fewer entries or several jobs.");
    }

    public static AuditJobSpec ParseJson(string text, string source = "spec")
    {
        try
        {
            return JsonSerializer.Deserialize<AuditJobSpec>(text, Json) ?? throw new XaiVisionException($"Job spec '{source}' is empty.");
        }
        catch (JsonException e)
        {
            throw new XaiVisionException($"Job spec '{source}': {Describe(e)}");
        }
    }

    /// <summary>YAML is converted to JSON first, so both formats follow the same strict rules.</summary>
    public static AuditJobSpec ParseYaml(string text, string source = "spec")
    {
        object? document;
        try
        {
            document = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build().Deserialize<object?>(text);
        }
        catch (YamlException e)
        {
            throw new XaiVisionException($"Job spec '{source}' is not valid YAML (line {e.Start.Line}): {e.InnerException?.Message ?? e.Message}");
        }
        if (document is null) throw new XaiVisionException($"Job spec '{source}' is empty.");
        return ParseJson(JsonSerializer.Serialize(ToJsonable(document)), source);
    }

    /// <summary>A YAML document (YamlDotNet's dictionaries and lists) as plain values JSON can serialise.</summary>
    internal static object? ToJsonable(object? node) => node switch
    {
        IDictionary<object, object?> map => map.ToDictionary(kv => kv.Key.ToString()!, kv => ToJsonable(kv.Value)),
        IList<object?> list => list.Select(ToJsonable).ToList(),
        _ => node,
    };

    static string Describe(JsonException e)
    {
        var path = string.IsNullOrEmpty(e.Path) ? "" : $" at '{e.Path.TrimStart('$', '.')}'";
        var message = e.Message.Split(" Path:")[0];
        if (message.Contains("could not be mapped to any .NET member"))
        {
            var field = message.Split('\'').ElementAtOrDefault(1) ?? "?";
            return $"unknown field '{field}'{path}.";
        }
        if (NotConvertible().Match(message) is { Success: true } m) return $"the value{path} {Expected(m.Groups["type"].Value)}.";
        return $"{message}{path}.";
    }

    /// <summary>What a field of a .NET type accepts, in a user's words (System.Text.Json names the type, not the range).</summary>
    static string Expected(string type) => type.Replace("System.Nullable`1[", "").TrimEnd(']') switch
    {
        "System.Int32" => "must be a whole number from -2147483648 to 2147483647",
        "System.Int64" => "must be a whole number from -9223372036854775808 to 9223372036854775807",
        "System.Double" or "System.Single" => "must be a number",
        "System.Boolean" => "must be true or false",
        "System.String" => "must be text (in quotes)",
        var t when t.Contains("List`1") || t.Contains("[]") => "must be a list",
        var t when t.StartsWith("System.Collections.Generic.IReadOnlyDictionary") || t.Contains("Dictionary`2") => "must be a map of names to values",
        var t when t.StartsWith("XaiVision.Contracts.") => "must be a section (an object with fields)",
        var t => $"must be a {t.Split('.').Last()}",
    };

    [System.Text.RegularExpressions.GeneratedRegex(@"^The JSON value could not be converted to (?<type>\S+?)\.?$")]
    private static partial System.Text.RegularExpressions.Regex NotConvertible();
}
