using System.Net.Sockets;
using System.Net.WebSockets;
using HubApp.Contracts;

namespace HubApp.Testing;

/// <summary>
/// A WebSocket to the hub over a TCP socket with a 4 KB receive buffer, for clients that stop reading: what the server
/// sends them then stays on the server's side. Disposing it drops the connection.
/// </summary>
internal sealed class SmallBufferSocket(ClientWebSocket socket, HttpMessageInvoker invoker) : IDisposable
{
    public ClientWebSocket Socket => socket;

    public static async Task<SmallBufferSocket> ConnectAsync(HubAppHost host, string userId)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
                await tcp.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(tcp, ownsSocket: true);
            },
        };
        var invoker = new HttpMessageInvoker(handler);
        var socket = new ClientWebSocket();
        var url = new UriBuilder(host.BaseAddress) { Scheme = "ws", Path = HubMethods.Path, Query = $"access_token={TestTokens.Create(userId)}" }.Uri;
        await socket.ConnectAsync(url, invoker, CancellationToken.None).DefaultTimeout();
        return new SmallBufferSocket(socket, invoker);
    }

    public void Dispose()
    {
        socket.Abort();
        socket.Dispose();
        invoker.Dispose();
    }
}
