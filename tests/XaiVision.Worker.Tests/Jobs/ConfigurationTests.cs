using Microsoft.Extensions.Options;
using XaiVision.Worker.Hosting;

namespace XaiVision.Worker.Tests.Jobs;

public class ConfigurationTests
{
    [Fact]
    public async Task Bad_configuration_stops_the_host_with_every_problem()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            using var host = WorkerHost.Build(new Dictionary<string, string?>
            {
                ["Storage:Kind"] = "Azure",
                ["Worker:ShardConcurrency"] = "0",
                ["Transport:Kind"] = "InMemory",
            }, consumers: true, Microsoft.Extensions.Logging.LogLevel.None);
            await host.StartAsync();
        });
        var all = string.Join(" ", error.Failures);
        Assert.True(all.Contains("Storage:ConnectionString is required") || all.Contains("Worker:ShardConcurrency"), all);
    }

    /// <summary>The chart's ConfigMap writes an unset endpoint as "" (found by the chart checks: the default chart's worker would not start).</summary>
    [Theory]
    [InlineData("", true)]
    [InlineData("http://collector:4317", true)]
    [InlineData("not a uri", false)]
    public void An_empty_otlp_endpoint_is_off_not_an_error(string endpoint, bool valid)
    {
        var options = new XaiVision.Worker.Configuration.TelemetryOptions { OtlpEndpoint = endpoint };
        Assert.Equal(valid, !options.Problems().Any());
        if (valid) Assert.Equal(endpoint.Length == 0 ? null : new Uri(endpoint), options.Otlp);
    }

    [Fact]
    public void Cli_reports_configuration_problems_in_one_line()
    {
        var result = Cli.CliRunner.Run("run", "--set", "Worker:ShardConcurrency=0");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: invalid configuration:", result.Error.Trim());
        Assert.Contains("Worker:ShardConcurrency must be 1–64", result.Error);
    }

    [Fact]
    public void Submit_without_a_broker_says_so()
    {
        var spec = Path.Combine(Path.GetTempPath(), $"job-{Guid.NewGuid():N}.json");
        File.WriteAllText(spec, System.Text.Json.JsonSerializer.Serialize(XaiVision.Worker.Jobs.DemoJob.Spec("x"), XaiVision.Engine.Reports.AuditJson.Options));
        var result = Cli.CliRunner.Run("submit", spec);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("submit needs a broker", result.Error);
    }
}
