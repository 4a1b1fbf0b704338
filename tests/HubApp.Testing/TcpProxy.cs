using System.Net;
using System.Net.Sockets;

namespace HubApp.Testing;

/// <summary>
/// A TCP forwarder on 127.0.0.1 between clients and a host, for network faults. <see cref="ResetAll"/> drops
/// every connection through it with a TCP reset on both sides, as a broken network path would; while
/// <see cref="Hold"/> is in effect, new connections are accepted but wait before they reach the host, so a
/// drop lasts as long as the test wants; <see cref="CutWhenHostSends"/> cuts the connection on which the host sends a
/// given text before any of those bytes reach the client, as a network that fails right after the host committed would.
/// Bounded: at most <see cref="MaxConnections"/> connections, a held one
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
    private (byte[] Marker, TaskCompletionSource<int> Cut)? _cutOn;
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

    /// <summary>
    /// Once: the first chunk of bytes from the host that contains <paramref name="text"/> (UTF-8; unmasked, so the
    /// host-to-client direction of a JSON WebSocket) is dropped and its connection reset both ways. The task completes when
    /// that happened. A chunk is what one read returned: a marker split over two reads is not seen, so keep it short.
    /// </summary>
    public Task CutWhenHostSends(string text)
    {
        var cut = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_cutOn is not null)
            {
                throw new InvalidOperationException("A cut is already armed.");
            }

            _cutOn = (System.Text.Encoding.UTF8.GetBytes(text), cut);
        }

        return cut.Task;
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

        await Task.WhenAll([_accepting, .. pumps]).DefaultTimeout();
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
            var toClient = PumpToClientAsync(pair, upstream.GetStream(), client.GetStream());
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

    // As CopyToAsync, but looks for an armed cut's marker in each chunk before forwarding it.
    private async Task PumpToClientAsync(Pair pair, NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, _stopping.Token)) > 0)
        {
            TaskCompletionSource<int>? cut = null;
            lock (_gate)
            {
                if (_cutOn is { } armed && buffer.AsSpan(0, read).IndexOf(armed.Marker) >= 0)
                {
                    cut = armed.Cut;
                    _cutOn = null;
                    _open.Remove(pair);
                }
            }

            if (cut is not null)
            {
                pair.Reset();
                Interlocked.Increment(ref _resets);
                cut.TrySetResult(read);
                return;
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
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
