using System.Net;
using System.Net.Sockets;

namespace HubApp.Tests.Infrastructure;

/// <summary>
/// A TCP forwarder on 127.0.0.1 between clients and a host, for network faults. <see cref="ResetAll"/> drops
/// every connection through it with a TCP reset on both sides, as a broken network path would; while
/// <see cref="Hold"/> is in effect, new connections are accepted but wait before they reach the host, so a
/// drop lasts as long as the test wants. Bounded: at most <see cref="MaxConnections"/> connections, a held one
/// waits at most <see cref="TestTimeouts.Default"/>, and disposing ends them all.
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    public const int MaxConnections = 64;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<Pair> _open = [];
    private readonly List<Task> _pumps = [];
    private readonly Task _accepting;
    private TaskCompletionSource? _held;
    private int _accepted;
    private int _resets;

    private TcpProxy(IPEndPoint upstream)
    {
        _upstream = upstream;
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptLoopAsync();
    }

    /// <summary>The proxy's address: give it to a client instead of the host's.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Connections reset by <see cref="ResetAll"/> so far.</summary>
    public int Resets => Volatile.Read(ref _resets);

    public static TcpProxy Start(Uri host) => new(new IPEndPoint(IPAddress.Parse(host.Host), host.Port));

    /// <summary>Resets every open connection (RST both ways, nothing flushed); returns how many there were.</summary>
    public int ResetAll()
    {
        Pair[] open;
        lock (_gate)
        {
            open = [.. _open];
            _open.Clear();
        }

        foreach (var pair in open)
        {
            pair.Reset();
        }

        Interlocked.Add(ref _resets, open.Length);
        return open.Length;
    }

    /// <summary>Until the result is disposed, new connections wait before being forwarded.</summary>
    public IDisposable Hold()
    {
        lock (_gate)
        {
            if (_held is not null)
            {
                throw new InvalidOperationException("The proxy is already held.");
            }

            _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return new Release(this);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        ReleaseHold();
        ResetAll();
        Task[] pumps;
        lock (_gate)
        {
            pumps = [.. _pumps];
        }

        await Task.WhenAll([_accepting, .. pumps]).WaitAsync(TestTimeouts.Default);
        _stopping.Dispose();
    }

    private void ReleaseHold()
    {
        TaskCompletionSource? held;
        lock (_gate)
        {
            held = _held;
            _held = null;
        }

        held?.TrySetResult();
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
                if (Interlocked.Increment(ref _accepted) > MaxConnections)
                {
                    client.Dispose();
                    throw new InvalidOperationException($"More than {MaxConnections} connections through the proxy.");
                }

                lock (_gate)
                {
                    _pumps.Add(Task.Run(() => ForwardAsync(client)));
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        var pair = new Pair(client, upstream);
        try
        {
            Task? held;
            lock (_gate)
            {
                held = _held?.Task;
            }

            if (held is not null)
            {
                await held.WaitAsync(TestTimeouts.Default, _stopping.Token);
            }

            await upstream.ConnectAsync(_upstream, _stopping.Token);
            lock (_gate)
            {
                _open.Add(pair);
            }

            var toHost = client.GetStream().CopyToAsync(upstream.GetStream(), _stopping.Token);
            var toClient = upstream.GetStream().CopyToAsync(client.GetStream(), _stopping.Token);
            await Task.WhenAny(toHost, toClient);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or TimeoutException)
        {
            // A reset, a closed side or the end of the test ends the connection.
        }
        finally
        {
            lock (_gate)
            {
                _open.Remove(pair);
            }

            pair.Dispose();
        }
    }

    private sealed class Release(TcpProxy proxy) : IDisposable
    {
        public void Dispose() => proxy.ReleaseHold();
    }

    private sealed class Pair(TcpClient client, TcpClient upstream) : IDisposable
    {
        public void Reset()
        {
            Abort(client);
            Abort(upstream);
        }

        public void Dispose()
        {
            client.Dispose();
            upstream.Dispose();
        }

        // A zero linger time makes Close send RST instead of FIN, dropping whatever was queued.
        private static void Abort(TcpClient tcp)
        {
            // Null once the pair was disposed by its own pump, which may race with a reset.
            if (tcp.Client is not { } socket)
            {
                return;
            }

            try
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
            }
        }
    }
}
