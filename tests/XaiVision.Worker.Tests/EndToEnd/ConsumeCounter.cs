using System.Collections.Concurrent;
using MassTransit;

namespace XaiVision.Worker.Tests.EndToEnd;

/// <summary>Counts the messages a worker host has finished consuming (handled or faulted), per message type: a state to wait on
/// instead of a sleep when a test needs redelivered or duplicate messages to have been dealt with.</summary>
public sealed class ConsumeCounter : IConsumeObserver
{
    readonly ConcurrentDictionary<Type, int> _done = new();

    public int Of<T>() => _done.GetValueOrDefault(typeof(T));

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class => Count<T>();

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Count<T>();

    Task Count<T>()
    {
        _done.AddOrUpdate(typeof(T), 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}
