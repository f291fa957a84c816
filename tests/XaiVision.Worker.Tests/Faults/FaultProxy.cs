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
    int _connections, _requests, _failNext;
    volatile bool _down, _stalled, _serverErrors;

    public FaultProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _ = AcceptLoop();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Requests answered with 503 while <see cref="ServerErrors"/> was on.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Every request is read and answered <c>503 Server Busy</c> (what Azure Storage says when throttling).</summary>
    public bool ServerErrors
    {
        get => _serverErrors;
        set
        {
            _serverErrors = value;
            if (value) CutOpenConnections();
        }
    }

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

    public void ResetCount()
    {
        Volatile.Write(ref _connections, 0);
        Volatile.Write(ref _requests, 0);
    }

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
            if (_serverErrors)
            {
                _ = AnswerBusy(client);
                continue;
            }
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

    /// <summary>Answers each request on the connection with 503 (keep-alive), counting them.</summary>
    async Task AnswerBusy(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            var buffer = new byte[65536];
            var pending = "";
            while (!_stop.IsCancellationRequested)
            {
                int n = await stream.ReadAsync(buffer, _stop.Token);
                if (n == 0) break;
                pending += System.Text.Encoding.Latin1.GetString(buffer, 0, n);
                int end;
                while ((end = pending.IndexOf("\r\n\r\n", StringComparison.Ordinal)) >= 0)
                {
                    var head = pending[..end];
                    var length = head.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                        .Select(p => int.Parse(p[1].Trim())).FirstOrDefault();
                    if (pending.Length < end + 4 + length) break; // the body is still coming
                    pending = pending[(end + 4 + length)..];
                    Interlocked.Increment(ref _requests);
                    await stream.WriteAsync("HTTP/1.1 503 Server Busy\r\nContent-Length: 0\r\nx-ms-error-code: ServerBusy\r\n\r\n"u8.ToArray(), _stop.Token);
                }
            }
        }
        catch
        {
            // client or proxy closed
        }
        finally
        {
            client.Dispose();
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
