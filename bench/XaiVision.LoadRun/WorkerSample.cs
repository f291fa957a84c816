using System.Globalization;
using System.Text.RegularExpressions;

namespace XaiVision.LoadRun;

/// <summary>One worker process seen from outside: RSS from /proc, live tensors from its Prometheus endpoint.</summary>
public static partial class WorkerSample
{
    public static long RssBytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:"));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static async Task<long?> LiveTensorsAsync(HttpClient http, int metricsPort)
    {
        try
        {
            var text = await http.GetStringAsync($"http://localhost:{metricsPort}/metrics");
            var match = LiveTensors().Match(text);
            return match.Success ? (long)double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^xaivision_tensors_live(?:\{[^}]*\})? ([0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex LiveTensors();
}
