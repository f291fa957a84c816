using System.Text.Json;
using System.Text.Json.Serialization;

namespace XaiVision.Engine.Reports;

/// <summary>
/// The one set of JSON options for everything an audit reads and writes: job specs, plans, records, shard results, reports
/// and markers. camelCase; unknown fields are errors (a misspelt spec field is never silently ignored); enums as kebab-case words.
/// </summary>
public static class AuditJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };
}
