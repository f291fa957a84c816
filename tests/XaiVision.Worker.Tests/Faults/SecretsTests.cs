using System.Text.Json;
using Azure.Storage;
using Azure.Storage.Sas;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;
using XaiVision.Worker.Tests.Consumers;
using XaiVision.Worker.Tests.EndToEnd;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Faults;

/// <summary>
/// Runs jobs with a SAS-token connection string and with a wrong account key, every log at Trace level captured,
/// then searches logs, events and written blobs for the key, the SAS signature and the broker password.
/// </summary>
[Collection(RealServicesCollection.Name)]
public sealed class SecretsTests(ITestOutputHelper log)
{
    readonly RealServices _services = new();
    readonly string _run = Guid.NewGuid().ToString("N")[..8];

    string Part(string name) => _services.AzuriteConnectionString.Split(';').First(p => p.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];

    string SasConnectionString(out string signature)
    {
        var credential = new StorageSharedKeyCredential(Part("AccountName"), Part("AccountKey"));
        var sas = new AccountSasBuilder(AccountSasPermissions.All, DateTimeOffset.UtcNow.AddHours(1), AccountSasServices.Blobs, AccountSasResourceTypes.All)
            .ToSasQueryParameters(credential);
        signature = sas.Signature;
        return $"BlobEndpoint={Part("BlobEndpoint")};SharedAccessSignature={sas}";
    }

    async Task<(JobOutcome Outcome, List<object> Events)> RunAsync(string connectionString, CapturedLogs logs, string prefix)
    {
        using var worker = _services.Host(consumers: true, new Dictionary<string, string?> { ["Storage:ConnectionString"] = connectionString }, LogLevel.Trace, logs);
        using var client = _services.Host(consumers: false, new Dictionary<string, string?> { ["Storage:ConnectionString"] = connectionString }, LogLevel.Trace, logs);
        await worker.StartAsync();
        await client.StartAsync();
        try
        {
            var bus = client.Services.GetRequiredService<IBus>();
            var events = new List<object>();
            var outcome = await JobRuns.RunAsync(bus, WorkerTestServices.CheapDemoSpec(prefix), p => { lock (events) events.Add(p); });
            events.Add((object?)outcome.Completed ?? (object?)outcome.Rejected ?? outcome.Failed!);
            return (outcome, events);
        }
        finally
        {
            await worker.StopAsync();
            await client.StopAsync();
        }
    }

    /// <summary>Issue 36: a wrong broker password used to say "cannot reach the broker … within 30 s" after one second.</summary>
    [Fact]
    public void A_wrong_broker_password_is_a_refused_login_in_one_line_without_the_password()
    {
        var uri = new UriBuilder(_services.RabbitMqUri) { Password = "not-the-password-7d1f" }.Uri.ToString();
        var spec = Path.Combine(Directory.CreateTempSubdirectory("xaivision-secrets-").FullName, "job.yaml");
        File.WriteAllText(spec, "model: { architecture: demo-shapes }\nimages: { container: photos }\nsuite: { explainers: [grad-cam] }\noutput: { container: audits, prefix: x }\n");
        var result = Cli.CliRunner.Run("submit", spec, "--set", "Transport:Kind=RabbitMq", "--set", $"Transport:RabbitMqUri={uri}");
        log.WriteLine($"exit {result.ExitCode}: {result.Error}");
        Assert.Equal(5, result.ExitCode);
        Assert.StartsWith("error: the broker at amqp://", result.Error.Trim());
        Assert.Contains("refused the login: check the user and password in Transport:RabbitMqUri", result.Error);
        Assert.DoesNotContain("within", result.Error);
        Assert.DoesNotContain("not-the-password-7d1f", result.Error + result.Output);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Keys_sas_signatures_and_broker_passwords_never_reach_logs_events_or_reports()
    {
        var logs = new CapturedLogs();
        var sas = SasConnectionString(out var signature);
        using (var seeding = _services.Host(consumers: false))
            await DemoJob.SeedAsync(seeding.Services.GetRequiredService<IBlobStore>());

        var prefix = $"secrets-{_run}";
        var (ok, okEvents) = await RunAsync(sas, logs, prefix);
        Assert.NotNull(ok.Completed);

        var wrongKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));
        var wrong = _services.AzuriteConnectionString.Replace(Part("AccountKey"), wrongKey);
        var (refused, refusedEvents) = await RunAsync(wrong, logs, prefix + "-wrong-key");
        Assert.NotNull(refused.Rejected);
        Assert.Equal(["storage"], refused.Rejected!.Problems.Select(p => p.Path));
        Assert.Contains("refused", refused.Rejected.Problems[0].Message);
        log.WriteLine($"wrong key → {refused.Rejected.Problems[0].Message}");

        var texts = new List<(string Where, string Text)> { ("logs", logs.Text) };
        foreach (var e in okEvents.Concat(refusedEvents)) texts.Add(($"event {e.GetType().Name}", JsonSerializer.Serialize(e, e.GetType())));
        using (var reader = _services.Host(consumers: false))
        {
            var store = reader.Services.GetRequiredService<IBlobStore>();
            foreach (var (name, bytes) in await WorkerTestServices.SnapshotAsync(store, "audits", prefix + "/"))
                if (!name.EndsWith(".png") && !name.EndsWith(".npy")) texts.Add((name, System.Text.Encoding.UTF8.GetString(bytes)));
        }
        Assert.True(logs.Lines.Count > 100, $"only {logs.Lines.Count} log lines captured");
        Assert.Contains(logs.Lines, l => l.Contains("Blob storage refused")); // the failure was logged, just without secrets

        var rabbit = new Uri(_services.RabbitMqUri).UserInfo; // "user:password"
        string[] secrets = [Part("AccountKey"), wrongKey, signature, Uri.EscapeDataString(signature), "AccountKey=", "SharedAccessSignature=", rabbit];
        foreach (var (where, text) in texts)
            foreach (var secret in secrets)
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{where} contains a secret ({secret[..Math.Min(6, secret.Length)]}…)");
        log.WriteLine($"{logs.Lines.Count} log lines, {texts.Count} texts searched for {secrets.Length} secrets");
    }
}
