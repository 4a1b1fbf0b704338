using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HubApp.Client.Tests.TestHost;

/// <summary>
/// The smallest forward HTTP proxy, on a free loopback port, that sends everything to one server whatever
/// host a request names: CONNECT tunnels (which .NET uses for WebSockets through a proxy) are answered 200
/// and then piped; other requests (absolute-form, which Kestrel accepts) are piped as they are. It records
/// the first line of each connection, so a test sees which requests came through it.
/// </summary>
public sealed class HttpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _accepting;

    private HttpProxy(IPEndPoint upstream)
    {
        _upstream = upstream;
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptLoopAsync();
    }

    public Uri Url { get; }

    /// <summary>The request line that opened each connection through the proxy, e.g. "CONNECT chat.invalid:80 HTTP/1.1".</summary>
    public ConcurrentQueue<string> RequestLines { get; } = new();

    public static HttpProxy Start(Uri server) => new(new IPEndPoint(IPAddress.Parse(server.Host), server.Port));

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await Task.WhenAll([_accepting, .. _connections]).WaitAsync(Timeouts.Default);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
                _connections.Add(Task.Run(() => ServeAsync(client)));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        using var upstream = new TcpClient();
        try
        {
            var downstream = client.GetStream();
            var head = await ReadHeadAsync(downstream, _stopping.Token);
            var requestLine = head[..head.IndexOf("\r\n", StringComparison.Ordinal)];
            RequestLines.Enqueue(requestLine);
            await upstream.ConnectAsync(_upstream, _stopping.Token);
            var server = upstream.GetStream();
            if (requestLine.StartsWith("CONNECT ", StringComparison.Ordinal))
            {
                await downstream.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), _stopping.Token);
            }
            else
            {
                await server.WriteAsync(Encoding.Latin1.GetBytes(head), _stopping.Token);
            }

            await Task.WhenAny(downstream.CopyToAsync(server, _stopping.Token), server.CopyToAsync(downstream, _stopping.Token));
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A closed side ends the connection.
        }
    }

    // Reads up to the blank line that ends the request head, a byte at a time so nothing after it is taken.
    private static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (head.Length > 16 * 1024 || await stream.ReadAsync(one, ct) == 0)
            {
                throw new IOException("No complete request head.");
            }

            head.Append((char)one[0]);
        }

        return head.ToString();
    }
}
