using System.Net;
using System.Net.Sockets;

namespace XaiVision.Worker.Tests.Faults;

/// <summary>
/// A TCP proxy in front of a real service (Azurite) that can drop connections on demand — a network fault
/// the client cannot tell from a real one. Counts accepted connections: after a refused exchange a client
/// must reconnect, so connections made while failing = attempts made.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly int _targetPort;
    readonly CancellationTokenSource _stop = new();
    readonly List<TcpClient> _open = new();
    int _connections, _failNext;
    volatile bool _down, _stalled;

    public FaultProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _ = AcceptLoop();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Down: every connection is accepted and closed at once, and open ones are cut.</summary>
    public bool Down
    {
        get => _down;
        set
        {
            _down = value;
            if (value) CutOpenConnections();
        }
    }

    /// <summary>The next <paramref name="count"/> connections are dropped, then traffic passes again.</summary>
    public void FailNext(int count)
    {
        Volatile.Write(ref _failNext, count);
        CutOpenConnections();
    }

    /// <summary>Stalled: connections are accepted and then nothing is ever answered (a hung server: the client's timeout fires).</summary>
    public bool Stalled
    {
        get => _stalled;
        set
        {
            _stalled = value;
            if (value) CutOpenConnections();
        }
    }

    public void ResetCount() => Volatile.Write(ref _connections, 0);

    void CutOpenConnections()
    {
        lock (_open)
        {
            foreach (var c in _open) c.Dispose();
            _open.Clear();
        }
    }

    async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch { return; }
            Interlocked.Increment(ref _connections);
            if (_down || Interlocked.Decrement(ref _failNext) >= 0)
            {
                client.Client.LingerState = new LingerOption(true, 0); // RST, like a crashed peer
                client.Dispose();
                continue;
            }
            if (_stalled)
            {
                lock (_open) _open.Add(client); // held open, never read, closed when the proxy is cut or disposed
                continue;
            }
            _ = Pipe(client);
        }
    }

    async Task Pipe(TcpClient client)
    {
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            lock (_open) { _open.Add(client); _open.Add(upstream); }
            var a = client.GetStream().CopyToAsync(upstream.GetStream(), _stop.Token);
            var b = upstream.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
            await Task.WhenAny(a, b);
        }
        catch { /* either side closed */ }
        finally
        {
            client.Dispose();
            lock (_open) { _open.Remove(client); _open.Remove(upstream); }
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        CutOpenConnections();
        return ValueTask.CompletedTask;
    }
}
