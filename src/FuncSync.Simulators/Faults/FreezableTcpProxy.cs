using System.Net;
using System.Net.Sockets;

namespace FuncSync.Simulators.Faults;

/// <summary>A loopback TCP proxy in front of one port that can be frozen: while frozen, connections are still
/// accepted and kept open but no byte moves either way, which is how a hung storage account looks to a client
/// (no refusal, no reset, just silence). Thawing lets everything held through. For fault tests and benchmarks only.</summary>
public sealed class FreezableTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _thawed = CompletedGate();
    private volatile bool _severed;
    private Task _accepting = Task.CompletedTask;

    private FreezableTcpProxy(int targetPort) => _targetPort = targetPort;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public bool IsFrozen
    {
        get
        {
            lock (_gate)
            {
                return !_thawed.Task.IsCompleted;
            }
        }
    }

    public static FreezableTcpProxy Start(int targetPort)
    {
        var proxy = new FreezableTcpProxy(targetPort);
        proxy._listener.Start();
        proxy._accepting = proxy.AcceptAsync();
        return proxy;
    }

    public void Freeze()
    {
        lock (_gate)
        {
            if (_thawed.Task.IsCompleted)
            {
                _thawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Thaw()
    {
        lock (_gate)
        {
            _thawed.TrySetResult();
        }
    }

    /// <summary>Drops every connection and closes each new one as soon as it is made, as an unreachable account looks
    /// (the client fails at once, rather than waiting on silence as when frozen) until <see cref="Restore"/>.</summary>
    public void Sever()
    {
        _severed = true;
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }
    }

    public void Restore() => _severed = false;

    public async ValueTask DisposeAsync()
    {
        Thaw();
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }

        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose.
        }

        _stop.Dispose();
    }

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    private Task WhileFrozenAsync()
    {
        lock (_gate)
        {
            return _thawed.Task;
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        if (_severed)
        {
            client.Dispose();
            return;
        }

        using var upstream = new TcpClient();
        lock (_connections)
        {
            _connections.Add(client);
            _connections.Add(upstream);
        }

        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            using var downstream = client;
            var one = PumpAsync(client.GetStream(), upstream.GetStream());
            var other = PumpAsync(upstream.GetStream(), client.GetStream());
            await Task.WhenAny(one, other);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // The other side went away, or the proxy stopped: the connection ends, as a real one would.
        }
        finally
        {
            client.Dispose();
            lock (_connections)
            {
                _connections.Remove(client);
                _connections.Remove(upstream);
            }
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                await WhileFrozenAsync().WaitAsync(_stop.Token);
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // Either side closed; the connection is over.
        }
    }
}

/// <summary>Blob, queue and table endpoints of an Azurite, each behind a <see cref="FreezableTcpProxy"/>: one switch
/// freezes the whole storage account for the clients that use <see cref="ConnectionString"/>.</summary>
public sealed class FreezableStorage : IAsyncDisposable
{
    private const string Account = "devstoreaccount1";

    // Azurite's well-known development key: public, and worthless outside Azurite.
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly FreezableTcpProxy[] _proxies;

    private FreezableStorage(FreezableTcpProxy blob, FreezableTcpProxy queue, FreezableTcpProxy table)
    {
        _proxies = [blob, queue, table];
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={DevelopmentKey};"
            + $"BlobEndpoint=http://127.0.0.1:{blob.Port}/{Account};QueueEndpoint=http://127.0.0.1:{queue.Port}/{Account};TableEndpoint=http://127.0.0.1:{table.Port}/{Account};";
    }

    public string ConnectionString { get; }

    public static FreezableStorage Start(int blobPort, int queuePort, int tablePort) =>
        new(FreezableTcpProxy.Start(blobPort), FreezableTcpProxy.Start(queuePort), FreezableTcpProxy.Start(tablePort));

    public void Freeze()
    {
        foreach (var proxy in _proxies)
        {
            proxy.Freeze();
        }
    }

    public void Thaw()
    {
        foreach (var proxy in _proxies)
        {
            proxy.Thaw();
        }
    }

    public void Sever()
    {
        foreach (var proxy in _proxies)
        {
            proxy.Sever();
        }
    }

    public void Restore()
    {
        foreach (var proxy in _proxies)
        {
            proxy.Restore();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var proxy in _proxies)
        {
            await proxy.DisposeAsync();
        }
    }
}
