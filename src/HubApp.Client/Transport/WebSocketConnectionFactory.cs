using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace HubApp.Client.Transport;

/// <summary>
/// Connects <c>HubConnection</c> straight to the hub's WebSocket, without negotiate. It stands in for
/// <c>WithUrl</c> from Microsoft.AspNetCore.SignalR.Client, which cannot be restored here; keeping the
/// transport in this folder lets it be swapped for that package where it exists.
/// </summary>
internal sealed class WebSocketConnectionFactory(
    Func<CancellationToken, ValueTask<string?>>? accessTokenProvider,
    Action<ClientWebSocketOptions>? configureWebSocket,
    ILoggerFactory loggerFactory) : IConnectionFactory
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<WebSocketConnection>();

    /// <summary>
    /// Called for every connect, reconnects included, so each one asks the provider for a fresh token.
    /// An upgrade the server refuses throws <see cref="HttpRequestException"/> with its status code.
    /// </summary>
    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not UriEndPoint { Uri: var hubUrl })
        {
            throw new NotSupportedException($"{nameof(WebSocketConnectionFactory)} connects to a {nameof(UriEndPoint)}, not a {endpoint.GetType().Name}.");
        }

        var token = accessTokenProvider is null ? null : await accessTokenProvider(cancellationToken).ConfigureAwait(false);
        var uri = WebSocketUri.Create(hubUrl, token);

        var socket = new ClientWebSocket();
        try
        {
            socket.Options.CollectHttpResponseDetails = true;
            configureWebSocket?.Invoke(socket.Options);
            await socket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException ex) when (socket.HttpStatusCode is not (0 or HttpStatusCode.SwitchingProtocols))
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();

            // The URL is left out of the message: it carries the token.
            throw new HttpRequestException(
                $"The server refused the WebSocket connection to {hubUrl.GetLeftPart(UriPartial.Path)} with {(int)status} {status}.", ex, status);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new WebSocketConnection(socket, _logger);
    }
}
