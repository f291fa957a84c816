using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using XaiVision.Contracts;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Storage;

namespace XaiVision.Worker.Tests.Containers;

/// <summary>
/// One compose stack for the container tests — RabbitMQ, Azurite and three workers from the local images —, a client host on
/// this machine that reaches it through the published ports, and the demo seeded into the Azurite container.
/// </summary>
public sealed class StackFixture : IAsyncLifetime
{
    public const int Workers = 3;
    public ComposeStack Stack { get; private set; } = null!;
    public IHost Client { get; private set; } = null!;
    public IBlobStore Store => Client.Services.GetRequiredService<IBlobStore>();
    public IBus Bus => Client.Services.GetRequiredService<IBus>();

    public async Task InitializeAsync()
    {
        Stack = new ComposeStack();
        await Stack.UpAsync(Workers);
        Console.Error.WriteLine($"containers: compose stack {Stack.Project} with {Workers} workers ready in {Stack.UpTime.TotalSeconds:F0} s");
        Client = Hosting.WorkerHost.Build(Stack.ClientSettings(), consumers: false, Microsoft.Extensions.Logging.LogLevel.Warning);
        await Client.StartAsync();
        await DemoJob.SeedAsync(Store);
    }

    public async Task DisposeAsync()
    {
        await Client.StopAsync();
        Client.Dispose();
        var left = Stack.Down();
        if (left.Count > 0) Console.Error.WriteLine($"containers: compose down -v left {string.Join(", ", left)}");
    }

    /// <summary>Submits <paramref name="spec"/> and waits for its outcome while <paramref name="whileRunning"/> attacks the stack.</summary>
    public async Task<(JobOutcome Outcome, int Completions, TimeSpan Took)> RunAsync(Guid jobId, AuditJobSpec spec, Func<Task>? whileRunning = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var watcher = await JobWatcher.StartAsync(Bus, jobId, _ => { }, CancellationToken.None);
        await Bus.Publish(new SubmitAuditJob(jobId, spec));
        if (whileRunning is not null) await whileRunning();
        var outcome = await watcher.Outcome.WaitAsync(Patience.Job);
        var took = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(2)); // a duplicate completion would arrive right behind the first
        return (outcome, watcher.Completions, took);
    }
}

[CollectionDefinition(Name)]
public sealed class ContainerStackCollection : ICollectionFixture<StackFixture>
{
    public const string Name = "container stack";
}
