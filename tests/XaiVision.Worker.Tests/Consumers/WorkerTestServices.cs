using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using XaiVision.Contracts;
using XaiVision.Worker.Hosting;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Tests.Consumers;

/// <summary>The real consumers on MassTransit's in-memory test harness with a file-system store under a temp folder.</summary>
public static class WorkerTestServices
{
    /// <summary>The services over a file store at <paramref name="root"/>; <paramref name="store"/> may wrap that store (counting requests).</summary>
    public static ServiceProvider Build(string root, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null,
        Func<IBlobStore, IBlobStore>? store = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Kind"] = "FileSystem",
            ["Storage:Root"] = root,
            ["Worker:ModelCacheDirectory"] = Path.Combine(root, "models"),
        }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        configure?.Invoke(services);
        services.AddXaiVisionOptions(configuration).AddBlobStore().AddAuditWorker();
        if (store is not null) services.AddSingleton(store(new GuardedBlobStore(new FileSystemBlobStore(root), TimeSpan.FromSeconds(5))));
        services.AddMassTransitTestHarness(x => x.AddAuditConsumers());
        return services.BuildServiceProvider(true);
    }

    /// <summary>A cheap suite over the 12 demo images in 3 shards.</summary>
    public static AuditJobSpec CheapDemoSpec(string prefix) => DemoJob.Spec(prefix) with
    {
        Suite = new SuiteDefinition { Explainers = ["grad-cam", "lrp-composite"], Perturbations = ["channel-swap"], Metrics = ["deletion(steps=8)", "localisation"], Seed = 2 },
        Gates = [new Gate { Metric = "relevance-mass", Method = "grad-cam", Min = 0.3 }],
    };

    /// <summary>Waits for a condition on the harness's message lists (model loading leaves the bus quiet longer than the harness's inactivity timeout).</summary>
    public static async Task Until(Func<bool> condition, string what, Func<string?>? failure = null)
    {
        var deadline = DateTime.UtcNow + Patience.Job;
        while (!condition())
        {
            if (failure?.Invoke() is { } reason) throw new InvalidOperationException(reason);
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>The test harness started on a fresh file store seeded with the demo (<paramref name="wrapStore"/> may wrap the store).</summary>
    public static async Task<(ServiceProvider Provider, ITestHarness Harness, IBlobStore Store, string Root)> StartSeededAsync(string name,
        IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null, Func<IBlobStore, IBlobStore>? wrapStore = null)
    {
        var root = Directory.CreateTempSubdirectory($"xaivision-{name}-").FullName;
        var provider = Build(root, settings, configure, wrapStore);
        var harness = provider.GetRequiredService<ITestHarness>();
        harness.TestTimeout = Patience.Job;
        await harness.Start();
        var store = provider.GetRequiredService<IBlobStore>();
        await DemoJob.SeedAsync(store);
        return (provider, harness, store, root);
    }

    /// <summary>Runs one job on a fresh seeded harness until it completes or is rejected (a failure ends the wait with its reason). Dispose the provider.</summary>
    public static async Task<(AuditJobCompleted? Completed, AuditJobRejected? Rejected, IBlobStore Store, ServiceProvider Provider)> RunJobAsync(
        AuditJobSpec spec, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var (provider, harness, store, _) = await StartSeededAsync("job", settings, configure);
        await harness.Bus.Publish(new SubmitAuditJob(Guid.NewGuid(), spec));
        await Until(() => harness.Published.Select<AuditJobCompleted>().Any() || harness.Published.Select<AuditJobRejected>().Any(), "an outcome",
            () => harness.Published.Select<AuditJobFailed>().FirstOrDefault()?.Context.Message.Reason);
        return (harness.Published.Select<AuditJobCompleted>().FirstOrDefault()?.Context.Message,
            harness.Published.Select<AuditJobRejected>().FirstOrDefault()?.Context.Message, store, provider);
    }

    /// <summary>
    /// A job's outputs. <c>announced.json</c> and <c>completion.json</c> are left out: delivery bookkeeping written just after the completion
    /// event (the marker; the aggregation lease released), so a snapshot taken on that event may or may not see them.
    /// </summary>
    public static async Task<Dictionary<string, byte[]>> SnapshotAsync(IBlobStore store, string container, string prefix)
    {
        var result = new Dictionary<string, byte[]>();
        foreach (var name in await store.ListAsync(container, prefix))
            if (!name.EndsWith("/announced.json", StringComparison.Ordinal) && !name.EndsWith("/completion.json", StringComparison.Ordinal))
                result[name] = (await store.ReadAsync(container, name))!;
        return result;
    }
}
