namespace XaiVision.Worker.Configuration;

/// <summary>
/// Section <c>Telemetry</c>: OpenTelemetry metrics and traces (MassTransit's meter and activity source plus ours),
/// exported by OTLP when <c>OtlpEndpoint</c> is set and scraped by Prometheus on <c>PrometheusPort</c> (0 = off);
/// liveness/readiness on <c>HealthPort</c> (0 = off): <c>/healthz/live</c>, <c>/healthz/ready</c> (the bus's health).
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";
    /// <summary>Empty means off, like unset: a ConfigMap or environment variable cannot hold "no value" any other way.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>The OTLP endpoint, or null when none is configured.</summary>
    public Uri? Otlp => string.IsNullOrWhiteSpace(OtlpEndpoint) ? null : new Uri(OtlpEndpoint);
    public int PrometheusPort { get; set; }
    public int HealthPort { get; set; }

    public IEnumerable<string> Problems()
    {
        if (!string.IsNullOrWhiteSpace(OtlpEndpoint) && !Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out _)) yield return "Telemetry:OtlpEndpoint must be an absolute URI.";
        if (PrometheusPort is < 0 or > 65535) yield return "Telemetry:PrometheusPort must be 0–65535.";
        if (HealthPort is < 0 or > 65535) yield return "Telemetry:HealthPort must be 0–65535.";
    }
}
