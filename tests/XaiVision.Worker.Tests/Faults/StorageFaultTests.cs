using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;
using XaiVision.Worker.Tests.Consumers;
using XaiVision.Worker.Tests.EndToEnd;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Faults;

/// <summary>Real Azurite behind a proxy that drops connections: one retry layer, and an outage pauses work instead of losing it.</summary>
[Collection(RealServicesCollection.Name)]
public sealed class StorageFaultTests(ITestOutputHelper log) : IAsyncLifetime
{
    readonly RealServices _services = new();
    FaultProxy _proxy = null!;
    readonly string _run = Guid.NewGuid().ToString("N")[..8];
    /// <summary>The breaker's clock: a test passes Storage:BreakSeconds by advancing it, not by sleeping.</summary>
    readonly FakeTimeProvider _breakerClock = new(DateTimeOffset.UtcNow);

    public Task InitializeAsync()
    {
        _proxy = new FaultProxy(_services.AzuritePort);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    Dictionary<string, string?> ViaProxy(int maxRetries) => new()
    {
        ["Storage:ConnectionString"] = _services.AzuriteVia(_proxy.Port),
        ["Storage:MaxRetries"] = maxRetries.ToString(),
        ["Storage:RetryDelayMilliseconds"] = "50",
        ["Storage:BreakSeconds"] = "2",
        ["Storage:OutagePatienceSeconds"] = "120",
    };

    /// <summary>A host whose blob store's breaker runs on <see cref="_breakerClock"/>.</summary>
    Microsoft.Extensions.Hosting.IHost StoreHost(int maxRetries, Action<Dictionary<string, string?>>? adjust = null)
    {
        var settings = ViaProxy(maxRetries);
        adjust?.Invoke(settings);
        return _services.Host(consumers: false, settings, replace: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(_breakerClock)));
    }

    /// <summary>Passes Storage:BreakSeconds on the breaker's clock: the next call is let through.</summary>
    void PassTheBreak() => _breakerClock.Advance(TimeSpan.FromSeconds(2.5));

    [Fact]
    public async Task A_failing_request_is_retried_by_the_sdk_alone_then_reported_without_secrets()
    {
        using var host = StoreHost(maxRetries: 3);
        var store = host.Services.GetRequiredService<IBlobStore>();
        await store.WriteAsync("faults", $"{_run}/a.txt", "hello"u8.ToArray(), "text/plain");

        _proxy.FailNext(1); // a dropped connection: a later try of the SDK gets through, the caller never notices
        _proxy.ResetCount();
        Assert.Equal("hello"u8.ToArray(), await store.ReadAsync("faults", $"{_run}/a.txt"));
        Assert.InRange(_proxy.Connections, 2, 4);

        _proxy.Down = true;
        _proxy.ResetCount();
        var e = await Assert.ThrowsAsync<StorageUnavailableException>(() => store.ReadAsync("faults", $"{_run}/a.txt"));
        log.WriteLine($"storage down: {e.Message} — {_proxy.Connections} connections");
        // The SDK made 1 + Storage:MaxRetries tries (its own count) and nothing retried around it: a second layer of 4 would
        // make at least 16 connections. HttpClient reconnects on its own now and then (4–7 connections seen for 4 tries); the
        // exact count is asserted with answered requests in Server_errors_are_tried_exactly_one_plus_max_retries_times.
        // 4 = 1 + Storage:MaxRetries. Under load one clean CI run saw 5: the SDK's download stream re-issues a request of its own
        // once in a while. Either way it is one layer; two layers would make 16 or more.
        Assert.Matches(@"\((4|5) tries,", e.Message);
        Assert.InRange(_proxy.Connections, 1, 12);
        Assert.Contains($"faults/{_run}/a.txt", e.Message);
        Assert.DoesNotContain("AccountKey", e.ToString());
        Assert.DoesNotContain(_services.AzuriteConnectionString.Split("AccountKey=")[1][..20], e.ToString());

        // Failures pile up (half of the recent calls failed): the breaker opens, and calls fail at once, without a request.
        int calls = 0;
        StorageUnavailableException open;
        do open = await Assert.ThrowsAsync<StorageUnavailableException>(() => store.ExistsAsync("faults", $"{_run}/a.txt"));
        while (!open.Message.Contains("circuit open") && ++calls < 5);
        Assert.Contains("circuit open", open.Message);
        _proxy.ResetCount();
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.ReadAsync("faults", $"{_run}/a.txt"));
        Assert.Equal(0, _proxy.Connections);

        _proxy.Down = false;
        Assert.Contains("circuit open", (await Assert.ThrowsAsync<StorageUnavailableException>(() => store.ExistsAsync("faults", $"{_run}/a.txt"))).Message);
        PassTheBreak();
        Assert.True(await store.ExistsAsync("faults", $"{_run}/a.txt"));
    }

    [Fact]
    public async Task Server_errors_are_tried_exactly_one_plus_max_retries_times()
    {
        using var host = StoreHost(maxRetries: 3);
        var store = host.Services.GetRequiredService<IBlobStore>();
        await store.WriteAsync("faults", $"{_run}/busy.txt", "x"u8.ToArray(), "text/plain");
        _proxy.ServerErrors = true;
        foreach (var (name, operation) in new (string, Func<Task>)[]
        {
            ("read", () => store.ReadAsync("faults", $"{_run}/busy.txt")),
            ("write", () => store.WriteAsync("faults", $"{_run}/busy.txt", "y"u8.ToArray(), "text/plain")),
        })
        {
            _proxy.ResetCount();
            var e = await Assert.ThrowsAsync<StorageUnavailableException>(operation);
            log.WriteLine($"503 on {name}: {_proxy.Requests} requests; {e.Message}");
            Assert.Equal(4, _proxy.Requests); // 1 + Storage:MaxRetries, and not one more: the SDK is the only layer
            Assert.Contains("503", e.Message);
            PassTheBreak(); // so the breaker lets the next operation's first call through
        }
    }

    [Fact]
    public async Task A_hung_server_times_out_and_is_retried_by_the_sdk_alone()
    {
        using var host = StoreHost(maxRetries: 2, s => s["Storage:NetworkTimeoutSeconds"] = "1");
        var store = host.Services.GetRequiredService<IBlobStore>();
        await store.WriteAsync("faults", $"{_run}/t.txt", "hi"u8.ToArray(), "text/plain");
        _proxy.Stalled = true;
        _proxy.ResetCount();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<StorageUnavailableException>(() => store.ReadAsync("faults", $"{_run}/t.txt"));
        log.WriteLine($"hung server: {e.Message} after {clock.Elapsed.TotalSeconds:F1} s, {_proxy.Connections} connections");
        Assert.Contains("(3 tries,", e.Message); // 1 + Storage:MaxRetries, each cut by the 1 s network timeout
        Assert.InRange(_proxy.Connections, 1, 4);
        Assert.InRange(clock.Elapsed.TotalSeconds, 2.5, 20);
        _proxy.Stalled = false;
        PassTheBreak(); // in case the failures opened the breaker
        Assert.Equal("hi"u8.ToArray(), await store.ReadAsync("faults", $"{_run}/t.txt"));
    }

    [Fact]
    public async Task A_storage_outage_mid_job_pauses_the_shards_and_the_job_completes_as_a_clean_run_would()
    {
        using var worker = _services.Host(consumers: true, ViaProxy(maxRetries: 1));
        using var client = _services.Host(consumers: false);
        await worker.StartAsync();
        await client.StartAsync();
        try
        {
            var store = client.Services.GetRequiredService<IBlobStore>();
            await DemoJob.SeedAsync(store);
            var bus = client.Services.GetRequiredService<IBus>();

            var clean = $"fault-{_run}-clean";
            Assert.NotNull((await JobRuns.RunAsync(bus, WorkerTestServices.CheapDemoSpec(clean))).Completed);

            var faulted = $"fault-{_run}-outage";
            int progressSeen = 0;
            int attempts = 0, progressAfterOutage = 0;
            uint errors = 0;
            var outcome = await JobRuns.RunAsync(bus, WorkerTestServices.CheapDemoSpec(faulted), _ => Interlocked.Increment(ref progressSeen), async () =>
            {
                await WorkerTestServices.Until(() => Volatile.Read(ref progressSeen) >= 1, "the first shard");
                _proxy.Down = true;
                _proxy.ResetCount();
                int progressAtOutage = Volatile.Read(ref progressSeen);
                await Task.Delay(TimeSpan.FromSeconds(12));
                attempts = _proxy.Connections;
                errors = await Broker.ErrorMessagesAsync(_services);
                progressAfterOutage = Volatile.Read(ref progressSeen) - progressAtOutage;
                _proxy.Down = false;
            });
            log.WriteLine($"12 s outage: {attempts} connection attempts, {errors} messages in error queues, {progressAfterOutage} shards finished during it");
            Assert.Equal(0u, errors);
            Assert.True(attempts < 40, $"{attempts} attempts in 12 s: the breaker should keep the worker from hammering storage");
            Assert.True(progressAfterOutage <= 1, $"{progressAfterOutage} shards finished without storage"); // one may have written its result just before the cut
            Assert.NotNull(outcome.Completed);
            Assert.Equal(12, outcome.Completed!.Images);

            var a = await WorkerTestServices.SnapshotAsync(store, "audits", clean + "/");
            var b = await WorkerTestServices.SnapshotAsync(store, "audits", faulted + "/");
            Outputs.AssertSame(a, clean, b, faulted);
        }
        finally
        {
            await worker.StopAsync();
            await client.StopAsync();
        }
    }
}
